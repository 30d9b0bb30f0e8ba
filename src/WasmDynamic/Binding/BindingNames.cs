using System.Reflection;
using WasmDynamic.Wit;

namespace WasmDynamic.Binding;

/// <summary>
/// The naming rules every consumer shares: the .NET name of each exported function (resource constructors are
/// <c>CreateX</c>, statics <c>XName</c>), the <c>I</c> prefix of interfaces, the namespaces of emitted types, how a .NET
/// member designates a WIT name, and which resources and interfaces belong to the host or to WASI.
/// </summary>
internal static class BindingNames
{
    /// <summary>True when the resource is imported (by an interface or at the world level), i.e. the host implements it.</summary>
    public static bool IsHostResource(WitResource resource) => resource.Direction == WitDirection.Import;

    /// <summary>True for a WASI interface (or a type or resource owned by one), which the runtime implements.</summary>
    public static bool IsWasi(string name) => name.StartsWith("wasi:", StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="name"/> without the <c>I</c> that starts a .NET interface name: <c>ITypes</c> → <c>Types</c>,
    /// <c>IInput</c> → <c>Input</c>; <c>Input</c> and <c>I</c> unchanged (an <c>I</c> counts only before another capital).
    /// </summary>
    public static string WithoutInterfacePrefix(string name) =>
        name.Length > 1 && name[0] == 'I' && char.IsUpper(name[1]) ? name[1..] : name;

    /// <summary>The C# interface name for a WIT name (<c>counter</c> → <c>ICounter</c>): the inverse of <see cref="WithoutInterfacePrefix"/>.</summary>
    public static string InterfaceName(string witName) => "I" + Naming.ToPascalCase(witName);

    /// <summary>
    /// The .NET name the default map gives an exported function, before names are made unique in their scope:
    /// <c>[constructor]counter</c> → <c>CreateCounter</c>, <c>[static]counter.merge</c> → <c>CounterMerge</c>,
    /// <c>add</c> and <c>[method]counter.get</c> → <c>Add</c>, <c>Get</c>.
    /// </summary>
    public static string DefaultName(WitFunction f) => Candidates(f)[0];

    /// <summary>Other .NET names that designate <paramref name="f"/> (a constructor also answers to <c>NewX</c> and <c>X</c>).</summary>
    public static IEnumerable<string> Aliases(WitFunction f) => f.Kind == WitFunctionKind.Constructor
        ? [.. Candidates(f).Skip(1), Naming.ToPascalCase(f.ResourceName!)]
        : [];

    /// <summary>
    /// The .NET method names of <paramref name="functions"/>, one interface's or resource's in the component's order,
    /// made unique: each takes the first free of its candidates (<c>CreateX</c> then <c>NewX</c>; <c>Name</c> then
    /// <c>NameFunction</c>). Bindgen and the emitted proxies both name members with this, so they agree.
    /// </summary>
    public static string[] MemberNames(IReadOnlyList<WitFunction> functions, params string[] reserved)
    {
        var scope = new NameScope(ignoreCase: false, reserved);
        return functions.Select(f => scope.Claim(Candidates(f))).ToArray();
    }

    /// <summary>The namespace of an emitted type owned by <paramref name="owner"/> (an interface name, or empty: the world).</summary>
    public static string EmittedNamespace(string? owner) => string.IsNullOrEmpty(owner)
        ? "WasmDynamic.Emitted"
        : "WasmDynamic.Emitted." + string.Join(".", Naming.ToPascalCase(WitName.Parse(owner).WithoutVersion.Replace(':', '.').Replace('/', '.')).Split('_', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The namespace of emitted proxy classes.</summary>
    public const string ProxyNamespace = "WasmDynamic.Emitted.Proxies";

    /// <summary>The name of the proxy class for an exported interface (null: the root) implementing <paramref name="clrInterface"/>.</summary>
    public static string ProxyName(WitInterface? iface, Type? clrInterface) => clrInterface is not null
        ? WithoutInterfacePrefix(clrInterface.Name) + "Proxy"
        : iface is null ? "RootExports" : Naming.ToPascalCase(iface.ShortName) + "Exports";

    /// <summary>The name of the emitted class for a guest resource (default map), or the one implementing <paramref name="clrInterface"/>.</summary>
    public static string ResourceClassName(WitResource resource, Type? clrInterface) =>
        clrInterface is null ? Naming.ToPascalCase(resource.Name!) : WithoutInterfacePrefix(clrInterface.Name) + "Resource";

    /// <summary>True when .NET member <paramref name="member"/> designates WIT name <paramref name="witName"/>: its <c>[WitName]</c>, else its name.</summary>
    /// <remarks>An async method (returning a task) named <c>XAsync</c> designates WIT <c>x</c> too (see <see cref="AsyncName"/>).</remarks>
    public static bool Designates(MemberInfo member, string witName) =>
        member.GetCustomAttribute<WitNameAttribute>() is { } attr
            ? attr.Name == witName
            : Naming.Matches(member.Name, witName) || (AsyncName(member) is { } stripped && Naming.Matches(stripped, witName));

    /// <summary>
    /// The name an async method (one returning <c>Task</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask</c> or
    /// <c>ValueTask&lt;T&gt;</c>) stands for without its <c>Async</c> suffix: <c>VersionAsync</c> → <c>Version</c>
    /// (WIT <c>version</c>, not <c>version-async</c>). Null for other members and names without the suffix.
    /// </summary>
    public static string? AsyncName(MemberInfo member) =>
        member is MethodInfo m && SignatureMatcher.Awaited(m.ReturnType, out _) != AwaitKind.None ? WithoutAsyncSuffix(m.Name) : null;

    /// <summary><paramref name="name"/> without a trailing <c>Async</c> (<c>AddAsync</c> → <c>Add</c>), or null when it has none.</summary>
    public static string? WithoutAsyncSuffix(string name) =>
        name.Length > 5 && name.EndsWith("Async", StringComparison.Ordinal) ? name[..^5] : null;

    private static string[] Candidates(WitFunction f)
    {
        var shortName = Naming.ToPascalCase(f.ShortName);
        return f.Kind switch
        {
            WitFunctionKind.Constructor => ["Create" + Naming.ToPascalCase(f.ResourceName!), "New" + Naming.ToPascalCase(f.ResourceName!)],
            WitFunctionKind.Static => [Naming.ToPascalCase(f.ResourceName!) + shortName],
            WitFunctionKind.Method => [shortName, shortName + "Method"],
            _ => [shortName, shortName + "Function"],
        };
    }
}

/// <summary>A set of names in one scope; <see cref="Claim"/> returns a free variant of a wanted name.</summary>
internal sealed class NameScope
{
    private readonly HashSet<string> _used;

    public NameScope(bool ignoreCase, params string[] reserved)
    {
        _used = new HashSet<string>(ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (var r in reserved)
        {
            _used.Add(r);
        }
    }

    public bool IsFree(string name) => !_used.Contains(name);

    public void Reserve(string name) => _used.Add(name);

    /// <summary>Claims the first free name among <paramref name="candidates"/>, else the last one with a number appended.</summary>
    public string Claim(params string[] candidates)
    {
        foreach (var c in candidates)
        {
            if (_used.Add(c))
            {
                return c;
            }
        }

        var last = candidates[^1];
        for (var i = 2; ; i++)
        {
            if (_used.Add(last + i))
            {
                return last + i;
            }
        }
    }
}
