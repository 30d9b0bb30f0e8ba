using System.Dynamic;
using System.Linq.Expressions;
using System.Reflection;
using WasmDynamic.Emit;
using WasmDynamic.Exports;

namespace WasmDynamic.Dynamic;

/// <summary>
/// Binds <c>dynamic</c> operations on an emitted proxy (a <c>ComponentProxy</c>, seen as <see cref="IProxyObject"/>)
/// straight to its emitted methods. The call site caches the rule per proxy type, so after warm-up a dynamic call is
/// the typed call plus argument coercion.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed class ProxyMetaObject : DynamicMetaObject
{
    private static readonly MethodInfo InvokeAsyncMethod = typeof(BoundFunctionReference).GetMethod(nameof(BoundFunctionReference.InvokeAsyncDynamic), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly MethodInfo LookupMethod = typeof(ProxyMetaObject).GetMethod(nameof(Lookup), BindingFlags.NonPublic | BindingFlags.Static)!;

    public ProxyMetaObject(Expression expression, IProxyObject proxy)
        : base(expression, BindingRestrictions.Empty, proxy)
    {
    }

    private IProxyObject Proxy => (IProxyObject)Value!;

    private BindingRestrictions TypeRestriction => BindingRestrictions.GetTypeRestriction(Expression, LimitType);

    public override DynamicMetaObject BindInvokeMember(InvokeMemberBinder binder, DynamicMetaObject[] args)
    {
        var binding = Proxy.Binding;
        var index = binding.FindFunction(binder.Name, out var ambiguity);
        if (index < 0 && ambiguity is null && Binding.BindingNames.WithoutAsyncSuffix(binder.Name) is { } stripped && binding.FindFunction(stripped, out _) is var async and >= 0)
        {
            // exports.AddAsync(1, 2): the call of `add` as a Task<object?> (a last CancellationToken argument cancels it).
            // C#: BoundFunctionReference.InvokeAsyncDynamic((IProxyObject)target, function, new object[] { args… }, names)
            var call = Expression.Call(
                InvokeAsyncMethod,
                Expression.Convert(Expression, typeof(IProxyObject)),
                Expression.Constant(binding.Info.Functions[async]),
                Expression.NewArrayInit(typeof(object), args.Select(a => Expression.Convert(a.Expression, typeof(object)))),
                Expression.Constant(binder.CallInfo.ArgumentNames.ToArray()));
            return new DynamicMetaObject(Expression.Convert(call, binder.ReturnType), TypeRestriction);
        }

        if (index < 0)
        {
            // The proxy's own CLR members (ToString, WitName…) still bind; anything else is a missing export.
            var missing = binding.NotFound(binder.Name, ambiguity);
            var error = DynamicCall.NotFound(missing.Name, missing.Where, missing.Available, missing.Hint, binder.ReturnType, TypeRestriction);
            return binder.FallbackInvokeMember(this, args, error);
        }

        return Bind(binding.Info.Functions[index], args, binder.CallInfo, binder.ReturnType, Expression);
    }

    public override DynamicMetaObject BindGetMember(GetMemberBinder binder)
    {
        var binding = Proxy.Binding;
        if (!binding.CanLookup(binder.Name))
        {
            var missing = binding.NotFound(binder.Name);
            return binder.FallbackGetMember(this, DynamicCall.NotFound(missing.Name, missing.Where, missing.Available, missing.Hint, binder.ReturnType, TypeRestriction));
        }

        // C#: ProxyMetaObject.Lookup((IProxyObject)target, name)
        var call = Expression.Call(LookupMethod, Expression.Convert(Expression, typeof(IProxyObject)), Expression.Constant(binder.Name));
        return new DynamicMetaObject(call, TypeRestriction);
    }

    /// <summary>
    /// Casts to the proxy base (<c>ComponentProxy</c>) or <see cref="object"/> bind once for every proxy type, so a call
    /// site doing only such casts does not keep each world's emitted types alive in its rule cache.
    /// </summary>
    public override DynamicMetaObject BindConvert(ConvertBinder binder)
    {
        var proxyBase = Proxy.Binding.Instance.Types.Bases.Proxy.Type;
        if (binder.Type.IsAssignableFrom(proxyBase))
        {
            var restriction = BindingRestrictions.GetExpressionRestriction(Expression.TypeIs(Expression, proxyBase));
            return new DynamicMetaObject(Expression.Convert(Expression, binder.Type), restriction);
        }

        return base.BindConvert(binder);
    }

    public override IEnumerable<string> GetDynamicMemberNames()
    {
        var binding = Proxy.Binding;
        var names = binding.Info.Functions.Select(f => f.Method.Name);
        return binding.Info.Interface is null
            ? names.Concat(binding.Instance.World.Exports.Select(e => Naming.ToPascalCase(e.ShortName)))
            : names;
    }

    /// <summary>Binds a call to <paramref name="function"/> on <paramref name="target"/> with coerced arguments.</summary>
    internal DynamicMetaObject Bind(BoundFunction function, DynamicMetaObject[] args, CallInfo callInfo, Type returnType, Expression target) =>
        DynamicCall.Bind(function.Method, function.Function, 0, Proxy.Binding.Qualified(function.Function), args, callInfo, returnType, target, TypeRestriction);

    /// <summary><c>proxy["name"]</c> and <c>proxy.Name</c>: the interface proxy, or the function as a callable reference.</summary>
    internal static object Lookup(IProxyObject proxy, string name)
    {
        var (iface, function) = proxy.Binding.Lookup(name);
        return iface ?? (object)new BoundFunctionReference(proxy, function!);
    }
}
