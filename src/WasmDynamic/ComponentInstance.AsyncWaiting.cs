using System.Diagnostics;
using WasmDynamic.Exports;

namespace WasmDynamic;

/// <summary>
/// The slow path of an async instance's gate: a caller that finds the slot held waits for it, but not forever when the
/// holding call is stuck in one host import — the shape of a deadlock (the import waits, through a worker, a queue or
/// another thread, for a call that needs this very instance) that cannot be told from a slow import, so the wait is
/// bounded by <see cref="InstanceOptions.HostImportWaitTimeout"/>, the rule of the synchronous gate
/// (ComponentInstance.Waiting.cs). Waiting while the holder runs guest code, or while its imports keep completing, is
/// not bounded. A call from the import's own flow is refused at once as a re-entrance (see AsyncDriver).
/// </summary>
public sealed partial class ComponentInstance
{
    /// <summary>Waits for the slot without blocking a thread (queued in order), refused with <see cref="ComponentDeadlockException"/> as above.</summary>
    private ValueTask WaitForSlotAsync(FunctionInvoker invoker, CancellationToken cancellationToken) =>
        WaitForSlotAsync(invoker.QualifiedName, invoker.Function.Signature, cancellationToken);

    /// <summary>As above, for <paramref name="call"/> (a function or a resource drop) of WIT <paramref name="signature"/>.</summary>
    private async ValueTask WaitForSlotAsync(string call, string signature, CancellationToken cancellationToken)
    {
        if (_options.HostImportWaitTimeoutTicks is not { } limit)
        {
            await _slot.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // One queued wait, kept across the checks so the caller keeps its place; abandoned only when refused.
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var wait = _slot.WaitAsync(abandon.Token);
        var watch = new StuckWatch();
        watch.Stuck(this, call, signature, limit);
        var slice = Slice(limit);
        while (true)
        {
            try
            {
                await wait.WaitAsync(slice).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException)
            {
            }

            if (watch.Stuck(this, call, signature, limit) is { } refused)
            {
                abandon.Cancel();
                try
                {
                    // The slot may have come just before the wait was abandoned: then it is no deadlock after all.
                    await wait.ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw refused;
                }
            }
        }
    }

    /// <summary>Blocks for the slot (a synchronous call or a resource drop on an async instance), refused as above.</summary>
    private void WaitForSlot(string call, string signature)
    {
        if (_options.HostImportWaitTimeoutTicks is not { } limit)
        {
            _slot.Wait();
            return;
        }

        var watch = new StuckWatch();
        watch.Stuck(this, call, signature, limit);
        var slice = Slice(limit);
        while (!_slot.Wait(slice))
        {
            if (watch.Stuck(this, call, signature, limit) is { } refused)
            {
                throw refused;
            }
        }
    }

    /// <summary>How often a waiter looks at the holder: an eighth of the limit (at least 20 ms), so it is refused within ~1.1× the limit.</summary>
    private static TimeSpan Slice(long limit) =>
        TimeSpan.FromMilliseconds(Math.Max(WaitSliceMilliseconds, limit / 8.0 * 1000 / Stopwatch.Frequency));

    /// <summary>What one waiter has seen of the holder: the import it was in, since when.</summary>
    private struct StuckWatch
    {
        private long _seenImports;
        private long _since;
        private bool _started;

        /// <summary>The exception refusing the waiter when the holder has been inside one host import for <paramref name="limit"/> ticks; else null.</summary>
        public ComponentDeadlockException? Stuck(ComponentInstance instance, string call, string signature, long limit)
        {
            var state = instance._state;
            var imports = Volatile.Read(ref state.ImportCalls);
            var now = Stopwatch.GetTimestamp();
            if (_started && state.ImportDepth > 0 && imports == _seenImports)
            {
                return now - _since >= limit ? instance.StuckInImport(call, signature) : null;
            }

            // The holder runs guest code, or a new import started: not stuck in one import (yet).
            _started = true;
            _seenImports = state.ImportDepth > 0 ? imports : -1;
            _since = now;
            return null;
        }
    }

    private ComponentDeadlockException StuckInImport(string call, string signature)
    {
        var holding = _currentCall;
        var import = _state.CurrentImport;
        return new ComponentDeadlockException(
            $"The call '{call}' ({signature}) waited {_options.HostImportWaitTimeout!.Value.TotalMilliseconds:0.###} ms for async component instance '{Component.Name}', held all that time by the call '{holding?.QualifiedName ?? "(unknown)"}' ({holding?.Function.Signature ?? "?"}), which is inside the host import '{import?.QualifiedName ?? "(unknown)"}' ({import?.Function.Signature ?? "?"}). If that import waits for this call (through a worker, a queue or another thread), neither would ever return, so this call was refused. Do not make a host import wait for another call into its own instance; raise InstanceOptions.HostImportWaitTimeout if the import is legitimately that slow.",
            call,
            holding?.QualifiedName ?? "(unknown)");
    }
}
