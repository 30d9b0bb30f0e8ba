using WasmDynamic.Emit;
using WasmDynamic.Wit;

namespace WasmDynamic.Exports;

/// <summary>
/// One instance's export side: its proxy objects (one per interface and bound CLR interface) and its function
/// invokers (one per exported function, shared by every proxy and resource class that calls it). Both grow only with
/// the distinct interfaces and functions used, and live as long as the instance.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed class ExportBindings : IDisposable
{
    private readonly IExportHost _instance;
    private readonly Dictionary<string, FunctionInvoker> _invokers = new();
    private readonly Dictionary<(string Interface, Type? Clr), IProxyObject> _proxies = new();

    public ExportBindings(IExportHost instance)
    {
        _instance = instance;
    }

    /// <summary>The proxy for <paramref name="iface"/> (null: root functions) typed as <paramref name="clr"/> (null: the default map).</summary>
    public IProxyObject Proxy(WitInterface? iface, Type? clr)
    {
        var key = (iface?.Name ?? string.Empty, clr);
        lock (_proxies)
        {
            if (_proxies.TryGetValue(key, out var existing))
            {
                return existing;
            }

            var info = _instance.Types.Proxy(iface, clr);
            var invokers = info.Functions.Select(f => Invoker(iface, f.Function)).ToArray();
            var proxy = (IProxyObject)Activator.CreateInstance(info.Type, new ProxyBinding(_instance, info, invokers))!;
            _proxies[key] = proxy;
            return proxy;
        }
    }

    public FunctionInvoker Invoker(WitInterface? iface, WitFunction f)
    {
        var qualified = ProxyEmitter.Qualified(iface, f);
        lock (_invokers)
        {
            if (_invokers.TryGetValue(qualified, out var existing))
            {
                return existing;
            }

            var invoker = new FunctionInvoker(_instance, f, qualified, iface?.Name);
            _invokers[qualified] = invoker;
            return invoker;
        }
    }

    /// <summary>
    /// The function <paramref name="function"/> designates — <c>add</c> at the root, or <c>interface#function</c> — and
    /// the default-map proxy that calls it.
    /// </summary>
    /// <exception cref="ComponentExportNotFoundException">No such export.</exception>
    public BoundFunction Resolve(string function, out IProxyObject proxy)
    {
        var host = _instance;
        var hash = function.LastIndexOf('#');
        WitInterface? iface = null;
        if (hash >= 0)
        {
            iface = WitWorld.Find(host.World.Exports, function[..hash])
                ?? throw new ComponentExportNotFoundException(function[..hash], $"an interface exported by component '{host.ComponentName}'", host.World.Exports.Select(e => e.Name).ToList());
        }

        proxy = Proxy(iface, null);
        var name = hash >= 0 ? function[(hash + 1)..] : function;
        var index = proxy.Binding.FindFunction(name, out var ambiguity);
        if (index < 0)
        {
            var missing = proxy.Binding.NotFound(name, ambiguity);
            throw new ComponentExportNotFoundException(missing.Name, missing.Where, missing.Available, missing.Hint);
        }

        return proxy.Binding.Info.Functions[index];
    }

    /// <summary>Forgets every function of a store that is going away (recreate after a trap).</summary>
    public void UnbindAll()
    {
        lock (_invokers)
        {
            foreach (var invoker in _invokers.Values)
            {
                invoker.Unbind();
            }
        }
    }

    public void Dispose()
    {
        lock (_invokers)
        {
            foreach (var invoker in _invokers.Values)
            {
                invoker.Dispose();
            }
        }
    }
}
