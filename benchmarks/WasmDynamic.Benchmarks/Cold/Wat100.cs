using System.Text;

namespace WasmDynamic.Benchmarks.Cold;

/// <summary>
/// Generates a component with 100 exported root functions in five shapes (20 each):
/// <c>add{i}: func(a: u32, b: u32) -> u32</c>, <c>echo{i}: func(s: string) -> string</c>,
/// <c>len{i}: func(x: list&lt;u8&gt;) -> u32</c>, <c>mix{i}: func(x: f64, y: s64, z: bool) -> f64</c>,
/// <c>opt{i}: func(x: option&lt;string&gt;) -> result&lt;u32, string&gt;</c>.
/// </summary>
/// <remarks>
/// <paramref name="firstParameter"/> renames the first parameter of <c>add0</c>: a different world for the emit cache
/// (worlds are compared by value, parameter names included) that the same C# interface <see cref="I100"/> still fits.
/// </remarks>
public static class Wat100
{
    public const int Count = 100;

    public static string Text(string firstParameter = "a")
    {
        var sb = new StringBuilder();
        sb.AppendLine("""
(component
  (core module $m
    (memory (export "memory") 1)
    (global $ret i32 (i32.const 16))
    (global $heap (mut i32) (i32.const 4096))
    (func $realloc (export "realloc")
      (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32)
      (result i32)
      (local $ptr i32) (local $end i32) (local $have i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $ptr) (local.get $new_size)))
      (local.set $have (i32.shl (memory.size) (i32.const 16)))
      (if (i32.gt_u (local.get $end) (local.get $have))
        (then
          (if (i32.eq
                (memory.grow
                  (i32.shr_u
                    (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                    (i32.const 16)))
                (i32.const -1))
            (then unreachable))))
      (global.set $heap (local.get $end))
      (local.get $ptr))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "echo") (param i32 i32) (result i32)
      (i32.store offset=0 (global.get $ret) (local.get 0))
      (i32.store offset=4 (global.get $ret) (local.get 1))
      (global.get $ret))
    (func (export "len") (param i32 i32) (result i32) (local.get 1))
    (func (export "mix") (param f64 i64 i32) (result f64) (local.get 0))
    (func (export "opt") (param i32 i32 i32) (result i32)
      (i32.store8 offset=0 (global.get $ret) (i32.const 0))
      (i32.store offset=4 (global.get $ret) (local.get 2))
      (global.get $ret))
  )
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))
""");
        for (var i = 0; i < Count; i++)
        {
            sb.Append("  ").AppendLine((i % 5) switch
            {
                0 => $"(func $f{i} (param \"{(i == 0 ? firstParameter : "a")}\" u32) (param \"b\" u32) (result u32) (canon lift (core func $i \"add\")))",
                1 => $"(func $f{i} (param \"s\" string) (result string) (canon lift (core func $i \"echo\") (memory $mem) (realloc $realloc) string-encoding=utf8))",
                2 => $"(func $f{i} (param \"x\" (list u8)) (result u32) (canon lift (core func $i \"len\") (memory $mem) (realloc $realloc)))",
                3 => $"(func $f{i} (param \"x\" f64) (param \"y\" s64) (param \"z\" bool) (result f64) (canon lift (core func $i \"mix\")))",
                _ => $"(func $f{i} (param \"x\" (option string)) (result (result u32 (error string))) (canon lift (core func $i \"opt\") (memory $mem) (realloc $realloc) string-encoding=utf8))",
            });
        }

        for (var i = 0; i < Count; i++)
        {
            sb.Append("  ").AppendLine($"(export \"{Name(i)}\" (func $f{i}))");
        }

        sb.AppendLine(")");
        return sb.ToString();
    }

    public static string Name(int i) => (i % 5) switch
    {
        0 => "add",
        1 => "echo",
        2 => "len",
        3 => "mix",
        _ => "opt",
    } + i;
}
