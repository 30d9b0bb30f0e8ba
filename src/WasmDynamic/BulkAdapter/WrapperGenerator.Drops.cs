using WasmDynamic.Wit.Binary;

namespace WasmDynamic.BulkAdapter;

internal static partial class WrapperGenerator
{
    /// <summary>
    /// Writes the hidden drop functions of <see cref="BulkPlan.Drops"/>: for each, the resource type aliased from the
    /// re-exported interface instance, <c>canon resource.drop</c> of it (a core function <c>(i32) -&gt; ()</c>), and that
    /// core function lifted as <c>func(self: own&lt;R&gt;)</c> — no core module in between — exported at the root under
    /// its hidden name. Returns false when an interface is not among the re-exported instances.
    /// </summary>
    /// <remarks>
    /// The host passes its owned handle; Wasmtime moves it into the wrapper's handle table, and the
    /// <c>resource.drop</c> then drops that own handle, which runs the inner component's destructor of R on the call's
    /// fiber. Equivalent component text:
    /// <code>
    /// (alias export $counters "counter" (type $R))
    /// (core func $d (canon resource.drop $R))
    /// (func $drop (param "self" (own $R)) (canon lift (core func $d)))
    /// (export "wasmdynamic-drop-x0" (func $drop))
    /// </code>
    /// </remarks>
    private static bool WriteDropTwins(ComponentWriter w, BulkPlan plan, Dictionary<string, uint> aliased, Func<Sort, uint> next)
    {
        var drops = plan.Drops;
        if (drops.Count == 0)
        {
            return true;
        }

        if (drops.Any(d => !aliased.ContainsKey(d.Interface)))
        {
            return false;
        }

        var resources = new uint[drops.Count];
        w.Section(6, drops.Count, e =>
        {
            for (var k = 0; k < drops.Count; k++)
            {
                e.Sort(Sort.Type).Byte(0x00).U32(aliased[drops[k].Interface]).Name(drops[k].Resource);
                resources[k] = next(Sort.Type);
            }
        });
        var droppers = new uint[drops.Count];
        w.Section(8, drops.Count, e =>
        {
            for (var k = 0; k < drops.Count; k++)
            {
                e.Byte(0x03).U32(resources[k]);
                droppers[k] = next(Sort.CoreFunc);
            }
        });
        var signatures = new uint[drops.Count];
        w.Section(7, 2 * drops.Count, e =>
        {
            for (var k = 0; k < drops.Count; k++)
            {
                e.Byte(0x69).U32(resources[k]);
                var own = next(Sort.Type);
                e.Byte(0x40).U32(1).Name("self");
                ValTypeIndex(e, own);
                e.Byte(0x01).Byte(0x00);
                signatures[k] = next(Sort.Type);
            }
        });
        var lifted = new uint[drops.Count];
        w.Section(8, drops.Count, e =>
        {
            for (var k = 0; k < drops.Count; k++)
            {
                e.Byte(0x00).Byte(0x00).U32(droppers[k]).U32(0).U32(signatures[k]);
                lifted[k] = next(Sort.Func);
            }
        });
        w.Section(11, drops.Count, e =>
        {
            for (var k = 0; k < drops.Count; k++)
            {
                e.ExternName(drops[k].HiddenName).Sort(Sort.Func).U32(lifted[k]).Byte(0x00);
                next(Sort.Func);
            }
        });
        return true;
    }

    /// <summary>A <c>valtype</c> that names a type index: a non-negative <c>s33</c> (signed LEB128).</summary>
    private static void ValTypeIndex(ComponentWriter e, uint index)
    {
        long value = index;
        while (true)
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            if (value == 0 && (b & 0x40) == 0)
            {
                e.Byte(b);
                return;
            }

            e.Byte((byte)(b | 0x80));
        }
    }
}
