using System.Runtime.ExceptionServices;
using WasmDynamic.Exports;
using WasmDynamic.Imports;
using WasmDynamic.Native;

namespace WasmDynamic;

/// <summary>
/// The call gate of an instance: one call at a time (a lock, waited for, never failed), re-entrance refused,
/// deadlocks between instances detected (the waiting slow path: ComponentInstance.Waiting.cs), cancellation and
/// deadlines armed per call, and stack room for the guest.
/// A partial file of <see cref="ComponentInstance"/> because every step reads and writes the instance's call state
/// (lock, depth, poison, disposal) under its lock.
/// </summary>
public sealed partial class ComponentInstance
{
    /// <summary>Looks <paramref name="invoker"/>'s function up in the current store (on the thread holding the instance).</summary>
    internal ComponentFunc LookUp(FunctionInvoker invoker, bool twin) => twin && invoker.Bulk is { } bulk
        ? Linking.GetFunc(Component.Name, _native, Context, null, bulk.HiddenName)
        : Linking.GetFunc(Component.Name, _native, Context, invoker.InterfaceName, invoker.Function.Name);

    /// <summary>The hidden bulk-bytes twin of an exported function in this instance's component, or null.</summary>
    internal BulkAdapter.BulkFunction? BulkTwin(string? interfaceName, string function) => Code.Bulk?.Find(interfaceName, function);

    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    internal void EnterCall(FunctionInvoker invoker)
    {
        if (_async)
        {
            // An async instance's slot is a semaphore shared with its async calls (ComponentInstance.AsyncGate.cs).
            EnterBlocking(invoker);
            return;
        }

        if (!_lock.TryEnter())
        {
            // Only here can this be the helper thread of a call short of stack (its caller holds the lock): a call
            // from there re-enters the instance. The fast path reads no thread-static.
            if (_actingFor == this)
            {
                throw Reentered(invoker);
            }

            WaitForInstance(invoker);
        }

        if (_disposed)
        {
            if (!LeaveToDisposer())
            {
                FreeIfDisposed();
            }

            _lock.Exit();
            throw new ObjectDisposedException(nameof(ComponentInstance), $"Cannot call '{invoker.QualifiedName}': the component instance is disposed.");
        }

        if (_poison is not null)
        {
            if (_options.RecreateAfterTrap && _depth == 0)
            {
                try
                {
                    Recreate();
                }
                catch
                {
                    _lock.Exit();
                    throw;
                }
            }
            else
            {
                _lock.Exit();
                throw new ComponentInstancePoisonedException(invoker.QualifiedName, _poison);
            }
        }

        if (++_depth > 1)
        {
            _depth--;
            _lock.Exit();
            throw Reentered(invoker);
        }

        var interruptible = _interruptsConfigured || CancellationScope.Any;
        if (interruptible && CanceledBeforeCall() is { } canceled)
        {
            // Already cancelled: refuse the call before the guest runs (the epoch callback would only see it at a
            // later tick, so a short call would sometimes run, sometimes not). The instance is left as it was.
            _depth--;
            _lock.Exit();
            throw new ComponentCanceledException(invoker.QualifiedName, invoker.Function.Signature, canceled);
        }

        _holder = Environment.CurrentManagedThreadId;
        _currentCall = invoker;
        _state.PendingHostException = null;
        if (interruptible)
        {
            Arm();
        }

        if (_fuelPerCall != 0)
        {
            WasmtimeApi.wasmtime_context_set_fuel(Context, _fuelPerCall);
        }
    }

    /// <summary>The instance's or this thread's cancellation token for this instance, when it is already cancelled.</summary>
    private CancellationToken? CanceledBeforeCall()
    {
        if (_options.CancellationToken.IsCancellationRequested)
        {
            return _options.CancellationToken;
        }

        var token = CancellationScope.For(this);
        return token.IsCancellationRequested ? token : null;
    }

