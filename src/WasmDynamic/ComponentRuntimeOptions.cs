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

    /// <summary>
    /// Turns on Wasmtime's component-model concurrency machinery (the runtime side of component-model async: tasks,
    /// streams, futures). Off by default: Wasmtime 50 turns it on by default, and then every call from the host into a
    /// component builds a guest task and thread entry, about 345 ns of a 531 ns call to <c>add(u32, u32)</c> on the
    /// machine this was measured on (184 ns with it off). Synchronous components do not need it; with it on, Wasmtime
    /// 50.0.1 also traps ("BUG: deferred host scope has no call context") when one host call receives two borrowed
    /// host resources.
    /// </summary>
    public bool ConcurrencySupport { get; init; }

    /// <summary>
    /// Moves <c>list&lt;u8&gt;</c> arguments and results of exported functions, and lists of the other fixed-size numbers
    /// (<c>s8 u16 s16 u32 s32 u64 s64 f32 f64</c>), as one buffer instead of one native value per element (Wasmtime's
    /// C API has no bytes fast path: about 17 ns per element). On by default; set it to false to load
    /// every component as it is.
    /// <para>
    /// On load, a component with such functions is wrapped in a generated component that nests it unchanged, forwards
    /// its imports, re-exports its exports and adds, for each exported function whose parameters and result are
    /// scalars, strings and such lists, a hidden twin that takes the lists' bytes (elements little-endian) as an ASCII
    /// string (8 characters per 7 bytes) and passes them to the function through the canonical ABI. A call takes the
    /// twin when a list argument holds at least 64 bytes, or the result is a byte list (or a number list of a function
    /// without list arguments), and the plain export otherwise (small lists are no faster through the twin). Float
    /// lists keep NaN payloads bit for bit. The world, <see cref="WasmComponent.ToWit"/>, bindgen and the exports listed
    /// through Wasmtime show the original component; results, traps, trap messages, timeouts and poisoning are the same.
    /// </para>
    /// <para>
    /// Limits and fuel are the same too: an instance whose <see cref="InstanceOptions"/> set
    /// <see cref="InstanceOptions.FuelPerCall"/> or a store limit (memories, instances, tables, bytes per memory,
    /// table elements) runs the original component, compiled on first need (once per loaded component, through the
    /// compiled-component cache), with no twins. A runtime with a <see cref="PoolingAllocator"/> loads components as
    /// they are (the wrapper's memory and core instances would take pool slots).
    /// </para>
    /// <para>
    /// What it costs: loading a component with byte-list functions generates and compiles the wrapper (a few
    /// milliseconds more than the component alone, cached on disk like any component) and keeps the component's bytes
    /// for the original's compilation; each instance has one more linear memory, which keeps its largest size (up to
    /// about 3.3× the bytes of the largest call through a twin, 1.15× when bytes only go in) until the instance is
    /// disposed. It does not apply to async functions, functions with other parameter or result types
    /// (records, lists of other element types, resources...), functions with more than 16 flat parameters, or components whose
    /// shape the generator does not handle (these load as they are).
    /// </para>
    /// </summary>
    public bool BulkByteAdapter { get; init; } = true;

    /// <summary>
    /// Uses Wasmtime's pooling instance allocator with these limits, for hosts that create many short-lived instances:
    /// instantiating then reuses memory reserved when the runtime was created instead of mapping it each time (see
    /// <see cref="PoolingAllocatorOptions"/>). Null (the default) allocates each instance's memory on demand, with no
    /// limit on live instances but the machine's.
    /// </summary>
    public PoolingAllocatorOptions? PoolingAllocator { get; init; }

    /// <summary>Enables fuel metering (instruction budgets, see <see cref="InstanceOptions.FuelPerCall"/>). Off by default.</summary>
    public bool ConsumeFuel { get; init; }

    /// <summary>
    /// Caches compiled components on disk (on by default): the first load of a component stores Wasmtime's compiled
    /// code, keyed by the SHA-256 of the component, every engine setting that changes the code and the Wasmtime
    /// version; later loads, in this process or the next, skip compilation (a 12 MB componentize-js component: seconds
    /// → tens of milliseconds). Each entry carries a checksum that is verified before Wasmtime loads it, so a damaged
    /// entry is compiled afresh; concurrent processes share the folder safely (entries are written to a temporary file
    /// and renamed into place). False compiles on every load.
    /// </summary>
    public bool UseCompiledComponentCache { get; init; } = true;

    /// <summary>
    /// The folder of the compiled-component cache. Null (the default) is the per-user cache folder,
    /// <see cref="DefaultCacheDirectory"/>, which the library creates readable and writable by the user only and does
    /// not use if others can write to it. Wasmtime trusts what it loads back: a folder you name here must be writable
    /// only by the application.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>
    /// The most the cache folder may hold (default 1 GiB); when a new entry takes it past that, the least recently used
    /// entries are deleted.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long CacheSizeLimitBytes
    {
        get => _cacheSizeLimit;
        init
        {
            if (value <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(CacheSizeLimitBytes), value, $"ComponentRuntimeOptions.CacheSizeLimitBytes must be positive; {value} was given. Turn the cache off with UseCompiledComponentCache = false.");
            }

            _cacheSizeLimit = value;
        }
    }

    private readonly long _cacheSizeLimit = 1L << 30;

    /// <summary>
    /// The per-user cache folder: <c>$XDG_CACHE_HOME/wasmdynamic</c> (else <c>~/.cache/wasmdynamic</c>) on Linux,
    /// <c>~/Library/Caches/WasmDynamic</c> on macOS, <c>%LOCALAPPDATA%\WasmDynamic\Cache</c> on Windows.
    /// </summary>
    public static string DefaultCacheDirectory
    {
        get
        {
            if (OperatingSystem.IsWindows())
            {
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "WasmDynamic", "Cache");
            }

            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (OperatingSystem.IsMacOS())
            {
                return Path.Combine(home, "Library", "Caches", "WasmDynamic");
            }

            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            return Path.Combine(string.IsNullOrEmpty(xdg) || !Path.IsPathRooted(xdg) ? Path.Combine(home, ".cache") : xdg, "wasmdynamic");
        }
    }

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
