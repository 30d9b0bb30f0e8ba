using System.Dynamic;
using System.Linq.Expressions;
using System.Reflection;
using WasmDynamic.Emit;
using WasmDynamic.Marshalling;

namespace WasmDynamic.Dynamic;

/// <summary>
/// Binds <c>dynamic</c> operations on a <see cref="ComponentProxy"/> straight to its emitted methods. The call site
/// caches the rule per proxy type, so after warm-up a dynamic call is the typed call plus argument coercion.
/// </summary>
internal sealed class ProxyMetaObject : DynamicMetaObject
{
    private static readonly MethodInfo CoerceTo = typeof(Coercion).GetMethod(nameof(Coercion.To), BindingFlags.Public | BindingFlags.Static, [typeof(object), typeof(string), typeof(string)])!;
    private static readonly MethodInfo LookupMethod = typeof(ProxyMetaObject).GetMethod(nameof(Lookup), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly ConstructorInfo ArgumentExceptionCtor = typeof(ComponentArgumentException).GetConstructor([typeof(string), typeof(Exception)])!;
    private static readonly ConstructorInfo MissingCtor = typeof(MissingMemberException).GetConstructor([typeof(string)])!;

    public ProxyMetaObject(Expression expression, ComponentProxy proxy)
        : base(expression, BindingRestrictions.Empty, proxy)
    {
    }

    private ComponentProxy Proxy => (ComponentProxy)Value!;

    private BindingRestrictions TypeRestriction => BindingRestrictions.GetTypeRestriction(Expression, LimitType);

    public override DynamicMetaObject BindInvokeMember(InvokeMemberBinder binder, DynamicMetaObject[] args)
    {
        var binding = Proxy.Binding;
        var index = binding.FindFunction(binder.Name, out var ambiguity);
        if (index < 0)
        {
            return Error(binder.ReturnType, ambiguity ?? $"'{binder.Name}' is not a function of {Describe()}. Available: {string.Join(", ", binding.Info.Functions.Select(f => f.Function.Signature))}.");
        }

        return Bind(binding.Info.Functions[index], args, binder.ReturnType, Expression);
    }

    public override DynamicMetaObject BindGetMember(GetMemberBinder binder)
    {
        var binding = Proxy.Binding;
        try
        {
            binding.Lookup(Proxy, binder.Name);
        }
        catch (KeyNotFoundException e)
        {
            return Error(binder.ReturnType, e.Message);
        }

        // C#: ProxyMetaObject.Lookup((ComponentProxy)target, name)
        var call = Expression.Call(LookupMethod, Expression.Convert(Expression, typeof(ComponentProxy)), Expression.Constant(binder.Name));
        return new DynamicMetaObject(call, TypeRestriction);
    }

    /// <summary>
    /// Casts to <see cref="ComponentProxy"/> or <see cref="object"/> bind once for every proxy type, so a call site
    /// doing only such casts does not keep each world's emitted types alive in its rule cache.
    /// </summary>
    public override DynamicMetaObject BindConvert(ConvertBinder binder)
    {
        if (binder.Type.IsAssignableFrom(typeof(ComponentProxy)))
        {
            var restriction = BindingRestrictions.GetExpressionRestriction(Expression.TypeIs(Expression, typeof(ComponentProxy)));
            return new DynamicMetaObject(Expression.Convert(Expression, binder.Type), restriction);
        }

        return base.BindConvert(binder);
    }

    public override IEnumerable<string> GetDynamicMemberNames()
    {
        var binding = Proxy.Binding;
        var names = binding.Info.Functions.Select(f => f.Method.Name);
        return binding.Info.Interface is null
            ? names.Concat(binding.Instance.Component.World.Exports.Select(e => Wit.Naming.ToPascalCase(e.ShortName)))
            : names;
    }

    /// <summary>Binds a call to <paramref name="function"/> on <paramref name="target"/> with coerced arguments.</summary>
    internal DynamicMetaObject Bind(BoundFunction function, DynamicMetaObject[] args, Type returnType, Expression target)
    {
        var ps = function.Method.GetParameters();
        var signature = function.Function.Signature;
        if (args.Length != ps.Length)
        {
            return Error(returnType, $"{Describe()} function '{function.Function.Name}' takes {ps.Length} argument(s) but {args.Length} were given: {signature}.", typeof(ComponentArgumentException));
        }

        // C#: ((ProxyType)target).Method(Coercion.To<P0>(a0, "p0", sig), ...)
        var callArgs = ps.Select((p, i) => (Expression)Expression.Call(
            CoerceTo.MakeGenericMethod(p.ParameterType),
            Expression.Convert(args[i].Expression, typeof(object)),
            Expression.Constant(function.Function.Parameters[i].Name),
            Expression.Constant(signature))).ToArray();
        Expression call = Expression.Call(Expression.Convert(target, function.Method.DeclaringType!), function.Method, callArgs);
        call = function.Method.ReturnType == typeof(void)
            ? Expression.Block(call, Expression.Default(returnType))
            : Expression.Convert(call, returnType);
        return new DynamicMetaObject(call, TypeRestriction);
    }

    private string Describe() => string.IsNullOrEmpty(Proxy.WitName) ? $"the root exports of '{Proxy.Instance.Component.Name}'" : $"interface '{Proxy.WitName}'";

    private DynamicMetaObject Error(Type returnType, string message, Type? exceptionType = null)
    {
        var ctor = exceptionType == typeof(ComponentArgumentException) ? ArgumentExceptionCtor : MissingCtor;
        Expression[] ctorArgs = ctor == ArgumentExceptionCtor ? [Expression.Constant(message), Expression.Constant(null, typeof(Exception))] : [Expression.Constant(message)];
        return new DynamicMetaObject(Expression.Throw(Expression.New(ctor, ctorArgs), returnType), TypeRestriction);
    }

    private static object Lookup(ComponentProxy proxy, string name) => proxy.Binding.Lookup(proxy, name);
}
