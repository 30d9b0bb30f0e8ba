namespace WasmDynamic;

/// <summary>How to instantiate a component: host imports, WASI and what to do with unimplemented imports.</summary>
public sealed class InstanceOptions
{
    private readonly TimeSpan? _callTimeout;
    private readonly TimeSpan _hostImportWaitTimeout = TimeSpan.FromSeconds(30);
    private readonly long? _maxMemoryBytes;
    private readonly long? _maxTableElements;
    private readonly long? _maxInstances;
    private readonly long? _maxTables;
    private readonly long? _maxMemories;

    /// <summary>Host implementations of the component's imports.</summary>
    public ComponentImports Imports { get; init; } = new();

    /// <summary>
    /// The WASI 0.2 environment for components that import <c>wasi:*</c>. Sandboxed by default: no environment, no
    /// arguments, no directories, empty stdin; stdout and stderr go to the host's console.
    /// </summary>
    public WasiOptions Wasi { get; init; } = new();

    /// <summary>
    /// When true, imports with no implementation become functions that trap when the guest calls them, instead of
    /// failing instantiation with <see cref="ComponentBindingException"/>.
    /// </summary>
    public bool TrapUnimplementedImports { get; init; }

    /// <summary>
    /// The longest a single call may run; a call still running then is stopped with
    /// <see cref="ComponentTimeoutException"/>. Needs <see cref="ComponentRuntimeOptions.EpochInterruption"/> (on by default).
    /// The check happens every <see cref="ComponentRuntimeOptions.EpochTick"/>, so the stop is that precise.
    /// Null, <see cref="Timeout.InfiniteTimeSpan"/> and <see cref="TimeSpan.MaxValue"/> mean no timeout; a
    /// timeout too long to add to the clock (centuries) is also treated as none.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    public TimeSpan? CallTimeout
    {
        get => _callTimeout;
        init
        {
            if (value is { } t && t != Timeout.InfiniteTimeSpan && t <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(CallTimeout), t, $"InstanceOptions.CallTimeout must be positive, or Timeout.InfiniteTimeSpan (or null) for no timeout; {t} was given.");
            }

            _callTimeout = value;
        }
    }

    /// <summary>The timeout in <see cref="System.Diagnostics.Stopwatch"/> ticks, or null when calls have none.</summary>
    internal long? CallTimeoutTicks
    {
        get
        {
            if (_callTimeout is not { } t || t == Timeout.InfiniteTimeSpan || t == TimeSpan.MaxValue)
            {
                return null;
            }

            var seconds = t.TotalSeconds;
            var ticks = seconds * System.Diagnostics.Stopwatch.Frequency;

            // Past a quarter of the clock's range a deadline could overflow: such a timeout is no timeout.
            return ticks >= long.MaxValue / 4 ? null : Math.Max(1, (long)ticks);
        }
    }

    /// <summary>
    /// How long a call waits for the instance while the call holding it (on another thread) stays inside one host
    /// import, before it gives up with <see cref="ComponentDeadlockException"/> (default 30 s). Such a wait is the
    /// shape of a deadlock — a host import that waits for another thread which calls the same instance — that
    /// cannot be told apart from a slow import, so it is bounded; waiting while the holder runs guest code is not.
    /// Cycles of calls waiting for each other across instances are detected at once, whatever this says.
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits forever.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    public TimeSpan? HostImportWaitTimeout
    {
        get => _hostImportWaitTimeout;
        init
        {
            var t = value ?? Timeout.InfiniteTimeSpan;
            if (t != Timeout.InfiniteTimeSpan && t <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(HostImportWaitTimeout), t, $"InstanceOptions.HostImportWaitTimeout must be positive, or Timeout.InfiniteTimeSpan to wait forever; {t} was given.");
            }

            _hostImportWaitTimeout = t;
        }
    }

    internal long? HostImportWaitTimeoutTicks =>
        _hostImportWaitTimeout == Timeout.InfiniteTimeSpan || _hostImportWaitTimeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency >= long.MaxValue / 4
            ? null
            : (long)(_hostImportWaitTimeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);

    /// <summary>
    /// Cancels whatever call is running when it is signaled (<see cref="ComponentCanceledException"/>), and every later call.
    /// For a cancellation that covers only some calls, use <see cref="ComponentInstance.CancelCallsOn"/>.
    /// </summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// The fuel (roughly, WebAssembly instructions) each call may use; beyond it the call stops with
    /// <see cref="ComponentOutOfFuelException"/>. Needs <see cref="ComponentRuntimeOptions.ConsumeFuel"/>.
    /// </summary>
    public ulong? FuelPerCall { get; init; }

    /// <summary>The most linear memory, in bytes, each memory of the instance may grow to; <c>memory.grow</c> past it returns -1 in the guest.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long? MaxMemoryBytes
    {
        get => _maxMemoryBytes;
        init => _maxMemoryBytes = NonNegative(value, nameof(MaxMemoryBytes));
    }

    /// <summary>The most elements each table of the instance may grow to; <c>table.grow</c> past it returns -1 in the guest.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long? MaxTableElements
    {
        get => _maxTableElements;
        init => _maxTableElements = NonNegative(value, nameof(MaxTableElements));
    }

    /// <summary>The most core instances the component may create (instantiation fails beyond it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long? MaxInstances
    {
        get => _maxInstances;
        init => _maxInstances = NonNegative(value, nameof(MaxInstances));
    }

    /// <summary>The most tables the instance may have in all (instantiation fails beyond it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long? MaxTables
    {
        get => _maxTables;
        init => _maxTables = NonNegative(value, nameof(MaxTables));
    }

    /// <summary>The most linear memories the instance may have in all (instantiation fails beyond it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long? MaxMemories
    {
        get => _maxMemories;
        init => _maxMemories = NonNegative(value, nameof(MaxMemories));
    }

    /// <summary>True when any store limit is set.</summary>
    internal bool HasLimits => MaxMemoryBytes is not null || MaxTableElements is not null || MaxInstances is not null || MaxTables is not null || MaxMemories is not null;

    /// <summary>
    /// After a trap Wasmtime forbids entering the instance again, so later calls throw
    /// <see cref="ComponentInstancePoisonedException"/>. When this is true, the next call instead recreates the instance
    /// (fresh memory and state, same host imports) and runs; handles to the old instance's resources are invalidated.
    /// </summary>
    public bool RecreateAfterTrap { get; init; }

    private static long? NonNegative(long? value, string name)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"InstanceOptions.{name} must be zero or more (null for no limit); {value} was given.");
        }

        return value;
    }
}
