namespace WasmDynamic.Extensions.Hosting;

/// <summary>
/// The engine settings of the container's <see cref="ComponentRuntime"/>, settable so that they can come from
/// configuration (<c>services.Configure&lt;WasmDynamicOptions&gt;(configuration.GetSection("WasmDynamic"))</c>); each
/// property means what the <see cref="ComponentRuntimeOptions"/> property of the same name means.
/// </summary>
public sealed class WasmDynamicOptions
{
    /// <inheritdoc cref="ComponentRuntimeOptions.EpochInterruption"/>
    public bool EpochInterruption { get; set; } = true;

    /// <inheritdoc cref="ComponentRuntimeOptions.ConsumeFuel"/>
    public bool ConsumeFuel { get; set; }

    /// <inheritdoc cref="ComponentRuntimeOptions.UseCompiledComponentCache"/>
    public bool UseCompiledComponentCache { get; set; } = true;

    /// <inheritdoc cref="ComponentRuntimeOptions.CacheDirectory"/>
    public string? CacheDirectory { get; set; }

    /// <inheritdoc cref="ComponentRuntimeOptions.CacheSizeLimitBytes"/>
    public long CacheSizeLimitBytes { get; set; } = 1L << 30;

    /// <inheritdoc cref="ComponentRuntimeOptions.EpochTick"/>
    public TimeSpan EpochTick { get; set; } = TimeSpan.FromMilliseconds(5);

    internal ComponentRuntimeOptions ToRuntimeOptions() => new()
    {
        EpochInterruption = EpochInterruption,
        ConsumeFuel = ConsumeFuel,
        UseCompiledComponentCache = UseCompiledComponentCache,
        CacheDirectory = CacheDirectory,
        CacheSizeLimitBytes = CacheSizeLimitBytes,
        EpochTick = EpochTick,
    };
}
