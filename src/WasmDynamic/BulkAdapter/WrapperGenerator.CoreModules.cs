using System.Text;
using WasmDynamic.Native;

namespace WasmDynamic.BulkAdapter;

/// <summary>The wrapper's two core modules as WAT (the bump-heap memory module, the codec module of a plan) and their bytes.</summary>
internal static unsafe partial class WrapperGenerator
{
    /// <summary>The name of the adapter's core modules in backtraces (frames of it are removed from trap messages).</summary>
    public const string ModuleName = "wasmdynamic-bulk-adapter";

    // Allocation: a bump heap reset by every post-return. Each block gets 8 bytes of slack, because the codecs read and
    // write whole 8-byte words past the end of a 7-byte group.
    private const string MemoryModule = """
        (module $wasmdynamic-bulk-adapter
          (memory (export "memory") 1)
          (global $heap (mut i32) (i32.const 16))
          (func (export "realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)
            (local $ptr i32) (local $end i32) (local $have i32)
            ;; Every block 8-aligned: a decoded number list is used where its text was written.
            (if (i32.lt_u (local.get $align) (i32.const 8)) (then (local.set $align (i32.const 8))))
            (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                                     (i32.sub (i32.const 0) (local.get $align))))
            (local.set $end (i32.add (i32.add (local.get $ptr) (local.get $new_size)) (i32.const 8)))
            (if (i32.or (i32.lt_u (local.get $end) (local.get $ptr)) (i32.lt_u (local.get $ptr) (global.get $heap))) (then unreachable))
            (local.set $have (i32.shl (memory.size) (i32.const 16)))
            (if (i32.gt_u (local.get $end) (local.get $have))
              (then (if (i32.eq (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535)) (i32.const 16))) (i32.const -1))
                      (then unreachable))))
            (global.set $heap (local.get $end))
            (if (local.get $old) (then (memory.copy (local.get $ptr) (local.get $old)
                  (select (local.get $old_size) (local.get $new_size) (i32.lt_u (local.get $old_size) (local.get $new_size))))))
            (local.get $ptr))
          (func (export "pr") (global.set $heap (i32.const 16)))
          (func (export "pr-i32") (param i32) (global.set $heap (i32.const 16)))
          (func (export "pr-i64") (param i64) (global.set $heap (i32.const 16)))
          (func (export "pr-f32") (param f32) (global.set $heap (i32.const 16)))
          (func (export "pr-f64") (param f64) (global.set $heap (i32.const 16))))
        """;

    private static readonly string[] PostReturns = ["pr", "pr-i32", "pr-i64", "pr-f32", "pr-f64"];

