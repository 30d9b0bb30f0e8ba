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

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static nint OnDeadline(nint context, nint data, ulong* deltaTicks, byte* updateKind)
    {
        try
        {
            var state = CallbackBridge.Target<InterruptState>(data);
            if (state.Disposing)
            {
                state.Reason = InterruptReason.Disposed;
                return NativeError.Create("interrupted: the instance was disposed");
            }

            if (state.InstanceToken.IsCancellationRequested || state.CallToken.IsCancellationRequested)
            {
                state.Reason = InterruptReason.Canceled;
                return NativeError.Create("interrupted: the call was cancelled");
            }

            if (Stopwatch.GetTimestamp() >= state.Deadline)
            {
                state.Reason = InterruptReason.Timeout;
                return NativeError.Create("interrupted: the call timed out");
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
