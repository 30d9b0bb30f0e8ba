using WasmDynamic.Exports;
using WasmDynamic.Imports;
using WasmDynamic.Native;

namespace WasmDynamic;

public sealed partial class ComponentInstance
{
    /// <summary>
    /// <see cref="DropResource"/> that waits for an async instance's slot without blocking a thread (bounded as a call's
    /// wait is); a synchronous instance, a drop from the instance's own host import, or a released handle takes the
    /// synchronous path.
    /// </summary>
    internal async ValueTask DropResourceAsync(ResourceHandle handle)
    {
        if (!_async || handle.IsReleased || (AsyncDriver.InImportOf is { } store && store == _state))
        {
            DropResource(handle);
            return;
        }

        var drop = $"[resource-drop]{handle.Binding.Resource.Name}";
        var signature = $"resource {handle.Binding.Resource.Name}";
        if (!_slot.Wait(0))
        {
            await WaitForSlotAsync(drop, signature, CancellationToken.None).ConfigureAwait(false);
        }

        DropInSlot(handle, drop, signature);
    }

    /// <summary>The drop, by a caller that holds the async instance's slot (released here).</summary>
    private void DropInSlot(ResourceHandle handle, string drop, string signature)
    {
        try
        {
            DropUnderLock(handle, drop, signature);
        }
        finally
        {
            _slot.Release();
        }
    }

    /// <summary>The drop under the instance's lock (the caller holds the slot).</summary>
    private void DropUnderLock(ResourceHandle handle, string drop, string signature)
    {
        _lock.Enter();
        try
        {
            DropHeld(handle, drop, signature);
        }
        finally
        {
            _lock.Exit();
        }
    }

    /// <summary>
    /// Drops an owned guest resource of an async instance by calling the wrapper's hidden drop function for its type
    /// with <c>call_async</c> (driven to its end here; a host import the destructor calls runs on this thread), so the
    /// guest destructor runs although the async store refuses <c>wasmtime_component_resource_any_drop</c>. False when
    /// the instance's code has no such function (no wrapper: the adapter is off, the runtime pools, or the options
    /// picked the original component); then the handle is only released. Frees <paramref name="any"/> when true.
    /// The caller holds the instance (its slot and lock).
    /// </summary>
    private unsafe bool DropThroughTwin(ResourceHandle handle, nint any, string drop, string signature)
    {
        var resource = handle.Binding.Resource;
        if (resource.Name is not { } name || resource.Owner is not { } owner || Code.Bulk?.FindDrop(owner, name) is not { } twin)
        {
            return false;
        }

        NativeFailure? stopped;
        nint error = 0;
        try
        {
            var func = Linking.GetFunc(Component.Name, _native, Context, null, twin.HiddenName);
            var arg = default(Val);
            arg.Kind = ValKind.Resource;
            arg.Resource = any;
            _state.PendingHostException = null;
            using var future = new CallFutureHandle(AsyncApi.wasmtime_component_func_call_async(&func, Context, &arg, 1, null, 0, &error));
            stopped = AsyncDriver.Run(future, _state, _interrupt);
        }
        finally
        {
            // The call took the resource (own<R>): only the host-side box is left.
            ComponentApi.wasmtime_component_resource_any_delete(any);
        }

        if (stopped is not null)
        {
            var e = CallFailure.Classify(WithoutTwins(stopped), drop, signature, _interrupt, _state, _options);
            _poison = e;
            throw e;
        }

        if (error != 0)
        {
            var e = CallFailure.Classify(WithoutTwins(NativeError.Take(error)), drop, signature, _interrupt, _state, _options);
            _poison = e;
            throw e;
        }

        return true;
    }
}
