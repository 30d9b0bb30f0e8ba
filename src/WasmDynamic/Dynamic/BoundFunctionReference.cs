using System.Dynamic;
using System.Reflection;
using WasmDynamic.Emit;
using WasmDynamic.Exports;

namespace WasmDynamic.Dynamic;

/// <summary>
/// A component function taken as a value (<c>exports["roundtrip-u8"]</c>), callable with <c>dynamic</c> invocation
/// syntax: <c>exports["roundtrip-u8"](1)</c>.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed class BoundFunctionReference : DynamicObject
{
    private readonly IProxyObject _proxy;
    private readonly BoundFunction _function;

    public BoundFunctionReference(IProxyObject proxy, BoundFunction function)
    {
        _proxy = proxy;
        _function = function;
    }

    public override bool TryInvoke(InvokeBinder binder, object?[]? args, out object? result)
    {
        result = Invoke(_proxy, _function, args ?? [], binder.CallInfo.ArgumentNames);
        return true;
    }

    /// <summary>Calls <paramref name="function"/> with arguments coerced to its CLR parameter types.</summary>
    /// <remarks><c>names</c> are C#'s named arguments: the names of the last arguments.</remarks>
    public static object? Invoke(IProxyObject proxy, BoundFunction function, object?[] args, IReadOnlyList<string>? names = null)
    {
        var converted = DynamicCall.Convert(function.Method, function.Function, 0, proxy.Binding.Qualified(function.Function), args, names ?? []);
        try
        {
            return function.Method.Invoke(proxy, converted);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    public override string ToString() => _function.Function.Signature;
}
