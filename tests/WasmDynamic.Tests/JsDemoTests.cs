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

public sealed record Person(string Name, byte Age, IReadOnlyList<string> Tags, string? Nickname);

[Flags]
public enum Perms { None = 0, Read = 1, Write = 2, Exec = 4 }

/// <summary>The JS demo's <c>demo:calc/types@0.1.0</c>, bound by interface name (ITypes → types).</summary>
public interface ITypes
{
    double Area(Shape s);
    string Describe(Person p);
    string Mix(Color c, Perms p);
    double Divide(double a, double b);
    (string, uint) Swap((uint, string) t);
    long? FirstEven(long[] xs);
    Point EchoPoint(Point p);
}

[Collection(JsDemoCollection.Name)]
public class JsDemoTypesTests(JsDemoFixture fixture)
{
    [Fact]
    public void The_types_interface_of_a_componentize_js_component_works_typed()
    {
        using var instance = fixture.Component.Instantiate(new { Logger = new RecordingLogger() });
        var types = instance.GetInterface<ITypes>();
        types.Area(new Shape.Rect(new Point(3, -4))).Should().Be(12);
        types.Area(new Shape.Circle(1)).Should().BeApproximately(Math.PI, 1e-12);
        types.Area(new Shape.None()).Should().Be(0);
        types.Describe(new Person("Ada", 36, ["math", "code"], "Countess")).Should().Be("Ada (36) aka Countess [math,code]");
        types.Describe(new Person("Bob", 1, [], null)).Should().Be("Bob (1) []");
        types.Mix(Color.BlueIsh, Perms.Read | Perms.Exec).Should().Be("blue-ish:read|exec");
        types.Divide(1, 4).Should().Be(0.25);
        types.Invoking(t => t.Divide(1, 0)).Should().Throw<ComponentErrorException>().Which.Payload.Should().Be("division by zero");
        types.Swap((7, "x")).Should().Be(("x", 7u));
        types.FirstEven([1, 3, long.MinValue, 4]).Should().Be(long.MinValue);
        types.FirstEven([1, 3]).Should().BeNull();
        types.EchoPoint(new Point(-1, 2)).Should().Be(new Point(-1, 2));
    }

    [Fact]
    public void The_types_interface_of_a_componentize_js_component_works_through_dynamic()
    {
        using var instance = fixture.Component.Instantiate(new { Logger = new RecordingLogger() });
        var types = instance.Exports.Types;
        double area = types.Area(new { Case = "rect", Value = new { X = 2, Y = 3 } });
        area.Should().Be(6);
        string described = types.Describe(new { Name = "Ada", Age = 36, Tags = new[] { "math" }, Nickname = (string?)null });
        described.Should().Be("Ada (36) [math]");
        string mixed = types.Mix("green", "write, exec");
        mixed.Should().Be("green:write|exec");
        object divided = types.Divide(1, 0);
        divided.Should().Be(Result.Err<double, string>("division by zero"));
        object swapped = types.Swap((1, "a"));
        swapped.Should().Be(("a", 1u));
        object even = types.FirstEven(new[] { 1, 2 });
        even.Should().Be(2L);
        object point = instance.Exports["demo:calc/types"].EchoPoint(new { X = 5, Y = 6 });
        point.ToString().Should().Be("Point { X = 5, Y = 6 }");
    }
}

/// <summary>The JS demo's <c>counter</c> resource: <c>merge</c> takes two borrows.</summary>
public interface IJsCounter : IDisposable
{
    uint Increment();
    uint Get();
}

[WitName("demo:calc/counters@0.1.0")]
public interface IJsCounters
{
    IJsCounter NewCounter(uint start);
    IJsCounter Merge(IJsCounter a, IJsCounter b);
}

[Collection(JsDemoCollection.Name)]
public class JsDemoResourceTests(JsDemoFixture fixture)
{
    [Fact]
    public void A_componentize_js_resource_works_typed_and_borrows_leave_the_handles_usable()
    {
        using var instance = fixture.Component.Instantiate(new { Logger = new RecordingLogger() });
        var counters = instance.GetInterface<IJsCounters>();
        using var a = counters.NewCounter(5);
        using var b = counters.NewCounter(10);
        a.Increment().Should().Be(6);
        using var merged = counters.Merge(a, b);
        merged.Get().Should().Be(16);
        a.Get().Should().Be(6, "a borrow does not give the handle up");
        b.Get().Should().Be(10);
    }

    [Fact]
    public void A_componentize_js_resource_works_through_dynamic()
    {
        using var instance = fixture.Component.Instantiate(new { Logger = new RecordingLogger() });
        var counters = instance.Exports["demo:calc/counters"];
        using var c = counters.Counter(1);
        uint two = c.Increment();
        two.Should().Be(2);
        using var m = counters.CounterMerge(c, c);
        uint four = m.Get();
        four.Should().Be(4);
    }
}

[Collection(JsDemoCollection.Name)]
public class JsDemoAsyncTests(JsDemoFixture fixture)
{
    [Fact]
    public async Task A_componentize_js_component_with_the_full_wasi_cli_world_works_through_InstantiateAsync()
    {
        var output = new StringWriter();
        var logger = new RecordingLogger();
        await using var instance = await fixture.Component.InstantiateAsync(new InstanceOptions
        {
            Imports = new ComponentImports().Add("demo:calc/logger@0.1.0", logger),
            Wasi = new WasiOptions { StandardOutput = output },
        });

        (await instance.InvokeAsync("add", 1u, 2u)).Should().Be(3u);
        (await instance.InvokeAsync("greet", "Ada")).Should().Be("Hello, Ada!");
        (await instance.InvokeAsync("hello-world")).Should().Be("hi");
        instance.IsAsync.Should().BeTrue();
        Imports.AsyncWasi.Covers(fixture.Component.World).Should().BeFalse("it imports wasi:http, whose functions returning pollables only Wasmtime's WASI serves");
        output.ToString().Should().Be("hello from js\n");
        logger.Lines.Should().Equal((1, "greet Ada"));
    }
}
