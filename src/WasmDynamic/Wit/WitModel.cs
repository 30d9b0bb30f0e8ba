namespace WasmDynamic.Wit;

/// <summary>What a WIT function is, relative to a resource.</summary>
public enum WitFunctionKind
{
    /// <summary>A plain function of an interface or the world.</summary>
    Freestanding,
    /// <summary><c>[constructor]r</c>: creates a resource.</summary>
    Constructor,
    /// <summary><c>[method]r.f</c>: takes <c>self: borrow&lt;r&gt;</c> first.</summary>
    Method,
    /// <summary><c>[static]r.f</c>: a function scoped to a resource.</summary>
    Static,
}

/// <summary>A parameter of a <see cref="WitFunction"/>.</summary>
/// <param name="Name">The kebab-case parameter name.</param>
/// <param name="Type">The parameter type.</param>
public sealed record WitParameter(string Name, WitType Type);

/// <summary>A component function, as WIT declares it.</summary>
/// <param name="Name">The name the component uses, e.g. <c>add</c>, <c>[method]counter.get</c>.</param>
/// <param name="Parameters">The parameters, in order (a method's first is <c>self</c>).</param>
/// <param name="Result">The result type, or null when the function returns nothing.</param>
public sealed record WitFunction(string Name, EquatableArray<WitParameter> Parameters, WitType? Result)
{
    /// <summary>Constructor, method, static or freestanding, parsed from <see cref="Name"/>.</summary>
    public WitFunctionKind Kind => Parse(Name).Kind;

    /// <summary>The resource this function belongs to, for constructors, methods and statics.</summary>
    public string? ResourceName => Parse(Name).Resource;

    /// <summary>The name without its resource prefix: <c>get</c> for <c>[method]counter.get</c>, the resource name for a constructor.</summary>
    public string ShortName => Parse(Name).Short;

    /// <summary>True when the function is declared <c>async</c>.</summary>
    public bool IsAsync { get; init; }

    /// <summary>The WIT signature, e.g. <c>add: func(a: u32, b: u32) -> u32</c>.</summary>
    public string Signature => WitPrinter.Signature(this);

    /// <inheritdoc/>
    public override string ToString() => Signature;

    private static (WitFunctionKind Kind, string? Resource, string Short) Parse(string name)
    {
        if (name.StartsWith("[constructor]", StringComparison.Ordinal))
        {
            var r = name["[constructor]".Length..];
            return (WitFunctionKind.Constructor, r, r);
        }

        // [method]r.f and [static]r.f, and the async forms of the component-model async proposal.
        foreach (var (prefix, kind) in Prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                var rest = name[prefix.Length..];
                var dot = rest.IndexOf('.');
                return dot < 0 ? (kind, rest, rest) : (kind, rest[..dot], rest[(dot + 1)..]);
            }
        }

        if (name.StartsWith("[async]", StringComparison.Ordinal))
        {
            return (WitFunctionKind.Freestanding, null, name["[async]".Length..]);
        }

        return (WitFunctionKind.Freestanding, null, name);
    }

    private static readonly (string Prefix, WitFunctionKind Kind)[] Prefixes =
    [
        ("[method]", WitFunctionKind.Method),
        ("[static]", WitFunctionKind.Static),
        ("[async method]", WitFunctionKind.Method),
        ("[async static]", WitFunctionKind.Static),
    ];
}

/// <summary>
/// An interface imported or exported by a component, such as <c>wasi:io/streams@0.2.12</c>, or an instance with a
/// plain name (<c>host</c>) as hand-written components may use.
/// </summary>
/// <param name="Name">The full name as the component spells it.</param>
/// <param name="Types">Named types the interface defines or uses, in order (records, variants, resources, aliases…).</param>
/// <param name="Functions">The functions, in order (resource functions included).</param>
public sealed record WitInterface(string Name, EquatableArray<WitType> Types, EquatableArray<WitFunction> Functions)
{
    /// <summary>The parsed name: namespace, package, interface and version.</summary>
    public WitName ParsedName => WitName.Parse(Name);

    /// <summary>The interface name without package or version (<c>streams</c>), or the whole plain name.</summary>
    public string ShortName => ParsedName.Interface;

    /// <summary>The resources this interface defines (not those it uses from other interfaces).</summary>
    public IEnumerable<WitResource> Resources => Types.OfType<WitResource>().Where(r => r.Owner == Name);

