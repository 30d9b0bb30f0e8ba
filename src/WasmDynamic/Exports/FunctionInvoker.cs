using System.Runtime.InteropServices;
using WasmDynamic.Emit;
using WasmDynamic.Marshalling;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Exports;

/// <summary>
/// Calls one exported component function of one instance. Emitted proxy methods use it as
/// <c>Begin</c> → lower each argument into <see cref="Val"/> slots → <c>Call</c> → lift the result → <c>End</c>.
/// The argument and result buffers are native memory owned by the invoker and reused by every call.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed unsafe partial class FunctionInvoker : ExportCall, IDisposable
{
    private readonly IExportHost _owner;
    private readonly ComponentFunc* _func;

    // The bulk-bytes twin (null without one), and the function the current call goes to (_func or _twinFunc).
    private readonly ComponentFunc* _twinFunc;
    private ComponentFunc* _target;
    private readonly Val* _args;
    private readonly Val* _result;
    private readonly int _argCount;
    private readonly bool _hasResult;
    private readonly MarshalContext _context;

    // A scalar result (bool, integers, floats, char) owns no native memory: nothing to delete, and the slot holds a
    // plain value Wasmtime may overwrite. Every other result is deleted after it is lifted.
    private readonly bool _resultOwnsMemory;
    private bool _resultLive;

    // The function is looked up in the store on first use, by the thread that holds the instance (a lookup from
    // another thread would race with a running call, a disposal or a recreation of the store); false again after a
    // recreation.
    private bool _resolved;

    // Read from the owner when the function is resolved, so a call makes no interface call for them: the store's
    // context (new after a recreation, which unbinds), the instance's mode (fixed by its first store) and the stack a
    // call needs (fixed by the runtime).
    private nint _storeContext;
    private bool _ownerIsAsync;
    private readonly nuint _stackNeeded;

    public FunctionInvoker(IExportHost owner, WitFunction function, string qualifiedName, string? interfaceName)
    {
        _owner = owner;
        InterfaceName = interfaceName;
        Function = function;
        QualifiedName = qualifiedName;
        _argCount = function.Parameters.Count;
        _hasResult = function.Result is not null;
        _resultOwnsMemory = function.Result is not (null or WitPrimitive { PrimitiveKind: not WitTypeKind.String });
        _context = owner.ArgumentContext;
        _stackNeeded = owner.StackNeeded;
        _gate = owner.Gate;
        // The function, the result slot and the argument slots in one cache-line-aligned block: a call reads and writes
        // all three, and an export call runs long enough in Wasmtime for its own lines to leave the nearest cache.
        _slots = (byte*)NativeMemory.AlignedAlloc(SlotsHeader + ((nuint)Math.Max(_argCount, 1) * Val.Size), 64);
        NativeMemory.Clear(_slots, SlotsHeader + ((nuint)Math.Max(_argCount, 1) * Val.Size));
        _func = (ComponentFunc*)_slots;
        _result = (Val*)(_slots + sizeof(ComponentFunc));
        _args = (Val*)(_slots + SlotsHeader);
        Bulk = owner.BulkTwin(interfaceName, function.Name);
        _target = _func;
        if (Bulk is not null)
        {
            _twinFunc = (ComponentFunc*)NativeMemory.AllocZeroed((nuint)sizeof(ComponentFunc));

            // A byte-list result travels faster through the twin at any size (so does any list result of a function
            // with no list argument to judge by); list arguments, and the results of functions that take them, only
            // from the threshold on: a short list of wider numbers costs the plain path less than the twin's fixed cost.
            BulkMinimum = Bulk.BulkResult && (BulkAdapter.BulkPlan.IsBytes(function.Result!) || Bulk.BulkParameters == 0) ? 0 : BulkValues.TwinThreshold;
        }
    }

    // The block's first line: the function (32 bytes), then the result slot (32 bytes); the argument slots follow.
    private const int SlotsHeader = 64;
    private readonly byte* _slots;

    public WitFunction Function { get; }

    /// <summary>The wrapper's hidden twin this invoker calls instead of the function, or null (the plain path).</summary>
    public BulkAdapter.BulkFunction? Bulk { get; }

    /// <summary>The fewest bytes a number-list argument needs to be lowered for the twin; 0: every call takes the twin (see <see cref="TakesTwin"/>).</summary>
    public int BulkMinimum { get; }

    /// <summary>
    /// Ends lowering a call of a function with a twin: true (its marked slots all made strings) when an argument was
    /// big enough to be lowered as one, or the twin is taken at any size (<see cref="BulkMinimum"/> 0); false when the
    /// plain export is called, with every list as native values.
    /// </summary>
    internal bool TakesTwin(Val* args, MarshalContext cx)
    {
        var bulk = Bulk!;
        if (BulkMinimum != 0 && !BulkValues.AnyEncoded(args, bulk.BulkParameters))
        {
            return false;
        }

        BulkValues.FixArguments(args, bulk.BulkParameters, cx);
        TwinCalls++;
        return true;
    }

    /// <summary>How many calls took the twin (calls of one instance are serialised; read by tests).</summary>
    internal int TwinCalls { get; private set; }

    /// <summary>The exported interface the function belongs to, or null for a root function.</summary>
    public string? InterfaceName { get; }

    /// <summary>Forgets the function of a store that is going away; the next call looks it up in the new store.</summary>
    public void Unbind() => _resolved = _twinResolved = _fast = false;

    // The twin is looked up on the first call that takes it (calls below the threshold never do).
    private bool _twinResolved;

    /// <summary>The name used in messages: <c>demo:calc/types@0.1.0#area</c> or <c>add</c>.</summary>
    public string QualifiedName { get; }

    public override MarshalContext Context => _context;

    /// <summary>Enters the instance and returns the argument slots.</summary>
    public override Val* Begin()
    {
        if (_fast && _gate.TryEnter(this, StackBounds.ThreadId))
        {
            _fastEntered = true;
        }
        else
        {
            _owner.EnterCall(this);
        }

        if (!_resolved)
        {
            try
            {
                Resolve();
            }
            catch
            {
                _owner.ExitCall();
                throw;
            }
        }

        if (Bulk is { } bulk)
        {
            _context.MarkBulkSlots(_args, bulk.BulkParameters, BulkMinimum);
        }

        _context.SetCall(_args, Function, QualifiedName);
        return _args;
    }

    /// <summary>Calls the function with the lowered arguments; returns the result slot.</summary>
    public override Val* Call()
    {
        var twin = false;
        if (Bulk is not null)
        {
            _context.MarkBulkSlots(null, 0);
            twin = TakesTwin(_args, _context);
            if (twin)
            {
                ResolveTwin();
            }

            _target = twin ? _twinFunc : _func;
        }

        // The instance is held and the call goes to Wasmtime now: the handles lowered into it are checked and moved.
        _context.CommitHandles();
        if (_ownerIsAsync)
        {
            // An async instance's imports are fiber callbacks: even a synchronous call runs on a fiber, driven here.
            CallAsyncBlocking(_args, _result, twin);
            _resultLive = _hasResult;
            return _result;
        }

        // The guest may use up to max_wasm_stack below this frame: with less stack left, run it where there is more.
        var error = StackBounds.HasRoom(_stackNeeded) ? CallNative() : _owner.CallOnBigStack(this);
        if (error != 0)
        {
            throw _owner.CallFailed(this, error);
        }

        _resultLive = _resultOwnsMemory;
        return _result;
    }

    /// <summary>
    /// The scalar-only call (see <see cref="ExportCall.CallScalars"/>): one gate enter and exit around the native call,
    /// with the caller's argument and result slots. Such a function has no bulk twin (it has no byte list).
    /// </summary>
    public override void CallScalars(Val* args, Val* result)
    {
        // The stack check first: a thread short of stack takes the full gate (and the big stack), so the fast path
        // calls straight into Wasmtime; the same cached thread-static read gives the lock its owner's id.
        if (_fast && StackBounds.HasRoom(_stackNeeded, out var me) && _gate.TryEnter(this, me))
        {
            CallScalarsFast(args, result);
            return;
        }

        _owner.EnterCall(this);
        try
        {
            if (!_resolved)
            {
                Resolve();
            }

            if (_ownerIsAsync)
            {
                CallAsyncBlocking(args, result, twin: false);
                return;
            }

            CallScalarsNative(args, result);
        }
        finally
        {
            _owner.ExitCall();
        }
    }

    /// <summary>A scalar-only call from a thread short of stack: through the invoker's own slots, which the helper thread calls with.</summary>
    private nint CallScalarsOnBigStack(Val* args, Val* result)
    {
        NativeMemory.Copy(args, _args, (nuint)_argCount * Val.Size);
        _target = _func;
        var error = _owner.CallOnBigStack(this);
        if (result is not null)
        {
            // A scalar owns no memory: the copy is the whole value; the invoker's slot goes back to a plain bool.
            NativeMemory.Copy(_result, result, Val.Size);
            NativeMemory.Clear(_result, Val.Size);
        }

        return error;
    }

    /// <summary>A call of an async instance, driven to its end on this thread (a host task is waited for); throws as <see cref="Call"/> does.</summary>
    internal void CallAsyncBlocking(Val* args, Val* result, bool twin)
    {
        nint error = 0;
        using (var future = StartAsync(args, result, &error, twin))
        {
            if (_owner.Drive(future) is { } stopped)
            {
                throw _owner.CallFailed(this, stopped);
            }
        }

        if (error != 0)
        {
            throw _owner.CallFailed(this, error);
        }
    }

    /// <summary>Starts the call on a fiber; <paramref name="error"/> and <paramref name="result"/> are written when the future completes.</summary>
    internal CallFutureHandle StartAsync(Val* args, Val* result, nint* error, bool twin) =>
        new(AsyncApi.wasmtime_component_func_call_async(twin ? _twinFunc : _func, _owner.Context, args, (nuint)_argCount, _hasResult ? result : null, _hasResult ? 1u : 0u, error));

    /// <summary>Looks the function up in the current store if needed (the caller holds the instance).</summary>
    internal void Resolve()
    {
        if (!_resolved)
        {
            *_func = _owner.LookUp(this, twin: false);
            _storeContext = _owner.Context;
            _ownerIsAsync = _owner.IsAsync;
            _resolved = true;
            _fast = !_ownerIsAsync;
        }
    }

    /// <summary>Looks the twin up in the current store if needed (the caller holds the instance).</summary>
    internal void ResolveTwin()
    {
        if (!_twinResolved)
        {
            *_twinFunc = _owner.LookUp(this, twin: true);
            _twinResolved = true;
        }
    }

    internal IExportHost Owner => _owner;

    /// <summary>A frame of an ended async call, kept for the next one (see <see cref="AsyncExportCall"/>).</summary>
    internal AsyncExportCall? SpareFrame;

    /// <summary>True once the invoker's memory is freed (a frame returned later frees itself).</summary>
    internal bool IsDisposed { get; private set; }

    internal int ArgumentCount => _argCount;

    internal bool HasResult => _hasResult;

    public override AsyncExportFrame BeginAsync() => AsyncExportCall.Rent(this);

    /// <summary>The native call itself, on whichever thread runs it.</summary>
    internal nint CallNative() =>
        ComponentApi.wasmtime_component_func_call(_target, _storeContext, _args, (nuint)_argCount, _hasResult ? _result : null, _hasResult ? 1u : 0u);

    /// <summary>Frees a non-scalar result, resets the argument arena and leaves the instance (always, from a finally).</summary>
    public override void End()
    {
        if (_resultLive)
        {
            FreeResult();
        }

        if (Bulk is not null)
        {
            _context.MarkBulkSlots(null, 0);
        }

        if (_fastEntered)
        {
            _fastEntered = false;
            _context.Reset();
            if (_gate.TryExit())
            {
                return;
            }
        }

        _owner.ExitCall();
    }

    /// <summary>
    /// Frees the lifted result. Not inlined: <see cref="End"/> is inlined into the emitted method's finally, where the
    /// JIT does not inline a P/Invoke (it would call through a marshalling stub); here the native call is inlined.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void FreeResult()
    {
        _resultLive = false;
        ComponentApi.wasmtime_component_val_delete(_result);

        // Wasmtime assigns into the result slot, dropping what it holds: leave a plain bool, not freed pointers.
        *_result = default;
    }

    /// <summary>Called from an emitted method's catch: the argument error located at WIT parameter <paramref name="index"/>.</summary>
    public override Exception ArgumentFailed(ComponentArgumentException e, int index) =>
        index < 0 || index >= Function.Parameters.Count ? e : e.At(QualifiedName, Function.Signature, Function.Parameters[index].Name);

    /// <summary>Called from an emitted method's catch: an <c>err</c> result, with this function named.</summary>
    public override Exception ErrorReturned(ComponentErrorException e) => e.Function is not null ? e : new ComponentErrorException(e.Payload, QualifiedName);

    public void Dispose()
    {
        IsDisposed = true;
        Interlocked.Exchange(ref SpareFrame, null)?.Free();
        NativeMemory.AlignedFree(_slots);
        NativeMemory.Free(_twinFunc);
    }
}
