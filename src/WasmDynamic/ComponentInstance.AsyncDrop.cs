using System.Runtime.InteropServices;
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

        await DropInSlotAsync(handle, drop, signature).ConfigureAwait(false);
    }

    /// <summary>
    /// The drop of <see cref="DropResourceAsync"/>, by a caller that holds the slot (released here): a guest destructor
    /// run through the wrapper's hidden drop function is driven as an async call is, holding no thread while it awaits
    /// a host import's task; it counts as a call (a Dispose meanwhile stops it and frees the store when it ends), with
    /// the call timeout and the caller's cancellation scope, as <see cref="DropHeld"/> gives the blocking drop.
    /// </summary>
    private async ValueTask DropInSlotAsync(ResourceHandle handle, string drop, string signature)
    {
        PendingDrop? pending;
        _lock.Enter();
        try
        {
            pending = StartDrop(handle);
        }
        catch
        {
            _lock.Exit();
            _slot.Release();
            throw;
        }

        if (pending is null)
        {
            _lock.Exit();
            _slot.Release();
            return;
        }

        _lock.Exit();
        Exception? failure;
        try
        {
            var stopped = await AsyncDriver.RunAsync(pending.Future!, _state, _interrupt, blocking: false).ConfigureAwait(false);
            failure = pending.Failure(stopped) is { } failed ? CallFailure.Classify(WithoutTwins(failed), drop, signature, _interrupt, _state, _options) : null;
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            pending.Dispose();
        }

        if (failure is not null)
        {
            // As after a failed call: the store stopped inside the guest and cannot be used again.
            _poison = failure;
        }

        ExitAsync();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>
    /// Takes an owned handle out of .NET's hands and starts its guest destructor through the hidden drop function, as a
    /// call of the instance (<c>_depth</c>, armed); null when there is nothing to run (already dropped, a disposed or
    /// poisoned store, a borrowed handle, no wrapper: then the handle is only released). The caller holds the slot and
    /// the lock.
    /// </summary>
    private unsafe PendingDrop? StartDrop(ResourceHandle handle)
    {
        if (_disposed)
        {
            return null;
        }

        var any = handle.Take();
        if (any == 0)
        {
            return null;
        }

        Resources.Untrack(handle);
        var resource = handle.Binding.Resource;
        if (!handle.Owned || _poison is not null || resource.Name is not { } name || resource.Owner is not { } owner || Code.Bulk?.FindDrop(owner, name) is not { } twin)
        {
            ComponentApi.wasmtime_component_resource_any_delete(any);
            return null;
        }

        var pending = new PendingDrop(any);
        var armed = false;
        try
        {
            *pending.Func = Linking.GetFunc(Component.Name, _native, Context, null, twin.HiddenName);
            armed = ArmForDrop();
            _state.PendingHostException = null;
            pending.Future = new CallFutureHandle(AsyncApi.wasmtime_component_func_call_async(pending.Func, Context, pending.Argument, 1, null, 0, pending.Error));
        }
        catch
        {
            if (armed)
            {
                _armed = false;
                _interrupt.CallToken = default;
                _interrupt.Deadline = long.MaxValue;
            }

            pending.Dispose();
            throw;
        }

        _depth++;
        return pending;
    }

    /// <summary>The native memory of a hidden drop call that outlives its first poll: the function, the argument and the error slot.</summary>
    private sealed unsafe class PendingDrop : IDisposable
    {
        private readonly nint _any;

        public PendingDrop(nint any)
        {
            _any = any;
            Func = (ComponentFunc*)NativeMemory.AllocZeroed((nuint)sizeof(ComponentFunc));
            Argument = (Val*)NativeMemory.AllocZeroed(Val.Size);
            Argument->Kind = ValKind.Resource;
            Argument->Resource = any;
            Error = (nint*)NativeMemory.AllocZeroed((nuint)sizeof(nint));
        }

        public ComponentFunc* Func { get; }

        public Val* Argument { get; }

        public nint* Error { get; }

        public CallFutureHandle? Future { get; set; }

        /// <summary>What stopped the call (the driver's reason, or the error the call ended with), or null when it succeeded.</summary>
        public NativeFailure? Failure(NativeFailure? stopped)
        {
            if (stopped is not null)
            {
                return stopped;
            }

            var error = *Error;
            *Error = 0;
            return error == 0 ? null : NativeError.Take(error);
        }

        public void Dispose()
        {
            Future?.Dispose();

            // The call took the resource (own<R>): only the host-side box is left.
            ComponentApi.wasmtime_component_resource_any_delete(_any);
            NativeMemory.Free(Func);
            NativeMemory.Free(Argument);
            NativeMemory.Free(Error);
        }
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
