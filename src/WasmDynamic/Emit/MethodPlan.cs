using System.Reflection;
using WasmDynamic.Binding;
using WasmDynamic.Marshalling;
using WasmDynamic.Wit;

namespace WasmDynamic.Emit;

/// <summary>
/// One emitted method bound to one WIT function: its CLR signature and, once known, its converters. For a resource
/// method the WIT <c>self</c> parameter is the object itself (<see cref="SelfType"/>), not a CLR parameter.
/// </summary>
internal sealed class MethodPlan
{
    /// <param name="function">The WIT function.</param>
    /// <param name="name">The method's name.</param>
    /// <param name="parameterTypes">The CLR types of the WIT parameters (not <c>self</c>, not a trailing token).</param>
    /// <param name="parameterNames">Their names.</param>
    /// <param name="returnType">The CLR type the result is lifted as (for an async method, the awaited type).</param>
    /// <param name="implements">The interface method implemented, or null.</param>
    /// <param name="selfType">The class of <c>this</c> for a resource method.</param>
    /// <param name="awaitKind">How an async method returns (<c>Task</c>, <c>ValueTask</c>), or <see cref="AwaitKind.None"/>.</param>
    /// <param name="takesCancellation">An async method's last parameter is the call's <see cref="CancellationToken"/>.</param>
    public MethodPlan(WitFunction function, string name, Type[] parameterTypes, string[] parameterNames, Type returnType, MethodInfo? implements, Type? selfType, AwaitKind awaitKind = AwaitKind.None, bool takesCancellation = false)
    {
        Await = awaitKind;
        TakesCancellation = takesCancellation;
        Function = function;
        Name = name;
        ParameterTypes = parameterTypes;
        ParameterNames = parameterNames;
        ReturnType = returnType;
        Implements = implements;
        SelfType = selfType;
    }

    public WitFunction Function { get; }

    public string Name { get; }

    public Type[] ParameterTypes { get; }

    public string[] ParameterNames { get; }

    public Type ReturnType { get; }

    public MethodInfo? Implements { get; }

    /// <summary>How the method is async (its declared return type is a task of <see cref="ReturnType"/>), or not.</summary>
    public AwaitKind Await { get; }

    /// <summary>The method's last parameter is a <see cref="CancellationToken"/> that cancels the call.</summary>
    public bool TakesCancellation { get; }

    /// <summary>The return type the method is declared with (a task type for an async method).</summary>
    public Type DeclaredReturnType => Implements?.ReturnType ?? ReturnType;

    /// <summary>The parameter types the method is declared with (the WIT parameters, then the token if any).</summary>
    public Type[] DeclaredParameterTypes => TakesCancellation ? [.. ParameterTypes, typeof(CancellationToken)] : ParameterTypes;

    /// <summary>The CLR type of <c>this</c> for a resource method (the class or the user's resource interface).</summary>
    public Type? SelfType { get; }

    /// <summary>Converters for every WIT parameter (self first, for methods), filled when the types are final.</summary>
    public ValueConverter[]? Converters { get; set; }

    public ValueConverter? ResultConverter { get; set; }

    /// <summary>The CLR type the result converter lifts (the return type, or the ok type behind a void).</summary>
    public Type? LiftType => Function.Result is null ? null : ReturnType == typeof(void) ? ResultConverter?.ClrType ?? typeof(Unit) : ReturnType;

    /// <summary>The CLR type of WIT parameter <paramref name="i"/> (self included).</summary>
    public Type WitParameterClrType(int i) => SelfType is null ? ParameterTypes[i] : i == 0 ? SelfType : ParameterTypes[i - 1];

    /// <summary>
    /// Creates the converters of a default-map plan once every emitted type exists; <paramref name="clrType"/> maps
    /// WIT types to their (now created) CLR types, since the plan may name types that were still being built.
    /// </summary>
    public void CreateConverters(ConverterFactory factory, string where, Func<WitType, Type> clrType)
    {
        var problems = new List<string>();
        Converters ??= Function.Parameters.Select(p => factory.Create(p.Type, clrType(p.Type), problems, where)!).ToArray();
        if (Function.Result is not null && ResultConverter is null)
        {
            ResultConverter = factory.Create(Function.Result, clrType(Function.Result), problems, where);
        }

        if (problems.Count > 0)
        {
            throw new ComponentBindingException("WasmDynamic could not bind its own default type map (please report this):", problems);
        }
    }

    public BoundFunction Bind(MethodInfo method) => new(Function, method, Converters!, ResultConverter);
}
