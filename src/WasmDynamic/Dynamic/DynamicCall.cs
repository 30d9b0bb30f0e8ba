using System.Dynamic;
using System.Linq.Expressions;
using System.Reflection;
using WasmDynamic.Marshalling;
using WasmDynamic.Wit;

namespace WasmDynamic.Dynamic;

/// <summary>
/// Binds a <c>dynamic</c> call to an emitted method of a proxy or a guest resource class: positional and named
/// arguments are matched to the WIT parameters, then each is coerced to its CLR parameter type.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static class DynamicCall
{
    private static readonly MethodInfo CoerceTo = typeof(Coercion).GetMethod(nameof(Coercion.To), BindingFlags.NonPublic | BindingFlags.Static, [typeof(object), typeof(string), typeof(string), typeof(string)])!;
    private static readonly MethodInfo ArgumentErrorMethod = typeof(DynamicCall).GetMethod(nameof(ArgumentError), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>
    /// For each CLR parameter, the index of the argument that supplies it: the first arguments by position, the rest
    /// (<paramref name="names"/>, C#'s named arguments) by WIT parameter name in kebab, PascalCase or camelCase.
    /// </summary>
    /// <remarks><c>skip</c> counts the WIT parameters with no CLR parameter (a method's <c>self</c>).</remarks>
    /// <exception cref="ComponentArgumentException">Wrong count, an unknown name, or a parameter given twice.</exception>
    public static int[] Order(WitFunction f, int skip, IReadOnlyList<string> names, int argCount, string function)
    {
        var parameters = f.Parameters.Skip(skip).Select(p => p.Name).ToArray();
        if (argCount != parameters.Length)
        {
            throw ArgumentError($"'{function}' takes {parameters.Length} argument(s) ({string.Join(", ", parameters)}) but {argCount} were given.", function, f.Signature);
        }

        var order = new int[parameters.Length];
        var positional = argCount - names.Count;
        for (var i = 0; i < parameters.Length; i++)
        {
            order[i] = i < positional ? i : -1;
        }

        for (var k = 0; k < names.Count; k++)
        {
            var name = names[k];
            var j = Array.FindIndex(parameters, p => p == name || Naming.Matches(name, p));
            if (j < 0)
            {
                throw ArgumentError($"'{function}' has no parameter named '{name}' (its parameters: {string.Join(", ", parameters)}).", function, f.Signature);
            }

            if (order[j] >= 0)
            {
                throw ArgumentError($"parameter '{parameters[j]}' of '{function}' was given twice (by position and as '{name}').", function, f.Signature);
            }

            order[j] = positional + k;
        }

        return order;
    }

    /// <summary>Binds a call of <paramref name="method"/> (bound to <paramref name="f"/>) on <paramref name="target"/>.</summary>
    public static DynamicMetaObject Bind(MethodInfo method, WitFunction f, int skip, string function, DynamicMetaObject[] args, CallInfo callInfo, Type returnType, Expression target, BindingRestrictions restrictions)
    {
        int[] order;
        try
        {
            order = Order(f, skip, callInfo.ArgumentNames, args.Length, function);
        }
        catch (ComponentArgumentException e)
        {
            return Throw(Expression.Call(ArgumentErrorMethod, Expression.Constant(e.Cause), Expression.Constant(function), Expression.Constant(f.Signature)), returnType, restrictions);
        }

        var ps = method.GetParameters();

        // C#: ((Type)target).Method(Coercion.To<P0>(a[order[0]], "p0", function, sig), ...), where an argument that
        // already is a P (statically, or at run time under a type restriction) is passed as it is: no box, no coercion.
        var callArgs = new Expression[ps.Length];
        for (var i = 0; i < ps.Length; i++)
        {
            var arg = args[order[i]];
            var type = ps[i].ParameterType;
            if (PassesAsIs(arg, type, ref restrictions) is { } direct)
            {
                callArgs[i] = direct;
                continue;
            }

            callArgs[i] = Expression.Call(
                CoerceTo.MakeGenericMethod(type),
                Expression.Convert(arg.Expression, typeof(object)),
                Expression.Constant(f.Parameters[i + skip].Name),
                Expression.Constant(function),
                Expression.Constant(f.Signature));
        }

        Expression call = Expression.Call(Expression.Convert(target, method.DeclaringType!), method, callArgs);
        call = method.ReturnType == typeof(void)
            ? Expression.Block(call, Expression.Default(returnType))
            : Expression.Convert(call, returnType);
        return new DynamicMetaObject(call, restrictions);
    }

    /// <summary>
    /// The argument as the parameter's own type when coercion would return it unchanged: its static type is
    /// <paramref name="type"/> (a value type or a sealed class), or its value's run-time type is (then the rule is
    /// restricted to that type, so a call site caches one rule per argument type). Arrays always go through coercion
    /// (covariance can hide an element type that needs converting). Null when the argument needs <see cref="Coercion.To{T}(object?, string, string, string)"/>.
    /// </summary>
    private static Expression? PassesAsIs(DynamicMetaObject arg, Type type, ref BindingRestrictions restrictions)
    {
        if (type.IsArray || type.IsByRef || type.IsPointer)
        {
            return null;
        }

        // Statically a P only counts where no other run-time type can hide behind P (array covariance behind an
        // interface or a base class): value types and sealed classes.
        if (arg.Expression.Type == type && (type.IsValueType || type.IsSealed))
        {
            return arg.Expression;
        }

        if (arg.HasValue && arg.Value is { } value && value.GetType() == type)
        {
            restrictions = restrictions.Merge(BindingRestrictions.GetTypeRestriction(arg.Expression, type));
            return Expression.Convert(arg.Expression, type);
        }

        return null;
    }

    /// <summary>Puts <paramref name="args"/> in CLR parameter order and coerces them (the non-expression path).</summary>
    public static object?[] Convert(MethodInfo method, WitFunction f, int skip, string function, object?[] args, IReadOnlyList<string> names)
    {
        var order = Order(f, skip, names, args.Length, function);
        var ps = method.GetParameters();
        var converted = new object?[ps.Length];
        for (var i = 0; i < ps.Length; i++)
        {
            try
            {
                converted[i] = Coercion.Convert(args[order[i]], ps[i].ParameterType, string.Empty);
            }
            catch (ComponentArgumentException e)
            {
                throw e.At(function, f.Signature, f.Parameters[i + skip].Name);
            }
        }

        return converted;
    }

    public static DynamicMetaObject Throw(Expression exception, Type returnType, BindingRestrictions restrictions) =>
        new(Expression.Throw(exception, returnType), restrictions);

    public static DynamicMetaObject NotFound(string name, string where, IReadOnlyList<string> available, string? hint, Type returnType, BindingRestrictions restrictions) =>
        Throw(Expression.New(
            typeof(ComponentExportNotFoundException).GetConstructor([typeof(string), typeof(string), typeof(IReadOnlyList<string>), typeof(string)])!,
            Expression.Constant(name), Expression.Constant(where), Expression.Constant(available, typeof(IReadOnlyList<string>)), Expression.Constant(hint, typeof(string))), returnType, restrictions);

    private static ComponentArgumentException ArgumentError(string cause, string function, string signature) => new(cause, string.Empty, function, signature, null, null);
}
