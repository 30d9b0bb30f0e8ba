namespace WasmDynamic.Native;

/// <summary>
/// Where the P/Invoke declarations find the engine.
/// </summary>
/// <remarks>
/// We P/Invoke the <c>wasmtime</c> native library that the <c>Wasmtime</c> NuGet package (Wasmtime.Dotnet)
/// ships, instead of building on that package's managed objects. Its Engine/Store/Component handles are
/// <c>internal</c>, and it has no type reflection, no resources and no way to attach our own callback state to
/// a store, so WasmDynamic owns every native object it uses (engine, store, component, linker) through its own
/// <see cref="System.Runtime.InteropServices.SafeHandle"/> types. The package stays a dependency because it
/// brings the native binary for every runtime identifier and keeps its version pinned with ours (50.0.1).
/// </remarks>
internal static class WasmtimeLibrary
{
    /// <summary>The library name resolved through the app's deps.json native assets.</summary>
    public const string Name = "wasmtime";

    /// <summary>The Wasmtime release the P/Invoke layer is written against (the package pins it).</summary>
    public const string Version = "50.0.1";
}
