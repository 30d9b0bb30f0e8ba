using System.Collections.Immutable;
using WasmDynamic.Wit;

namespace WasmDynamic.Native;

/// <summary>
/// Builds the <see cref="WitWorld"/> of a compiled component from Wasmtime's type reflection.
/// </summary>
/// <remarks>
/// <para>
/// The C API attaches no names to value types: names live in instance-type exports of kind TYPE (and RESOURCE).
/// We keep every such item alive while reading and name a structural type by the first named type it is equal to
/// (<c>wasmtime_component_valtype_equal</c>), preferring the interface being read. Wasmtime interns types, so two
/// distinct WIT types with identical structure cannot be told apart; the first one wins. Resources are exact:
/// resource types compare by identity.
/// </para>
/// <para>
/// Primitive aliases (<c>type filesize = u64</c>) are declared but never substituted where they are used: a
/// primitive has no identity in the C API (wasm-tools, reading the binary, does print <c>size: filesize</c>). Handle
/// aliases (<c>type r-ref = borrow&lt;r&gt;</c>) are not substituted either.
/// Wasmtime does not list the value types a component imports at the world level (<c>record point</c> declared in a
/// world), only resources; such types stay unnamed in the model.
/// </para>
/// </remarks>
internal sealed unsafe partial class WitReader : IDisposable
{
    private readonly nint _engine;
    private readonly List<nint> _items = new();
    private readonly List<Named> _named = new();
    private readonly List<(nint Type, WitResource Resource)> _resources = new();
    private readonly List<nint> _clonedResources = new();
    private int _anonymous;
    private WitDirection _direction = WitDirection.Import;

    private WitReader(nint engine) => _engine = engine;

    private sealed record Named(nint ValType, WitType Type);

    /// <summary>Reads the world of <paramref name="component"/>.</summary>
    public static WitWorld Read(nint engine, nint component)
    {
        var type = ComponentApi.wasmtime_component_type(component);
        if (type == 0)
        {
            throw new WasmDynamicException("Wasmtime returned no type for the component.");
        }

        try
        {
            using var reader = new WitReader(engine);
            return reader.ReadWorld(type);
        }
        finally
        {
            ComponentApi.wasmtime_component_type_delete(type);
        }
    }

    private WitWorld ReadWorld(nint type)
    {
        var importOrder = new List<string>();
        var exportOrder = new List<string>();
        var imports = new List<WitInterface>();
        var importFns = new List<WitFunction>();
        var importTypes = new List<WitType>();
        var count = ComponentApi.wasmtime_component_type_import_count(type, _engine);
        for (nuint n = 0; n < count; n++)
        {
            byte* name;
            nuint len;
            nint ext;
            if (!ComponentApi.wasmtime_component_type_import_nth(type, _engine, n, &name, &len, &ext))
            {
                continue;
            }

            importOrder.Add(Utf8(name, len));
            ReadWorldItem(importOrder[^1], ext, imports, importFns, importTypes);
        }

        _direction = WitDirection.Export;
        var exports = new List<WitInterface>();
        var exportFns = new List<WitFunction>();
        var exportTypes = new List<WitType>();
        count = ComponentApi.wasmtime_component_type_export_count(type, _engine);
        for (nuint n = 0; n < count; n++)
        {
            byte* name;
            nuint len;
            nint ext;
            if (!ComponentApi.wasmtime_component_type_export_nth(type, _engine, n, &name, &len, &ext))
            {
                continue;
            }

            exportOrder.Add(Utf8(name, len));
            ReadWorldItem(exportOrder[^1], ext, exports, exportFns, exportTypes);
        }

        return new WitWorld(imports.ToImmutableArray(), importFns.ToImmutableArray(), exports.ToImmutableArray(), exportFns.ToImmutableArray())
        {
            ImportedTypes = importTypes.ToImmutableArray(),
            ExportedTypes = exportTypes.ToImmutableArray(),
            ImportOrder = importOrder.ToImmutableArray(),
            ExportOrder = exportOrder.ToImmutableArray(),
        };
    }

