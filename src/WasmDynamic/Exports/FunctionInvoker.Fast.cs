using WasmDynamic.Native;

namespace WasmDynamic.Exports;

/// <summary>
/// The invoker's fast path: an uncontended synchronous call of an idle, healthy instance with nothing to arm enters and
/// leaves the instance's <see cref="CallGateState"/> directly (no interface call into the instance, no thread id, no
/// argument-arena reset for scalars). Everything else goes through the instance's full gate.
/// </summary>
internal sealed unsafe partial class FunctionInvoker
{
    private readonly CallGateState _gate;

    // True once resolved in a synchronous store: calls may try the fast path (false again after Unbind).
    private bool _fast;

    // The current general-path call entered through the fast path (End leaves the same way).
    private bool _fastEntered;

    /// <summary>
    /// The scalar-only call entered through <see cref="CallGateState.TryEnter"/> (with stack room checked): native call,
    /// error check and exit in line; a failure is classified (and the instance poisoned) before the instance is left,
    /// as in the full gate.
    /// </summary>
    private void CallScalarsFast(Val* args, Val* result)
    {
        try
        {
            var error = ComponentApi.wasmtime_component_func_call(_func, _storeContext, args, (nuint)_argCount, result, result is null ? 0u : 1u);
            if (error != 0)
            {
                throw _owner.CallFailed(this, error);
            }
        }
        finally
        {
            if (!_gate.TryExit())
            {
                _owner.ExitCall();
            }
        }
    }

    /// <summary>
    /// The native part of a scalar-only call, for both gates: the call (through a helper thread's big stack when this
    /// thread is short of it) and its error classified as a call failure.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void CallScalarsNative(Val* args, Val* result)
    {
        var error = StackBounds.HasRoom(_stackNeeded)
            ? ComponentApi.wasmtime_component_func_call(_func, _storeContext, args, (nuint)_argCount, result, result is null ? 0u : 1u)
            : CallScalarsOnBigStack(args, result);
        if (error != 0)
        {
            throw _owner.CallFailed(this, error);
        }
    }
}
