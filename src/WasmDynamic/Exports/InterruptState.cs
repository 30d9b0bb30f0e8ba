using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using WasmDynamic.Native;

namespace WasmDynamic.Exports;

/// <summary>Why a call was interrupted.</summary>
internal enum InterruptReason
{
    None,
    Timeout,
    Canceled,
    Disposed,
}

/// <summary>
/// What Wasmtime's epoch-deadline callback checks at every epoch tick while a call runs (the deadline is always one
/// tick ahead, so a call can be stopped whenever some ticker runs): disposal from another thread, the call's
/// deadline and tokens. It records why it stopped a call, for the exception.
/// </summary>
internal sealed unsafe class InterruptState
{
    public long Deadline { get; set; } = long.MaxValue;

    public CancellationToken InstanceToken { get; set; }

    public CancellationToken CallToken { get; set; }

    public InterruptReason Reason { get; set; }

    /// <summary>Set by another thread's <see cref="ComponentInstance.Dispose"/>: stop the running call at the next tick.</summary>
    public volatile bool Disposing;

    private readonly CancellationTokenSource _disposal = new();

    /// <summary>
    /// Cancelled by <see cref="StopForDisposal"/>: the async driver waits for a host task with it (and hands it to the
    /// host), so disposing an instance ends a call suspended on a host task that would never complete.
    /// </summary>
    public CancellationToken DisposalToken => _disposal.Token;

    /// <summary>
    /// Stops the running call for a disposal: at its next epoch tick or poll, and at once when it waits on a host task.
    /// The token's callbacks run on the thread pool, not on the disposing thread (which may hold locks of its own).
    /// </summary>
    public void StopForDisposal()
    {
        Disposing = true;
        if (!_disposal.IsCancellationRequested)
        {
            _ = _disposal.CancelAsync();
        }
    }

    /// <summary>
    /// Whether the running call must stop now, and why (disposal, then cancellation, then the deadline). Read by the
    /// epoch callback of a synchronous store, and by the async driver between polls (an async store has no managed
    /// epoch callback: the guest yields at each tick instead).
    /// </summary>
    public InterruptReason Check() =>
        Disposing ? InterruptReason.Disposed
        : InstanceToken.IsCancellationRequested || CallToken.IsCancellationRequested ? InterruptReason.Canceled
        : Stopwatch.GetTimestamp() >= Deadline ? InterruptReason.Timeout
        : InterruptReason.None;

    /// <summary>The trap message for a call stopped for <paramref name="reason"/>.</summary>
    public static string Message(InterruptReason reason) => reason switch
    {
        InterruptReason.Disposed => "interrupted: the instance was disposed",
        InterruptReason.Canceled => "interrupted: the call was cancelled",
        _ => "interrupted: the call timed out",
    };

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static nint OnDeadline(nint context, nint data, ulong* deltaTicks, byte* updateKind)
    {
        try
        {
            var state = CallbackBridge.Target<InterruptState>(data);
            var reason = state.Check();
            if (reason != InterruptReason.None)
            {
                state.Reason = reason;
                return NativeError.Create(Message(reason));
            }

            *deltaTicks = 1;
            return 0;
        }
        catch (Exception e)
        {
            return CallbackBridge.Unexpected("epoch callback", e);
        }
    }
}