    private void ReadWorldItem(string name, nint ext, List<WitInterface> interfaces, List<WitFunction> functions, List<WitType> types)
    {
        var item = TakeItem(ext);
        switch (item->Kind)
        {
            case ComponentItemKind.ComponentInstance:
                interfaces.Add(ReadInstance(name, item->Pointer));
                break;
            case ComponentItemKind.ComponentFunc:
                functions.Add(ReadFunction(name, item->Pointer, string.Empty));
                break;
            case ComponentItemKind.Type:
                types.Add(DefineNamedType(&item->Type, name, string.Empty));
                break;
            case ComponentItemKind.Resource:
                types.Add(DefineResource(item->Pointer, name, string.Empty));
                break;
            default:
                // Core modules, nested components and core functions have no WIT form; they are not part of the world.
                break;
        }
    }

    private WitInterface ReadInstance(string instanceName, nint instanceType)
    {
        var types = new List<WitType>();
        var functions = new List<WitFunction>();
        var count = ComponentApi.wasmtime_component_instance_type_export_count(instanceType, _engine);
        var funcItems = new List<(string Name, nint Func)>();
        for (nuint n = 0; n < count; n++)
        {
            byte* name;
            nuint len;
            nint ext;
            if (!ComponentApi.wasmtime_component_instance_type_export_nth(instanceType, _engine, n, &name, &len, &ext))
            {
                continue;
            }

            var itemName = Utf8(name, len);
            var item = TakeItem(ext);
            switch (item->Kind)
            {
                case ComponentItemKind.Type:
                    types.Add(DefineNamedType(&item->Type, itemName, instanceName));
                    break;
                case ComponentItemKind.Resource:
                    types.Add(DefineResource(item->Pointer, itemName, instanceName));
                    break;
                case ComponentItemKind.ComponentFunc:
                    funcItems.Add((itemName, item->Pointer));
                    break;
            }
        }

        // Functions are read after all of the instance's types, so every type they use is already named.
        foreach (var (name, func) in funcItems)
        {
            functions.Add(ReadFunction(name, func, instanceName));
        }

        return new WitInterface(instanceName, types.ToImmutableArray(), functions.ToImmutableArray());
    }

    private WitFunction ReadFunction(string name, nint funcType, string owner)
    {
        var count = ComponentApi.wasmtime_component_func_type_param_count(funcType);
        var ps = ImmutableArray.CreateBuilder<WitParameter>((int)count);
        for (nuint n = 0; n < count; n++)
        {
            byte* pname;
            nuint len;
            ValType vt;
            if (!ComponentApi.wasmtime_component_func_type_param_nth(funcType, n, &pname, &len, &vt))
            {
                continue;
            }

            try
            {
                ps.Add(new WitParameter(Utf8(pname, len), Convert(&vt, owner)));
            }
            finally
            {
                ComponentApi.wasmtime_component_valtype_delete(&vt);
            }
        }

        WitType? result = null;
        ValType rt;
        if (ComponentApi.wasmtime_component_func_type_result(funcType, &rt))
        {
            try
            {
                result = Convert(&rt, owner);
            }
            finally
            {
                ComponentApi.wasmtime_component_valtype_delete(&rt);
            }
        }

        return new WitFunction(name, ps.ToImmutable(), result) { IsAsync = ComponentApi.wasmtime_component_func_type_async(funcType) };
    }

    private WitType DefineNamedType(ValType* vt, string name, string owner)
    {
        // A type an interface re-exports from another (`use a.{point}`) is equal to, and named like, one seen before.
        if (!IsPrimitive(vt->Kind))
        {
            foreach (var n in _named)
            {
                if (n.Type.Name == name && ComponentApi.wasmtime_component_valtype_equal((ValType*)n.ValType, vt))
                {
                    return n.Type;
                }
            }
        }

        if (vt->Kind is ValTypeKind.Own or ValTypeKind.Borrow)
        {
            var handle = (WitHandle)Structure(vt, owner);
            if (handle.Resource.Name == name)
            {
                return handle.Resource;
            }
        }

        var type = Structure(vt, owner) with { Name = name, Owner = owner };
        _named.Add(new Named((nint)vt, type));
        return type;
    }

    private WitResource DefineResource(nint resourceType, string name, string owner)
    {
        foreach (var (t, r) in _resources)
        {
            if (ComponentApi.wasmtime_component_resource_type_equal(t, resourceType))
            {
                return r;
            }
        }

        var resource = new WitResource(name, owner, _direction);
        _resources.Add((resourceType, resource));
        return resource;
    }

