using System.Diagnostics;
using WasmDynamic.Exports;
using WasmDynamic.Imports;
using WasmDynamic.Native;

namespace WasmDynamic;

/// <summary>
/// Drives one async call (or instantiation) of an async store to its end: polls the guest's future; between polls,
/// on the polling thread, passes on WASI output, releases dropped host resources, runs the host import the guest is
/// waiting on (awaiting its task) and writes its results, and checks the call's cancellation, deadline and disposal
/// (the guest yields at every epoch tick). Nothing here runs on the guest's fiber: the fiber callbacks are machine
/// code that only record (see <see cref="FiberTrampolines"/>).
/// </summary>
/// <remarks>
/// <para>Blocking mode (a synchronous call on an async instance) runs the same loop on the calling thread and waits
/// for host tasks instead of awaiting them.</para>
/// <para>A call stopped by the driver (cancelled, timed out, disposed, or a host import that threw) deletes the future —
/// Wasmtime drops the guest's fiber where it stopped — and reports a failure that the caller classifies like a trap
/// of the synchronous path; the store is then unusable, as after any trap.</para>
/// </remarks>
internal static class AsyncDriver
{
    // The host import this flow runs (its continuations included): a call into that same instance from there is a
    // re-entrance, refused instead of waiting forever for the slot its own call holds. The frame goes inactive when
    // the import ends, so work the import started in the background (which inherits the flow) calls the instance
    // normally once the import has returned.
    private static readonly AsyncLocal<ImportFrame?> Importing = new();

    /// <summary>The store whose host import the current flow is running (and has not returned yet), or null.</summary>
    public static StoreState? InImportOf => Importing.Value is { Active: true } frame ? frame.State : null;

    /// <summary>One running host import, as the flows it started see it.</summary>
    private sealed class ImportFrame(StoreState state)
    {
        public StoreState State { get; } = state;

        public volatile bool Active = true;
    }

    /// <summary>
    /// Polls a call that was just started, once: true when the call ended there (<paramref name="failure"/> is then
    /// null when it finished, else why it was stopped), false when the guest yielded (a host call is waiting, or an
    /// epoch yield) and <see cref="RunAsync"/> must go on with <c>polled: true</c>. Most calls end at their first poll:
    /// this lets them skip the driver's async state machine.
    /// </summary>
    public static bool PollFirst(CallFutureHandle future, StoreState state, out NativeFailure? failure) =>
        PollOnce(future, state.Fiber!, state, out failure);

    /// <summary>
    /// Runs <paramref name="future"/> to its end. Null when it finished (the caller reads its error slot); else why it
    /// was stopped. <paramref name="polled"/>: the caller already polled it once (<see cref="PollFirst"/> returned false).
    /// </summary>
    public static async ValueTask<NativeFailure?> RunAsync(CallFutureHandle future, StoreState state, InterruptState interrupt, bool blocking, bool polled = false)
    {
        var fiber = state.Fiber!;
        while (true)
        {
            if (!polled && PollOnce(future, fiber, state, out var ended))
            {
                return ended;
            }

            polled = false;
            if (fiber.Mailbox.TryTakeHostCall(out var call))
            {
                var function = state.Imports[checked((int)call.ImportId - 1)];
                var failed = await RunHostAsync(function, call, state, interrupt, blocking).ConfigureAwait(false);
                if (failed is not null)
                {
                    Abandon(future, fiber);
                    return failed;
                }

                fiber.Mailbox.Complete();
                continue;
            }

            // An epoch yield: the guest gives its thread back at every tick.
            var reason = interrupt.Check();
            if (reason != InterruptReason.None)
            {
                interrupt.Reason = reason;
                Abandon(future, fiber);
                return new NativeFailure(InterruptState.Message(reason), null, ComponentTrapCode.Interrupted, []);
            }

            if (!blocking)
            {
                await Task.Yield();
            }
        }
    }

    /// <summary>Blocks until <paramref name="future"/> ends (a synchronous call or instantiation of an async store).</summary>
    public static NativeFailure? Run(CallFutureHandle future, StoreState state, InterruptState interrupt)
    {
        if (PollFirst(future, state, out var ended))
        {
            return ended;
        }

        var run = RunAsync(future, state, interrupt, blocking: true, polled: true);
        Debug.Assert(run.IsCompleted, "blocking mode never awaits an incomplete task");
        return run.GetAwaiter().GetResult();
    }

    /// <summary>One poll, then what it left: WASI output passed on, dropped host resources released. True when the call ended.</summary>
    private static bool PollOnce(CallFutureHandle future, FiberStore fiber, StoreState state, out NativeFailure? failure)
    {
        var done = future.Poll();
        fiber.DrainOutput();
        if (fiber.Mailbox.HasDrops && ReleaseDrops(fiber, state) is { } dropFailed)
        {
            Abandon(future, fiber);
            failure = dropFailed;
            return true;
        }

        failure = null;
        return done;
    }

