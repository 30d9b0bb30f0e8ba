using WasmDynamic.Wit;

namespace WasmDynamic.Binding;

/// <summary>Which way a call crosses: the host calls a guest export, or the guest calls a host import.</summary>
internal enum BindingDirection
{
    /// <summary>A component export bound onto a user interface (<c>GetInterface&lt;T&gt;</c>).</summary>
    Export,

    /// <summary>A component import implemented by a host method, delegate or resource class.</summary>
    Import,
}

/// <summary>How a CLR method returns: synchronously, or as a task to await (see <see cref="SignatureMatcher.Awaited"/>).</summary>
internal enum AwaitKind
{
    /// <summary>Returns its value (or void).</summary>
    None,

    /// <summary>Returns <c>Task</c> or <c>Task&lt;T&gt;</c>.</summary>
    Task,

    /// <summary>Returns <c>ValueTask</c> or <c>ValueTask&lt;T&gt;</c>.</summary>
    ValueTask,
}

/// <summary>Where converters come from: the marshalling layer's factory, seen through the policy's eyes.</summary>
internal interface IConverterSource<TConverter>
    where TConverter : class
{
    /// <summary>The converter between <paramref name="wit"/> and <paramref name="clr"/>, or null with the reason added to <paramref name="problems"/>.</summary>
    TConverter? Create(WitType wit, Type clr, List<string> problems, string where);

    /// <summary>A C# spelling of the default CLR type of <paramref name="wit"/>.</summary>
    string DefaultTypeName(WitType wit);
}

/// <summary>A function matched to a CLR signature: a converter per WIT parameter (<c>self</c> first) and one for the result.</summary>
internal sealed record SignaturePlan<TConverter>(TConverter[] Parameters, TConverter? Result)
    where TConverter : class;

/// <summary>
/// THE signature matcher, for both directions: a WIT function against a CLR signature (parameter types with
/// <c>self</c> first for a resource method, and a return type). It makes each parameter's converter and applies the
/// result rule once: WIT without a result needs <c>void</c>; <c>void</c> fits a WIT result only for
/// <c>result&lt;_, E&gt;</c> (ok is returning, err throws or is thrown as <see cref="ComponentErrorException"/>);
/// anything else gets a converter for the declared type. Every mismatch goes into the problem list.
/// </summary>
internal static class SignatureMatcher
{
    /// <summary>
    /// How a CLR return type is awaited: <c>Task</c>/<c>ValueTask</c> (awaited type <c>void</c>), <c>Task&lt;T&gt;</c>/
    /// <c>ValueTask&lt;T&gt;</c> (awaited type <c>T</c>), or not at all (awaited type: the type itself). The result rule
    /// applies to the awaited type, in both directions.
    /// </summary>
    public static AwaitKind Awaited(Type returnType, out Type awaited)
    {
        awaited = returnType;
        if (returnType == typeof(Task) || returnType == typeof(ValueTask))
        {
            awaited = typeof(void);
            return returnType == typeof(Task) ? AwaitKind.Task : AwaitKind.ValueTask;
        }

        if (returnType.IsGenericType && !returnType.IsGenericTypeDefinition)
        {
            var definition = returnType.GetGenericTypeDefinition();
            if (definition == typeof(Task<>) || definition == typeof(ValueTask<>))
            {
                awaited = returnType.GetGenericArguments()[0];
                return definition == typeof(Task<>) ? AwaitKind.Task : AwaitKind.ValueTask;
            }
        }

        return AwaitKind.None;
    }

    /// <summary>True when an async method's last parameter is the <see cref="CancellationToken"/> of the call (not a WIT parameter).</summary>
    public static bool TakesCancellation(System.Reflection.MethodBase method, AwaitKind kind)
    {
        var ps = method.GetParameters();
        return kind != AwaitKind.None && ps.Length > 0 && ps[^1].ParameterType == typeof(CancellationToken);
    }

    /// <summary>How many of <paramref name="method"/>'s parameters are WIT parameters (a trailing token of an async method is not).</summary>
    public static int WitParameterCount(System.Reflection.MethodBase method)
    {
        var kind = method is System.Reflection.MethodInfo m ? Awaited(m.ReturnType, out _) : AwaitKind.None;
        return method.GetParameters().Length - (TakesCancellation(method, kind) ? 1 : 0);
    }

    /// <param name="source">The converters.</param>
    /// <param name="f">The WIT function.</param>
    /// <param name="parameterTypes">The CLR type of every WIT parameter, <c>self</c> included.</param>
    /// <param name="returnType">The CLR return type (<c>void</c> allowed).</param>
    /// <param name="direction">Which side implements the function (the wording of the result rule).</param>
    /// <param name="where">The pair being matched, leading each problem.</param>
    /// <param name="parameterLabel">The label of parameter <c>i</c> in problems: <c>self</c>, <c>parameter 'x'</c>.</param>
    /// <param name="problems">Where problems go.</param>
    /// <returns>The plan, or null when a problem was added.</returns>
    public static SignaturePlan<TConverter>? Match<TConverter>(
        IConverterSource<TConverter> source, WitFunction f, IReadOnlyList<Type> parameterTypes, Type returnType, BindingDirection direction, string where, Func<int, string> parameterLabel, List<string> problems)
        where TConverter : class
    {
        var before = problems.Count;
        var parameters = new TConverter?[f.Parameters.Count];
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] = source.Create(f.Parameters[i].Type, parameterTypes[i], problems, $"{where}, {parameterLabel(i)}");
        }

        var result = MatchResult(source, f, returnType, direction, where, problems);
        return problems.Count > before ? null : new SignaturePlan<TConverter>(parameters!, result);
    }

    /// <summary>The result rule alone (see <see cref="SignatureMatcher"/>): the result converter, or null (none needed, or a problem added).</summary>
    public static TConverter? MatchResult<TConverter>(IConverterSource<TConverter> source, WitFunction f, Type returnType, BindingDirection direction, string where, List<string> problems)
        where TConverter : class
    {
        var (returns, method) = direction == BindingDirection.Export ? ("returns", "the C# method") : ("the import returns", "the method");
        if (f.Result is null)
        {
            if (returnType != typeof(void))
            {
                problems.Add(direction == BindingDirection.Export
                    ? $"{where}: returns nothing, so the C# method must return void."
                    : $"{where}: the import returns nothing; the method must return void.");
            }

            return null;
        }

        if (returnType == typeof(void) && f.Result is not WitResult)
        {
            problems.Add($"{where}: {returns} {f.Result}; {method} must return {source.DefaultTypeName(f.Result)}.");
            return null;
        }

        return source.Create(f.Result, returnType, problems, $"{where}, result");
    }
}
