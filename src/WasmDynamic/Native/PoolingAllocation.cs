namespace WasmDynamic.Native;

/// <summary>Wasmtime's pooling allocation strategy as <see cref="PoolingAllocatorOptions"/> describe it.</summary>
internal static class PoolingAllocation
{
    /// <summary>Sets the pooling strategy on an engine config (Wasmtime copies the pool settings).</summary>
    public static void Apply(PoolingAllocatorOptions options, nint config)
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

            WasmtimeApi.wasmtime_pooling_allocation_strategy_set(config, pool);
        }
        finally
        {
            WasmtimeApi.wasmtime_pooling_allocation_config_delete(pool);
        }
    }
}
