using System.Text;
using FluentAssertions;
using WasmDynamic.Native;
using WasmDynamic.Wit;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// Cross-check of the binary reader against Wasmtime's structural type reflection: for every function of every
/// fixture (world level and in interfaces, imports and exports), the parameter names and the structure of every type
/// (names left out, which Wasmtime does not have) are what Wasmtime reports. Only structure is read from Wasmtime: no
/// type-equality call, which aborts on some resource-bearing types.
/// </summary>
public unsafe class WasmtimeCrossCheckTests
{
    public static TheoryData<string> Fixtures() => new()
    {
        "compound.wat", "host-resources-more.wat", "host-resources.wat", "host-roundtrip.wat", "imports.wat",
        "resource-containers.wat", "resources.wat", "scalars.wat", "strings.wat", "wasi-env.wat", "wasi-files.wat",
        "wasi-random.wat", "wasi-stdout.wat", "wit/alltypes.wat", "wit/keywords.wat", "wit/map.wat", "wit/uses.wat",
        "wit/world.wat", "identity/abort.wat", "identity/same-shape.wat", "identity/things.wat", "identity/random.wat",
        "identity/world-types.wat", "identity/import-export.wat", "identity/same-shape-exports.wat", "identity/renamed-use.wat", "js/demo.wasm",
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_function_has_the_structure_Wasmtime_reports(string fixture)
    {
        using var runtime = new ComponentRuntime(new ComponentRuntimeOptions { CacheDirectory = JsDemoFixture.SharedCacheDirectory });
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture));
        var fromWasmtime = Wasmtime(runtime, component);
        var fromReader = Reader(component.World);
        fromReader.Should().Equal(fromWasmtime);
        if (fixture != "identity/abort.wat")
        {
            // abort.wat has types only.
            fromReader.Should().NotBeEmpty();
        }
    }

    private static List<string> Reader(WitWorld world)
    {
        var lines = new List<string>();
        foreach (var (side, interfaces, functions) in new[] { ("import", world.Imports, world.ImportedFunctions), ("export", world.Exports, world.ExportedFunctions) })
        {
            lines.AddRange(functions.Select(f => $"{side} {f.Name}: {Function(f)}"));
            foreach (var i in interfaces)
            {
                lines.AddRange(i.Functions.Select(f => $"{side} {i.Name}#{f.Name}: {Function(f)}"));
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static string Function(WitFunction f) =>
        (f.IsAsync ? "async " : string.Empty) + "(" + string.Join(", ", f.Parameters.Select(p => p.Name + ": " + Shape(p.Type))) + ")" + (f.Result is null ? string.Empty : " -> " + Shape(f.Result));

    private static string Shape(WitType t) => t switch
    {
        WitPrimitive p => p.Kind.ToString().ToLowerInvariant(),
        WitList l => $"list<{Shape(l.Element)}>",
        WitFixedSizeList l => $"list<{Shape(l.Element)}, _>",
        WitRecord r => "record{" + string.Join(", ", r.Fields.Select(f => f.Name + ": " + Shape(f.Type))) + "}",
        WitTuple tu => "tuple<" + string.Join(", ", tu.Types.Select(Shape)) + ">",
        WitVariant v => "variant{" + string.Join(", ", v.Cases.Select(c => c.Name + (c.Payload is null ? string.Empty : "(" + Shape(c.Payload) + ")"))) + "}",
        WitEnum e => "enum{" + string.Join(", ", e.Cases) + "}",
        WitFlags f => "flags{" + string.Join(", ", f.Flags) + "}",
        WitOption o => $"option<{Shape(o.Inner)}>",
        WitResult r => $"result<{(r.Ok is null ? "_" : Shape(r.Ok))}, {(r.Err is null ? "_" : Shape(r.Err))}>",
        WitHandle h => h.IsBorrow ? "borrow" : "own",
        WitMap m => $"map<{Shape(m.Key)}, {Shape(m.Value)}>",
        WitFuture fu => $"future<{(fu.Payload is null ? "_" : Shape(fu.Payload))}>",
        WitStream s => $"stream<{(s.Payload is null ? "_" : Shape(s.Payload))}>",
        _ => t.Kind.ToString().ToLowerInvariant(),
    };

    private static List<string> Wasmtime(ComponentRuntime runtime, WasmComponent component)
    {
        var engine = runtime.Engine.Pointer;
        var type = ComponentApi.wasmtime_component_type(component.Handle.Pointer);
        var lines = new List<string>();
        var items = new List<nint>();
        try
        {
            foreach (var side in new[] { "import", "export" })
            {
                // Exports as the library lists them: without the bulk-bytes adapter's hidden twins.
                var indices = side == "import"
                    ? Enumerable.Range(0, (int)ComponentApi.wasmtime_component_type_import_count(type, engine)).Select(i => (nuint)i).ToList()
                    : component.NativeExports().Select(e => e.Index).ToList();
                foreach (var n in indices)
                {
                    byte* name;
                    nuint len;
                    nint ext;
                    var ok = side == "import"
                        ? ComponentApi.wasmtime_component_type_import_nth(type, engine, n, &name, &len, &ext)
                        : ComponentApi.wasmtime_component_type_export_nth(type, engine, n, &name, &len, &ext);
                    if (!ok)
                    {
                        continue;
                    }

                    var itemName = Encoding.UTF8.GetString(name, (int)len);
                    var item = Take(ext, items);
                    if (item->Kind == ComponentItemKind.ComponentFunc)
                    {
                        lines.Add($"{side} {itemName}: {Function(item->Pointer)}");
                    }
                    else if (item->Kind == ComponentItemKind.ComponentInstance)
                    {
                        var exports = ComponentApi.wasmtime_component_instance_type_export_count(item->Pointer, engine);
                        for (nuint e = 0; e < exports; e++)
                        {
                            byte* en;
                            nuint el;
                            nint ee;
                            if (ComponentApi.wasmtime_component_instance_type_export_nth(item->Pointer, engine, e, &en, &el, &ee))
                            {
                                var exportName = Encoding.UTF8.GetString(en, (int)el);
                                var export = Take(ee, items);
                                if (export->Kind == ComponentItemKind.ComponentFunc)
                                {
                                    lines.Add($"{side} {itemName}#{exportName}: {Function(export->Pointer)}");
                                }
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            foreach (var item in items)
            {
                ComponentApi.wasmtime_component_item_delete((ComponentItem*)item);
                System.Runtime.InteropServices.NativeMemory.Free((void*)item);
            }

            ComponentApi.wasmtime_component_type_delete(type);
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static ComponentItem* Take(nint ext, List<nint> items)
    {
        var item = (ComponentItem*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)sizeof(ComponentItem));
        ComponentApi.wasmtime_component_extern_type(ext, item);
        ComponentApi.wasmtime_component_extern_delete(ext);
        items.Add((nint)item);
        return item;
    }

    private static string Function(nint f)
    {
        var sb = new StringBuilder();
        if (ComponentApi.wasmtime_component_func_type_async(f))
        {
            sb.Append("async ");
        }

        sb.Append('(');
        var count = ComponentApi.wasmtime_component_func_type_param_count(f);
        for (nuint n = 0; n < count; n++)
        {
            byte* name;
            nuint len;
            ValType vt;
            if (ComponentApi.wasmtime_component_func_type_param_nth(f, n, &name, &len, &vt))
            {
                sb.Append(n == 0 ? string.Empty : ", ").Append(Encoding.UTF8.GetString(name, (int)len)).Append(": ").Append(Owned(&vt));
            }
        }

        sb.Append(')');
        ValType rt;
        if (ComponentApi.wasmtime_component_func_type_result(f, &rt))
        {
            sb.Append(" -> ").Append(Owned(&rt));
        }

        return sb.ToString();
    }

    private static string Owned(ValType* vt)
    {
        try
        {
            return Shape(vt);
        }
        finally
        {
            ComponentApi.wasmtime_component_valtype_delete(vt);
        }
    }

    private static string Names(Func<nuint> count, NameAt at)
    {
        var names = new List<string>();
        for (nuint n = 0, c = count(); n < c; n++)
        {
            byte* p;
            nuint len;
            if (at(n, &p, &len))
            {
                names.Add(Encoding.UTF8.GetString(p, (int)len));
            }
        }

        return string.Join(", ", names);
    }

    private delegate bool NameAt(nuint n, byte** name, nuint* len);

    private static string Shape(ValType* vt)
    {
        var of = vt->Of;
        switch (vt->Kind)
        {
            case ValTypeKind.List:
            {
                ValType e;
                ComponentApi.wasmtime_component_list_type_element(of, &e);
                return $"list<{Owned(&e)}>";
            }

            case ValTypeKind.FixedLengthList:
            {
                ValType e;
                ComponentApi.wasmtime_component_fixed_length_list_type_element(of, &e);
                return $"list<{Owned(&e)}, _>";
            }

            case ValTypeKind.Record:
            {
                var parts = new List<string>();
                for (nuint n = 0, c = ComponentApi.wasmtime_component_record_type_field_count(of); n < c; n++)
                {
                    byte* name;
                    nuint len;
                    ValType ft;
                    if (ComponentApi.wasmtime_component_record_type_field_nth(of, n, &name, &len, &ft))
                    {
                        parts.Add(Encoding.UTF8.GetString(name, (int)len) + ": " + Owned(&ft));
                    }
                }

                return "record{" + string.Join(", ", parts) + "}";
            }

            case ValTypeKind.Tuple:
            {
                var parts = new List<string>();
                for (nuint n = 0, c = ComponentApi.wasmtime_component_tuple_type_types_count(of); n < c; n++)
                {
                    ValType t;
                    if (ComponentApi.wasmtime_component_tuple_type_types_nth(of, n, &t))
                    {
                        parts.Add(Owned(&t));
                    }
                }

                return "tuple<" + string.Join(", ", parts) + ">";
            }

            case ValTypeKind.Variant:
            {
                var parts = new List<string>();
                for (nuint n = 0, c = ComponentApi.wasmtime_component_variant_type_case_count(of); n < c; n++)
                {
                    byte* name;
                    nuint len;
                    byte has;
                    ValType pt;
                    if (ComponentApi.wasmtime_component_variant_type_case_nth(of, n, &name, &len, &has, &pt))
                    {
                        parts.Add(Encoding.UTF8.GetString(name, (int)len) + (has != 0 ? "(" + Owned(&pt) + ")" : string.Empty));
                    }
                }

                return "variant{" + string.Join(", ", parts) + "}";
            }

            case ValTypeKind.Enum:
                return "enum{" + Names(() => ComponentApi.wasmtime_component_enum_type_names_count(of), (n, p, l) => ComponentApi.wasmtime_component_enum_type_names_nth(of, n, p, l)) + "}";
            case ValTypeKind.Flags:
                return "flags{" + Names(() => ComponentApi.wasmtime_component_flags_type_names_count(of), (n, p, l) => ComponentApi.wasmtime_component_flags_type_names_nth(of, n, p, l)) + "}";
            case ValTypeKind.Option:
            {
                ValType t;
                ComponentApi.wasmtime_component_option_type_ty(of, &t);
                return $"option<{Owned(&t)}>";
            }

            case ValTypeKind.Result:
            {
                ValType ok, err;
                var okText = ComponentApi.wasmtime_component_result_type_ok(of, &ok) ? Owned(&ok) : "_";
                var errText = ComponentApi.wasmtime_component_result_type_err(of, &err) ? Owned(&err) : "_";
                return $"result<{okText}, {errText}>";
            }

            case ValTypeKind.Own:
                return "own";
            case ValTypeKind.Borrow:
                return "borrow";
            case ValTypeKind.Map:
            {
                ValType k, v;
                ComponentApi.wasmtime_component_map_type_key(of, &k);
                ComponentApi.wasmtime_component_map_type_value(of, &v);
                return $"map<{Owned(&k)}, {Owned(&v)}>";
            }

            case ValTypeKind.Future:
            {
                ValType t;
                return $"future<{(ComponentApi.wasmtime_component_future_type_ty(of, &t) ? Owned(&t) : "_")}>";
            }

            case ValTypeKind.Stream:
            {
                ValType t;
                return $"stream<{(ComponentApi.wasmtime_component_stream_type_ty(of, &t) ? Owned(&t) : "_")}>";
            }

            case ValTypeKind.ErrorContext:
                return "errorcontext";
            default:
                return vt->Kind.ToString().ToLowerInvariant();
        }
    }
}
