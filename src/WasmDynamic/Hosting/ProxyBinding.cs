using WasmDynamic.Emit;
using WasmDynamic.Wit;

namespace WasmDynamic.Hosting;

/// <summary>What one proxy object is bound to: its instance, its invokers (in method order) and its type info.</summary>
internal sealed class ProxyBinding
{
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

        var index = FindFunction(name);
        if (index >= 0)
        {
            return new Dynamic.BoundFunctionReference(proxy, Info.Functions[index]);
        }

        throw new KeyNotFoundException(
            $"'{name}' is not {(Info.Interface is null ? "an export of " + Instance.Component.Name : "a function of " + InterfaceName)}. Available: "
            + string.Join(", ", Info.Functions.Select(f => f.Function.Name).Concat(Info.Interface is null ? Instance.Component.World.Exports.Select(e => e.Name) : [])));
    }

    public int FindFunction(string name)
    {
        var fs = Info.Functions;
        for (var i = 0; i < fs.Length; i++)
        {
            if (fs[i].Function.Name == name || fs[i].Function.ShortName == name)
            {
                return i;
            }
        }

        for (var i = 0; i < fs.Length; i++)
        {
            if (Naming.Matches(name, fs[i].Function.ShortName) || fs[i].Method.Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