    /// <summary>Sets this call's deadline and token, and has Wasmtime check them every epoch tick.</summary>
    private void Arm()
    {
        var token = CancellationScope.For(this);
        if (!_interruptsConfigured && !token.CanBeCanceled)
        {
            return;
        }

        _interrupt.CallToken = token;
        _interrupt.Reason = InterruptReason.None;
        _interrupt.Deadline = _timeoutTicks is { } t ? System.Diagnostics.Stopwatch.GetTimestamp() + t : long.MaxValue;
        WasmtimeApi.wasmtime_context_set_epoch_deadline(Context, 1);
        _armed = true;
    }

    internal void ExitCall()
    {
        if (_async)
        {
            ArgumentContext.Reset();
            ExitAsync();
            return;
        }

        if (_armed)
        {
            // The deadline stays one tick ahead (the callback re-arms it); only this call's token is forgotten.
            _armed = false;
            _interrupt.CallToken = default;
            _interrupt.Deadline = long.MaxValue;
        }

        ArgumentContext.Reset();
        if (--_depth == 0)
        {
            _currentCall = null;
            _holder = 0;
            if (_disposed && !LeaveToDisposer())
            {
                // A Dispose from inside this call (or from another thread that gave up waiting) was deferred to here.
                FreeIfDisposed();
            }
        }

        _lock.Exit();
    }

    /// <summary>
    /// The instance whose call this helper thread runs for a caller short of stack: on it, that instance counts as
    /// entered (its lock is held by the waiting caller).
    /// </summary>
    [ThreadStatic]
    private static ComponentInstance? _actingFor;

    // The managed thread id running the current outermost call (0 when not recorded: see CallGateState.Holder), and
    // that call (for deadlock messages).
    private int _holder
    {
        get => _gate.Holder;
        set => _gate.Holder = value;
    }

    /// <summary>
    /// The thread holding the instance, for deadlock detection and messages: the one the gate recorded, else the one
    /// inside a host import of the running call (the fast path records none), else 0.
    /// </summary>
    private int HolderThread => _holder is not 0 and var h ? h : _state is { ImportDepth: > 0 } s ? s.ImportThread : 0;

    /// <summary>How many calls are running on the holding thread (for tests).</summary>
    internal int CallDepth => _depth;

    private FunctionInvoker? _currentCall
    {
        get => _gate.CurrentCall;
        set => _gate.CurrentCall = value;
    }

    /// <summary>True on the thread running this instance's call (or the helper thread running it for that thread).</summary>
    private bool OnCallThread => _lock.IsHeldByCurrentThread || _actingFor == this;

    private static ComponentReentrancyException Reentered(FunctionInvoker invoker) =>
        new($"Cannot call '{invoker.QualifiedName}' ({invoker.Function.Signature}) from inside a host import of the same instance: the component model forbids re-entering an instance. Call another instance, or return to the guest first.");

    /// <summary>The stack a thread needs left to run a call itself.</summary>
    internal nuint StackNeeded { get; }

    /// <summary>
    /// Runs a call on a helper thread with a stack big enough for the guest's limit, for a calling thread with too
    /// little stack left (a small thread, or a deep .NET stack). The caller keeps the instance's lock and waits; on the
    /// helper, host imports see the instance as entered. Costs a thread start (~0.1 ms); calls from threads with room
    /// never take this path.
    /// </summary>
    internal nint CallOnBigStack(FunctionInvoker invoker)
    {
        nint error = 0;
        Exception? failure = null;
        var holder = _holder;

        // Host imports running on the helper may call other instances: they must see this thread's cancellation scopes.
        var cancellation = CancellationScope.Current;
        var thread = new Thread(
            () =>
            {
                _actingFor = this;
                CancellationScope.Current = cancellation;
                _holder = Environment.CurrentManagedThreadId;
                try
                {
                    error = invoker.CallNative();
                }
                catch (Exception e)
                {
                    failure = e;
                }
                finally
                {
                    _actingFor = null;
                    CancellationScope.Current = null;
                }
            },
            checked((int)StackNeeded + 1024 * 1024))
        {
            IsBackground = true,
            Name = "WasmDynamic call with a big stack",
        };
        thread.UnsafeStart();
        thread.Join();
        _holder = holder;
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return error;
    }

