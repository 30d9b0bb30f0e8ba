using Microsoft.Extensions.Logging;

namespace WasmDynamic.Extensions.Hosting;

/// <summary>
/// One registered component: where it comes from, the limits of its instances, how its output is logged and how many
/// ready instances its <see cref="WasmComponentPool"/> keeps. Named options (the name is the component's), settable so
/// that they can come from configuration.
/// </summary>
public sealed class WasmComponentOptions
{
    /// <summary>The component file (.wasm or component WAT). Either this or <see cref="Bytes"/>.</summary>
    public string? Path { get; set; }

    /// <summary>The component's bytes, when it does not come from a file.</summary>
    public byte[]? Bytes { get; set; }

    /// <inheritdoc cref="InstanceOptions.CallTimeout"/>
    public TimeSpan? CallTimeout { get; set; }

    /// <inheritdoc cref="InstanceOptions.FuelPerCall"/>
    public ulong? FuelPerCall { get; set; }

    /// <inheritdoc cref="InstanceOptions.MaxMemoryBytes"/>
    public long? MaxMemoryBytes { get; set; }

    /// <inheritdoc cref="InstanceOptions.MaxTableElements"/>
    public long? MaxTableElements { get; set; }

    /// <inheritdoc cref="InstanceOptions.TrapUnimplementedImports"/>
    public bool TrapUnimplementedImports { get; set; }

    /// <inheritdoc cref="InstanceOptions.RecreateAfterTrap"/>
    public bool RecreateAfterTrap { get; set; }

    /// <summary>
    /// The component's WASI settings (environment, arguments, directories, stdin). Its standard output and error are
    /// replaced by the logger when <see cref="LogWasiOutput"/> is true.
    /// </summary>
    public WasiOptions Wasi { get; set; } = new();

    /// <summary>
    /// Sends what the component writes to stdout and stderr to an <see cref="ILogger"/> of category
    /// <c>WasmDynamic.Component.&lt;name&gt;</c>, one log entry per line (default true).
    /// </summary>
    public bool LogWasiOutput { get; set; } = true;

    /// <summary>The level of a stdout line (default <see cref="LogLevel.Information"/>).</summary>
    public LogLevel StandardOutputLevel { get; set; } = LogLevel.Information;

    /// <summary>The level of a stderr line (default <see cref="LogLevel.Warning"/>).</summary>
    public LogLevel StandardErrorLevel { get; set; } = LogLevel.Warning;

    /// <summary>
    /// How many ready instances the pool keeps, created ahead of time on a background thread (default 2; 0 creates each
    /// instance when it is rented). Renting never waits for the pool: when no ready instance is left, one is created.
    /// </summary>
    public int PoolSize { get; set; } = 2;

    /// <summary>
    /// False (the default): every rented instance is fresh and is disposed when its lease ends (request isolation).
    /// True: a returned instance that has not trapped goes back to the pool for the next renter (faster; state carries
    /// over between renters).
    /// </summary>
    public bool ReuseInstances { get; set; }
}
