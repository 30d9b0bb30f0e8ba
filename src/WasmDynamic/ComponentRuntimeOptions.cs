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

    /// <summary>How often the engine's epoch advances while calls with a timeout or cancellation run (default 5 ms).</summary>
    public TimeSpan EpochTick { get; init; } = TimeSpan.FromMilliseconds(5);
}
