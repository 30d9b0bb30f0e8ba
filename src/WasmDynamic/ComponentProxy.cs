using System.Dynamic;
using System.Linq.Expressions;
using WasmDynamic.Dynamic;
using WasmDynamic.Emit;
using WasmDynamic.Exports;

namespace WasmDynamic;

/// <summary>
/// The base class of every emitted export proxy: the root functions, one exported interface, or a user interface
/// bound by <c>GetInterface&lt;T&gt;</c>. It is also the <c>dynamic</c> surface: members bind to the emitted methods by
/// WIT name (PascalCase, camelCase or kebab-case) with C#-like argument conversions.
/// </summary>
public abstract class ComponentProxy : IDynamicMetaObjectProvider, IProxyObject
{
    /// <summary>This class as Emit sees it: the base of emitted proxies, its constructor and its invokers field.</summary>
    internal static readonly EmittedBase Emitted = EmittedBase.Of(typeof(ComponentProxy), nameof(Invokers));

    /// <summary>One invoker per bound function (emitted methods index into it).</summary>
    internal readonly FunctionInvoker[] Invokers;

    /// <summary>Called by emitted constructors.</summary>
    private protected ComponentProxy(object binding)
    {
        var b = (ProxyBinding)binding;
        Invokers = b.Invokers;
        Binding = b;
    }

    internal ProxyBinding Binding { get; }

    ProxyBinding IProxyObject.Binding => Binding;

    /// <summary>The instance this proxy calls into.</summary>
    public ComponentInstance Instance => (ComponentInstance)Binding.Instance;

    /// <summary>The WIT name of what this proxy exposes: an interface name, or empty for the root functions.</summary>
    public string WitName => Binding.InterfaceName;

    /// <summary>An exported interface (from the root proxy) or a function, by WIT or .NET name.</summary>
    /// <param name="name">An interface (<c>demo:calc/types</c>, <c>types</c>, <c>Types</c>) or a function (<c>roundtrip-u8</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ComponentExportNotFoundException">No such export.</exception>
    public dynamic this[string name]
    {
        [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "A proxy exists only through members that carry RequiresUnreferencedCode (ComponentInstance.Exports, Invoke, GetInterface, Instantiate).")]
        [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As for IL2026: every way to a proxy carries RequiresDynamicCode.")]
        get => ProxyMetaObject.Lookup(this, name ?? throw new ArgumentNullException(nameof(name), "An export name is needed: pass a function or interface name, e.g. Exports[\"add\"]."));
    }

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "A dynamic operation reaches this object only through members that carry RequiresUnreferencedCode (ComponentInstance.Exports, Invoke, GetInterface, Instantiate).")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As for IL2026: every way to this object carries RequiresDynamicCode.")]
    DynamicMetaObject IDynamicMetaObjectProvider.GetMetaObject(Expression parameter) => new ProxyMetaObject(parameter, this);

    /// <inheritdoc/>
    public override string ToString() => string.IsNullOrEmpty(WitName) ? $"exports of {Binding.Instance.ComponentName}" : WitName;
}
