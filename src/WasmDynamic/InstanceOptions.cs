namespace WasmDynamic;

/// <summary>How to instantiate a component: host imports, WASI and what to do with unimplemented imports.</summary>
public sealed class InstanceOptions
{
    /// <summary>Host implementations of the component's imports.</summary>
    public ComponentImports Imports { get; init; } = new();

    /// <summary>
    /// The WASI 0.2 environment for components that import <c>wasi:*</c>. Sandboxed by default: no environment, no
    /// arguments, no directories, empty stdin; stdout and stderr go to the host's console.
    /// </summary>
    public WasiOptions Wasi { get; init; } = new();

    /// <summary>
    /// When true, imports with no implementation become functions that trap when the guest calls them, instead of
    /// failing instantiation with <see cref="ComponentBindingException"/>.
    /// </summary>
    public bool TrapUnimplementedImports { get; init; }
}
