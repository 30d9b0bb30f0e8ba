using System.Text;
using WasmDynamic.Wit;
using WasmDynamic.Wit.Binary;

namespace WasmDynamic.BulkAdapter;

/// <summary>
/// The flat twin: the original component's sections unchanged, then appended sections whose indices continue in the
/// original's index spaces. A decoder core module (its own memory for the encoded text, the original's core memory
/// imported as a second memory) calls each twin's original core function directly — no <c>canon lower</c>, no fused
/// adapter copying lists element by element — and each twin is a <c>canon lift</c> of a decoder function with the
/// decoder's memory and allocator and a post-return that runs the original's post-return, then resets the decoder's heap.
/// </summary>
/// <remarks>
/// Per list parameter the decoder asks the original's <c>realloc</c> for exactly <c>(0, 0, align, n × size)</c>, as the
/// canonical ABI does, checks the block as Wasmtime checks it (aligned, inside memory: else a trap), and copies the
/// decoded elements across memories; strings (UTF-8 only) are copied the same way. A list or string result is read
/// from the original's return area (checked as a lift checks it), copied into the decoder's memory and encoded there.
/// </remarks>
internal static partial class WrapperGenerator
{
    /// <summary>
    /// The flat wrapper, or null when a function of the plan does not trace to a root <c>canon lift</c> (see
    /// <see cref="LiftTrace"/>) or its lift has options the decoder does not reproduce (async, callbacks, a string
    /// encoding other than UTF-8 where strings pass, different memories or allocators between functions).
    /// </summary>
    private static byte[]? GenerateFlat(ReadOnlySpan<byte> original, BulkPlan plan, ComponentAst ast)
    {
        var trace = LiftTrace.Of(ast);
        var lifts = new TracedLift[plan.Functions.Count];
        uint? memory = null, realloc = null;
        for (var k = 0; k < lifts.Length; k++)
        {
            var f = plan.Functions[k].Function;
            if (trace.Find(plan.Functions[k].Interface, f.Name) is not { } lift || lift.Options.Other || lift.Options.Memory is not { } m)
            {
                return null;
            }

            var strings = f.Parameters.Any(p => p.Type.Kind == WitTypeKind.String) || f.Result?.Kind == WitTypeKind.String;
            var allocates = f.Parameters.Any(p => BulkPlan.FlatCount(p.Type) == 2);
            if ((strings && lift.Options.StringEncoding != 0) || (memory is { } seen && !trace.Same(Sort.CoreMemory, seen, m))
                || (allocates && (lift.Options.Realloc is not { } r || (realloc is { } had && !trace.Same(Sort.CoreFunc, had, r)))))
            {
                return null;
            }

            memory ??= m;
            realloc ??= allocates ? lift.Options.Realloc : null;
            lifts[k] = lift;
        }

        var counts = trace.Counts;
        uint Next(Sort s) => counts[(int)s]++;

        var w = ComponentWriter.Component();
        w.Bytes(original[8..]);
        plan.OriginalOffset = 0;
        plan.OriginalLength = original.Length;
        plan.Flat = true;

        if (!WriteDropTwins(w, plan, trace.ExportedInstances, Next))
        {
            return null;
        }

        if (plan.Functions.Count == 0)
        {
            return w.ToArray();
        }

        var heapModule = CoreModule(MemoryModule);
        var decoderModule = CoreModule(DecoderModule(plan, lifts, realloc is not null));
        if (heapModule is null || decoderModule is null)
        {
            return null;
        }

        // The decoder's heap: its memory and bump allocator.
        w.Section(1, ComponentWriter.Payload().Bytes(heapModule));
        var heap = Next(Sort.CoreModule);
        uint heapInstance = 0, originals = 0;
        w.Section(2, 2, e =>
        {
            e.Byte(0x00).U32(heap).U32(0);
            heapInstance = Next(Sort.CoreInstance);

            // What the decoder takes from the original: its memory, realloc, lifted core functions and post-returns.
            var exports = new List<(string Name, byte Sort, uint Index)> { ("memory", 0x02, memory!.Value) };
            if (realloc is { } r)
            {
                exports.Add(("realloc", 0x00, r));
            }

            for (var k = 0; k < lifts.Length; k++)
            {
                exports.Add((Key(k), 0x00, lifts[k].CoreFunc));
                if (lifts[k].Options.PostReturn is { } pr)
                {
                    exports.Add(("p" + Key(k), 0x00, pr));
                }
            }

            e.Byte(0x01).U32((uint)exports.Count);
            foreach (var (name, sort, index) in exports)
            {
                e.Name(name).Byte(sort).U32(index);
            }

            originals = Next(Sort.CoreInstance);
        });
        uint decoderMemory = 0, decoderRealloc = 0;
        w.Section(6, 2, e =>
        {
            e.Sort(Sort.CoreMemory).Byte(0x01).U32(heapInstance).Name("memory");
            decoderMemory = Next(Sort.CoreMemory);
            e.Sort(Sort.CoreFunc).Byte(0x01).U32(heapInstance).Name("realloc");
            decoderRealloc = Next(Sort.CoreFunc);
        });

        w.Section(1, ComponentWriter.Payload().Bytes(decoderModule));
        var decoder = Next(Sort.CoreModule);
        uint decoderInstance = 0;
        w.Section(2, 1, e =>
        {
            e.Byte(0x00).U32(decoder).U32(2);
            e.Name("m").Byte(0x12).U32(heapInstance);
            e.Name("o").Byte(0x12).U32(originals);
            decoderInstance = Next(Sort.CoreInstance);
        });
        var entries = new uint[lifts.Length];
        var postReturns = new uint[lifts.Length];
        w.Section(6, 2 * lifts.Length, e =>
        {
            for (var k = 0; k < lifts.Length; k++)
            {
                e.Sort(Sort.CoreFunc).Byte(0x01).U32(decoderInstance).Name(Key(k));
                entries[k] = Next(Sort.CoreFunc);
                e.Sort(Sort.CoreFunc).Byte(0x01).U32(decoderInstance).Name("q" + Key(k));
                postReturns[k] = Next(Sort.CoreFunc);
            }
        });

        WriteTwinExports(w, plan, Next, (e, k) =>
        {
            e.Byte(0x00).Byte(0x00).U32(entries[k]);
            Options(e, decoderMemory, decoderRealloc, postReturns[k]);
        });
        return w.ToArray();
    }

