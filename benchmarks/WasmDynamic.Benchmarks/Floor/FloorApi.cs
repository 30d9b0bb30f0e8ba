using System.Runtime.InteropServices;
using System.Text;

namespace WasmDynamic.Benchmarks.Floor;

/// <summary>
/// The floor: our own P/Invoke into the same native <c>wasmtime</c> library (Wasmtime 50.0.1, from the NuGet
/// package), with hand-written <c>wasmtime_component_val_t</c> values. Nothing of WasmDynamic is used here.
/// </summary>
internal static unsafe partial class FloorApi
{
    private const string Lib = "wasmtime";

    [LibraryImport(Lib)] public static partial nint wasm_config_new();
    [LibraryImport(Lib)] public static partial void wasmtime_config_wasm_component_model_set(nint config, [MarshalAs(UnmanagedType.U1)] bool enable);
    [LibraryImport(Lib)] public static partial void wasmtime_config_wasm_component_model_async_set(nint config, [MarshalAs(UnmanagedType.U1)] bool enable);
    [LibraryImport(Lib)] public static partial void wasmtime_config_concurrency_support_set(nint config, [MarshalAs(UnmanagedType.U1)] bool enable);
    [LibraryImport(Lib)] public static partial void wasmtime_config_wasm_component_model_map_set(nint config, [MarshalAs(UnmanagedType.U1)] bool enable);
    [LibraryImport(Lib)] public static partial nint wasm_engine_new_with_config(nint config);
    [LibraryImport(Lib)] public static partial void wasm_engine_delete(nint engine);

    [LibraryImport(Lib)] public static partial nint wasmtime_wat2wasm(byte* text, nuint length, NByteVec* wasm);
    [LibraryImport(Lib)] public static partial void wasm_byte_vec_delete(NByteVec* vec);
    [LibraryImport(Lib)] public static partial void wasmtime_error_message(nint error, NByteVec* message);
    [LibraryImport(Lib)] public static partial void wasmtime_error_delete(nint error);

    [LibraryImport(Lib)] public static partial nint wasmtime_component_new(nint engine, byte* bytes, nuint length, nint* component);
    [LibraryImport(Lib)] public static partial void wasmtime_component_delete(nint component);

    [LibraryImport(Lib)] public static partial nint wasmtime_store_new(nint engine, nint data, nint finalizer);
    [LibraryImport(Lib)] public static partial nint wasmtime_store_context(nint store);
    [LibraryImport(Lib)] public static partial void wasmtime_store_delete(nint store);

    [LibraryImport(Lib)] public static partial nint wasmtime_component_linker_new(nint engine);
    [LibraryImport(Lib)] public static partial void wasmtime_component_linker_delete(nint linker);
    [LibraryImport(Lib)] public static partial nint wasmtime_component_linker_root(nint linker);
    [LibraryImport(Lib)] public static partial void wasmtime_component_linker_instance_delete(nint linkerInstance);
    [LibraryImport(Lib)] public static partial nint wasmtime_component_linker_instance_add_instance(nint linkerInstance, byte* name, nuint nameLength, nint* child);

    [LibraryImport(Lib)]
    public static partial nint wasmtime_component_linker_instance_add_func(
        nint linkerInstance, byte* name, nuint nameLength,
        delegate* unmanaged[Cdecl]<nint, nint, nint, byte*, nuint, byte*, nuint, nint> callback,
        nint data, nint finalizer);

    [LibraryImport(Lib)] public static partial nint wasmtime_component_linker_instantiate(nint linker, nint context, nint component, NInstance* instance);
    [LibraryImport(Lib)] public static partial nint wasmtime_component_instance_get_export_index(NInstance* instance, nint context, nint parentIndex, byte* name, nuint nameLength);
    [LibraryImport(Lib)] public static partial void wasmtime_component_export_index_delete(nint index);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_instance_get_func(NInstance* instance, nint context, nint exportIndex, NFunc* func);

    [LibraryImport(Lib)] public static partial nint wasmtime_component_func_call(NFunc* func, nint context, byte* args, nuint argCount, byte* results, nuint resultCount);
    [LibraryImport(Lib)] public static partial void wasmtime_component_val_delete(byte* value);

    // The async floor: the same entry points WasmDynamic's async instances use.
    [LibraryImport(Lib)] public static partial void wasmtime_config_epoch_interruption_set(nint config, [MarshalAs(UnmanagedType.U1)] bool enable);
    [LibraryImport(Lib)] public static partial void wasmtime_config_async_stack_size_set(nint config, nuint size);
    [LibraryImport(Lib)] public static partial void wasmtime_context_set_epoch_deadline(nint context, ulong deadline);
    [LibraryImport(Lib)] public static partial void wasmtime_context_epoch_deadline_async_yield_and_update(nint context, ulong delta);
    [LibraryImport(Lib)] public static partial nint wasmtime_component_linker_instance_add_func_async(nint linkerInstance, byte* name, nuint nameLength, nint callback, nint data, nint finalizer);
    [LibraryImport(Lib)] public static partial nint wasmtime_component_linker_instantiate_async(nint linker, nint context, nint component, NInstance* instance, nint* error);
    [LibraryImport(Lib)] public static partial nint wasmtime_component_func_call_async(NFunc* func, nint context, byte* args, nuint argCount, byte* results, nuint resultCount, nint* error);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_call_future_poll(nint future);
    [LibraryImport(Lib)] public static partial void wasmtime_call_future_delete(nint future);

