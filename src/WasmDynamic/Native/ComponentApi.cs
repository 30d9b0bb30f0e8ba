using System.Runtime.InteropServices;

namespace WasmDynamic.Native;

/// <summary>Components, type reflection, instances, functions and values (wasmtime/component/*.h).</summary>
internal static unsafe partial class ComponentApi
{
    // component.h
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_new(nint engine, byte* bytes, nuint length, nint* component);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_delete(nint component);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_clone(nint component);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_serialize(nint component, ByteVec* ret);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_deserialize(nint engine, byte* bytes, nuint length, nint* component);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_type(nint component);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_export_index_delete(nint index);

    // types/component.h
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_type_delete(nint type);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nuint wasmtime_component_type_import_count(nint type, nint engine);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_type_import_nth(nint type, nint engine, nuint nth, byte** name, nuint* nameLength, nint* externRet);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nuint wasmtime_component_type_export_count(nint type, nint engine);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_type_export_nth(nint type, nint engine, nuint nth, byte** name, nuint* nameLength, nint* externRet);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_extern_type(nint externItem, ComponentItem* item);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_extern_delete(nint externItem);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_item_delete(ComponentItem* item);

    // types/instance.h
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nuint wasmtime_component_instance_type_export_count(nint type, nint engine);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_instance_type_export_nth(nint type, nint engine, nuint nth, byte** name, nuint* nameLength, nint* externRet);

    // types/func.h
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nuint wasmtime_component_func_type_param_count(nint type);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_func_type_param_nth(nint type, nuint nth, byte** name, nuint* nameLength, ValType* ret);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_func_type_result(nint type, ValType* ret);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_func_type_async(nint type);

    // types/resource.h
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_resource_type_delete(nint type);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_resource_type_new_host(uint tag);

    // types/val.h
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_valtype_delete(ValType* type);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_list_type_element(nint type, ValType* ret);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_fixed_length_list_type_element(nint type, ValType* ret);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nuint wasmtime_component_record_type_field_count(nint type);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_record_type_field_nth(nint type, nuint nth, byte** name, nuint* nameLength, ValType* ret);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nuint wasmtime_component_tuple_type_types_count(nint type);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_tuple_type_types_nth(nint type, nuint nth, ValType* ret);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nuint wasmtime_component_variant_type_case_count(nint type);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_variant_type_case_nth(nint type, nuint nth, byte** name, nuint* nameLength, byte* hasPayload, ValType* payload);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nuint wasmtime_component_enum_type_names_count(nint type);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_enum_type_names_nth(nint type, nuint nth, byte** name, nuint* nameLength);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_option_type_ty(nint type, ValType* ret);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_result_type_ok(nint type, ValType* ret);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_result_type_err(nint type, ValType* ret);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nuint wasmtime_component_flags_type_names_count(nint type);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_flags_type_names_nth(nint type, nuint nth, byte** name, nuint* nameLength);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_future_type_ty(nint type, ValType* ret);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_stream_type_ty(nint type, ValType* ret);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_map_type_key(nint type, ValType* ret);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_map_type_value(nint type, ValType* ret);

    // instance.h
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_instance_get_export_index(ComponentInstanceNative* instance, nint context, nint parentIndex, byte* name, nuint nameLength);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_instance_get_func(ComponentInstanceNative* instance, nint context, nint exportIndex, ComponentFunc* func);

    // func.h
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_func_call(ComponentFunc* func, nint context, Val* args, nuint argCount, Val* results, nuint resultCount);

    // val.h
    [LibraryImport(WasmtimeLibrary.Name)] public static partial Val* wasmtime_component_val_new(Val* value);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_val_free(Val* value);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_val_delete(Val* value);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_vallist_new_uninit(ValVec* vec, nuint size);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_valtuple_new_uninit(ValVec* vec, nuint size);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_valrecord_new_uninit(RecordVec* vec, nuint size);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_valflags_new_uninit(ByteVecVec* vec, nuint size);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_valmap_new_uninit(MapVec* vec, nuint size);

    // val.h resources
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_resource_any_clone(nint resource);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_resource_any_owned(nint resource);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_resource_any_drop(nint context, nint resource);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_resource_any_delete(nint resource);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_resource_any_to_host(nint context, nint resource, nint* host);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_resource_host_new([MarshalAs(UnmanagedType.U1)] bool owned, uint rep, uint type);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial uint wasmtime_component_resource_host_rep(nint host);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasmtime_component_resource_host_owned(nint host);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_resource_host_delete(nint host);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_resource_host_to_any(nint context, nint host, nint* any);

    // linker.h
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_linker_new(nint engine);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_linker_delete(nint linker);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_linker_allow_shadowing(nint linker, [MarshalAs(UnmanagedType.U1)] bool allow);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_linker_root(nint linker);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_linker_add_wasip2(nint linker);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_linker_add_wasi_http(nint linker);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_linker_define_unknown_imports_as_traps(nint linker, nint component);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_linker_instantiate(nint linker, nint context, nint component, ComponentInstanceNative* instance);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasmtime_component_linker_instance_delete(nint linkerInstance);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasmtime_component_linker_instance_add_instance(nint linkerInstance, byte* name, nuint nameLength, nint* child);
    [LibraryImport(WasmtimeLibrary.Name)]
    public static partial nint wasmtime_component_linker_instance_add_resource(
        nint linkerInstance, byte* name, nuint nameLength, nint resourceType,
        delegate* unmanaged[Cdecl]<nint, nint, uint, nint> destructor, nint data, delegate* unmanaged[Cdecl]<nint, void> finalizer);

    [LibraryImport(WasmtimeLibrary.Name)]
    public static partial nint wasmtime_component_linker_instance_add_func(
        nint linkerInstance, byte* name, nuint nameLength,
        delegate* unmanaged[Cdecl]<nint, nint, nint, Val*, nuint, Val*, nuint, nint> callback,
        nint data, delegate* unmanaged[Cdecl]<nint, void> finalizer);
}
