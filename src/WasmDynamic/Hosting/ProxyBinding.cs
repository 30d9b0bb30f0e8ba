using WasmDynamic.Emit;
using WasmDynamic.Wit;

namespace WasmDynamic.Hosting;

/// <summary>What one proxy object is bound to: its instance, its invokers (in method order) and its type info.</summary>
internal sealed class ProxyBinding
{
    private FunctionNameIndex? _names;

    public ProxyBinding(ComponentInstance instance, ProxyTypeInfo info, FunctionInvoker[] invokers)
    {
        Instance = instance;
        Info = info;
        Invokers = invokers;
    }

    public ComponentInstance Instance { get; }

    public ProxyTypeInfo Info { get; }

    public FunctionInvoker[] Invokers { get; }

    public string InterfaceName => Info.InterfaceName;

    /// <summary><c>proxy["name"]</c>: an exported interface (root proxy only) or a function of this proxy.</summary>
    public object Lookup(ComponentProxy proxy, string name)
    {
        if (Info.Interface is null)
        {
            var iface = WitWorld.Find(Instance.Component.World.Exports, name);
            if (iface is not null)
            {
                return Instance.InterfaceProxy(iface);
            }
        }

        var index = FindFunction(name, out var ambiguity);
        if (index >= 0)
        {
            return new Dynamic.BoundFunctionReference(proxy, Info.Functions[index]);
        }

        throw new KeyNotFoundException(ambiguity ??
            $"'{name}' is not {(Info.Interface is null ? "an export of " + Instance.Component.Name : "a function of " + InterfaceName)}. Available: "
            + string.Join(", ", Info.Functions.Select(f => f.Function.Name).Concat(Info.Interface is null ? Instance.Component.World.Exports.Select(e => e.Name) : [])));
    }

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
