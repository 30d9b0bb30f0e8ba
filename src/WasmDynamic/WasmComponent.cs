using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic;

/// <summary>
/// A compiled component: its <see cref="World"/> (what it imports and exports, as WIT) and the way to instantiate it.
/// </summary>
/// <remarks>Thread-safe. Dispose it to release the compiled code once its instances are gone.</remarks>
public sealed partial class WasmComponent : IDisposable
{
    private Emit.WorldTypes? _types;

    internal WasmComponent(ComponentRuntime runtime, ComponentHandle handle, string name, WitWorld world)
    {
        Runtime = runtime;
        Handle = handle;
        Name = name;
        World = world;
    }

    /// <summary>The runtime that loaded this component.</summary>
    public ComponentRuntime Runtime { get; }

    /// <summary>The file path or name this component was loaded from.</summary>
    public string Name { get; }

    /// <summary>The component's world, read from the component binary (see <see cref="WitWorld.Read(ReadOnlySpan{byte})"/>).</summary>
    public WitWorld World { get; }

    internal ComponentHandle Handle { get; }

    /// <summary>The world as WIT text, in the layout of <c>wasm-tools component wit</c> / <c>jco wit</c>.</summary>
    public string ToWit() => World.ToWit();

    internal Emit.WorldTypes Types => _types ??= Emit.WorldTypes.For(World);

    /// <summary>Instantiates the component with no host imports (WASI, if imported, is provided sandboxed).</summary>
    /// <exception cref="ComponentBindingException">The component has imports that need an implementation.</exception>
    public ComponentInstance Instantiate() => Instantiate(new InstanceOptions());

    /// <summary>
    /// Instantiates the component with host imports: a <see cref="ComponentImports"/>, or a plain object whose
    /// properties match imports by short PascalCase name (<c>new { Logger = new ConsoleLogger() }</c>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="imports"/> is null.</exception>
    /// <exception cref="ComponentBindingException">An import is missing or a host method does not fit; the message lists all.</exception>
    public ComponentInstance Instantiate(object imports) => Instantiate(new InstanceOptions { Imports = ComponentImports.FromObject(imports) });

    /// <summary>Instantiates the component with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ComponentBindingException">An import is missing or a host method does not fit; the message lists all.</exception>
    public ComponentInstance Instantiate(InstanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ComponentInstance(this, options);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Releases the compiled component.</summary>
    public void Dispose() => Handle.Dispose();
}
