using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>Large strings in and out: the one-pass encode, the arena chunk kept between calls, and the exact-count path beyond it.</summary>
public class BulkStringTests
{
    [Theory]
    [InlineData(64 * 1024, "a")]
    [InlineData(64 * 1024, "é✓")]
    [InlineData(340 * 1024, "x€")]
    [InlineData(700 * 1024, "ab")]
    public void Large_strings_echo_unchanged_call_after_call(int length, string unit)
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "strings.wat"));
        using var instance = component.Instantiate();
        var strings = instance.GetInterface<IStrings>("");
        var text = string.Concat(Enumerable.Repeat(unit, (length / unit.Length) + 1))[..length];
        for (var k = 0; k < 3; k++)
        {
            strings.Echo(text).Should().Be(text);
            strings.Len(text).Should().Be((uint)System.Text.Encoding.UTF8.GetByteCount(text));
            strings.Echo("small " + k).Should().Be("small " + k, "a short call after a large one reuses the arena");
        }
    }

    [Fact]
    public void A_lone_surrogate_in_a_large_string_is_refused_with_its_index()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "strings.wat"));
        using var instance = component.Instantiate();
        var strings = instance.GetInterface<IStrings>("");
        var text = new string('a', 400 * 1024) + '\uD800' + "b";
        var act = () => strings.Echo(text);
        act.Should().Throw<ComponentArgumentException>().WithMessage("*lone UTF-16 surrogate U+D800*");
        strings.Echo("ok").Should().Be("ok", "the refused call left the instance usable");
    }
}
