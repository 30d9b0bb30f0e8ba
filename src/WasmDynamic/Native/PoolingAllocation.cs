namespace WasmDynamic.Native;

/// <summary>Turns <see cref="PoolingAllocatorOptions"/> into Wasmtime's pooling strategy on an engine config.</summary>
internal static class PoolingAllocation
{
    /// <summary>Sets the pooling strategy on <paramref name="config"/> (Wasmtime copies the pool settings).</summary>
    public static void Apply(nint config, PoolingAllocatorOptions options)
    {
        var pool = WasmtimeApi.wasmtime_pooling_allocation_config_new();
        try
        {
            WasmtimeApi.wasmtime_pooling_allocation_config_total_component_instances_set(pool, options.TotalComponentInstances);
            WasmtimeApi.wasmtime_pooling_allocation_config_total_core_instances_set(pool, options.TotalCoreInstances);
            WasmtimeApi.wasmtime_pooling_allocation_config_total_memories_set(pool, options.TotalMemories);
            WasmtimeApi.wasmtime_pooling_allocation_config_total_tables_set(pool, options.TotalTables);
            if (options.MaxMemoryBytes is { } bytes)
            {
                WasmtimeApi.wasmtime_pooling_allocation_config_max_memory_size_set(pool, (nuint)bytes);
            }

            WasmtimeApi.wasmtime_pooling_allocation_config_linear_memory_keep_resident_set(pool, (nuint)options.KeepResidentBytes);
            WasmtimeApi.wasmtime_pooling_allocation_config_table_keep_resident_set(pool, (nuint)options.KeepResidentBytes);
            WasmtimeApi.wasmtime_pooling_allocation_strategy_set(config, pool);
        }
        finally
        {
            WasmtimeApi.wasmtime_pooling_allocation_config_delete(pool);
        }
    }
}
