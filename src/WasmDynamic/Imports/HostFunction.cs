using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using WasmDynamic.Marshalling;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Imports;

/// <summary>
/// One imported function implemented by a .NET method: lifts the guest's arguments, calls the method, lowers its
/// result into Wasmtime-owned values. Exceptions never cross into native frames: they become a trap, and the
/// original exception reaches the caller of the export.
/// </summary>
internal sealed unsafe class HostFunction
{
    private readonly StoreState _state;
    private readonly ValueConverter[] _parameters;
    private readonly ValueConverter? _result;
    private readonly Emit.HostAdapter _adapter;
    private readonly object? _target;

    // Read on every call instead of the converter array and result (one object fewer for a call to touch).
    private readonly nuint _argCount;
    private readonly nuint _resultCount;
    private readonly bool _resetsArena;

    public HostFunction(StoreState state, WitFunction function, string qualifiedName, ValueConverter[] parameters, ValueConverter? result, Emit.HostAdapter adapter, object? target, bool isAsync = false)
    {
        IsAsync = isAsync;
        _target = target;
        _state = state;
        Function = function;
        QualifiedName = qualifiedName;
        _parameters = parameters;
        _result = result;
        _argCount = (nuint)parameters.Length;
        _resultCount = result is null ? 0u : 1u;

        // Lowering a scalar result (or none) never takes memory from the context's arena: nothing to reset after it.
        _resetsArena = function.Result is not (null or WitPrimitive { PrimitiveKind: not WitTypeKind.String });
        _adapter = adapter;
    }

    public WitFunction Function { get; }

    /// <summary>This function's slot in its store's imports (index + 1), set when the store takes them.</summary>
    public int Slot { get; set; }

    public string QualifiedName { get; }

    /// <summary>True when the host member returns a task (the instance must be linked for async calls).</summary>
    public bool IsAsync { get; }

    /// <summary>Where a failure of this import is reported: <c>'name' (signature)</c>.</summary>
    public string Where => $"'{QualifiedName}' ({Function.Signature})";

    /// <summary>
    /// For the async driver, on the polling thread: lifts the arguments the fiber callback recorded and runs the host
    /// member. Returns null when the results are written, or the task to await (then <see cref="Finish"/>). A host
    /// exception propagates (the driver fails the call with it); a <see cref="ComponentErrorException"/> for a
    /// <c>result&lt;T, E&gt;</c> becomes the guest's <c>err</c>, as in the synchronous path. Pair with <see cref="End"/>.
    /// </summary>
    public Emit.HostPending? Start(PendingHostCall call, CancellationToken token)
    {
        _state.CurrentImport = this;
        _state.ImportCalls++;
        _state.ImportDepth++;
        if (call.ArgumentCount != _parameters.Length || call.ResultCount != (_result is null ? 0 : 1))
        {
            throw new WasmDynamicException($"Wasmtime passed {call.ArgumentCount} argument(s) and {call.ResultCount} result slot(s) to '{QualifiedName}' ({Function.Signature}).");
        }

        var previous = Emit.HostPending.SetCurrentToken(token);
        try
        {
            return _adapter(_target, call.Arguments, call.Results, _state.ResultContext);
        }
        catch (ComponentErrorException e) when (_result is IErrorLowering lowering)
        {
            lowering.LowerError(e.Payload, call.Results, _state.ResultContext);
            return null;
        }
        finally
        {
            Emit.HostPending.SetCurrentToken(previous);
        }
    }

    /// <summary>Lowers the value of a completed host task (its exception, if it failed, is rethrown as in <see cref="Start"/>).</summary>
    public void Finish(PendingHostCall call, Emit.HostPending pending)
    {
        try
        {
            pending.Completion.GetAwaiter().GetResult();
            pending.Lower(call.Results, _state.ResultContext);
        }
        catch (ComponentErrorException e) when (_result is IErrorLowering lowering)
        {
            lowering.LowerError(e.Payload, call.Results, _state.ResultContext);
        }
    }

    /// <summary>Ends a call begun with <see cref="Start"/>.</summary>
    public void End()
    {
        _state.ImportDepth--;
        _state.CurrentImport = null;
        _state.ResultContext.Arena.Reset();
    }

    private nint Invoke(Val* args, nuint argCount, Val* results, nuint resultCount)
    {
        var cx = _state.ResultContext;
        var outer = _state.CurrentImportSlot;

        // The fast call path does not read the thread id: a thread can wait for another instance only from here.
        _state.ImportThread = Environment.CurrentManagedThreadId;
        _state.CurrentImportSlot = Slot;
        _state.ImportCalls++;
        _state.ImportDepth++;
        try
        {
            if (argCount != _argCount || resultCount != _resultCount)
            {
                throw WrongSlotCounts(argCount, resultCount);
            }

            try
            {
                if (_adapter(_target, args, results, cx) is not null)
                {
                    // Async members make the instance async (linked through the fiber callbacks); this path is sync only.
                    throw AsyncOnSyncStore();
                }
            }
            catch (ComponentErrorException e) when (_result is IErrorLowering lowering)
            {
                // The err case of result<T, E>: a typed error for the guest, not a trap.
                lowering.LowerError(e.Payload, results, cx);
            }

            return 0;
        }
        catch (Exception e)
        {
            return CallbackBridge.Captured(_state, e, "host function", Where);
        }
        finally
        {
            _state.ImportDepth--;
            _state.CurrentImportSlot = outer;
            if (_resetsArena)
            {
                cx.Arena.Reset();
            }
        }
    }

    // The messages are built out of line: Invoke's frame stays small (no string-building locals to zero per call).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private WasmDynamicException WrongSlotCounts(nuint argCount, nuint resultCount) =>
        new($"Wasmtime passed {argCount} argument(s) and {resultCount} result slot(s) to '{QualifiedName}' ({Function.Signature}).");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private WasmDynamicException AsyncOnSyncStore() =>
        new($"The async host member for '{QualifiedName}' was called on a synchronous store (a WasmDynamic bug).");

    /// <summary>
    /// The native trampoline. The linker is shared by every instance prepared with the same import shape, so
    /// <c>env</c> is only the function's index in the plan; the store's data (a GCHandle to its
    /// <see cref="StoreState"/>) says whose host objects serve the call.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static nint Callback(nint env, nint context, nint type, Val* args, nuint argCount, Val* results, nuint resultCount)
    {
        try
        {
            return StoreState.Of(context).Imports[(int)env].Invoke(args, argCount, results, resultCount);
        }
        catch (Exception e)
        {
            return CallbackBridge.Unexpected("host callback", e);
        }
    }
}
