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
        args ??= [];
        var ps = _function.Method.GetParameters();
        var signature = _function.Function.Signature;
        if (args.Length != ps.Length)
        {
            throw new ComponentArgumentException($"Function '{_function.Function.Name}' takes {ps.Length} argument(s) but {args.Length} were given: {signature}.");
        }

        var converted = new object?[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            var name = _function.Function.Parameters[i].Name;
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
            result = _function.Method.Invoke(_proxy, converted);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }

        return true;
    }

    public override string ToString() => _function.Function.Signature;
}
