using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using WasmDynamic.Exports;
using WasmDynamic.Imports;
using WasmDynamic.Native;

namespace WasmDynamic;

/// <summary>
/// The call gate of an instance: one call at a time (a lock, waited for, never failed), re-entrance refused,
/// deadlocks between instances detected, cancellation and deadlines armed per call, and stack room for the guest.
/// A partial file of <see cref="ComponentInstance"/> because every step reads and writes the instance's call state
/// (lock, depth, poison, disposal) under its lock.
/// </summary>
public sealed partial class ComponentInstance
{
    /// <summary>Looks <paramref name="invoker"/>'s function up in the current store (on the thread holding the instance).</summary>
    internal ComponentFunc LookUp(FunctionInvoker invoker) => invoker.Bulk is { } twin
        ? Linking.GetFunc(Component.Name, _native, Context, null, twin.HiddenName)
        : Linking.GetFunc(Component.Name, _native, Context, invoker.InterfaceName, invoker.Function.Name);

    /// <summary>The hidden bulk-bytes twin of an exported function in this instance's component, or null.</summary>
    internal BulkAdapter.BulkFunction? BulkTwin(string? interfaceName, string function) => Component.Bulk?.Find(interfaceName, function);

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

        if (_actingFor == this)
        {
            throw Reentered(invoker);
        }