    // The instantiate floor: WASI p2 and the pooling allocator, as WasmDynamic's runtime sets them up.
    [LibraryImport(Lib)] public static partial nint wasmtime_component_linker_add_wasip2(nint linker);
    [LibraryImport(Lib)] public static partial nint wasi_config_new();
    [LibraryImport(Lib)] public static partial nint wasmtime_context_set_wasi(nint context, nint wasiConfig);
    [LibraryImport(Lib)] public static partial nint wasmtime_pooling_allocation_config_new();
    [LibraryImport(Lib)] public static partial void wasmtime_pooling_allocation_config_delete(nint pool);
    [LibraryImport(Lib)] public static partial void wasmtime_pooling_allocation_config_total_component_instances_set(nint pool, uint count);
    [LibraryImport(Lib)] public static partial void wasmtime_pooling_allocation_config_total_core_instances_set(nint pool, uint count);
    [LibraryImport(Lib)] public static partial void wasmtime_pooling_allocation_config_total_memories_set(nint pool, uint count);
    [LibraryImport(Lib)] public static partial void wasmtime_pooling_allocation_config_total_tables_set(nint pool, uint count);
    [LibraryImport(Lib)] public static partial void wasmtime_pooling_allocation_config_max_memory_size_set(nint pool, nuint bytes);
    [LibraryImport(Lib)] public static partial void wasmtime_pooling_allocation_strategy_set(nint config, nint pool);
    [LibraryImport(Lib)] public static partial void wasmtime_pooling_allocation_config_linear_memory_keep_resident_set(nint pool, nuint bytes);
    [LibraryImport(Lib)] public static partial void wasmtime_pooling_allocation_config_table_keep_resident_set(nint pool, nuint bytes);

    public static void Check(nint error, string what)
    {
        if (error == 0)
        {
            return;
        }

        NByteVec message;
        wasmtime_error_message(error, &message);
        var text = Encoding.UTF8.GetString(message.Data, (int)message.Size);
        wasm_byte_vec_delete(&message);
        wasmtime_error_delete(error);
        throw new InvalidOperationException($"{what}: {text}");
    }
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NByteVec
{
    public nuint Size;
    public byte* Data;
}

/// <summary><c>wasmtime_component_instance_t</c> (16 bytes).</summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
internal struct NInstance
{
    public ulong StoreId;
    public uint Private;
}

/// <summary><c>wasmtime_component_func_t</c> (32 bytes).</summary>
[StructLayout(LayoutKind.Sequential, Size = 32)]
internal struct NFunc
{
    public ulong StoreId;
    public ulong Private1;
    public ulong Private2;
    public nint Private3;
}

/// <summary>
/// Hand-written <c>wasmtime_component_val_t</c> (32 bytes: a kind byte, padding to 8, a 24-byte union).
/// String/list/record: {size at 8, data at 16}; variant: {name at 8/16, payload* at 24}; option: payload* at 8;
/// result: {is_ok at 8, payload* at 16}. Record entries are 48 bytes: name {size, data} then the value at 16.
/// </summary>
internal static unsafe class V
{
    public const int Size = 32;
    public const int EntrySize = 48;

    public const byte Bool = 0, U8 = 2, S16 = 3, S32 = 5, U32 = 6, U64 = 8, F32 = 9, F64 = 10,
        String = 12, List = 13, Record = 14, Variant = 16, Option = 18, Result = 19;

    public static byte Kind(byte* v) => *v;

    public static nuint VecSize(byte* v) => *(nuint*)(v + 8);

    public static byte* VecData(byte* v) => *(byte**)(v + 16);

    public static void SetVec(byte* v, byte kind, nuint size, byte* data)
    {
        *v = kind;
        *(nuint*)(v + 8) = size;
        *(byte**)(v + 16) = data;
    }

    public static void Expect(byte* v, byte kind)
    {
        if (*v != kind)
        {
            throw new InvalidOperationException($"Unexpected value kind {*v}, wanted {kind}.");
        }
    }
}

/// <summary>A UTF-8 name in native memory for the life of the process (record field and case names).</summary>
internal readonly unsafe struct NName
{
    public NName(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Data = (byte*)NativeMemory.Alloc((nuint)Math.Max(bytes.Length, 1));
        bytes.CopyTo(new Span<byte>(Data, bytes.Length));
        Length = (nuint)bytes.Length;
    }

    public byte* Data { get; }

    public nuint Length { get; }

    public void WriteTo(byte* vec)
    {
        *(nuint*)vec = Length;
        *(byte**)(vec + 8) = Data;
    }

    public bool Matches(byte* vec) => *(nuint*)vec == Length && new ReadOnlySpan<byte>(*(byte**)(vec + 8), (int)Length).SequenceEqual(new ReadOnlySpan<byte>(Data, (int)Length));
}