    /// <summary>The twins' function types, their lifts (written by <paramref name="lift"/>, without the type) and root exports.</summary>
    private static void WriteTwinExports(ComponentWriter w, BulkPlan plan, Func<Sort, uint> next, Action<ComponentWriter, int> lift)
    {
        var types = new uint[plan.Functions.Count];
        w.Section(7, types.Length, e =>
        {
            for (var k = 0; k < types.Length; k++)
            {
                var f = plan.Functions[k].Function;
                e.Byte(0x40).U32((uint)f.Parameters.Count);
                foreach (var p in f.Parameters)
                {
                    e.Name(p.Name).Byte(Primitive(p.Type));
                }

                if (f.Result is { } r)
                {
                    e.Byte(0x00).Byte(Primitive(r));
                }
                else
                {
                    e.Byte(0x01).Byte(0x00);
                }

                types[k] = next(Sort.Type);
            }
        });
        var lifted = new uint[plan.Functions.Count];
        w.Section(8, lifted.Length, e =>
        {
            for (var k = 0; k < lifted.Length; k++)
            {
                lift(e, k);
                e.U32(types[k]);
                lifted[k] = next(Sort.Func);
            }
        });
        w.Section(11, lifted.Length, e =>
        {
            for (var k = 0; k < lifted.Length; k++)
            {
                e.ExternName(plan.Functions[k].HiddenName).Sort(Sort.Func).U32(lifted[k]).Byte(0x00);
                next(Sort.Func);
            }
        });
    }