        if (!_lock.TryEnter())
        {
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

        if ((_interruptsConfigured || CancellationScope.Any) && CanceledBeforeCall() is { } canceled)
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
        if (_interruptsConfigured || CancellationScope.Any)
        {
            Arm();
        }

        if (_options.FuelPerCall is { } fuel)
        {
            WasmtimeApi.wasmtime_context_set_fuel(Context, fuel);
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

    // How often a caller waiting for the instance checks for a deadlock.
    private const int WaitSliceMilliseconds = 20;

    /// <summary>Which instance each thread waits to enter (only threads that found it busy), for deadlock detection.</summary>
    private static readonly ConcurrentDictionary<int, ComponentInstance> Waiting = new();

    /// <summary>
    /// The instance whose call this helper thread runs for a caller short of stack: on it, that instance counts as
    /// entered (its lock is held by the waiting caller).
    /// </summary>
    [ThreadStatic]
    private static ComponentInstance? _actingFor;


    // The managed thread id running the current outermost call, and that call (for deadlock messages).
    private volatile int _holder;
    private volatile FunctionInvoker? _currentCall;

    /// <summary>True on the thread running this instance's call (or the helper thread running it for that thread).</summary>
    private bool OnCallThread => _lock.IsHeldByCurrentThread || _actingFor == this;

    private static ComponentReentrancyException Reentered(FunctionInvoker invoker) =>
        new($"Cannot call '{invoker.QualifiedName}' ({invoker.Function.Signature}) from inside a host import of the same instance: the component model forbids re-entering an instance. Call another instance, or return to the guest first.");

    /// <summary>The slow path of entering a busy instance: wait, but never forever in a deadlock.</summary>
    private void WaitForInstance(FunctionInvoker invoker) => WaitForInstance(invoker.QualifiedName, invoker.Function.Signature);

    /// <summary>
    /// The slow path of entering a busy instance for <paramref name="call"/> (a function, or a resource drop that runs
    /// the guest's destructor): wait, but never forever in a deadlock.
    /// </summary>
    private void WaitForInstance(string call, string signature)
    {
        var me = Environment.CurrentManagedThreadId;
        Waiting[me] = this;
        try
        {
            var limit = _options.HostImportWaitTimeoutTicks;
            long seenImports = -1;
            var since = Stopwatch.GetTimestamp();
            string? seenChain = null;
            while (!_lock.TryEnter(WaitSliceMilliseconds))
            {
                // The chain is read without stopping the threads in it, so one reading can mix states from before and
                // after a thread moved on. A cycle counts only when the same chain is seen on two consecutive slices.
                var candidate = DeadlockChain(me);
                var confirmed = candidate is not null && candidate == seenChain;
                seenChain = candidate;
                if (confirmed && RefuseInCycle(me) is { } chain)
                {
                    throw new ComponentDeadlockException(
                        $"Deadlock: the call '{call}' ({signature}) on thread {me} waits for component instance '{Component.Name}', {chain}, so none of them could ever return. The waiting call was refused instead. Do not make host imports wait for calls that need the instance they were called from.",
                        call,
                        _currentCall?.QualifiedName ?? "(unknown)");
                }

                var state = _state;
                var imports = Volatile.Read(ref state.ImportCalls);
                var now = Stopwatch.GetTimestamp();
                if (state.ImportDepth > 0 && imports == seenImports)
                {
                    if (limit is { } l && now - since >= l)
                    {
                        var holding = _currentCall;
                        var import = state.CurrentImport;
                        throw new ComponentDeadlockException(
                            $"The call '{call}' ({signature}) on thread {me} waited {_options.HostImportWaitTimeout!.Value.TotalMilliseconds:0.###} ms for component instance '{Component.Name}', held all that time by the call '{holding?.QualifiedName ?? "(unknown)"}' ({holding?.Function.Signature ?? "?"}) on thread {_holder}, which is inside the host import '{import?.QualifiedName ?? "(unknown)"}' ({import?.Function.Signature ?? "?"}). If that import waits for this call, neither would ever return, so this call was refused. Do not block a host import on another thread's call into the same instance; raise InstanceOptions.HostImportWaitTimeout if the import is legitimately that slow.",
                            call,
                            holding?.QualifiedName ?? "(unknown)");
                    }
                }
                else
                {
                    // The holder is running guest code, or a new import started: not stuck in one import.
                    seenImports = state.ImportDepth > 0 ? imports : -1;
                    since = now;
                }
            }
        }
        finally
        {
            Waiting.TryRemove(me, out _);
        }
    }

    /// <summary>Serializes the decision which call of a cycle is refused, so that exactly one is.</summary>
    private static readonly object DeadlockGate = new();

    /// <summary>
    /// Confirms a cycle under <see cref="DeadlockGate"/> and takes this thread out of it before anyone else looks: of
    /// the threads of one cycle that see it at once, only the first is refused; the others find the cycle broken and
    /// go on waiting for the instance the refused call is about to release.
    /// </summary>
    private string? RefuseInCycle(int me)
    {
        lock (DeadlockGate)
        {
            var chain = DeadlockChain(me);
            if (chain is not null)
            {
                Waiting.TryRemove(me, out _);
            }

            return chain;
        }
    }

    /// <summary>
    /// Follows "thread waits for instance, instance held by thread" from this instance; returns a description when
    /// it leads back to <paramref name="me"/> (a cycle of calls waiting for each other), otherwise null.
    /// </summary>
    private string? DeadlockChain(int me)
    {
        var links = new List<string>();
        var instance = this;
        for (var i = 0; i < 64; i++)
        {
            var holder = instance._holder;
            var call = instance._currentCall;
            if (holder == 0 || call is null)
            {
                return null;
            }

            links.Add($"held by the call '{call.QualifiedName}' ({call.Function.Signature}) on thread {holder}");
            if (holder == me)
            {
                return string.Join(", which waits for another instance ", links) + " — this very thread";
            }

            if (!Waiting.TryGetValue(holder, out var next))
            {
                return null;
            }

            links[^1] += $", which waits for component instance '{next.Component.Name}'";
            instance = next;
        }

        return null;
    }

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

            // An async store refuses the synchronous drop and Wasmtime 50's C API has no async one: there the handle is
            // released and the guest's resource lives, destructor not run, until the store goes away.
            var error = handle.Owned && !_async ? ComponentApi.wasmtime_component_resource_any_drop(Context, any) : 0;
            ComponentApi.wasmtime_component_resource_any_delete(any);
            if (error != 0)
            {
                var e = NativeError.Trap(drop, signature, WithoutTwins(NativeError.Take(error)));
                _poison = e;
                throw e;
            }
        }
    }
}
