using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using WasmDynamic.Hosting;
using WasmDynamic.Native;

namespace WasmDynamic;

/// <summary>Lifetime and threading of an instance: disposal from any thread, deadlock detection, stack room for calls.</summary>
public sealed partial class ComponentInstance
{
    // How long Dispose waits for a call running on another thread to stop after interrupting it.
    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(1);

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

    private readonly object _disposeGate = new();
    private readonly long? _timeoutTicks;
    private bool _usesEngine;
    private bool _holdsComponent;
    private bool _holdsTicker;
    private bool _freed;
    private bool _disposerWaiting;
    private bool _leftToDisposer;

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

    private void DisposeCore()
    {
        if (OnCallThread)
        {
            // Inside a host import of this instance: freeing the store under the running guest would crash the
            // process, so ExitCall frees it when the outermost call returns.
            return;
        }

        List<Exception>? errors = null;
        if (_lock.TryEnter())
        {
            try
            {
                errors = FreeLocked();
            }
            finally
            {
                _lock.Exit();
            }
        }
        else
        {
            // Another thread's call runs: stop it at the next epoch tick, then free the store.
            _interrupt.Disposing = true;
            var ticking = Component.Runtime.Options.EpochInterruption;
            if (ticking)
            {
                Component.Runtime.AcquireEpochTicker();
            }

            lock (_disposeGate)
            {
                _disposerWaiting = true;
            }

            try
            {
                var entered = _lock.TryEnter(DisposeWait);
                if (!entered)
                {
                    bool left;
                    lock (_disposeGate)
                    {
                        _disposerWaiting = false;
                        left = _leftToDisposer;
                    }

                    if (left)
                    {
                        // The call ended just now and left the freeing to us; it is releasing the lock.
                        _lock.Enter();
                        entered = true;
                    }
                }

                if (entered)
                {
                    try
                    {
                        errors = FreeLocked();
                    }
                    finally
                    {
                        _lock.Exit();
                    }
                }
            }
            finally
            {
                if (ticking)
                {
                    Component.Runtime.ReleaseEpochTicker();
                }
            }
        }

        if (errors is { Count: > 0 })
        {
            throw new WasmDynamicException(
                $"Disposing the instance of component '{Component.Name}' disposed {errors.Count} host resource object(s) whose Dispose threw ({string.Join("; ", errors.Select(e => e.GetType().Name + ": " + e.Message))}). The instance is fully freed; fix the resources' Dispose methods.",
                new AggregateException(errors));
        }
    }

    /// <summary>Frees the store and everything tied to it, once, when no call runs (the caller holds the lock).</summary>
    private List<Exception>? FreeLocked()
    {
        if (_freed || _depth > 0)
        {
            return null;
        }

        _freed = true;
        _store?.Dispose();
        Resources.ReleaseAll("its component instance was disposed");
        var errors = _state is null ? null : DisposeHostResources(_state);
        if (_holdsTicker)
        {
            _holdsTicker = false;
            Component.Runtime.ReleaseEpochTicker();
        }

        lock (_invokers)
        {
            foreach (var invoker in _invokers.Values)
            {
                invoker.Dispose();
            }
        }

        ArgumentContext.Dispose();
        _state?.Dispose();
        if (_holdsComponent)
        {
            _holdsComponent = false;
            Component.ReleaseUser();
        }

        if (_usesEngine)
        {
            _usesEngine = false;
            Component.Runtime.ReleaseUser();
        }

        return errors;
    }

    /// <summary>
    /// True when a Dispose on another thread is waiting to free the instance itself (so it can throw cleanup errors to
    /// its caller): the thread holding the lock then leaves the freeing to it.
    /// </summary>
    private bool LeaveToDisposer()
    {
        lock (_disposeGate)
        {
            _leftToDisposer = _disposerWaiting;
            return _leftToDisposer;
        }
    }

    /// <summary>Frees a disposed instance whose Dispose was deferred; there is no caller to report errors to.</summary>
    private void FreeIfDisposed() => ReportCleanupErrors(FreeLocked());

    /// <summary>
    /// Disposes the host objects the guest still owned in a store that is going away. Every one is disposed; the
    /// exceptions are returned, not thrown, so none stops the cleanup.
    /// </summary>
    private static List<Exception>? DisposeHostResources(StoreState state)
    {
        List<Exception>? errors = null;
        foreach (var value in state.HostResources.TakeOwned())
        {
            if (value is IDisposable disposable)
            {
                try
                {
                    disposable.Dispose();
                }
                catch (Exception e)
                {
                    (errors ??= []).Add(e);
                }
            }
        }

        return errors;
    }

    private void ReportCleanupErrors(List<Exception>? errors)
    {
        if (errors is null)
        {
            return;
        }

        foreach (var e in errors)
        {
            Trace.TraceError($"WasmDynamic: disposing a host resource of component '{Component.Name}' threw {e.GetType().Name}: {e.Message}");
        }
    }
}
