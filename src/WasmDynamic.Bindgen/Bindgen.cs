using System.Text;
using WasmDynamic.Wit;

namespace WasmDynamic.Bindgen;

/// <summary>
/// Generates C# source for a component's world: an interface per exported interface (and one for the root exports)
/// that binds with <c>instance.GetInterface&lt;T&gt;()</c>, an interface per imported interface for the host to
/// implement, records, enums, flags and variants as C# types that follow WasmDynamic's binding conventions, resources
/// as <see cref="IDisposable"/> interfaces (exported) or abstract classes (imported), and a <c>WitBindings</c> class to
/// bind every export at once and register host implementations.
/// </summary>
/// <example>
/// <code>
/// foreach (var (file, utf8) in Bindgen.Generate("Demo.Calc", File.ReadAllBytes("calc.wasm")))
/// {
///     File.WriteAllBytes(Path.Combine("Generated", file), utf8);
/// }
/// </code>
/// </example>
public static class Bindgen
{
    /// <summary>
    /// Reads the world of <paramref name="component"/>, then generates its bindings. A component binary is read without
    /// an engine (<see cref="WitWorld.Read(ReadOnlySpan{byte})"/>: its structure is checked, its core code is not
    /// compiled or validated); WAT text is compiled by Wasmtime to read it.
    /// </summary>
    /// <param name="name">The namespace of the generated code, e.g. <c>Demo.Calc</c>.</param>
    /// <param name="component">The component's bytes.</param>
    /// <returns>File name (e.g. <c>ITypes.g.cs</c>) → UTF-8 C# source, in a stable order.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a usable namespace.</exception>
    /// <exception cref="ComponentLoadException"><paramref name="component"/> is not a valid component.</exception>
    public static IReadOnlyDictionary<string, byte[]> Generate(string name, byte[] component) => Generate(name, component, null);

    /// <summary>
    /// Reads the world of <paramref name="component"/>, then generates its bindings as <paramref name="options"/> say
    /// (see <see cref="Generate(string, byte[])"/>).
    /// </summary>
    /// <param name="name">The namespace of the generated code, e.g. <c>Demo.Calc</c>.</param>
    /// <param name="component">The component's bytes.</param>
    /// <param name="options">How to write the bindings (null: the defaults, synchronous).</param>
    /// <returns>File name (e.g. <c>ITypes.g.cs</c>) → UTF-8 C# source, in a stable order.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a usable namespace.</exception>
    /// <exception cref="ComponentLoadException"><paramref name="component"/> is not a valid component.</exception>
    public static IReadOnlyDictionary<string, byte[]> Generate(string name, byte[] component, BindgenOptions? options)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(component);
        if (component.AsSpan().StartsWith("\0asm"u8))
        {
            return Generate(name, WitWorld.Read(component), options);
        }

        using var runtime = new ComponentRuntime();
        using var loaded = runtime.Load(component);
        return Generate(name, loaded.World, options);
    }

    /// <summary>Generates the bindings of <paramref name="world"/>.</summary>
    /// <param name="name">The namespace of the generated code, e.g. <c>Demo.Calc</c>.</param>
    /// <param name="world">The world, e.g. <see cref="WasmComponent.World"/>.</param>
    /// <returns>File name (e.g. <c>ITypes.g.cs</c>) → UTF-8 C# source, in a stable order.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a usable namespace.</exception>
    public static IReadOnlyDictionary<string, byte[]> Generate(string name, WitWorld world) => Generate(name, world, null);

    /// <summary>Generates the bindings of <paramref name="world"/> as <paramref name="options"/> say.</summary>
    /// <param name="name">The namespace of the generated code, e.g. <c>Demo.Calc</c>.</param>
    /// <param name="world">The world, e.g. <see cref="WasmComponent.World"/>.</param>
    /// <param name="options">How to write the bindings (null: the defaults, synchronous).</param>
    /// <returns>File name (e.g. <c>ITypes.g.cs</c>) → UTF-8 C# source, in a stable order.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a usable namespace.</exception>
    public static IReadOnlyDictionary<string, byte[]> Generate(string name, WitWorld world, BindgenOptions? options)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(world);
        var files = Emitter.Run(CSharpNames.Namespace(name), world, options ?? new BindgenOptions());
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (file, text) in files)
        {
            result[file] = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
        }

        return result;
    }

    /// <summary>
    /// The fingerprint the generated <c>WitBindings.Fingerprints</c> records for an exported interface of
    /// <paramref name="world"/> (<paramref name="interfaceName"/> empty for the root exports): SHA-256 over the
    /// interface name, its function signatures and the definitions of the named types they use. Equal fingerprints
    /// mean the generated interface still fits the component.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The world exports no interface named <paramref name="interfaceName"/>.</exception>
    public static string Fingerprint(WitWorld world, string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        return WitFingerprint.Of(world, interfaceName);
    }
}
