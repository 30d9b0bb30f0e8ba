using System.Runtime.InteropServices;

namespace WasmDynamic.Native;

/// <summary>
/// Wasmtime 50's asynchronous component entry points. An async call runs the guest on a fiber (its own stack);
/// <c>wasmtime_call_future_poll</c> runs it until it finishes (true) or yields (false: a host call is waiting, or an
/// epoch/fuel yield); a later poll resumes the guest where it stopped. Polls may happen on different threads, one at
/// a time. Nothing managed may run on the fiber (see <see cref="FiberTrampolines"/>).
/// </summary>
internal static unsafe partial class AsyncApi
{
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_func_call_async(ComponentFunc* func, nint context, Val* args, nuint argCount, Val* results, nuint resultCount, nint* errorRet);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_linker_instantiate_async(nint linker, nint context, nint component, ComponentInstanceNative* instanceOut, nint* errorRet);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_call_future_poll(nint future);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_call_future_delete(nint future);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_linker_instance_add_func_async(nint linkerInstance, byte* name, nuint nameLength, nint callback, nint data, nint finalizer);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_linker_add_wasip2_async(nint linker);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_context_epoch_deadline_async_yield_and_update(nint context, ulong delta);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_context_fuel_async_yield_interval(nint context, ulong interval);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_config_async_stack_size_set(nint config, nuint size);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_context_get_data(nint context);
}

/// <summary>Owns a <c>wasmtime_call_future_t*</c> (an async call or instantiation in progress).</summary>
/// <remarks>
/// <para>Deleting a future that has not finished cancels it: the guest's fiber is dropped where it stopped.</para>
/// <para>Not a <see cref="SafeHandle"/>: one is created per async call, and a finalizable object cost 300–600 ns per
/// call here (2-core machine under load) (allocation on the finalizer-registering path, <c>SuppressFinalize</c>, the handle's ref counting), as much as
/// Wasmtime's own async call of a small function. Every owner disposes it in a <c>finally</c>; only the thread that holds the store's
/// call slot touches it, so no ref counting is needed either. A future that was never disposed would be leaked, not
/// deleted by a finalizer — which would run on another thread while the store may be in use, so it could not be
/// deleted safely there anyway.</para>
/// </remarks>
internal sealed class CallFutureHandle : IDisposable
{
    private nint _handle;

    public CallFutureHandle(nint handle) => _handle = handle;

    /// <summary>True once <see cref="Dispose"/> has deleted the future.</summary>
    public bool IsClosed => _handle == 0;

    /// <summary>Runs the guest until it finishes (true) or yields (false).</summary>
    public bool Poll() => AsyncApi.wasmtime_call_future_poll(_handle == 0 ? throw new ObjectDisposedException(nameof(CallFutureHandle)) : _handle);

    /// <summary>Deletes the future (cancelling it if it has not finished); later calls do nothing.</summary>
    public void Dispose()
    {
        var handle = _handle;
        _handle = 0;
        if (handle != 0)
        {
            AsyncApi.wasmtime_call_future_delete(handle);
        }
    }
}
