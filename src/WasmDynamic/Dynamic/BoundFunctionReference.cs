using System.Dynamic;
using System.Reflection;
using WasmDynamic.Emit;
using WasmDynamic.Marshalling;

namespace WasmDynamic.Dynamic;

/// <summary>
/// A component function taken as a value (<c>exports["roundtrip-u8"]</c>), callable with <c>dynamic</c> invocation
/// syntax: <c>exports["roundtrip-u8"](1)</c>.
/// </summary>
internal sealed class BoundFunctionReference : DynamicObject
{
    private readonly ComponentProxy _proxy;
    private readonly BoundFunction _function;

    public BoundFunctionReference(ComponentProxy proxy, BoundFunction function)
    {
        _proxy = proxy;
        _function = function;
    }

    public override bool TryInvoke(InvokeBinder binder, object?[]? args, out object? result)
    {
        result = Invoke(_proxy, _function, args ?? []);
        return true;
    }

    /// <summary>Calls <paramref name="function"/> with arguments coerced to its CLR parameter types.</summary>
    public static object? Invoke(ComponentProxy proxy, BoundFunction function, object?[] args)
    {
        var ps = function.Method.GetParameters();
        var signature = function.Function.Signature;
        if (args.Length != ps.Length)
        {
            throw new ComponentArgumentException($"Function '{function.Function.Name}' takes {ps.Length} argument(s) but {args.Length} were given: {signature}.");
        }

        var converted = new object?[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            var name = function.Function.Parameters[i].Name;
            try
            {
                converted[i] = Coercion.Convert(args[i], ps[i].ParameterType, name);
            }
            catch (ComponentArgumentException e)
            {
                throw new ComponentArgumentException($"Argument '{name}' of {signature}: {e.Message}", e);
            }
            catch (OverflowException e)
            {
                throw new OverflowException($"Argument '{name}' of {signature}: {e.Message}", e);
            }
        }

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
