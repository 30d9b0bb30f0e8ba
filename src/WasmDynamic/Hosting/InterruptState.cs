using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using WasmDynamic.Native;

namespace WasmDynamic.Hosting;

/// <summary>Why a call was interrupted.</summary>
internal enum InterruptReason
{
    None,
    Timeout,
    Canceled,
}

/// <summary>
/// What Wasmtime's epoch-deadline callback checks at every tick of a call that has a timeout or a cancellation
/// token: the call's deadline and tokens. It records why it stopped a call, for the exception.
/// </summary>
internal sealed unsafe class InterruptState
{
    public TimeSpan? Timeout { get; set; }

    public long Deadline { get; set; } = long.MaxValue;

    public CancellationToken InstanceToken { get; set; }

    public CancellationToken CallToken { get; set; }

    public InterruptReason Reason { get; set; }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static nint OnDeadline(nint context, nint data, ulong* deltaTicks, byte* updateKind)
    {
        try
        {
            var state = (InterruptState)GCHandle.FromIntPtr(data).Target!;
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
            return NativeError.Create("WasmDynamic epoch callback failed: " + e.Message);
        }
    }
}
