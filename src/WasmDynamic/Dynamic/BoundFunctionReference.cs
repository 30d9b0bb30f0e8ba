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

    /// <summary>
    /// Calls <paramref name="function"/> asynchronously (see <see cref="ComponentInstance.InvokeAsync(string, object?[], CancellationToken)"/>)
    /// with arguments coerced to its CLR parameter types and lowered boxed; the result is lifted boxed.
    /// </summary>
    public static unsafe Task<object?> InvokeAsync(IProxyObject proxy, BoundFunction function, object?[] args, CancellationToken cancellationToken, IReadOnlyList<string>? names = null)
    {
        var converted = DynamicCall.Convert(function.Method, function.Function, 0, proxy.Binding.Qualified(function.Function), args, names ?? []);
        var invoker = proxy.Binding.Invokers[Array.IndexOf(proxy.Binding.Info.Functions, function)];
        var frame = invoker.BeginAsync();
        var i = 0;
        try
        {
            for (; i < converted.Length; i++)
            {
                function.Parameters[i].LowerBoxed(converted[i], frame.Args + i, frame.Context);
            }
        }
        catch (ComponentArgumentException e)
        {
            frame.Abandon();
            throw invoker.ArgumentFailed(e, i);
        }
        catch
        {
            frame.Abandon();
            throw;
        }

        return frame.RunBoxed(function.Result, cancellationToken);
    }

    /// <summary>The dynamic call <c>exports.AddAsync(1, 2)</c>: a trailing <see cref="CancellationToken"/> argument cancels the call.</summary>
    internal static Task<object?> InvokeAsyncDynamic(IProxyObject proxy, BoundFunction function, object?[] args, string[] names)
    {
        if (args.Length > function.Function.Parameters.Count && args[^1] is CancellationToken token && (names.Length == 0 || names.Length < args.Length))
        {
            return InvokeAsync(proxy, function, args[..^1], token, names);
        }

        return InvokeAsync(proxy, function, args, default, names);
    }

    public override string ToString() => _function.Function.Signature;
}