    /// <summary>The flat decoder module of a plan: per twin, decode into the heap, copy into the original's memory,
    /// call the original core function, copy and encode a list result back; and its chained post-return.</summary>
    internal static string DecoderModule(BulkPlan plan, IReadOnlyList<TracedLift> lifts, bool hasRealloc)
    {
        var s = new StringBuilder();
        s.Append("(module $").Append(ModuleName).Append('\n');
        s.Append("  (import \"m\" \"memory\" (memory $m 0))\n");
        s.Append("  (import \"m\" \"realloc\" (func $realloc (param i32 i32 i32 i32) (result i32)))\n");
        s.Append("  (import \"m\" \"pr\" (func $reset))\n");
        s.Append("  (import \"o\" \"memory\" (memory $om 0))\n");
        if (hasRealloc)
        {
            s.Append("  (import \"o\" \"realloc\" (func $orealloc (param i32 i32 i32 i32) (result i32)))\n");
        }

        for (var k = 0; k < plan.Functions.Count; k++)
        {
            var f = plan.Functions[k].Function;
            var resultType = ResultCore(f);
            s.Append("  (import \"o\" \"").Append(Key(k)).Append("\" (func $f").Append(k).Append(" (param").Append(ParamCore(f)).Append(')');
            if (resultType is not null)
            {
                s.Append(" (result ").Append(resultType).Append(')');
            }

            s.Append("))\n");
            if (lifts[k].Options.PostReturn is not null)
            {
                s.Append("  (import \"o\" \"p").Append(Key(k)).Append("\" (func $p").Append(k).Append(" (param")
                    .Append(resultType is null ? string.Empty : " " + resultType).Append(")))\n");
            }
        }

        s.Append(Codecs("$m", "$om")).Append(AbiViolations.Functions());
        s.Append("""
              ;; The result pointer the original returned, for its post-return.
              (global $saved (mut i32) (i32.const 0))
              ;; A block of $n bytes from the original's realloc, checked as the canonical ABI checks it.
              (func $oblock (param $n i32) (param $align i32) (result i32)
                (local $p i32)
                (local.set $p (call $orealloc (i32.const 0) (i32.const 0) (local.get $align) (local.get $n)))
                (if (i32.and (local.get $p) (i32.sub (local.get $align) (i32.const 1))) (then (call $abi-realloc-not-aligned)))
                (if (i64.gt_u (i64.add (i64.extend_i32_u (local.get $p)) (i64.extend_i32_u (local.get $n)))
                              (i64.shl (i64.extend_i32_u (memory.size $om)) (i64.const 16))) (then (call $abi-realloc-beyond-end)))
                (local.get $p))
              ;; Decoder memory -> the original's, into such a block.
              (func $copyin (param $src i32) (param $n i32) (param $align i32) (result i32)
                (local $p i32)
                (local.set $p (call $oblock (local.get $n) (local.get $align)))
                (memory.copy $om $m (local.get $p) (local.get $src) (local.get $n))
                (local.get $p))
              ;; A string result in the original's memory -> the decoder's heap, checked as a lift checks it.
              (func $copyout (param $src i32) (param $n i32) (result i32)
                (local $p i32)
                (if (i64.gt_u (i64.add (i64.extend_i32_u (local.get $src)) (i64.extend_i32_u (local.get $n))) (i64.shl (i64.extend_i32_u (memory.size $om)) (i64.const 16))) (then (call $abi-string-out-of-bounds)))
                (local.set $p (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $n)))
                (memory.copy $m $om (local.get $p) (local.get $src) (local.get $n))
                (local.get $p))

            """);
        if (!hasRealloc)
        {
            // Only results allocate: $copyin is never called, but it must still validate.
            s.Replace("(call $orealloc (i32.const 0) (i32.const 0) (local.get $align) (local.get $n))", "(unreachable)");
        }

        for (var k = 0; k < plan.Functions.Count; k++)
        {
            AppendTwin(s, plan.Functions[k], k, lifts[k].Options.PostReturn is not null);
        }

        s.Append(')');
        return s.ToString();
    }

