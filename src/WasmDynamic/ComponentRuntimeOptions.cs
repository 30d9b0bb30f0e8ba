namespace WasmDynamic;

/// <summary>Engine settings for a <see cref="ComponentRuntime"/>.</summary>
/// <remarks>Every setter validates its value, so a bad option fails where it is written, with the option's name.</remarks>
public sealed class ComponentRuntimeOptions
{
    /// <summary>The default <see cref="MaxWasmStack"/>: 512 KiB, Wasmtime's own default.</summary>
    public const int DefaultMaxWasmStack = 512 * 1024;

    private readonly TimeSpan _epochTick = TimeSpan.FromMilliseconds(5);
    private readonly int _maxWasmStack = DefaultMaxWasmStack;

    /// <summary>
    /// Enables epoch interruption, which per-call timeouts and cancellation need. On by default; it costs a few
    /// percent of guest speed.
    /// </summary>
    public bool EpochInterruption { get; init; } = true;

    /// <summary>Enables fuel metering (instruction budgets, see <see cref="InstanceOptions.FuelPerCall"/>). Off by default.</summary>
    public bool ConsumeFuel { get; init; }

    /// <summary>
    /// A directory for compiled components: the first load of a component stores Wasmtime's compiled code there
    /// (keyed by the SHA-256 of the component and the engine settings); later loads, in this process or the next,
    /// skip compilation. Wasmtime trusts what it loads back, so use a directory only the application can write.
    /// Null (the default) compiles every time.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>
    /// How often the engine's epoch advances while calls with a timeout or cancellation run (default 5 ms). A
    /// dedicated high-priority thread advances it, so timeouts stay within a few ticks even when the thread pool is
    /// saturated. Between 1 ms and 1 minute.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 ms or above 1 minute.</exception>
    public TimeSpan EpochTick
    {
        get => _epochTick;
        init
        {
            if (value < TimeSpan.FromMilliseconds(1) || value > TimeSpan.FromMinutes(1))
            {
                throw new ArgumentOutOfRangeException(nameof(EpochTick), value, $"ComponentRuntimeOptions.EpochTick must be between 1 ms and 1 minute; {value} was given. The epoch tick is how often running calls check their timeout and cancellation.");
            }

            _epochTick = value;
        }
    }

    /// <summary>
    /// The most native stack, in bytes, a guest may use in one call (Wasmtime's <c>max_wasm_stack</c>; default
    /// 512 KiB). Deeper guest recursion traps with <see cref="ComponentTrapCode.StackOverflow"/>. Before each call
    /// WasmDynamic checks that the calling thread has this much stack left plus a reserve for host code
    /// (<see cref="HostStackReserve"/>); when it has not (a small thread, or a deep .NET stack), the call runs on a
    /// helper thread with a stack big enough, so guest recursion never overflows the host's stack. Between 64 KiB
    /// and 64 MiB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 64 KiB or above 64 MiB.</exception>
    public int MaxWasmStack
    {
        get => _maxWasmStack;
        init
        {
            if (value < 64 * 1024 || value > 64 * 1024 * 1024)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxWasmStack), value, $"ComponentRuntimeOptions.MaxWasmStack must be between 65536 (64 KiB) and 67108864 (64 MiB) bytes; {value} was given.");
            }

            _maxWasmStack = value;
        }
    }

    /// <summary>
    /// The stack, in bytes, kept free below the guest's <see cref="MaxWasmStack"/> for Wasmtime and the host imports
    /// the guest calls (256 KiB). A call starts on the calling thread only when that thread has
    /// <see cref="MaxWasmStack"/> + <see cref="HostStackReserve"/> bytes of stack left.
    /// </summary>
    public const int HostStackReserve = 256 * 1024;
}
