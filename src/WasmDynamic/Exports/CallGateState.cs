using System.Runtime.CompilerServices;

namespace WasmDynamic.Exports;

/// <summary>
/// The state of an instance's call gate that its invokers read and write directly, so the uncontended synchronous
/// call (<see cref="FunctionInvoker"/>'s fast path) makes no interface call into the instance: the lock, the call depth,
/// poison and disposal, and the holder recorded for deadlock messages. The instance owns it and runs every other rule
/// (waiting, re-entrance, recreation after a trap, disposal during a call, arming) in its own gate; the fast path only
/// ever takes an idle, healthy instance that needs nothing armed, and hands everything else to that gate.
/// </summary>
internal sealed class CallGateState : GateLock
{
    /// <summary>
    /// The instance's lock (reentrant: a host import of the holder that calls back is refused by depth): one CAS to
    /// enter and one to leave when nobody waits. The state itself: its fields and the lock's share one object, so a
    /// call's enter and exit touch one or two cache lines, not two objects.
    /// </summary>
    public GateLock Lock
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => this;
    }

    /// <summary>How many calls of the instance are running on the holding thread (more than one only to be refused).</summary>
    public int Depth;

    /// <summary>The failure that poisoned the instance, or null.</summary>
    public Exception? Poison;

    /// <summary>Set once by Dispose; a call running then frees the instance when it leaves.</summary>
    public volatile bool Disposed;

    /// <summary>
    /// True when every call needs the full gate: a call timeout or instance token (armed per call) or fuel per call
    /// (set per call). Fixed at construction.
    /// </summary>
    public bool SlowOnly;

    /// <summary>
    /// The managed thread id of the thread running the instance's call, for deadlock detection; 0 when unknown. The
    /// fast path does not read the thread id: a thread can only wait for another instance while it holds this one from
    /// inside a host import, so the import records it (and the full gate, the async gate and the big-stack helper do).
    /// </summary>
    public volatile int Holder;

    /// <summary>
    /// How many <see cref="CancellationScope"/>s of this instance are open (in any flow): while one is, the fast path
    /// leaves calls to the full gate, which reads the flow's token. Scopes of other instances do not count.
    /// </summary>
    public int OpenScopes;

    /// <summary>The outermost call that entered last: the running one while the gate is held (for deadlock messages), or null.</summary>
    public volatile FunctionInvoker? CurrentCall;

    /// <summary>
    /// Enters an idle, healthy instance that needs nothing armed, for <paramref name="call"/> on the thread whose managed
    /// id is <paramref name="me"/>: one CAS and a few field reads; false (nothing entered) when the full gate must decide.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnter(FunctionInvoker call, int me)
    {
        if (!Lock.TryEnterAs(me))
        {
            return false;
        }

        // Depth > 0: the holder's own host import calls back (the lock is reentrant); the full gate refuses it.
        // An open cancellation scope of this instance: the full gate reads this flow's token.
        if (Depth != 0 || Poison is not null || Disposed || SlowOnly || Volatile.Read(ref OpenScopes) != 0)
        {
            Lock.Exit();
            return false;
        }

        Depth = 1;

        // Compared first: repeated calls of one function make no reference store (a GC write barrier). It is left set
        // on exit: readers (deadlock and wait messages) look at it only while Holder or an import says the gate is held.
        if (!ReferenceEquals(CurrentCall, call))
        {
            CurrentCall = call;
        }

        return true;
    }

    /// <summary>
    /// Leaves a call entered with <see cref="TryEnter"/>; false when the instance was disposed during the call (then
    /// nothing is left: the caller leaves through the full gate, which frees the instance).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryExit()
    {
        if (Disposed)
        {
            return false;
        }

        Depth = 0;
        Holder = 0;
        Lock.Exit();
        return true;
    }
}
