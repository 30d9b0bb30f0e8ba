namespace WasmDynamic;

/// <summary>Engine settings for a <see cref="ComponentRuntime"/>.</summary>
public sealed class ComponentRuntimeOptions
{
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

    /// <summary>How often the engine's epoch advances while calls with a timeout or cancellation run (default 5 ms).</summary>
    public TimeSpan EpochTick { get; init; } = TimeSpan.FromMilliseconds(5);
}
