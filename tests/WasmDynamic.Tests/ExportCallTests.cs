using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

public interface IScalars
{
    uint Add(uint a, uint b);
    bool RoundtripBool(bool x);
    ulong RoundtripU64(ulong x);
    double RoundtripF64(double x);
    System.Text.Rune RoundtripChar(System.Text.Rune x);
    void Noop();
}

public class ExportCallTests
{
    private static readonly ComponentRuntime Runtime = new();

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void Dynamic_call_of_root_export()
    {
        using var c = Runtime.Load(Fixture("scalars.wat"));
        using var i = c.Instantiate();
        uint r = i.Exports.Add(1, 2);
        r.Should().Be(3u);
    }

    [Fact]
    public void Typed_call_of_root_export()
    {
        using var c = Runtime.Load(Fixture("scalars.wat"));
        using var i = c.Instantiate();
        var s = i.GetInterface<IScalars>("");
        s.Add(40, 2).Should().Be(42u);
        s.RoundtripU64(ulong.MaxValue).Should().Be(ulong.MaxValue);
        s.RoundtripF64(double.NaN).Should().Be(double.NaN);
        s.RoundtripChar(new System.Text.Rune(0x1F600)).Value.Should().Be(0x1F600);
        s.Noop();
    }

    [Fact]
    public void Strings_round_trip()
    {
        using var c = Runtime.Load(Fixture("strings.wat"));
        using var i = c.Instantiate();
        string s = i.Exports.Echo("héllo 😀");
        s.Should().Be("héllo 😀");
        string cat = i.Exports.Concat("ab", "cd");
        cat.Should().Be("abcd");
        byte[] bytes = i.Exports.RoundtripListU8(new byte[] { 1, 2, 3 });
        bytes.Should().Equal(1, 2, 3);
    }

    [Fact]
    public void Compound_values_through_dynamic()
    {
        using var c = Runtime.Load(Fixture("compound.wat"));
        using var i = c.Instantiate();
        var shapes = i.Exports["demo:types/shapes@0.1.0"];
        object p = shapes.RoundtripPoint(new { X = 1, Y = -2 });
        p.ToString().Should().Be("Point { X = 1, Y = -2 }");
        double area = i.Exports.Shapes.Area(new { Case = "rect", Value = new { X = 3, Y = 4 } });
        area.Should().Be(12);
        object div = shapes.Divide(1.0, 0.0);
        div.ToString().Should().Be("Err(division by zero)");
    }
}
