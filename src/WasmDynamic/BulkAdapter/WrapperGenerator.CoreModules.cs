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

    // The codecs of Marshalling.Base128 (blocks of 112 bytes as 7 rows of low bits and a row of high bits, then groups
    // of 7), over any two memories: {0}/{1} the text and bytes of decode, {2}/{3} the bytes and text of encode.
    // count: the byte count of a text's length (traps on a length no count encodes to). decode: writes exactly the
    // count's bytes at $dst (in place is safe: every write lands before the text not yet read). encode: the text of $n
    // bytes in a new block of the heap, its length in $n.
    private const string CodecsTemplate = """
          (global $n (mut i32) (i32.const 0))
          (func $count (param $len i32) (result i32)
            (local $t i32)
            (local.set $t (i32.and (local.get $len) (i32.const 7)))
            (if (i32.eq (local.get $t) (i32.const 1)) (then unreachable))
            (i32.add (i32.mul (i32.shr_u (local.get $len) (i32.const 7)) (i32.const 112))
              (i32.add (i32.mul (i32.shr_u (i32.and (local.get $len) (i32.const 127)) (i32.const 3)) (i32.const 7))
                (select (i32.sub (local.get $t) (i32.const 1)) (i32.const 0) (local.get $t)))))
          (func $decode (param $src i32) (param $len i32) (param $dst i32)
            (local $end i32) (local $h v128) (local $r i32) (local $i i32) (local $hb i32)
            (local.set $end (i32.add (local.get $src) (i32.and (local.get $len) (i32.const -128))))
            (block $blocks (loop $block
              (br_if $blocks (i32.ge_u (local.get $src) (local.get $end)))
              (local.set $h (v128.load {0} offset=112 (local.get $src)))
              {decode-rows}
              (local.set $src (i32.add (local.get $src) (i32.const 128)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 112)))
              (br $block)))
            (local.set $end (i32.add (local.get $src) (i32.and (local.get $len) (i32.const 127))))
            (block $groups (loop $group
              (br_if $groups (i32.ge_u (local.get $src) (local.get $end)))
              ;; A group of $r bytes: $r characters of low bits, then the one of their high bits.
              (local.set $r (i32.sub (i32.sub (local.get $end) (local.get $src)) (i32.const 1)))
              (if (i32.gt_u (local.get $r) (i32.const 7)) (then (local.set $r (i32.const 7))))
              (local.set $hb (i32.load8_u {0} (i32.add (local.get $src) (local.get $r))))
              (local.set $i (i32.const 0))
              (loop $byte
                (i32.store8 {1} (i32.add (local.get $dst) (local.get $i))
                  (i32.or (i32.load8_u {0} (i32.add (local.get $src) (local.get $i)))
                          (i32.shl (i32.and (i32.shr_u (local.get $hb) (local.get $i)) (i32.const 1)) (i32.const 7))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $byte (i32.lt_u (local.get $i) (local.get $r))))
              (local.set $src (i32.add (i32.add (local.get $src) (local.get $r)) (i32.const 1)))
              (local.set $dst (i32.add (local.get $dst) (local.get $r)))
              (br $group))))
          (func $encode (param $src i32) (param $n i32) (result i32)
            (local $dst i32) (local $out i32) (local $end i32) (local $stop i32) (local $len i32) (local $t i32)
            (local $h v128) (local $v v128) (local $r i32) (local $i i32) (local $hb i32) (local $x i32)
            (local.set $t (i32.rem_u (local.get $n) (i32.const 112)))
            (local.set $len (i32.add (i32.mul (i32.div_u (local.get $n) (i32.const 112)) (i32.const 128))
              (i32.add (i32.mul (i32.div_u (local.get $t) (i32.const 7)) (i32.const 8))
                (select (i32.add (i32.rem_u (local.get $t) (i32.const 7)) (i32.const 1)) (i32.const 0) (i32.rem_u (local.get $t) (i32.const 7))))))
            (local.set $dst (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $len)))
            (local.set $out (local.get $dst))
            (local.set $stop (i32.add (local.get $src) (local.get $n)))
            (local.set $end (i32.sub (local.get $stop) (local.get $t)))
            (block $blocks (loop $block
              (br_if $blocks (i32.ge_u (local.get $src) (local.get $end)))
              (local.set $h (v128.const i64x2 0 0))
              {encode-rows}
              (v128.store {3} offset=112 (local.get $out) (local.get $h))
              (local.set $src (i32.add (local.get $src) (i32.const 112)))
              (local.set $out (i32.add (local.get $out) (i32.const 128)))
              (br $block)))
            (block $groups (loop $group
              (br_if $groups (i32.ge_u (local.get $src) (local.get $stop)))
              (local.set $r (i32.sub (local.get $stop) (local.get $src)))
              (if (i32.gt_u (local.get $r) (i32.const 7)) (then (local.set $r (i32.const 7))))
              (local.set $hb (i32.const 0))
              (local.set $i (i32.const 0))
              (loop $byte
                (local.set $x (i32.load8_u {2} (i32.add (local.get $src) (local.get $i))))
                (i32.store8 {3} (i32.add (local.get $out) (local.get $i)) (i32.and (local.get $x) (i32.const 127)))
                (local.set $hb (i32.or (local.get $hb) (i32.shl (i32.shr_u (local.get $x) (i32.const 7)) (local.get $i))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $byte (i32.lt_u (local.get $i) (local.get $r))))
              (i32.store8 {3} (i32.add (local.get $out) (local.get $r)) (local.get $hb))
              (local.set $src (i32.add (local.get $src) (local.get $r)))
              (local.set $out (i32.add (i32.add (local.get $out) (local.get $r)) (i32.const 1)))
              (br $group)))
            (global.set $n (local.get $len))
            (local.get $dst))
        """;

    // A 112-byte block's seven 16-byte rows, row k at offset 16 k: each character holds a byte's low 7 bits, and bit k
    // of the block's eighth row ($h) holds the bit 7 of row k's bytes. Decode ORs each row with its bit of $h; encode
    // masks each row and gathers its bits 7 into $h.
    private static readonly string DecodeRows = Rows(k =>
        $$"""
        (v128.store {1} offset={{16 * k}} (local.get $dst) (v128.or (v128.load {0} offset={{16 * k}} (local.get $src))
          (v128.and (i8x16.shl (local.get $h) (i32.const {{7 - k}})) (v128.const i8x16 {{Splat("0x80")}}))))
        """);

    private static readonly string EncodeRows = Rows(k =>
        $$"""
        (local.set $v (v128.load {2} offset={{16 * k}} (local.get $src)))
        (v128.store {3} offset={{16 * k}} (local.get $out) (v128.and (local.get $v) (v128.const i8x16 {{Splat("0x7F")}})))
        (local.set $h (v128.or (local.get $h) (v128.and (i8x16.shr_u (local.get $v) (i32.const {{7 - k}})) (v128.const i8x16 {{Splat((1 << k).ToString(System.Globalization.CultureInfo.InvariantCulture))}}))))
        """);

    // The seven rows' lines, indented as the template's loop body (the first line takes the placeholder's indent).
    private static string Rows(Func<int, string> row) =>
        string.Join("\n" + new string(' ', 14), Enumerable.Range(0, 7).Select(row).SelectMany(r => r.Split('\n')));

    private static string Splat(string lane) => string.Join(' ', Enumerable.Repeat(lane, 16));

    /// <summary>The codecs with their memories named: <paramref name="text"/> holds the texts, <paramref name="bytes"/> the bytes.</summary>
    private static string Codecs(string text, string bytes) =>
        CodecsTemplate.Replace("{decode-rows}", DecodeRows, StringComparison.Ordinal).Replace("{encode-rows}", EncodeRows, StringComparison.Ordinal)
            .Replace("{0}", text, StringComparison.Ordinal).Replace("{1}", bytes, StringComparison.Ordinal)
            .Replace("{2}", bytes, StringComparison.Ordinal).Replace("{3}", text, StringComparison.Ordinal);

    /// <summary>The codec module: one entry per twin, decoding, calling the lowered original, encoding.</summary>
    internal static string CodecModule(BulkPlan plan)
    {
        var s = new StringBuilder();
        s.Append("(module $").Append(ModuleName).Append('\n');
        s.Append("  (import \"m\" \"memory\" (memory $m 0))\n");
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

        s.Append(Codecs("$m", "$m"));
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
                    // Decoded in place: the canonical ABI then copies the elements into the original's memory.
                    s.Append("    (global.set $n (call $count (local.get ").Append(local + 1).Append(")))\n");
                    s.Append("    (call $decode (local.get ").Append(local).Append(") (local.get ").Append(local + 1).Append(") (local.get ").Append(local).Append("))\n");
                    s.Append("    (local.set $d").Append(i).Append(" (local.get ").Append(local).Append("))\n");
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
