using WasmDynamic.Binding;
using WasmDynamic.Emit;
using WasmDynamic.Wit;

namespace WasmDynamic.Exports;

/// <summary>What one proxy object is bound to: its instance, its invokers (in method order) and its type info.</summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed class ProxyBinding
{
    private FunctionNameIndex? _names;

    public ProxyBinding(IExportHost instance, ProxyTypeInfo info, FunctionInvoker[] invokers)
    {
        Instance = instance;
        Info = info;
        Invokers = invokers;
    }

    public IExportHost Instance { get; }

    public ProxyTypeInfo Info { get; }

    public FunctionInvoker[] Invokers { get; }

    public string InterfaceName => Info.InterfaceName;

    /// <summary>
    /// <c>proxy["name"]</c>: an exported interface (root proxy only) or a function of this proxy; exactly one of the
    /// two is set (the dynamic layer wraps the function in a callable reference).
    /// </summary>
    /// <exception cref="ComponentExportNotFoundException">There is no such export.</exception>
    public (IProxyObject? Interface, BoundFunction? Function) Lookup(string name)
    {
        if (Info.Interface is null)
        {
            var iface = WitWorld.Find(Instance.World.Exports, name);
            if (iface is not null)
            {
                return (Instance.InterfaceProxy(iface), null);
            }
        }

        var index = FindFunction(name, out var ambiguity);
        if (index >= 0)
        {
            return (null, Info.Functions[index]);
        }

        var missing = NotFound(name, ambiguity);
        throw new ComponentExportNotFoundException(missing.Name, missing.Where, missing.Available, missing.Hint);
    }

    /// <summary>True when <see cref="Lookup"/> finds <paramref name="name"/>.</summary>
    public bool CanLookup(string name) =>
        (Info.Interface is null && WitWorld.Find(Instance.World.Exports, name) is not null) || FindFunction(name) >= 0;

    /// <summary>
    /// What a lookup of a missing <paramref name="name"/> reports: where it was looked for, what exists, and a hint
    /// (for an ambiguous name, the candidates and the names that select each).
    /// </summary>
    public (string Name, string Where, IReadOnlyList<string> Available, string? Hint) NotFound(string name, string? ambiguity = null)
    {
        var article = ambiguity is null ? "a" : "a unique";
        var where = Info.Interface is null
            ? $"{(ambiguity is null ? "an" : "a unique")} export of component '{Instance.ComponentName}'"
            : $"{article} function of interface '{InterfaceName}'";
        if (ambiguity is not null)
        {
            return (name, where, Info.Functions.Select(f => f.Function.Signature).ToList(), ambiguity);
        }

        var available = Info.Functions.Select(f => f.Function.Signature)
            .Concat(Info.Interface is null ? Instance.World.Exports.Select(e => e.Name) : []).ToList();
        string? hint = null;
        var method = Info.Interface?.Functions.FirstOrDefault(f => f.Kind == WitFunctionKind.Method && (f.Name == name || Naming.Matches(name, f.ShortName)));
        if (method is not null)
        {
            hint = $"'{method.Name}' is a method of resource '{method.ResourceName}': call it on a {method.ResourceName} object ({Naming.ToCamelCase(method.ResourceName!)}.{Naming.ToPascalCase(method.ShortName)}(…)).";
        }

        return (name, where, available, hint);
    }

    /// <summary>The name messages use for <paramref name="f"/>: <c>demo:calc/types@0.1.0#area</c> or <c>add</c>.</summary>
    public string Qualified(WitFunction f) => Emit.ProxyEmitter.Qualified(Info.Interface, f);

    /// <summary>The index of the function <paramref name="name"/> designates (see <see cref="FunctionNameIndex"/>), or -1.</summary>
    public int FindFunction(string name) => FindFunction(name, out _);

    /// <summary>As <see cref="FindFunction(string)"/>; an ambiguous name returns -1 with a message naming the candidates.</summary>
    public int FindFunction(string name, out string? ambiguity)
    {
        var index = Names.Find(name, out var ambiguous);
        ambiguity = ambiguous is null ? null : FunctionNameIndex.Ambiguity(name, ambiguous);
        return index;
    }

    private FunctionNameIndex Names => _names ??= new FunctionNameIndex(
        Info.Functions.Select(f => f.Function).ToList(),
        Info.Functions.Select(f => f.Method.Name).ToList());
}