    private static void AppendTwin(StringBuilder s, BulkFunction b, int k, bool chained)
    {
        var f = b.Function;
        var resultType = ResultCore(f);
        var twoResults = f.Result is { } r && BulkPlan.FlatCount(r) == 2;
        s.Append("  (func (export \"").Append(Key(k)).Append("\") (param").Append(ParamCore(f)).Append(')');
        if (resultType is not null)
        {
            s.Append(" (result ").Append(resultType).Append(')');
        }

        s.Append("\n    (local $r i32) (local $ret i32) (local $p i32) (local $n i32) (local $e i32) (local $c i32)");
        for (var i = 0; i < f.Parameters.Count; i++)
        {
            if (BulkPlan.FlatCount(f.Parameters[i].Type) == 2)
            {
                s.Append(" (local $d").Append(i).Append(" i32)");
            }
        }

        s.Append('\n');
        var local = 0;
        var args = new StringBuilder();
        for (var i = 0; i < f.Parameters.Count; i++)
        {
            var t = f.Parameters[i].Type;
            if ((b.BulkParameters & (1UL << i)) != 0)
            {
                var shift = BulkPlan.ElementShift(t);
                s.Append("    (local.set $c (call $count (local.get ").Append(local + 1).Append(")))\n");
                if (shift > 0)
                {
                    // A byte count that is not whole elements is not the host's encoding: trap as a bug would.
                    s.Append("    (if (i32.and (local.get $c) (i32.const ").Append((1 << shift) - 1).Append(")) (then unreachable))\n");
                }

                // The original's realloc is asked for exactly the list's layout, and the text decoded straight into it;
                // the element count goes to the original.
                s.Append("    (local.set $d").Append(i).Append(" (call $oblock (local.get $c) (i32.const ").Append(1 << shift).Append(")))\n");
                s.Append("    (call $decode (local.get ").Append(local).Append(") (local.get ").Append(local + 1).Append(") (local.get $d").Append(i).Append("))\n");
                s.Append("    (local.set ").Append(local + 1).Append(" (i32.shr_u (local.get $c) (i32.const ").Append(shift).Append(")))\n");
                args.Append(" (local.get $d").Append(i).Append(") (local.get ").Append(local + 1).Append(')');
            }
            else if (t.Kind == WitTypeKind.String)
            {
                s.Append("    (local.set $d").Append(i).Append(" (call $copyin (local.get ").Append(local).Append(") (local.get ").Append(local + 1).Append(") (i32.const 1)))\n");
                args.Append(" (local.get $d").Append(i).Append(") (local.get ").Append(local + 1).Append(')');
            }
            else
            {
                args.Append(" (local.get ").Append(local).Append(')');
            }

            local += BulkPlan.FlatCount(t);
        }

        if (!twoResults)
        {
            s.Append("    (call $f").Append(k).Append(args).Append("))\n");
        }
        else
        {
            var shift = b.BulkResult ? BulkPlan.ElementShift(f.Result!) : 0;
            s.Append("    (local.set $r (call $f").Append(k).Append(args).Append("))\n");
            s.Append("    (global.set $saved (local.get $r))\n");
            // The return area and the list in it, checked as a lift checks them.
            s.Append("    (if (i32.and (local.get $r) (i32.const 3)) (then ").Append(AbiViolations.Trap(AbiViolations.ReturnNotAligned)).Append("))\n");
            s.Append("    (local.set $p (i32.load $om (local.get $r)))\n");
            s.Append("    (local.set $n (i32.load $om offset=4 (local.get $r)))\n");
            if (shift > 0)
            {
                s.Append("    (if (i32.and (local.get $p) (i32.const ").Append((1 << shift) - 1).Append(")) (then ").Append(AbiViolations.Trap(AbiViolations.ListNotAligned)).Append("))\n");
                s.Append("    (if (i32.gt_u (local.get $n) (i32.const ").Append(uint.MaxValue >> shift).Append(")) (then ").Append(AbiViolations.Trap(AbiViolations.ListOutOfBounds)).Append("))\n");
            }

            if (b.BulkResult)
            {
                // Encoded straight from the original's memory, inside which the list must lie (as a lift checks).
                s.Append("    (local.set $c (i32.shl (local.get $n) (i32.const ").Append(shift).Append(")))\n");
                s.Append("    (if (i64.gt_u (i64.add (i64.extend_i32_u (local.get $p)) (i64.extend_i32_u (local.get $c)))\n");
                s.Append("                  (i64.shl (i64.extend_i32_u (memory.size $om)) (i64.const 16))) (then ").Append(AbiViolations.Trap(AbiViolations.ListOutOfBounds)).Append("))\n");
                s.Append("    (local.set $e (call $encode (local.get $p) (local.get $c)))\n");
                s.Append("    (local.set $ret (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 8)))\n");
                s.Append("    (i32.store (local.get $ret) (local.get $e))\n");
                s.Append("    (i32.store offset=4 (local.get $ret) (global.get $n))\n");
            }
            else
            {
                s.Append("    (local.set $e (call $copyout (local.get $p) (i32.shl (local.get $n) (i32.const ").Append(shift).Append("))))\n");
                s.Append("    (local.set $ret (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 8)))\n");
                s.Append("    (i32.store (local.get $ret) (local.get $e))\n");
                s.Append("    (i32.store offset=4 (local.get $ret) (local.get $n))\n");
            }

            s.Append("    (local.get $ret))\n");
        }

        // The post-return: the original's (with the value it returned), then the decoder's heap reset.
        s.Append("  (func (export \"q").Append(Key(k)).Append("\")");
        if (resultType is not null)
        {
            s.Append(" (param ").Append(resultType).Append(')');
        }

        s.Append('\n');
        if (chained)
        {
            s.Append("    (call $p").Append(k).Append(resultType is null ? string.Empty : twoResults ? " (global.get $saved)" : " (local.get 0)").Append(")\n");
        }

        s.Append("    (call $reset))\n");
    }

    private static string ParamCore(WitFunction f)
    {
        var s = new StringBuilder();
        foreach (var p in f.Parameters)
        {
            s.Append(BulkPlan.FlatCount(p.Type) == 2 ? " i32 i32" : " " + BulkPlan.CoreType(p.Type));
        }

        return s.ToString();
    }

    /// <summary>The core result of a lifted function: its scalar, or the i32 pointer to its return area; null for none.</summary>
    private static string? ResultCore(WitFunction f) =>
        f.Result is not { } r ? null : BulkPlan.FlatCount(r) == 2 ? "i32" : BulkPlan.CoreType(r);
}