    /// <summary>Finds a function by its component name.</summary>
    public WitFunction? FindFunction(string name) => Functions.FirstOrDefault(f => f.Name == name);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>A component's world: what it imports and what it exports.</summary>
/// <param name="Imports">Imported interfaces, in the component's order.</param>
/// <param name="ImportedFunctions">Functions imported at the world level.</param>
/// <param name="Exports">Exported interfaces, in the component's order.</param>
/// <param name="ExportedFunctions">Functions exported at the world level.</param>
public sealed record WitWorld(
    EquatableArray<WitInterface> Imports,
    EquatableArray<WitFunction> ImportedFunctions,
    EquatableArray<WitInterface> Exports,
    EquatableArray<WitFunction> ExportedFunctions)
{
    /// <summary>Named types imported at the world level (rare; hand-written components).</summary>
    public EquatableArray<WitType> ImportedTypes { get; init; } = EquatableArray<WitType>.Empty;

    /// <summary>Named types exported at the world level.</summary>
    public EquatableArray<WitType> ExportedTypes { get; init; } = EquatableArray<WitType>.Empty;

    /// <summary>The names of all imports (interfaces, functions, types) in the component's order.</summary>
    public EquatableArray<string> ImportOrder { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The names of all exports (interfaces, functions, types) in the component's order.</summary>
    public EquatableArray<string> ExportOrder { get; init; } = EquatableArray<string>.Empty;

    /// <summary>
    /// The interface that defines <paramref name="resource"/>, on the resource's side of the world (an interface both
    /// imported and exported defines two resources of one name); null for a resource defined at the world level.
    /// </summary>
    /// <param name="resource">A resource of this world.</param>
    public WitInterface? DefiningInterface(WitResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (string.IsNullOrEmpty(resource.Owner))
        {
            return null;
        }

        foreach (var i in resource.Direction == WitDirection.Import ? Imports : Exports)
        {
            if (i.Name == resource.Owner)
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>
    /// The constructor, methods and static functions of <paramref name="resource"/>: those of its defining interface, or
    /// the world-level functions (<c>[constructor]r</c>, <c>[method]r.f</c>…) on its side for a world-level resource.
    /// </summary>
    /// <param name="resource">A resource of this world.</param>
    public IEnumerable<WitFunction> FunctionsOf(WitResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var functions = DefiningInterface(resource)?.Functions
            ?? (resource.Direction == WitDirection.Import ? ImportedFunctions : ExportedFunctions);
        return functions.Where(f => f.Kind != WitFunctionKind.Freestanding && f.ResourceName == resource.Name);
    }

    /// <summary>Finds an exported interface by full name, name without version, or short name.</summary>
    public WitInterface? FindExport(string name) => Find(Exports, name);

    /// <summary>Finds an imported interface by full name, name without version, or short name.</summary>
    public WitInterface? FindImport(string name) => Find(Imports, name);

    /// <summary>The world as WIT text, laid out as <c>wasm-tools component wit</c> prints it.</summary>
    public string ToWit() => WitPrinter.Print(this);

    /// <summary>
    /// Reads the world of a component binary without an engine: the component's imports and exports with every type's
    /// real identity (its defining interface and name, <c>use</c>s and aliases as the binary has them), the way
    /// <c>wasm-tools component wit</c> decodes it. The reader is bounds-checked and depth-limited; it does not
    /// validate the component as Wasmtime does (core code is not looked at).
    /// </summary>
    /// <param name="component">The bytes of a component binary (not WAT text).</param>
    /// <returns>The world.</returns>
    /// <exception cref="ComponentLoadException">The bytes are not a component binary, are malformed, or use a construct the reader does not support; the message names the section and byte offset.</exception>
    public static WitWorld Read(ReadOnlySpan<byte> component) => Read(component, "<bytes>");

    /// <summary>Reads the world of a component binary; <paramref name="name"/> names it in messages.</summary>
    internal static WitWorld Read(ReadOnlySpan<byte> component, string name)
    {
        try
        {
            return Binary.WorldBuilder.Read(component);
        }
        catch (Binary.ComponentFormatException e)
        {
            throw new ComponentLoadException(name, e.Describe(), e);
        }
    }

    internal static WitInterface? Find(EquatableArray<WitInterface> interfaces, string name)
    {
        foreach (var i in interfaces)
        {
            if (i.Name == name)
            {
                return i;
            }
        }

        foreach (var i in interfaces)
        {
            if (i.ParsedName.WithoutVersion == name)
            {
                return i;
            }
        }

        WitInterface? found = null;
        foreach (var i in interfaces)
        {
            if (i.ShortName == name || Naming.ToPascalCase(i.ShortName) == name)
            {
                if (found is not null)
                {
                    return null;
                }

                found = i;
            }
        }

        return found;
    }
}

/// <summary>A parsed interface name: <c>namespace:package/interface@version</c>.</summary>
/// <param name="Namespace">The namespace (<c>wasi</c>), or null for a plain name.</param>
/// <param name="Package">The package (<c>io</c>), or null for a plain name.</param>
/// <param name="Interface">The interface (<c>streams</c>) or the plain name.</param>
/// <param name="Version">The version (<c>0.2.12</c>), or null.</param>
public sealed record WitName(string? Namespace, string? Package, string Interface, string? Version)
{
    /// <summary>The package id with version: <c>wasi:io@0.2.12</c>, or null for a plain name.</summary>
    public string? PackageId => Namespace is null ? null : Version is null ? $"{Namespace}:{Package}" : $"{Namespace}:{Package}@{Version}";

    /// <summary>The name without its version: <c>wasi:io/streams</c>.</summary>
    public string WithoutVersion => Namespace is null ? Interface : $"{Namespace}:{Package}/{Interface}";

    /// <summary>Parses <paramref name="name"/>; names that are not <c>ns:pkg/iface[@ver]</c> are plain.</summary>
    public static WitName Parse(string name)
    {
        var colon = name.IndexOf(':');
        var slash = name.IndexOf('/');
        if (colon <= 0 || slash < colon)
        {
            return new WitName(null, null, name, null);
        }

        var at = name.IndexOf('@', slash);
        var iface = at < 0 ? name[(slash + 1)..] : name[(slash + 1)..at];
        return new WitName(name[..colon], name[(colon + 1)..slash], iface, at < 0 ? null : name[(at + 1)..]);
    }
}
