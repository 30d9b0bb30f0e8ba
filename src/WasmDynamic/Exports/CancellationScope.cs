namespace WasmDynamic.Exports;

/// <summary>
/// One <see cref="ComponentInstance.CancelCallsOn"/> scope: the token that cancels this flow's calls into one
/// instance. Scopes nest per async flow; the call gate asks <see cref="For"/> for the token of the innermost one.
/// </summary>
internal sealed class CancellationScope : IDisposable
{
    // An AsyncLocal, not a thread-static: a scope opened before an await covers the calls after it (which may run
    // on another thread), and disposing it there does not leave a stale scope on the thread that opened it.
    private static readonly AsyncLocal<CancellationScope?> Innermost = new();

    /// <summary>The innermost scope open in this flow (carried to a helper thread that runs a call for it).</summary>
    internal static CancellationScope? Current
    {
        get => Innermost.Value;
        set => Innermost.Value = value;
    }

    private readonly IExportHost _instance;
    private readonly CancellationScope? _outer;
    private bool _disposed;

    public CancellationScope(IExportHost instance, CancellationToken token)
    {
        instance.AcquireEpochTicker();
        _instance = instance;
        Token = token;
        _outer = Innermost.Value;
        Innermost.Value = this;
        Interlocked.Increment(ref _active);
        Interlocked.Increment(ref instance.Gate.OpenScopes);
    }

    /// <summary>
    /// Called when <paramref name="gate"/>'s instance is freed: the scopes still open on it are closed for the fast
    /// path and give back the epoch ticker they hold (a scope never disposed does not keep the ticker thread alive).
    /// Their later <see cref="Dispose"/> releases nothing more.
    /// </summary>
    public static int CloseAll(CallGateState gate) => Interlocked.Exchange(ref gate.OpenScopes, 0);

    /// <summary>Takes one open scope off <paramref name="gate"/>; false when <see cref="CloseAll"/> already did.</summary>
    private static bool Close(CallGateState gate)
    {
        while (true)
        {
            var n = Volatile.Read(ref gate.OpenScopes);
            if (n == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref gate.OpenScopes, n - 1, n) == n)
            {
                return true;
            }
        }
    }

    public CancellationToken Token { get; }

    public static CancellationToken For(IExportHost instance)
    {
        for (var s = Innermost.Value; s is not null; s = s._outer)
        {
            if (s._instance == instance && !s._disposed)
            {
                return s.Token;
            }
        }

        return default;
    }

    private static int _active;

    /// <summary>True when some scope is open in this flow (a process-wide count first, so calls without one skip the AsyncLocal).</summary>
    public static bool Any => Volatile.Read(ref _active) != 0 && Innermost.Value is not null;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (Innermost.Value == this)
        {
            Innermost.Value = _outer;
        }

        Interlocked.Decrement(ref _active);
        if (Close(_instance.Gate))
        {
            _instance.ReleaseEpochTicker();
        }
    }
}
