using System.Text;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>A host for demo:host/values@0.1.0 that echoes everything, using the test's own types.</summary>
public class EchoHost
{
    public List<string> Calls { get; } = new();

    public bool EchoBool(bool x) => x;
    public sbyte EchoS8(sbyte x) => x;
    public byte EchoU8(byte x) => x;
    public short EchoS16(short x) => x;
    public ushort EchoU16(ushort x) => x;
    public int EchoS32(int x) => x;
    public uint EchoU32(uint x) => x;
    public long EchoS64(long x) => x;
    public ulong EchoU64(ulong x) => x;
    public float EchoF32(float x) => x;
    public double EchoF64(double x) => x;
    public Rune EchoChar(Rune x) => x;
    public virtual string EchoString(string x) => x.ToUpperInvariant();
    public byte[] EchoBytes(byte[] x) => x.Reverse().ToArray();
    public Point EchoPoint(Point p) => p with { X = p.Y, Y = p.X };
    public Mixed EchoMixed(Mixed m) => m;
    public Shape EchoShape(Shape s) => s;
    public virtual Color EchoColor(Color c) => c;
    public HostPerms EchoPerms(HostPerms p) => p;
    public (uint, string) EchoTuple((uint, string) t) => (t.Item1 + 1, t.Item2 + "!");
    public string? EchoOption(string? o) => o;
    public Result<uint, string> EchoResult(Result<uint, string> r) => r;
    public List<Point> EchoListPoint(IReadOnlyList<Point> l) => l.ToList();

    public double CheckedDivide(double a, double b) => b == 0 ? throw new ComponentErrorException("division by zero") : a / b;

    public void Fail()
    {
        Calls.Add("fail");
        throw new InvalidOperationException("the host refused");
    }
}

[Flags]
public enum HostPerms { None = 0, Read = 1, Write = 2, Exec = 4 }

public interface IHostRoundtrip
{
    bool CallBool(bool x);
    sbyte CallS8(sbyte x);
    ulong CallU64(ulong x);
    float CallF32(float x);
    Rune CallChar(Rune x);
    string CallString(string x);
    byte[] CallBytes(byte[] x);
    Point CallPoint(Point p);
    Mixed CallMixed(Mixed m);
    Shape CallShape(Shape s);
    Color CallColor(Color c);
    HostPerms CallPerms(HostPerms p);
    (uint, string) CallTuple((uint, string) t);
    string? CallOption(string? o);
    Result<uint, string> CallResult(Result<uint, string> r);
    Point[] CallListPoint(Point[] l);
    Result<double, string> CallCheckedDivide(double a, double b);
    void CallFail();
}