    // decode: (ptr, len) of an encoded string -> ptr of the bytes (decoded in place), their count in $n. encode: the
    // reverse, into a new block.
    private const string Codecs = """
          (global $n (mut i32) (i32.const 0))
          (func $decode (param $src i32) (param $len i32) (result i32)
            (local $dst i32) (local $out i32) (local $end i32) (local $x i64) (local $groups i32) (local $v v128)
            (if (i32.or (i32.eqz (local.get $len)) (i32.and (i32.sub (local.get $len) (i32.const 1)) (i32.const 7))) (then unreachable))
            (local.set $groups (i32.shr_u (i32.sub (local.get $len) (i32.const 1)) (i32.const 3)))
            (global.set $n (i32.sub (i32.mul (local.get $groups) (i32.const 7))
                                    (i32.load8_u (i32.add (local.get $src) (i32.sub (local.get $len) (i32.const 1))))))
            (if (i32.lt_s (global.get $n) (i32.const 0)) (then unreachable))
            ;; In place: group g is written at 7g and read from 8g, so a write never reaches bytes not yet read.
            (local.set $dst (local.get $src))
            (local.set $out (local.get $dst))
            (local.set $end (i32.add (local.get $src) (i32.shl (local.get $groups) (i32.const 3))))
            ;; Two groups at a time in the two 64-bit lanes; a 16-byte store writes 2 bytes past them (the next one overwrites).
            (block $wide (loop $two
              (br_if $wide (i32.gt_u (i32.add (local.get $src) (i32.const 16)) (local.get $end)))
              (local.set $v (v128.load (local.get $src)))
              (local.set $v (v128.or (v128.and (local.get $v) (v128.const i64x2 0x007F007F007F007F 0x007F007F007F007F))
                                     (v128.and (i64x2.shr_u (local.get $v) (i32.const 1)) (v128.const i64x2 0x3F803F803F803F80 0x3F803F803F803F80))))
              (local.set $v (v128.or (v128.and (local.get $v) (v128.const i64x2 0x00003FFF00003FFF 0x00003FFF00003FFF))
                                     (v128.and (i64x2.shr_u (local.get $v) (i32.const 2)) (v128.const i64x2 0x0FFFC0000FFFC000 0x0FFFC0000FFFC000))))
              (local.set $v (v128.or (v128.and (local.get $v) (v128.const i64x2 0x000000000FFFFFFF 0x000000000FFFFFFF))
                                     (v128.and (i64x2.shr_u (local.get $v) (i32.const 4)) (v128.const i64x2 0x00FFFFFFF0000000 0x00FFFFFFF0000000))))
              (v128.store (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 8 9 10 11 12 13 14 15 15 (local.get $v) (local.get $v)))
              (local.set $out (i32.add (local.get $out) (i32.const 14)))
              (local.set $src (i32.add (local.get $src) (i32.const 16)))
              (br $two)))
            (block $done (loop $next
              (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
              (local.set $x (i64.load (local.get $src)))
              (local.set $x (i64.or (i64.and (local.get $x) (i64.const 0x007F007F007F007F))
                                    (i64.and (i64.shr_u (local.get $x) (i64.const 1)) (i64.const 0x3F803F803F803F80))))
              (local.set $x (i64.or (i64.and (local.get $x) (i64.const 0x00003FFF00003FFF))
                                    (i64.and (i64.shr_u (local.get $x) (i64.const 2)) (i64.const 0x0FFFC0000FFFC000))))
              (local.set $x (i64.or (i64.and (local.get $x) (i64.const 0x000000000FFFFFFF))
                                    (i64.and (i64.shr_u (local.get $x) (i64.const 4)) (i64.const 0x00FFFFFFF0000000))))
              (i64.store (local.get $out) (local.get $x))
              (local.set $out (i32.add (local.get $out) (i32.const 7)))
              (local.set $src (i32.add (local.get $src) (i32.const 8)))
              (br $next)))
            (local.get $dst))
          (func $encode (param $src i32) (param $n i32) (result i32)
            (local $dst i32) (local $out i32) (local $end i32) (local $x i64) (local $groups i32) (local $v v128)
            (local.set $groups (i32.div_u (i32.add (local.get $n) (i32.const 6)) (i32.const 7)))
            (local.set $dst (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.add (i32.shl (local.get $groups) (i32.const 3)) (i32.const 1))))
            (local.set $out (local.get $dst))
            (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $groups) (i32.const 3))))
            ;; Two groups at a time: 14 bytes spread into the two 64-bit lanes (reads 2 bytes past them, inside the slack).
            (block $wide (loop $two
              (br_if $wide (i32.gt_u (i32.add (local.get $out) (i32.const 16)) (local.get $end)))
              (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 16 7 8 9 10 11 12 13 16 (v128.load (local.get $src)) (v128.const i64x2 0 0)))
              (local.set $v (v128.or (v128.and (local.get $v) (v128.const i64x2 0x000000000FFFFFFF 0x000000000FFFFFFF))
                                     (v128.and (i64x2.shl (local.get $v) (i32.const 4)) (v128.const i64x2 0x0FFFFFFF00000000 0x0FFFFFFF00000000))))
              (local.set $v (v128.or (v128.and (local.get $v) (v128.const i64x2 0x00003FFF00003FFF 0x00003FFF00003FFF))
                                     (v128.and (i64x2.shl (local.get $v) (i32.const 2)) (v128.const i64x2 0x3FFF00003FFF0000 0x3FFF00003FFF0000))))
              (local.set $v (v128.or (v128.and (local.get $v) (v128.const i64x2 0x007F007F007F007F 0x007F007F007F007F))
                                     (v128.and (i64x2.shl (local.get $v) (i32.const 1)) (v128.const i64x2 0x7F007F007F007F00 0x7F007F007F007F00))))
              (v128.store (local.get $out) (local.get $v))
              (local.set $out (i32.add (local.get $out) (i32.const 16)))
              (local.set $src (i32.add (local.get $src) (i32.const 14)))
              (br $two)))
            (block $done (loop $next
              (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
              (local.set $x (i64.and (i64.load (local.get $src)) (i64.const 0x00FFFFFFFFFFFFFF)))
              (local.set $x (i64.or (i64.and (local.get $x) (i64.const 0x000000000FFFFFFF))
                                    (i64.and (i64.shl (local.get $x) (i64.const 4)) (i64.const 0x0FFFFFFF00000000))))
              (local.set $x (i64.or (i64.and (local.get $x) (i64.const 0x00003FFF00003FFF))
                                    (i64.and (i64.shl (local.get $x) (i64.const 2)) (i64.const 0x3FFF00003FFF0000))))
              (local.set $x (i64.or (i64.and (local.get $x) (i64.const 0x007F007F007F007F))
                                    (i64.and (i64.shl (local.get $x) (i64.const 1)) (i64.const 0x7F007F007F007F00))))
              (i64.store (local.get $out) (local.get $x))
              (local.set $out (i32.add (local.get $out) (i32.const 8)))
              (local.set $src (i32.add (local.get $src) (i32.const 7)))
              (br $next)))
            (i32.store8 (local.get $end) (i32.sub (i32.mul (local.get $groups) (i32.const 7)) (local.get $n)))
            (global.set $n (i32.add (i32.shl (local.get $groups) (i32.const 3)) (i32.const 1)))
            (local.get $dst))
        """;

