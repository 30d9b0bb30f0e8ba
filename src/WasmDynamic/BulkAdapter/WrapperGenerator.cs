using System.Globalization;
using WasmDynamic.Wit;
using WasmDynamic.Wit.Binary;

namespace WasmDynamic.BulkAdapter;

/// <summary>
/// Builds the wrapper component in one of two forms. The flat form (WrapperGenerator.Flat.cs), wherever every bulk
/// function's <c>canon lift</c> is found at the original's root: the original's sections unchanged, then the twins
/// lifted beside them. Otherwise the nested form described here: the original component nested unchanged, instantiated with the wrapper's imports
/// (the original's own import sections, copied), its exports re-exported under the same names, and for each function
/// of the <see cref="BulkPlan"/> a hidden root export whose number lists travel as <see cref="Marshalling.Base128"/> strings. A small
/// core module decodes them into its own memory and calls the original function through <c>canon lower</c>, so
/// Wasmtime's fused adapter copies the list into the original's memory (element by element: see benchmarks/RESULTS.md, "where the bulk
/// adapter's time goes").
/// </summary>
internal static unsafe partial class WrapperGenerator
{
    /// <summary>
    /// The wrapper's bytes: the flat form (<see cref="GenerateFlat"/>) when every function of the plan traces to a root
    /// <c>canon lift</c> and <paramref name="allowFlat"/>, else the nested form; null when the component's shape is
    /// outside what the generator handles (imports that are not all at the front, exports of other sorts): such a
    /// component is used as it is. <see cref="BulkPlan.Flat"/> says which form was written.
    /// </summary>
    public static byte[]? Generate(ReadOnlySpan<byte> original, BulkPlan plan, bool allowFlat = true)
    {
        var sections = ComponentSections.Scan(original);
        if (sections is null)
        {
            return null;
        }

        var ast = ComponentParser.Parse(original);
        if (allowFlat && GenerateFlat(original, plan, ast) is { } flat)
        {
            return flat;
        }

        plan.Flat = false;
        var counts = new uint[Enum.GetValues<Sort>().Length];

        // The prefix up to the end of the section holding the last import: only types, imports and aliases.
        var prefixEnd = 8;
        foreach (var item in ast.Items)
        {
            if (item is ImportItem)
            {
                prefixEnd = sections.First(s => item.Offset >= s.Start && item.Offset < s.End).End;
            }
        }

        var imports = new List<(string Name, Sort Sort, uint Index)>();
        var exports = new List<ExportItem>();
        foreach (var item in ast.Items)
        {
            if (item.Offset < prefixEnd)
            {
                switch (item)
                {
                    case ImportItem import:
                        imports.Add((import.Name, import.Desc.Sort, counts[(int)import.Desc.Sort]++));
                        break;
                    case TypeItem:
                        counts[(int)Sort.Type]++;
                        break;
                    case AliasItem { Target: AliasTarget.InstanceExport } alias:
                        counts[(int)alias.Sort]++;
                        break;
                    default:
                        return null;
                }
            }
            else if (item is ExportItem export)
            {
                if (export.Sort is not (Sort.Func or Sort.Instance or Sort.Type))
                {
                    return null;
                }

                exports.Add(export);
            }
        }

        var w = ComponentWriter.Component();
        foreach (var (id, start, end) in sections)
        {
            if (end > prefixEnd)
            {
                break;
            }

            if (id is 3 or 6 or 7 or 10)
            {
                w.Bytes(original[start..end]);
            }
            else if (id != 0)
            {
                return null;
            }
        }

        uint Next(Sort s) => counts[(int)s]++;

        // The original, nested and instantiated with the wrapper's imports.
        w.Section(4, ComponentWriter.Payload().Bytes(original));
        plan.OriginalOffset = w.Length - original.Length;
        plan.OriginalLength = original.Length;
        var component = Next(Sort.Component);
        w.Section(5, 1, e =>
        {
            e.Byte(0x00).U32(component).U32((uint)imports.Count);
            foreach (var (name, sort, index) in imports)
            {
                e.Name(name).Sort(sort).U32(index);
            }
        });
        var inner = Next(Sort.Instance);

        // Its exports, aliased and re-exported under the same names.
        var aliased = new Dictionary<string, uint>(StringComparer.Ordinal);
        w.Section(6, exports.Count, e =>
        {
            foreach (var x in exports)
            {
                e.Sort(x.Sort).Byte(0x00).U32(inner).Name(x.Name);
                aliased[x.Name] = Next(x.Sort);
            }
        });
        w.Section(11, exports.Count, e =>
        {
            foreach (var x in exports)
            {
                e.ExternName(x.Name).Sort(x.Sort).U32(aliased[x.Name]).Byte(0x00);
                Next(x.Sort);
            }
        });

        // The hidden drop functions of exported resources (WrapperGenerator.Drops.cs).
        if (!WriteDropTwins(w, plan, aliased, Next))
        {
            return null;
        }

        if (plan.Functions.Count == 0)
        {
            return w.ToArray();
        }

        // The original functions the twins call.
        var targets = new uint[plan.Functions.Count];
        var fromInterfaces = plan.Functions.Select((f, k) => (f, k)).Where(p => p.f.Interface is not null).ToList();
        foreach (var (f, k) in plan.Functions.Select((f, k) => (f, k)))
        {
            if (f.Interface is null)
            {
                if (!aliased.TryGetValue(f.Function.Name, out targets[k]))
                {
                    return null;
                }
            }
            else if (!aliased.ContainsKey(f.Interface))
            {
                return null;
            }
        }

        if (fromInterfaces.Count > 0)
        {
            w.Section(6, fromInterfaces.Count, e =>
            {
                foreach (var (f, k) in fromInterfaces)
                {
                    e.Sort(Sort.Func).Byte(0x00).U32(aliased[f.Interface!]).Name(f.Function.Name);
                    targets[k] = Next(Sort.Func);
                }
            });
        }

        // The adapter's memory and allocator, and the original functions lowered into them.
        var memoryModule = CoreModule(MemoryModule);
        var codecModule = CoreModule(CodecModule(plan));
        if (memoryModule is null || codecModule is null)
        {
            return null;
        }

        w.Section(1, ComponentWriter.Payload().Bytes(memoryModule));
        var memModule = Next(Sort.CoreModule);
        w.Section(2, 1, e => e.Byte(0x00).U32(memModule).U32(0));
        var memInstance = Next(Sort.CoreInstance);
        var postReturn = new uint[PostReturns.Length];
        uint memory = 0, realloc = 0;
        w.Section(6, 2 + PostReturns.Length, e =>
        {
            e.Sort(Sort.CoreMemory).Byte(0x01).U32(memInstance).Name("memory");
            memory = Next(Sort.CoreMemory);
            e.Sort(Sort.CoreFunc).Byte(0x01).U32(memInstance).Name("realloc");
            realloc = Next(Sort.CoreFunc);
            for (var i = 0; i < PostReturns.Length; i++)
            {
                e.Sort(Sort.CoreFunc).Byte(0x01).U32(memInstance).Name(PostReturns[i]);
                postReturn[i] = Next(Sort.CoreFunc);
            }
        });

        var lowered = new uint[plan.Functions.Count];
        w.Section(8, plan.Functions.Count, e =>
        {
            for (var k = 0; k < lowered.Length; k++)
            {
                e.Byte(0x01).Byte(0x00).U32(targets[k]);
                Options(e, memory, realloc, null);
                lowered[k] = Next(Sort.CoreFunc);
            }
        });

        // The codec module, instantiated with the memory module and the lowered functions.
        w.Section(1, ComponentWriter.Payload().Bytes(codecModule));
        var codec = Next(Sort.CoreModule);
        uint funcs = 0, codecInstance = 0;
        w.Section(2, 2, e =>
        {
            e.Byte(0x01).U32((uint)lowered.Length);
            for (var k = 0; k < lowered.Length; k++)
            {
                e.Name(Key(k)).Byte(0x00).U32(lowered[k]);
            }

            funcs = Next(Sort.CoreInstance);
            e.Byte(0x00).U32(codec).U32(2);
            e.Name("m").Byte(0x12).U32(memInstance);
            e.Name("f").Byte(0x12).U32(funcs);
            codecInstance = Next(Sort.CoreInstance);
        });
        var entries = new uint[plan.Functions.Count];
        w.Section(6, entries.Length, e =>
        {
            for (var k = 0; k < entries.Length; k++)
            {
                e.Sort(Sort.CoreFunc).Byte(0x01).U32(codecInstance).Name(Key(k));
                entries[k] = Next(Sort.CoreFunc);
            }
        });

        // The twins: the original signature with each number list written as string.
        WriteTwinExports(w, plan, Next, (e, k) =>
        {
            var r = plan.Functions[k].Function.Result;
            var pr = r is null ? 0 : BulkPlan.FlatCount(r) == 2 ? 1 : Array.IndexOf(PostReturns, "pr-" + BulkPlan.CoreType(r));
            e.Byte(0x00).Byte(0x00).U32(entries[k]);
            Options(e, memory, realloc, postReturn[pr]);
        });
        return w.ToArray();
    }

    private static string Key(int k) => "b" + k.ToString(CultureInfo.InvariantCulture);

    private static void Options(ComponentWriter e, uint memory, uint realloc, uint? postReturn)
    {
        e.U32(postReturn is null ? 3u : 4u);
        e.Byte(0x00);
        e.Byte(0x03).U32(memory);
        e.Byte(0x04).U32(realloc);
        if (postReturn is { } pr)
        {
            e.Byte(0x05).U32(pr);
        }
    }

    /// <summary>The <c>primvaltype</c> byte of a simple type; number lists are strings in the twin.</summary>
    private static byte Primitive(WitType t) => PrimValTypes.Code(BulkPlan.IsBulkList(t) ? WitTypeKind.String : t.Kind);
}
