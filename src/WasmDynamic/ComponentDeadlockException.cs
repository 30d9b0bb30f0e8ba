namespace WasmDynamic;

/// <summary>
/// A call into an instance was refused because waiting for the instance would never end: the call holding it waits,
/// directly or through other instances, for this very call, or it has been inside a host import longer than
/// <see cref="InstanceOptions.HostImportWaitTimeout"/> while this call waited. The message names both calls.
/// </summary>
public sealed class ComponentDeadlockException : WasmDynamicException
{
    /// <summary>Creates the exception.</summary>
    public ComponentDeadlockException(string message, string waitingCall, string holdingCall)
        : base(message)
    {
        WaitingCall = waitingCall;
        HoldingCall = holdingCall;
    }

    /// <summary>The call that was refused.</summary>
    public string WaitingCall { get; }

    /// <summary>The call holding the instance.</summary>
    public string HoldingCall { get; }
}
