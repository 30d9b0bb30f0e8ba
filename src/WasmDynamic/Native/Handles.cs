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

/// <summary>Owns a <c>wasmtime_store_t*</c>; everything created in the store dies with it.</summary>
internal sealed class StoreHandle : SafeHandle
{
    public StoreHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    public nint Pointer => IsClosed ? throw new ObjectDisposedException("ComponentInstance") : handle;

    protected override bool ReleaseHandle()
    {
        WasmtimeApi.wasmtime_store_delete(handle);
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