    /// <summary>Drops a guest resource handle: runs the guest destructor for an owned one, then frees the box.</summary>
    internal void DropResource(ResourceHandle handle)
    {
        if (handle.IsReleased)
        {
            // Already dropped, moved into the guest, or its instance is gone: nothing to wait for the instance for
            // (IsReleased never becomes false again).
            return;
        }

        var drop = $"[resource-drop]{handle.Binding.Resource.Name}";
        var signature = $"resource {handle.Binding.Resource.Name}";
        if (handle.Owned && _depth > 0 && OnCallThread && !_disposed && _poison is null && !handle.IsReleased)
        {
            // From inside one of this instance's host imports: the guest destructor would re-enter the instance.
            throw new ComponentReentrancyException($"Cannot dispose the {handle.Binding.Resource.Name} resource from inside a host import of the component instance that owns it: its guest destructor would re-enter the instance while it is in a call, which the component model forbids. The handle stays valid; dispose it after the call into the instance returns.");
        }

        if (_async)
        {
            DropOnAsync(handle, drop, signature);
            return;
        }

        var entered = _actingFor != this;
        if (entered && !_lock.TryEnter())
        {
            // Busy: wait like a call does, so a host import that waits for this thread is reported, not a hang.
            WaitForInstance(drop, signature);
        }

        try
        {
            DropHeld(handle, drop, signature);
        }
        finally
        {
            if (entered)
            {
                _lock.Exit();
            }
        }
    }

    /// <summary>The drop itself, with the instance held (its lock, or an async instance's slot).</summary>
    private void DropHeld(ResourceHandle handle, string drop, string signature)
    {
        {
            if (_disposed)
            {
                return;
            }

            var any = handle.Take();
            if (any == 0)
            {
                return;
            }

            Resources.Untrack(handle);
            if (_poison is not null)
            {
                // The store trapped and cannot run a destructor; the handle goes with it. Disposing silently keeps a
                // using block from hiding the exception that poisoned the instance.
                ComponentApi.wasmtime_component_resource_any_delete(any);
                return;
            }

            // An async store refuses the synchronous drop and Wasmtime 50's C API has no async one: there the wrapper's
            // hidden drop function runs the destructor (ComponentInstance.AsyncDrop.cs); without a wrapper the handle
            // is released and the guest's resource lives, destructor not run, until the store goes away.
            // A destructor is guest code: it gets the call timeout and the cancellation tokens a call gets.
            var armed = handle.Owned && ArmForDrop();
            try
            {
                if (handle.Owned && _async && DropThroughTwin(handle, any, drop, signature))
                {
                    return;
                }

                var error = handle.Owned && !_async ? ComponentApi.wasmtime_component_resource_any_drop(Context, any) : 0;
                ComponentApi.wasmtime_component_resource_any_delete(any);
                if (error != 0)
                {
                    var e = CallFailure.Classify(WithoutTwins(NativeError.Take(error)), drop, signature, _interrupt, _state, _options);
                    _poison = e;
                    throw e;
                }
            }
            finally
            {
                if (armed)
                {
                    _armed = false;
                    _interrupt.CallToken = default;
                    _interrupt.Deadline = long.MaxValue;
                }
            }
        }
    }

    /// <summary>
    /// Arms the call deadline and this thread's token for a guest destructor run outside any call (as <see cref="Arm"/>
    /// does for a call); false when nothing can interrupt it or a call's arming is in force.
    /// </summary>
    private bool ArmForDrop()
    {
        if (_armed)
        {
            return false;
        }

        Arm();
        return _armed;
    }
}
