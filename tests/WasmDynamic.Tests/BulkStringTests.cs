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
    public void Two_string_arguments_spanning_several_arena_chunks_concatenate_and_the_arena_settles_back()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "strings.wat"));
        using var instance = component.Instantiate();
        var strings = instance.GetInterface<IStrings>("");

        // Sizes below, at and above the 64 KiB chunk and the 1 MiB kept chunk, so allocations move between chunks,
        // add chunks and free them again at the reset; a small call after each must still find its memory.
        foreach (var (a, b) in new[] { (10, 70 * 1024), (70 * 1024, 70 * 1024), (300 * 1024, 5), (1200 * 1024, 1100 * 1024), (3, 4) })
        {
            var left = new string('l', a);
            var right = string.Concat(Enumerable.Repeat("r€", (b / 2) + 1))[..b];
            strings.Concat(left, right).Should().Be(left + right);
            strings.Concat("x", "y").Should().Be("xy");
            strings.Echo(right).Should().Be(right);
        }
    }

    [Fact]
    public void A_null_string_argument_is_refused_naming_the_parameter_and_the_instance_stays_usable()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "strings.wat"));
        using var instance = component.Instantiate();
        var strings = instance.GetInterface<IStrings>("");

        var second = () => strings.Concat("a", null!);
        second.Should().Throw<ComponentArgumentException>()
            .WithMessage("A null string was given where WIT 'string' needs a value*")
            .And.Message.Should().Contain("Argument 'b' of 'concat' (concat: func(a: string, b: string) -> string)");
        var first = () => strings.Echo(null!);
        first.Should().Throw<ComponentArgumentException>().And.Message.Should().Contain("Argument 's' of 'echo'");
        strings.Concat("a", "b").Should().Be("ab", "the refused calls left the instance usable");
    }

    [Fact]
    public void A_lone_surrogate_in_a_short_string_is_refused_with_the_surrogate_and_its_index()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "strings.wat"));
        using var instance = component.Instantiate();
        var strings = instance.GetInterface<IStrings>("");

        // Built here, not as theory data: the test runner's serialisation would replace lone surrogates with U+FFFD.
        const char High = '\uD83D', Low = '\uDC00';
        foreach (var (text, where) in new[] { ("ab" + Low + "c", "U+DC00 at index 2"), ("abc" + High, "U+D83D at index 3"), (new string(High, 2) + "x", "U+D83D at index 0") })
        {
            var act = () => strings.Echo(text);
            act.Should().Throw<ComponentArgumentException>().WithMessage($"The string has a lone UTF-16 surrogate {where}, which is not Unicode text*")
                .And.Message.Should().Contain("Argument 's' of 'echo'");
        }

        strings.Echo("a" + char.ConvertFromUtf32(0x1F600) + "b").Should().Be("a\U0001F600b", "a surrogate pair is text, and the instance is still usable");
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