    /// <summary>Deletes the future (the guest's fiber is dropped where it stopped) and frees the host call's arguments.</summary>
    private static void Abandon(CallFutureHandle future, FiberStore fiber)
    {
        future.Dispose();
        fiber.Mailbox.Complete();
    }

    private static async ValueTask<NativeFailure?> RunHostAsync(HostFunction function, PendingHostCall call, StoreState state, InterruptState interrupt, bool blocking)
    {
        // The host's token: cancelled with the call (its token, the instance's token), at its deadline, and when the
        // instance is disposed (then it is the instance's disposal token itself: no linked source to make).
        CancellationTokenSource? cancel = null;
        var token = default(CancellationToken);
        if (function.IsAsync)
        {
            if (interrupt.CallToken.CanBeCanceled || interrupt.InstanceToken.CanBeCanceled || interrupt.Deadline != long.MaxValue)
            {
                cancel = CancellationTokenSource.CreateLinkedTokenSource(interrupt.CallToken, interrupt.InstanceToken, interrupt.DisposalToken);
                if (interrupt.Deadline != long.MaxValue)
                {
                    cancel.CancelAfter(TimeSpan.FromTicks(Math.Max(0, (long)((interrupt.Deadline - Stopwatch.GetTimestamp()) * (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency))));
                }

                token = cancel.Token;
            }
            else
            {
                token = interrupt.DisposalToken;
            }
        }

        var frame = new ImportFrame(state);
        Importing.Value = frame;
        try
        {
            Emit.HostPending? pending;
            try
            {
                pending = function.Start(call, token);
            }
            catch (Exception e)
            {
                return HostFailed(state, function, e);
            }

            if (pending is null)
            {
                return null;
            }

            var completion = pending.Completion;
            if (completion is null)
            {
                return HostFailed(state, function, new InvalidOperationException($"The async host method returned a null task for the import {function.Where}. Return a task (Task.CompletedTask, Task.FromResult(value)) or make the method async."));
            }

            if (!completion.IsCompleted)
            {
                try
                {
                    if (blocking)
                    {
                        completion.Wait(token);
                    }
                    else
                    {
                        await completion.WaitAsync(token).ConfigureAwait(false);
                    }
                }
                catch (Exception) when (!completion.IsCompleted)
                {
                    // Cancelled or out of time while the host runs: stop the host and the call, as a timeout stops a guest.
                    return Interrupted(interrupt, cancel);
                }
                catch (Exception)
                {
                    // The task failed or was cancelled: Finish rethrows it, unless the call's own token cancelled it (below).
                }
            }

            // The host's task ended cancelled because the call's token (or deadline, or a disposal) cancelled the host's
            // token, before the wait above saw it: that is the call being stopped, not the host failing.
            if (completion.IsCanceled && token.IsCancellationRequested)
            {
                return Interrupted(interrupt, cancel);
            }

            try
            {
                function.Finish(call, pending);
            }
            catch (Exception e)
            {
                return HostFailed(state, function, e);
            }

            return null;
        }
        finally
        {
            frame.Active = false;
            function.End();
            cancel?.Dispose();
        }
    }

    /// <summary>The call was cancelled or ran out of time while a host task ran: the host's token is cancelled and the call stopped.</summary>
    private static NativeFailure Interrupted(InterruptState interrupt, CancellationTokenSource? cancel)
    {
        var reason = interrupt.Check();
        interrupt.Reason = reason == InterruptReason.None ? InterruptReason.Timeout : reason;
        cancel?.Cancel();
        return new NativeFailure(InterruptState.Message(interrupt.Reason), null, ComponentTrapCode.Interrupted, []);
    }

    /// <summary>A host import threw: kept for the export's caller (the inner exception), and the call fails as a host trap.</summary>
    private static NativeFailure HostFailed(StoreState state, HostFunction function, Exception exception)
    {
        state.Capture(exception, function.Where);
        return new NativeFailure($"host function {function.Where} threw {exception.GetType().Name}: {exception.Message}", null, null, []);
    }

    /// <summary>Releases (and disposes) the host objects the guest dropped; a Dispose that throws fails the call, as its destructor trap would.</summary>
    private static NativeFailure? ReleaseDrops(FiberStore fiber, StoreState state)
    {
        NativeFailure? failed = null;
        fiber.Mailbox.TakeDrops((tag, rep) =>
        {
            if (state.HostResources.Remove(rep) is IDisposable disposable)
            {
                try
                {
                    disposable.Dispose();
                }
                catch (Exception e)
                {
                    if (failed is not null)
                    {
                        return;
                    }

                    var where = $"'{fiber.ResourceName(tag)}' ({disposable.GetType().Name}.Dispose)";
                    state.Capture(e, where);
                    failed = new NativeFailure($"host resource destructor {where} threw {e.GetType().Name}: {e.Message}", null, null, []);
                }
            }
        });
        return failed;
    }
}
