using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

public class SmokeTests
{
    [Fact]
    public void Reads_a_small_world()
    {
        using var runtime = new ComponentRuntime();
        using var c = runtime.LoadText("""
(component
  (type $point (record (field "x" s32) (field "y" s32)))
  (export $p "point" (type $point))
  (core module $m
    (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
)
""");
        var wit = c.ToWit();
        Console.WriteLine(wit);
        wit.Should().Contain("export add: func(a: u32, b: u32) -> u32;");
    }
}
