using System.Runtime.InteropServices;

namespace WasmDynamic.Native;

/// <summary>Owns a <c>wasm_engine_t*</c>.</summary>
internal sealed class EngineHandle : SafeHandle
{
    public EngineHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    /// <summary>The raw pointer; throws <see cref="ObjectDisposedException"/> once released.</summary>
    public nint Pointer => IsClosed ? throw new ObjectDisposedException(nameof(ComponentRuntime)) : handle;

    protected override bool ReleaseHandle()
    {
        WasmtimeApi.wasm_engine_delete(handle);
        return true;
    }
}

/// <summary>Owns a <c>wasmtime_component_t*</c>.</summary>
internal sealed class ComponentHandle : SafeHandle
{
    public ComponentHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    public nint Pointer => IsClosed ? throw new ObjectDisposedException(nameof(WasmComponent)) : handle;

    protected override bool ReleaseHandle()
    {
        ComponentApi.wasmtime_component_delete(handle);
        return true;
    }
}

/// <summary>
/// Owns a <c>wasmtime_store_t*</c>; everything created in the store dies with it. It also owns the GCHandles the
/// store's native callbacks read (its data, the epoch callback's state), freed right after the store is deleted: Wasmtime
/// is given no finalizer for them, so deleting a store costs no call back into managed code.
/// </summary>
internal sealed class StoreHandle : SafeHandle
{
    private nint _data;
    private nint _callbackData;

    /// <param name="handle">The store, or 0 when <c>wasmtime_store_new</c> failed (then <paramref name="data"/> is freed at once).</param>
    /// <param name="data">A GCHandle made with <see cref="CallbackBridge.Handle"/> that the store's data holds, or 0.</param>
    public StoreHandle(nint handle, nint data = 0) : base(0, ownsHandle: true)
    {
        SetHandle(handle);
        if (handle == 0 && data != 0)
        {
            CallbackBridge.Free(data);
            return;
        }

        _data = data;
    }

    public override bool IsInvalid => handle == 0;

    public nint Pointer => IsClosed ? throw new ObjectDisposedException("ComponentInstance") : handle;

    /// <summary>Takes a GCHandle that a callback registered on this store reads (one: the epoch deadline callback's).</summary>
    public void OwnCallbackData(nint gcHandle)
    {
        if (_callbackData != 0)
        {
            CallbackBridge.Free(_callbackData);
        }

        _callbackData = gcHandle;
    }

    protected override bool ReleaseHandle()
    {
        // The store's drop may still run callbacks (resource destructors read the data): free the handles after it.
        WasmtimeApi.wasmtime_store_delete(handle);
        if (_data != 0)
        {
            CallbackBridge.Free(_data);
            _data = 0;
        }

        if (_callbackData != 0)
        {
            CallbackBridge.Free(_callbackData);
            _callbackData = 0;
        }

        return true;
    }
}

/// <summary>Owns a <c>wasmtime_component_linker_t*</c>.</summary>
internal sealed class LinkerHandle : SafeHandle
{
    public LinkerHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    public nint Pointer => IsClosed ? throw new ObjectDisposedException("ComponentLinker") : handle;

    protected override bool ReleaseHandle()
    {
        ComponentApi.wasmtime_component_linker_delete(handle);
        return true;
    }
}
