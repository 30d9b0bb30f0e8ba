namespace WasmDynamic;

/// <summary>Engine settings for a <see cref="ComponentRuntime"/>.</summary>
public sealed class ComponentRuntimeOptions
{
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
    public long CacheSizeLimitBytes { get; init; } = 1L << 30;

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

    /// <summary>How often the engine's epoch advances while calls with a timeout or cancellation run (default 5 ms).</summary>
    public TimeSpan EpochTick { get; init; } = TimeSpan.FromMilliseconds(5);
}