public class ImportTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Roundtrip = new(() => Runtime.Load(Fixture("host-roundtrip.wat")));
    private static readonly Lazy<WasmComponent> Imports = new(() => Runtime.Load(Fixture("imports.wat")));

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void Imports_of_every_value_kind_are_called_from_guest_code_with_the_hosts_own_types()
    {
        var host = new EchoHost();
        using var instance = Roundtrip.Value.Instantiate(new ComponentImports().Add("demo:host/values@0.1.0", host));
        var g = instance.GetInterface<IHostRoundtrip>("");
        g.CallBool(true).Should().BeTrue();
        g.CallS8(sbyte.MinValue).Should().Be(sbyte.MinValue);
        g.CallU64(ulong.MaxValue).Should().Be(ulong.MaxValue);
        float.IsNaN(g.CallF32(float.NaN)).Should().BeTrue();
        g.CallChar(new Rune(0x1F600)).Should().Be(new Rune(0x1F600));
        g.CallString("héllo").Should().Be("HÉLLO", "the host's result really comes back");
        g.CallBytes([1, 2, 3]).Should().Equal(3, 2, 1);
        g.CallPoint(new Point(1, 2)).Should().Be(new Point(2, 1));
        g.CallMixed(new Mixed { A = true, B = 7, C = -7, D = 7, E = 0.5f, F = "m" }).Should().BeEquivalentTo(new Mixed { A = true, B = 7, C = -7, D = 7, E = 0.5f, F = "m" });
        g.CallShape(new Shape.Rect(new Point(3, 4))).Should().Be(new Shape.Rect(new Point(3, 4)));
        g.CallShape(new Shape.None()).Should().Be(new Shape.None());
        g.CallColor(Color.BlueIsh).Should().Be(Color.BlueIsh);
        g.CallPerms(HostPerms.Read | HostPerms.Exec).Should().Be(HostPerms.Read | HostPerms.Exec);
        g.CallTuple((1, "a")).Should().Be((2u, "a!"));
        g.CallOption(null).Should().BeNull();
        g.CallOption("x").Should().Be("x");
        g.CallResult(Result.Err<uint, string>("e")).Should().Be(Result.Err<uint, string>("e"));
        g.CallListPoint([new Point(1, 1), new Point(2, 2)]).Should().Equal(new Point(1, 1), new Point(2, 2));
    }

    [Fact]
    public void A_host_throwing_ComponentErrorException_for_a_result_import_produces_the_err_case()
    {
        using var instance = Roundtrip.Value.Instantiate(new ComponentImports().Add("demo:host/values", new EchoHost()));
        var g = instance.GetInterface<IHostRoundtrip>("");
        g.CallCheckedDivide(7, 2).Should().Be(Result.Ok<double, string>(3.5));
        g.CallCheckedDivide(1, 0).Should().Be(Result.Err<double, string>("division by zero"));
        g.CallCheckedDivide(8, 2).Should().Be(Result.Ok<double, string>(4), "an err is not a trap: the instance keeps working");
    }

    [Fact]
    public void A_host_exception_surfaces_to_the_caller_of_the_export_with_its_original_type()
    {
        var host = new EchoHost();
        using var instance = Roundtrip.Value.Instantiate(new ComponentImports().Add("values", host));
        var g = instance.GetInterface<IHostRoundtrip>("");
        var e = g.Invoking(x => x.CallFail()).Should().Throw<ComponentTrapException>().Which;
        e.InnerException.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("the host refused");
        e.Message.Should().Contain("call-fail").And.Contain("InvalidOperationException");
        host.Calls.Should().Equal("fail");
        g.Invoking(x => x.CallBool(true)).Should().Throw<ComponentInstancePoisonedException>("a trap leaves the instance unusable");
    }

    [Fact]
    public void A_plain_object_and_a_delegate_supply_an_interface_and_a_world_level_function()
    {
        var logged = new List<(byte, string)>();
        using var instance = Imports.Value.Instantiate(new ComponentImports()
            .Add("demo:host/logger@0.1.0", new LoggerHost(logged))
            .Add("get-number", (Func<uint>)(() => 41)));
        uint r = instance.Exports.Run("hello");
        r.Should().Be(42);
        logged.Should().Equal((2, "hello"));
    }

    [Fact]
    public void The_anonymous_object_shortcut_matches_imports_by_short_pascal_case_name()
    {
        var logged = new List<(byte, string)>();
        using var instance = Imports.Value.Instantiate(new { Logger = new LoggerHost(logged), GetNumber = (Func<uint>)(() => 9) });
        uint r = instance.Exports.Run("x");
        r.Should().Be(10);
        logged.Should().Equal((2, "x"));
    }

    [Fact]
    public void Missing_imports_are_listed_together_with_their_wit_signatures_and_the_csharp_to_write()
    {
        var act = () => Imports.Value.Instantiate();
        var e = act.Should().Throw<ComponentBindingException>().Which;
        e.Problems.Should().HaveCount(2);
        e.Message.Should().Contain("demo:host/logger@0.1.0").And.Contain("void Log(byte level, string msg)").And.Contain("log: func(level: u8, msg: string)");
        e.Message.Should().Contain("get-number: func() -> u32").And.Contain("Func<uint>");
    }

    [Fact]
    public void A_host_method_whose_signature_cannot_fit_is_named_with_both_signatures()
    {
        var act = () => Imports.Value.Instantiate(new { Logger = new WrongLogger(), GetNumber = (Func<string>)(() => "no") });
        var e = act.Should().Throw<ComponentBindingException>().Which;
        e.Message.Should().Contain("WrongLogger.Log").And.Contain("log: func(level: u8, msg: string)").And.Contain("void Log(byte level, string msg)");
        e.Message.Should().Contain("get-number: func() -> u32").And.Contain("uint");
        e.Message.Should().Contain("the delegate Func<string> for 'get-number'").And.NotContain("`", "a delegate is named the C# way, not by its generic arity");
    }

    [Fact]
    public void Unimplemented_imports_can_become_traps_instead()
    {
        using var instance = Imports.Value.Instantiate(new InstanceOptions { TrapUnimplementedImports = true });
        var act = () => (object)instance.Exports.Run("x");
        act.Should().Throw<ComponentTrapException>();
    }

    private sealed class LoggerHost(List<(byte, string)> lines)
    {
        public void Log(byte level, string msg) => lines.Add((level, msg));
    }

    private sealed class WrongLogger
    {
        public void Log(int level, int msg)
        {
        }
    }
}