    private WitType Convert(ValType* vt, string scope)
    {
        // Handles are never replaced by a handle alias (`type r-ref = borrow<r>`): the alias would otherwise name every
        // method's `self` and every other handle to the resource. Their resource is exact anyway.
        if (!IsPrimitive(vt->Kind) && vt->Kind is not (ValTypeKind.Own or ValTypeKind.Borrow))
        {
            Named? match = null;
            foreach (var n in _named)
            {
                if (n.Type.Owner == scope && ComponentApi.wasmtime_component_valtype_equal((ValType*)n.ValType, vt))
                {
                    match = n;
                    break;
                }
            }

            match ??= _named.FirstOrDefault(n => ComponentApi.wasmtime_component_valtype_equal((ValType*)n.ValType, vt));
            if (match is not null)
            {
                return match.Type;
            }
        }

        return Structure(vt, scope);
    }

    private WitType Structure(ValType* vt, string scope)
    {
        var of = vt->Of;
        switch (vt->Kind)
        {
            case ValTypeKind.Bool: return WitType.Bool;
            case ValTypeKind.S8: return WitType.S8;
            case ValTypeKind.S16: return WitType.S16;
            case ValTypeKind.S32: return WitType.S32;
            case ValTypeKind.S64: return WitType.S64;
            case ValTypeKind.U8: return WitType.U8;
            case ValTypeKind.U16: return WitType.U16;
            case ValTypeKind.U32: return WitType.U32;
            case ValTypeKind.U64: return WitType.U64;
            case ValTypeKind.F32: return WitType.F32;
            case ValTypeKind.F64: return WitType.F64;
            case ValTypeKind.Char: return WitType.Char;
            case ValTypeKind.String: return WitType.String;
            case ValTypeKind.ErrorContext: return WitType.ErrorContext;
            case ValTypeKind.List:
            {
                ValType e;
                ComponentApi.wasmtime_component_list_type_element(of, &e);
                return new WitList(Child(&e, scope));
            }

            case ValTypeKind.FixedLengthList:
            {
                ValType e;
                ComponentApi.wasmtime_component_fixed_length_list_type_element(of, &e);
                return new WitFixedSizeList(Child(&e, scope), 0);
            }

            case ValTypeKind.Record:
            {
                var count = ComponentApi.wasmtime_component_record_type_field_count(of);
                var fields = ImmutableArray.CreateBuilder<WitField>((int)count);
                for (nuint n = 0; n < count; n++)
                {
                    byte* name;
                    nuint len;
                    ValType ft;
                    if (ComponentApi.wasmtime_component_record_type_field_nth(of, n, &name, &len, &ft))
                    {
                        fields.Add(new WitField(Utf8(name, len), Child(&ft, scope)));
                    }
                }

                return new WitRecord(fields.ToImmutable());
            }

            case ValTypeKind.Tuple:
            {
                var count = ComponentApi.wasmtime_component_tuple_type_types_count(of);
                var types = ImmutableArray.CreateBuilder<WitType>((int)count);
                for (nuint n = 0; n < count; n++)
                {
                    ValType t;
                    if (ComponentApi.wasmtime_component_tuple_type_types_nth(of, n, &t))
                    {
                        types.Add(Child(&t, scope));
                    }
                }

                return new WitTuple(types.ToImmutable());
            }

            case ValTypeKind.Variant:
            {
                var count = ComponentApi.wasmtime_component_variant_type_case_count(of);
                var cases = ImmutableArray.CreateBuilder<WitCase>((int)count);
                for (nuint n = 0; n < count; n++)
                {
                    byte* name;
                    nuint len;
                    byte hasPayload;
                    ValType pt;
                    if (ComponentApi.wasmtime_component_variant_type_case_nth(of, n, &name, &len, &hasPayload, &pt))
                    {
                        cases.Add(new WitCase(Utf8(name, len), hasPayload != 0 ? Child(&pt, scope) : null));
                    }
                }

                return new WitVariant(cases.ToImmutable());
            }

            case ValTypeKind.Enum:
            {
                var count = ComponentApi.wasmtime_component_enum_type_names_count(of);
                var names = ImmutableArray.CreateBuilder<string>((int)count);
                for (nuint n = 0; n < count; n++)
                {
                    byte* name;
                    nuint len;
                    if (ComponentApi.wasmtime_component_enum_type_names_nth(of, n, &name, &len))
                    {
                        names.Add(Utf8(name, len));
                    }
                }

                return new WitEnum(names.ToImmutable());
            }

            case ValTypeKind.Flags:
            {
                var count = ComponentApi.wasmtime_component_flags_type_names_count(of);
                var names = ImmutableArray.CreateBuilder<string>((int)count);
                for (nuint n = 0; n < count; n++)
                {
                    byte* name;
                    nuint len;
                    if (ComponentApi.wasmtime_component_flags_type_names_nth(of, n, &name, &len))
                    {
                        names.Add(Utf8(name, len));
                    }
                }

                return new WitFlags(names.ToImmutable());
            }

            case ValTypeKind.Option:
            {
                ValType t;
                ComponentApi.wasmtime_component_option_type_ty(of, &t);
                return new WitOption(Child(&t, scope));
            }

            case ValTypeKind.Result:
            {
                ValType ok, err;
                WitType? okType = ComponentApi.wasmtime_component_result_type_ok(of, &ok) ? Child(&ok, scope) : null;
                WitType? errType = ComponentApi.wasmtime_component_result_type_err(of, &err) ? Child(&err, scope) : null;
                return new WitResult(okType, errType);
            }

            case ValTypeKind.Own:
            case ValTypeKind.Borrow:
                return new WitHandle(ResourceOf(of, scope), vt->Kind == ValTypeKind.Borrow);
            case ValTypeKind.Future:
            {
                ValType t;
                return new WitFuture(ComponentApi.wasmtime_component_future_type_ty(of, &t) ? Child(&t, scope) : null);
            }

            case ValTypeKind.Stream:
            {
                ValType t;
                return new WitStream(ComponentApi.wasmtime_component_stream_type_ty(of, &t) ? Child(&t, scope) : null);
            }

            case ValTypeKind.Map:
            {
                ValType k, v;
                ComponentApi.wasmtime_component_map_type_key(of, &k);
                ComponentApi.wasmtime_component_map_type_value(of, &v);
                return new WitMap(Child(&k, scope), Child(&v, scope));
            }

            default:
                throw new WasmDynamicException($"Wasmtime reported a value type of unknown kind {(byte)vt->Kind}.");
        }
    }

