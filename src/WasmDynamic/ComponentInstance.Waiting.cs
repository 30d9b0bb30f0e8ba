using System.Collections.Concurrent;
using System.Diagnostics;
using WasmDynamic.Exports;

namespace WasmDynamic;

/// <summary>
/// The slow path of the call gate: a call that finds the instance busy waits for it, but never forever in a deadlock —
/// a cycle of calls waiting for each other across instances is refused at once, and a wait on a holder stuck in one
/// host import is bounded by <see cref="InstanceOptions.HostImportWaitTimeout"/>. No uncontended call comes here.
/// </summary>
public sealed partial class ComponentInstance
{
    // How often a caller waiting for the instance checks for a deadlock.
    private const int WaitSliceMilliseconds = 20;

    /// <summary>Which instance each thread waits to enter (only threads that found it busy), for deadlock detection.</summary>
    private static readonly ConcurrentDictionary<int, ComponentInstance> Waiting = new();

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
                            $"The call '{call}' ({signature}) on thread {me} waited {_options.HostImportWaitTimeout!.Value.TotalMilliseconds:0.###} ms for component instance '{Component.Name}', held all that time by the call '{holding?.QualifiedName ?? "(unknown)"}' ({holding?.Function.Signature ?? "?"}) on thread {HolderThread}, which is inside the host import '{import?.QualifiedName ?? "(unknown)"}' ({import?.Function.Signature ?? "?"}). If that import waits for this call, neither would ever return, so this call was refused. Do not block a host import on another thread's call into the same instance; raise InstanceOptions.HostImportWaitTimeout if the import is legitimately that slow.",
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
            var holder = instance.HolderThread;
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
}
