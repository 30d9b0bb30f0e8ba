using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

public sealed class RecordingLogger
{
    public List<(byte Level, string Message)> Lines { get; } = new();

    public void Log(byte level, string msg) => Lines.Add((level, msg));
}

public interface ICalcRoot
{
    uint Add(uint a, uint b);

    string Greet(string name);

    string HelloWorld();
}

[Collection(JsDemoCollection.Name)]
public class JsDemoTests(JsDemoFixture fixture)
{
    [Fact]
    public void Root_exports_of_a_componentize_js_component_work_through_dynamic_and_typed_calls()
    {
        var logger = new RecordingLogger();
        using var instance = fixture.Component.Instantiate(new { Logger = logger });
        uint sum = instance.Exports.Add(1, 2);
        sum.Should().Be(3);
        var typed = instance.GetInterface<ICalcRoot>("");
        typed.Add(uint.MaxValue, 2).Should().Be(1);
        typed.Greet("Ada").Should().Be("Hello, Ada!");
        logger.Lines.Should().Equal((1, "greet Ada"));
    }

    [Fact]
    public void Console_log_of_the_guest_is_captured_into_a_text_writer()
    {
        var output = new StringWriter();
        using var instance = fixture.Component.Instantiate(new InstanceOptions
        {
            Imports = new ComponentImports().Add("demo:calc/logger@0.1.0", new RecordingLogger()),
            Wasi = new WasiOptions { StandardOutput = output },
        });
        string hi = instance.Exports.HelloWorld();
        hi.Should().Be("hi");
        output.ToString().Should().Be("hello from js\n");
    }
}
