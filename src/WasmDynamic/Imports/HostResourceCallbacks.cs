using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using WasmDynamic.Native;

namespace WasmDynamic.Imports;

/// <summary>Native callbacks for host-implemented resources.</summary>
internal static class HostResourceCallbacks
{
    /// <summary>What a resource's destructor needs for messages: the resource's drop function (the store comes from the context).</summary>
    public sealed record Target(string Name);

    /// <summary>
    /// The guest dropped its own handle to a host resource: release the object (and dispose it). <c>data</c> is a
    /// GCHandle to a <see cref="Target"/>; the store is the one behind <c>context</c>.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static nint Destructor(nint data, nint context, uint rep)
    {
        try
        {
            var target = CallbackBridge.Target<Target>(data);
            var state = StoreState.Of(context);
            if (state.HostResources.Remove(rep) is IDisposable disposable)
            {
                try
                {
                    disposable.Dispose();
                }
                catch (Exception e)
                {
                    return CallbackBridge.Captured(state, e, "host resource destructor", $"'{target.Name}' ({disposable.GetType().Name}.Dispose)");
                }
            }

            return 0;
        }
        catch (Exception e)
        {
            return CallbackBridge.Unexpected("resource destructor", e);
        }
    }
}
