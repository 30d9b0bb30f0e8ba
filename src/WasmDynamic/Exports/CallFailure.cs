using WasmDynamic.Native;

namespace WasmDynamic.Exports;

/// <summary>
/// What a failed export call becomes: the instance was disposed under it, its time ran out, it was cancelled, it ran
/// out of fuel, a host import threw (the trap's cause, rethrown as the inner exception), or the guest trapped.
/// </summary>
internal static class CallFailure
{
    public static Exception Classify(NativeFailure failure, string name, string signature, InterruptState interrupt, IHostExceptionSink hostExceptions, InstanceOptions options)
    {
        var (host, thrower) = hostExceptions.TakeCaptured();
        var reason = interrupt.Reason;
        interrupt.Reason = InterruptReason.None;
        return reason switch
        {
            InterruptReason.Disposed => new ObjectDisposedException(nameof(ComponentInstance), $"The call '{name}' ({signature}) was stopped because the component instance was disposed while it ran."),
            InterruptReason.Timeout => new ComponentTimeoutException(name, signature, options.CallTimeout ?? TimeSpan.Zero),
            InterruptReason.Canceled => new ComponentCanceledException(name, signature, interrupt.CallToken.IsCancellationRequested ? interrupt.CallToken : interrupt.InstanceToken),
            _ when host is null && failure.Code == ComponentTrapCode.OutOfFuel => new ComponentOutOfFuelException(name, signature, options.FuelPerCall ?? 0),
            _ when host is null => NativeError.Trap(name, signature, failure),
            _ => NativeError.Trap(name, signature, failure, host, $"the host import {thrower ?? "(unknown)"} threw {host.GetType().Name}: {host.Message}"),
        };
    }
}