    /// <summary>The codec module: one entry per twin, decoding, calling the lowered original, encoding.</summary>
    internal static string CodecModule(BulkPlan plan)
    {
        var s = new StringBuilder();
        s.Append("(module $").Append(ModuleName).Append('\n');
        s.Append("  (import \"m\" \"memory\" (memory 0))\n");
        s.Append("  (import \"m\" \"realloc\" (func $realloc (param i32 i32 i32 i32) (result i32)))\n");
        for (var k = 0; k < plan.Functions.Count; k++)
        {
            var f = plan.Functions[k].Function;
            s.Append("  (import \"f\" \"").Append(Key(k)).Append("\" (func $f").Append(k).Append(" (param");
            foreach (var p in f.Parameters)
            {
                s.Append(BulkPlan.FlatCount(p.Type) == 2 ? " i32 i32" : " " + BulkPlan.CoreType(p.Type));
            }

            if (f.Result is { } r && BulkPlan.FlatCount(r) == 2)
            {
                s.Append(" i32)))\n");
            }
            else
            {
                s.Append(')').Append(f.Result is { } pr ? " (result " + BulkPlan.CoreType(pr) + ")" : string.Empty).Append("))\n");
            }
        }

        s.Append(Codecs);
        for (var k = 0; k < plan.Functions.Count; k++)
        {
            var b = plan.Functions[k];
            var f = b.Function;
            var twoResults = f.Result is { } r && BulkPlan.FlatCount(r) == 2;
            s.Append("  (func (export \"").Append(Key(k)).Append("\") (param");
            foreach (var p in f.Parameters)
            {
                s.Append(BulkPlan.FlatCount(p.Type) == 2 ? " i32 i32" : " " + BulkPlan.CoreType(p.Type));
            }

            s.Append(')');
            if (f.Result is { } res)
            {
                s.Append(" (result ").Append(twoResults ? "i32" : BulkPlan.CoreType(res)).Append(')');
            }

            s.Append("\n    (local $ret i32) (local $e i32)");
            for (var i = 0; i < f.Parameters.Count; i++)
            {
                if ((b.BulkParameters & (1UL << i)) != 0)
                {
                    s.Append(" (local $d").Append(i).Append(" i32) (local $n").Append(i).Append(" i32)");
                }
            }

            s.Append('\n');
            var local = 0;
            var args = new StringBuilder();
            for (var i = 0; i < f.Parameters.Count; i++)
            {
                if ((b.BulkParameters & (1UL << i)) != 0)
                {
                    s.Append("    (local.set $d").Append(i).Append(" (call $decode (local.get ").Append(local).Append(") (local.get ").Append(local + 1).Append(")))\n");
                    var shift = BulkPlan.ElementShift(f.Parameters[i].Type);
                    if (shift == 0)
                    {
                        s.Append("    (local.set $n").Append(i).Append(" (global.get $n))\n");
                    }
                    else
                    {
                        // A byte count that is not whole elements is not the host's encoding: trap as a bug would.
                        s.Append("    (if (i32.and (global.get $n) (i32.const ").Append((1 << shift) - 1).Append(")) (then unreachable))\n");
                        s.Append("    (local.set $n").Append(i).Append(" (i32.shr_u (global.get $n) (i32.const ").Append(shift).Append(")))\n");
                    }

                    args.Append(" (local.get $d").Append(i).Append(") (local.get $n").Append(i).Append(')');
                }
                else
                {
                    for (var j = 0; j < BulkPlan.FlatCount(f.Parameters[i].Type); j++)
                    {
                        args.Append(" (local.get ").Append(local + j).Append(')');
                    }
                }

                local += BulkPlan.FlatCount(f.Parameters[i].Type);
            }

            if (twoResults)
            {
                s.Append("    (local.set $ret (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 8)))\n");
                s.Append("    (call $f").Append(k).Append(args).Append(" (local.get $ret))\n");
                if (b.BulkResult)
                {
                    s.Append("    (local.set $e (call $encode (i32.load (local.get $ret)) (i32.shl (i32.load offset=4 (local.get $ret)) (i32.const ").Append(BulkPlan.ElementShift(f.Result!)).Append("))))\n");
                    s.Append("    (i32.store (local.get $ret) (local.get $e))\n");
                    s.Append("    (i32.store offset=4 (local.get $ret) (global.get $n))\n");
                }

                s.Append("    (local.get $ret))\n");
            }
            else
            {
                s.Append("    (call $f").Append(k).Append(args).Append("))\n");
            }
        }

        s.Append(')');
        return s.ToString();
    }

    /// <summary>A core module's bytes from its text, or null if Wasmtime's parser refuses it.</summary>
    private static byte[]? CoreModule(string wat)
    {
        var text = Encoding.UTF8.GetBytes(wat);
        ByteVec wasm = default;
        nint error;
        fixed (byte* p = text)
        {
            error = WasmtimeApi.wasmtime_wat2wasm(p, (nuint)text.Length, &wasm);
        }

        if (error != 0)
        {
            WasmtimeApi.wasmtime_error_delete(error);
            return null;
        }

        try
        {
            return new ReadOnlySpan<byte>(wasm.Data, checked((int)wasm.Size)).ToArray();
        }
        finally
        {
            WasmtimeApi.wasm_byte_vec_delete(&wasm);
        }
    }
}
