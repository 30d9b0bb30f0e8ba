using System.Diagnostics;
using System.Runtime.CompilerServices;
using WasmDynamic.Native;

namespace WasmDynamic.Exports;

/// <summary>
/// The lock of an instance's call gate: reentrant, with the owner's managed thread id, as <see cref="Lock"/> is, but
/// an uncontended enter is one compare-and-swap on an int plus a plain store of the (cached) thread id, and an exit a
/// volatile store and one read, all inlined into the call path. Threads that find it held spin briefly, then sleep
/// on a monitor in short slices; an exit that sees them counted wakes them, and a newcomer does not take the lock
/// ahead of them (so a thread calling in a loop cannot starve the others).
/// </summary>
/// <remarks>
/// The exit's store and its read of the waiter count are not ordered against a waiter that registers at the same
/// moment (x86 lets a load pass an earlier store), so a wake-up can be missed; a sleeper then finds the lock free at
/// the end of its slice (<see cref="SleepSliceMilliseconds"/>). That costs only a contended call, never an
/// uncontended one, which is the point: no full fence on the way out.
/// </remarks>
internal class GateLock
{
    // How long a sleeping waiter sleeps before it looks again (bounds the cost of a missed wake-up).
    internal const int SleepSliceMilliseconds = 1;

    // 1 while held.
    private int _held;

    // How many threads sleep (or are about to) waiting for the lock.
    private int _waiters;

    // The managed thread id of the holder (0 when free), written by the holder after its CAS and cleared before its
    // release: only the holder ever finds its own id here.
    private int _owner;

    // Enters beyond the first by the holder (reentrance).
    private int _recursion;

    // What sleeping waiters wait on; taken only when there are waiters.
    private readonly object _sleep = new();

    /// <summary>True when the calling thread holds the lock.</summary>
    public bool IsHeldByCurrentThread => _owner == Environment.CurrentManagedThreadId && Volatile.Read(ref _held) != 0;

    /// <summary>The managed thread id of the holder, or 0 (a snapshot, for messages).</summary>
    public int Owner => Volatile.Read(ref _owner);

    /// <summary>Enters without waiting: true when the lock was free, or is held by this thread (reentered).</summary>
    public bool TryEnter() => TryEnterAs(StackBounds.ThreadId);

    /// <summary>
    /// <see cref="TryEnter()"/> for the thread whose managed id is <paramref name="me"/> (the caller's own, already
    /// read): the call gate's fast path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnterAs(int me)
    {
        if (Volatile.Read(ref _waiters) == 0 && Interlocked.CompareExchange(ref _held, 1, 0) == 0)
        {
            _owner = me;
            return true;
        }

        return TryReenter(me);
    }

    /// <summary>Enters, waiting as long as it takes.</summary>
    public void Enter() => TryEnter(Timeout.Infinite);

    /// <summary>Enters, waiting at most <paramref name="timeout"/>; false when the time ran out.</summary>
    public bool TryEnter(TimeSpan timeout) => TryEnter((int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds)));

    /// <summary>Leaves (the holder only); the last exit of a reentered lock releases it and wakes any waiter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Exit()
    {
        Debug.Assert(_owner == Environment.CurrentManagedThreadId, "Exit by a thread that does not hold the gate lock.");
        if (_recursion != 0)
        {
            _recursion--;
            return;
        }

        _owner = 0;
        Volatile.Write(ref _held, 0);
        if (Volatile.Read(ref _waiters) != 0)
        {
            Wake();
        }
    }

    /// <summary>
    /// Enters, waiting at most <paramref name="millisecondsTimeout"/> ms (<see cref="Timeout.Infinite"/>: forever);
    /// false when the time ran out.
    /// </summary>
    public bool TryEnter(int millisecondsTimeout)
    {
        var me = StackBounds.ThreadId;
        if (TryEnterAs(me))
        {
            return true;
        }

        if (millisecondsTimeout == 0)
        {
            return false;
        }

        var spinner = default(SpinWait);
        for (var i = 0; i < 20; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (TryEnterAs(me))
            {
                return true;
            }
        }

        return EnterSleeping(me, millisecondsTimeout);
    }

    /// <summary>The lock is not free for a newcomer: reentered when this thread holds it, else false.</summary>
    private bool TryReenter(int me)
    {
        if (_owner == me && Volatile.Read(ref _held) != 0)
        {
            _recursion++;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Sleeps until the lock is free, then takes it; false when <paramref name="millisecondsTimeout"/> ran out first.
    /// Counted as a waiter meanwhile, a sleeper takes the lock whenever it finds it free (newcomers leave it to them).
    /// </summary>
    private bool EnterSleeping(int me, int millisecondsTimeout)
    {
        var deadline = millisecondsTimeout == Timeout.Infinite ? long.MaxValue : Stopwatch.GetTimestamp() + (millisecondsTimeout * Stopwatch.Frequency / 1000);
        Interlocked.Increment(ref _waiters);
        try
        {
            while (true)
            {
                if (Interlocked.CompareExchange(ref _held, 1, 0) == 0)
                {
                    _owner = me;
                    return true;
                }

                var now = Stopwatch.GetTimestamp();
                if (now >= deadline)
                {
                    return false;
                }

                var left = deadline == long.MaxValue ? SleepSliceMilliseconds : (int)Math.Clamp((deadline - now) * 1000 / Stopwatch.Frequency, 1, SleepSliceMilliseconds);
                lock (_sleep)
                {
                    if (Volatile.Read(ref _held) != 0)
                    {
                        Monitor.Wait(_sleep, left);
                    }
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiters);
        }
    }

    /// <summary>Wakes the sleepers after a release.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Wake()
    {
        lock (_sleep)
        {
            Monitor.PulseAll(_sleep);
        }
    }
}
