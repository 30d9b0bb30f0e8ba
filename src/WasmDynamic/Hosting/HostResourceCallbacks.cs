using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using WasmDynamic.Native;

namespace WasmDynamic.Hosting;

/// <summary>Native callbacks for host-implemented resources.</summary>
internal static class HostResourceCallbacks
{
    /// <summary>
    /// The guest dropped its own handle to a host resource: release the object (and dispose it). <c>data</c> is a
    /// GCHandle to the store's <see cref="StoreState"/>.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static nint Destructor(nint data, nint context, uint rep)
    {
        try
        {
            var state = (StoreState)GCHandle.FromIntPtr(data).Target!;
            if (state.HostResources.Remove(rep) is IDisposable disposable)
            {
                try
                {
                    disposable.Dispose();
                }
                catch (Exception e)
                {
                    state.PendingHostException = e;
                    return NativeError.Create($"disposing a host resource threw {e.GetType().Name}: {e.Message}");
                }
            }

            return 0;
        }
        catch (Exception e)
        {
            return NativeError.Create("WasmDynamic resource destructor failed: " + e.Message);
        }
    }
}
