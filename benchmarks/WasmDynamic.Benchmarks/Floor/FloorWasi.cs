using System.Runtime.InteropServices;
using System.Text;

namespace WasmDynamic.Benchmarks.Floor;

/// <summary>
/// The instantiate floor for a WASI p2 component: an engine with the library's settings (component model, concurrency
/// support as the library's default, map, epoch interruption; with or without the pooling allocator), one linker with
/// WASI p2 added once, and per instance only what any C API embedder must do — <c>wasmtime_store_new</c>, an epoch
/// deadline, <c>wasi_config_new</c> + <c>wasmtime_context_set_wasi</c>, <c>wasmtime_component_linker_instantiate</c>,
/// <c>wasmtime_store_delete</c>. Nothing of WasmDynamic runs.
/// </summary>
internal sealed unsafe class FloorWasi : IDisposable
{
    private readonly nint _engine;
    private readonly nint _linker;
    private readonly nint _component;
    private readonly NInstance* _instance;

    /// <param name="fixture">A WASI p2 component in component WAT.</param>
    /// <param name="pool">The pool's sizes (as <see cref="PoolingAllocatorOptions"/> give them), or null for Wasmtime's on-demand allocator.</param>
    public FloorWasi(string fixture, PoolingAllocatorOptions? pool)
    {
        var defaults = new ComponentRuntimeOptions();
        var config = FloorApi.wasm_config_new();
        FloorApi.wasmtime_config_wasm_component_model_set(config, true);
        FloorApi.wasmtime_config_wasm_component_model_async_set(config, false);
        FloorApi.wasmtime_config_concurrency_support_set(config, defaults.ConcurrencySupport);
        FloorApi.wasmtime_config_wasm_component_model_map_set(config, true);
        FloorApi.wasmtime_config_epoch_interruption_set(config, defaults.EpochInterruption);
        if (pool is not null)
        {
            var p = FloorApi.wasmtime_pooling_allocation_config_new();
            FloorApi.wasmtime_pooling_allocation_config_total_component_instances_set(p, pool.TotalComponentInstances);
            FloorApi.wasmtime_pooling_allocation_config_total_core_instances_set(p, pool.TotalCoreInstances);
            FloorApi.wasmtime_pooling_allocation_config_total_memories_set(p, pool.TotalMemories);
            FloorApi.wasmtime_pooling_allocation_config_total_tables_set(p, pool.TotalTables);
            if (pool.MaxMemoryBytes is { } bytes)
            {
                FloorApi.wasmtime_pooling_allocation_config_max_memory_size_set(p, (nuint)bytes);
            }

            FloorApi.wasmtime_pooling_allocation_config_linear_memory_keep_resident_set(p, (nuint)pool.KeepResidentBytes);
            FloorApi.wasmtime_pooling_allocation_config_table_keep_resident_set(p, (nuint)pool.KeepResidentBytes);
            FloorApi.wasmtime_pooling_allocation_strategy_set(config, p);
            FloorApi.wasmtime_pooling_allocation_config_delete(p);
        }

        _engine = FloorApi.wasm_engine_new_with_config(config);
        if (_engine == 0)
        {
            throw new InvalidOperationException("The floor's engine could not be created.");
        }

        var wasm = Encoding.UTF8.GetBytes(File.ReadAllText(Shared.FixturePath(fixture)));
        NByteVec binary;
        fixed (byte* t = wasm)
        {
            FloorApi.Check(FloorApi.wasmtime_wat2wasm(t, (nuint)wasm.Length, &binary), "wat2wasm");
        }

        nint component;
        FloorApi.Check(FloorApi.wasmtime_component_new(_engine, binary.Data, binary.Size, &component), "wasmtime_component_new");
        FloorApi.wasm_byte_vec_delete(&binary);
        _component = component;
        _linker = FloorApi.wasmtime_component_linker_new(_engine);
        FloorApi.Check(FloorApi.wasmtime_component_linker_add_wasip2(_linker), "add_wasip2");
        _instance = (NInstance*)NativeMemory.AllocZeroed((nuint)sizeof(NInstance));
    }

    /// <summary>One fresh store with a WASI context and an instance, then the store deleted.</summary>
    public void InstantiateAndDrop()
    {
        var store = FloorApi.wasmtime_store_new(_engine, 0, 0);
        var context = FloorApi.wasmtime_store_context(store);
        try
        {
            FloorApi.wasmtime_context_set_epoch_deadline(context, 1);
            FloorApi.Check(FloorApi.wasmtime_context_set_wasi(context, FloorApi.wasi_config_new()), "set_wasi");
            FloorApi.Check(FloorApi.wasmtime_component_linker_instantiate(_linker, context, _component, _instance), "instantiate");
        }
        finally
        {
            FloorApi.wasmtime_store_delete(store);
        }
    }

    public void Dispose()
    {
        FloorApi.wasmtime_component_linker_delete(_linker);
        FloorApi.wasmtime_component_delete(_component);
        FloorApi.wasm_engine_delete(_engine);
        NativeMemory.Free(_instance);
    }
}
