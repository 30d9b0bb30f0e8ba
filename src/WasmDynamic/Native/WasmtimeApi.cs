using System.Runtime.InteropServices;

namespace WasmDynamic.Native;

/// <summary>Engine, config, store, errors and wat2wasm (wasm.h, wasmtime/engine.h, store.h, error.h, wat.h).</summary>
internal static unsafe partial class WasmtimeApi
{
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasm_config_new();
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_config_wasm_component_model_set(nint config, [MarshalAs(UnmanagedType.U1)] bool enable);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_config_wasm_component_model_async_set(nint config, [MarshalAs(UnmanagedType.U1)] bool enable);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_config_concurrency_support_set(nint config, [MarshalAs(UnmanagedType.U1)] bool enable);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_config_wasm_component_model_map_set(nint config, [MarshalAs(UnmanagedType.U1)] bool enable);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_config_epoch_interruption_set(nint config, [MarshalAs(UnmanagedType.U1)] bool enable);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_config_max_wasm_stack_set(nint config, nuint size);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_config_consume_fuel_set(nint config, [MarshalAs(UnmanagedType.U1)] bool enable);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_config_signals_based_traps_set(nint config, [MarshalAs(UnmanagedType.U1)] bool enable);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_config_macos_use_mach_ports_set(nint config, [MarshalAs(UnmanagedType.U1)] bool enable);

    // config.h, pooling allocator: wasmtime_pooling_allocation_config_t is opaque (a boxed Rust struct); counts are
    // uint32_t, sizes size_t; strategy_set clones the pool config, which the caller then deletes.
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_pooling_allocation_config_new();
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_pooling_allocation_config_delete(nint pool);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_pooling_allocation_config_total_component_instances_set(nint pool, uint count);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_pooling_allocation_config_total_core_instances_set(nint pool, uint count);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_pooling_allocation_config_total_memories_set(nint pool, uint count);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_pooling_allocation_config_total_tables_set(nint pool, uint count);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_pooling_allocation_config_max_memory_size_set(nint pool, nuint bytes);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_pooling_allocation_strategy_set(nint config, nint pool);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_pooling_allocation_config_linear_memory_keep_resident_set(nint pool, nuint bytes);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_pooling_allocation_config_table_keep_resident_set(nint pool, nuint bytes);

    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasm_engine_new_with_config(nint config);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasm_engine_delete(nint engine);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_engine_increment_epoch(nint engine);

    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_store_new(nint engine, nint data, delegate* unmanaged[Cdecl]<nint, void> finalizer);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_store_context(nint store);

    // A field read: no GC transition needed, and host callbacks call it on every import.
    [LibraryImport(WasmtimeLibrary.Name)] [SuppressGCTransition] public static partial nint wasmtime_context_get_data(nint context);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_store_delete(nint store);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_store_limiter(nint store, long memorySize, long tableElements, long instances, long tables, long memories);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_context_set_wasi(nint context, nint wasiConfig);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_context_set_epoch_deadline(nint context, ulong ticksBeyondCurrent);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_context_set_fuel(nint context, ulong fuel);
    [LibraryImport(WasmtimeLibrary.Name)]
    public static partial void wasmtime_store_epoch_deadline_callback(nint store, delegate* unmanaged[Cdecl]<nint, nint, ulong*, byte*, nint> callback, nint data, delegate* unmanaged[Cdecl]<nint, void> finalizer);

    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_error_new(byte* message);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_error_message(nint error, ByteVec* message);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_error_delete(nint error);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_error_exit_status(nint error, int* status);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_error_wasm_trace(nint error, NativeVec* frames);

    // wasm_trap_t and wasmtime_error_t are one Rust struct (an anyhow::Error) in the C API: the shipped library folds
    // wasmtime_error_delete and wasm_trap_delete (and wasmtime_error_wasm_trace and wasm_trap_trace) into one symbol.
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_trap_code(nint error, byte* code);

    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasm_frame_vec_delete(NativeVec* frames);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial uint wasm_frame_func_index(nint frame);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nuint wasm_frame_module_offset(nint frame);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial ByteVec* wasmtime_frame_func_name(nint frame);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial ByteVec* wasmtime_frame_module_name(nint frame);

    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasm_byte_vec_new_uninitialized(ByteVec* vec, nuint size);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasm_byte_vec_delete(ByteVec* vec);

    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_wat2wasm(byte* text, nuint length, ByteVec* wasm);
}