    /// <summary>Converts an owned child valtype and frees it.</summary>
    private WitType Child(ValType* vt, string scope)
    {
        try
        {
            return Convert(vt, scope);
        }
        finally
        {
            ComponentApi.wasmtime_component_valtype_delete(vt);
        }
    }

    private WitResource ResourceOf(nint resourceType, string scope)
    {
        foreach (var (t, r) in _resources)
        {
            if (ComponentApi.wasmtime_component_resource_type_equal(t, resourceType))
            {
                return r;
            }
        }

        // A handle to a resource the component never names (possible in hand-written components). Remember a clone
        // (the handle's resource type is freed with its valtype), so that every handle to it names the same resource.
        var resource = new WitResource($"resource{_anonymous++}", scope, _direction);
        var clone = wasmtime_component_resource_type_clone(resourceType);
        _clonedResources.Add(clone);
        _resources.Add((clone, resource));
        return resource;
    }

    private static bool IsPrimitive(ValTypeKind kind) => kind <= ValTypeKind.String || kind == ValTypeKind.ErrorContext;

    private ComponentItem* TakeItem(nint ext)
    {
        var item = (ComponentItem*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)sizeof(ComponentItem));
        ComponentApi.wasmtime_component_extern_type(ext, item);
        ComponentApi.wasmtime_component_extern_delete(ext);
        _items.Add((nint)item);
        return item;
    }

    private static string Utf8(byte* p, nuint len) => p == null ? string.Empty : System.Text.Encoding.UTF8.GetString(p, checked((int)len));

    public void Dispose()
    {
        foreach (var item in _items)
        {
            ComponentApi.wasmtime_component_item_delete((ComponentItem*)item);
            System.Runtime.InteropServices.NativeMemory.Free((void*)item);
        }

        _items.Clear();
        foreach (var resource in _clonedResources)
        {
            ComponentApi.wasmtime_component_resource_type_delete(resource);
        }

        _clonedResources.Clear();
    }

    [System.Runtime.InteropServices.LibraryImport(WasmtimeLibrary.Name)]
    private static partial nint wasmtime_component_resource_type_clone(nint type);
}
