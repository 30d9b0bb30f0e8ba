using System.Reflection;
using System.Text;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Bindgen.Tests;

/// <summary>
/// Contract tests: the generated bindings are compiled with Roslyn together with a small scenario that calls the
/// component through them; the same calls made through <c>dynamic</c> must give the same results.
/// </summary>
public class ContractTests
{
    private static readonly ComponentRuntime Runtime = new();

    private static Assembly Build(WasmComponent component, string ns, string scenario) =>
        Compiler.Compile(Bindgen.Generate(ns, component.World), scenario);

    [Fact]
    public void Compound_types_round_trip_the_same_through_generated_interfaces_and_dynamic()
    {
        using var component = Runtime.Load(Fixtures.Path("compound.wat"));
        var assembly = Build(component, "Gen.Compound", """
            using System.Collections.Generic;
            using WasmDynamic;
            using Gen.Compound;

            public static class Scenario
            {
                public static object?[] Run(ComponentInstance instance)
                {
                    var s = WitBindings.Bind(instance).Shapes;
                    return
                    [
                        s.RoundtripPoint(new Point(1, -2)),
                        s.MakePoint(5, 6),
                        s.RoundtripMixed(new Mixed(true, 200, -3, ulong.MaxValue, 1.5f, "mixed")),
                        s.RoundtripShape(new Shape.Circle(2.5)),
                        s.RoundtripShape(new Shape.Rect(new Point(3, 4))),
                        s.RoundtripShape(new Shape.None()),
                        s.RoundtripColor(Color.BlueIsh),
                        s.RoundtripPerms1(Perms1.Read),
                        s.RoundtripPerms8(Perms8.Read | Perms8.Audit),
                        s.RoundtripPerms16(Perms16.F0 | Perms16.F15),
                        s.RoundtripPerms32(Perms32.F31 | Perms32.F1),
                        s.RoundtripTuple((7u, "seven", 7.5)),
                        s.RoundtripOption("x"),
                        s.RoundtripOption(null),
                        s.RoundtripResult(Result<uint, string>.Err("bad")),
                        s.RoundtripResult(Result<uint, string>.Ok(3)),
                        s.RoundtripResultUnit(Result<Unit, Unit>.Err(default)),
                        s.RoundtripNestedOptions(Option<uint?>.Some(null)),
                        s.RoundtripNestedOptions(Option<uint?>.Some(4)),
                        s.RoundtripNestedOptions(Option<uint?>.None),
                        s.RoundtripListPoint([new Point(1, 2), new Point(3, 4)]),
                        s.RoundtripListShape([new Shape.Circle(1), new Shape.None()]),
                        s.RoundtripListOptionPoint([new Point(1, 1), null]),
                        s.RoundtripResultList(Result<IReadOnlyList<string>, Color>.Ok(["a", "b"])),
                        s.RoundtripResultList(Result<IReadOnlyList<string>, Color>.Err(Color.Green)),
                        s.RoundtripListListString([["a"], [], ["b", "c"]]),
                        s.RoundtripDrawing(new Drawing("d", [new Shape.Rect(new Point(1, 2)), new Shape.None()], Color.Red)),
                        s.RoundtripDrawing(new Drawing("e", [], null)),
                        s.RoundtripBig(new Big(1, 2, 3, 4, -5, -6, -7, -8, 9.5f, 10.5, new System.Text.Rune(0x1F600), true, "m", new Point(11, 12), Color.Green)),
                        s.Area(new Shape.Rect(new Point(3, 4))),
                        s.Divide(1, 0),
                        s.Divide(1, 4),
                    ];
                }

                public static bool RecordsCompareByValue() =>
                    new Drawing("d", [new Shape.Circle(1)], null) == new Drawing("d", [new Shape.Circle(1)], null)
                    && new Drawing("d", [new Shape.Circle(1)], null).GetHashCode() == new Drawing("d", [new Shape.Circle(1)], null).GetHashCode()
                    && new Drawing("d", [new Shape.Circle(1)], null) != new Drawing("d", [new Shape.Circle(2)], null);
            }
            """);

        using var instance = component.Instantiate();
        var typed = (object?[])Compiler.Call(assembly, "Run", instance)!;

        dynamic s = instance.Exports.Shapes;
        object color = s.RoundtripColor("green");
        var resultList = typeof(Result<,>).MakeGenericType(typeof(string[]), color.GetType());
        object?[] expected =
        [
            s.RoundtripPoint(new { X = 1, Y = -2 }),
            s.MakePoint(5, 6),
            s.RoundtripMixed(new { A = true, B = 200, C = -3, D = ulong.MaxValue, E = 1.5f, F = "mixed" }),
            s.RoundtripShape(new { Case = "circle", Value = 2.5 }),
            s.RoundtripShape(new { Case = "rect", Value = new { X = 3, Y = 4 } }),
            s.RoundtripShape("none"),
            s.RoundtripColor("blue-ish"),
            s.RoundtripPerms1("read"),
            s.RoundtripPerms8("read, audit"),
            s.RoundtripPerms16("f0, f15"),
            s.RoundtripPerms32(new[] { "f31", "f1" }),
            s.RoundtripTuple((7u, "seven", 7.5)),
            s.RoundtripOption("x"),
            s.RoundtripOption(null),
            s.RoundtripResult(Result.Err<uint, string>("bad")),
            s.RoundtripResult(Result.Ok<uint, string>(3)),
            s.RoundtripResultUnit(Result.Err<Unit, Unit>(default)),
            s.RoundtripNestedOptions(Option<uint?>.Some(null)),
            s.RoundtripNestedOptions(Option<uint?>.Some(4)),
            s.RoundtripNestedOptions(Option<uint?>.None),
            s.RoundtripListPoint(new[] { new { X = 1, Y = 2 }, new { X = 3, Y = 4 } }),
            s.RoundtripListShape(new object[] { new { Case = "circle", Value = 1.0 }, "none" }),
            s.RoundtripListOptionPoint(new object?[] { new { X = 1, Y = 1 }, null }),
            s.RoundtripResultList(resultList.GetMethod("Ok")!.Invoke(null, [new[] { "a", "b" }])),
            s.RoundtripResultList(resultList.GetMethod("Err")!.Invoke(null, [color])),
            s.RoundtripListListString(new[] { new[] { "a" }, Array.Empty<string>(), new[] { "b", "c" } }),
            s.RoundtripDrawing(new { Name = "d", Shapes = new object[] { new { Case = "rect", Value = new { X = 1, Y = 2 } }, "none" }, Tint = "red" }),
            s.RoundtripDrawing(new { Name = "e", Shapes = Array.Empty<object>(), Tint = (string?)null }),
            s.RoundtripBig(new { A = 1, B = 2, C = 3, D = 4, E = -5, F = -6, G = -7, H = -8, I = 9.5f, J = 10.5, K = new Rune(0x1F600), L = true, M = "m", N = new { X = 11, Y = 12 }, O = "green" }),
            s.Area(new { Case = "rect", Value = new { X = 3, Y = 4 } }),
            s.Divide(1, 0),
            s.Divide(1, 4),
        ];

        Canonical.RenderAll(typed).Should().Equal(Canonical.RenderAll(expected));
        Canonical.Render(typed[26]).Should().Be("{Name=\"d\", Shapes=[Rect({X=1, Y=2}), None], Tint=Red}");
        Canonical.Render(typed[30]).Should().Be("err(\"division by zero\")");
        ((bool)Compiler.Call(assembly, "RecordsCompareByValue")!).Should().BeTrue("generated records with lists compare element by element");
    }

    [Fact]
    public void Guest_resources_work_the_same_through_generated_interfaces_and_dynamic()
    {
        using var component = Runtime.Load(Fixtures.Path("resources.wat"));
        var assembly = Build(component, "Gen.Resources", """
            using WasmDynamic;
            using Gen.Resources;

            public static class Scenario
            {
                public static object?[] Run(ComponentInstance instance)
                {
                    var exports = WitBindings.Bind(instance);
                    ICounter counter = exports.Counters.CreateCounter(41);
                    var incremented = counter.Increment();
                    var got = counter.Get();
                    var (a, b) = exports.Counters.CounterMakePair(3, 10);
                    using var merged = exports.Counters.CounterMerge(a, b);
                    var total = merged.Get();
                    counter.Dispose();
                    return [incremented, got, total, exports.Root.Drops()];
                }
            }
            """);

        using (var instance = component.Instantiate())
        {
            var typed = (object?[])Compiler.Call(assembly, "Run", instance)!;
            using var other = component.Instantiate();
            var counters = other.Exports.Counters;
            var counter = counters.Counter(41);
            object incremented = counter.Increment();
            object got = counter.Get();
            var pair = counters.CounterMakePair(3, 10);
            var merged = counters.CounterMerge(pair.Item1, pair.Item2);
            object total = merged.Get();
            counter.Dispose();
            object drops = other.Exports.Drops();
            merged.Dispose();
            Canonical.RenderAll(typed).Should().Equal(Canonical.RenderAll([incremented, got, total, drops]));
            Canonical.RenderAll(typed).Should().Equal("42", "42", "13", "3");
        }
    }

    [Fact]
    public void Host_imports_supplied_through_generated_interfaces_behave_like_plain_objects()
    {
        using var component = Runtime.Load(Fixtures.Path("imports.wat"));
        var assembly = Build(component, "Gen.Imports", """
            using System.Collections.Generic;
            using WasmDynamic;
            using Gen.Imports;

            // Implemented explicitly: the generated registration adapts it to the names WasmDynamic matches.
            public sealed class Logger : ILoggerImport
            {
                public List<string> Lines { get; } = new();

                void ILoggerImport.Log(byte level, string msg) => Lines.Add(level + ":" + msg);
            }

            public sealed class Numbers : IRootImports
            {
                public uint GetNumber() => 41;
            }

            public static class Scenario
            {
                public static object?[] Run(WasmComponent component)
                {
                    var logger = new Logger();
                    using var instance = component.Instantiate(new ComponentImports().AddLogger(logger).AddRootImports(new Numbers()));
                    var root = WitBindings.Bind(instance).Root;
                    return [root.Run("hello"), root.Run("again"), string.Join("|", logger.Lines)];
                }
            }
            """);

        var typed = (object?[])Compiler.Call(assembly, "Run", component)!;

        var lines = new List<string>();
        using var instance = component.Instantiate(new ComponentImports()
            .Add("demo:host/logger@0.1.0", new { Log = (Action<byte, string>)((level, msg) => lines.Add(level + ":" + msg)) })
            .Add("get-number", (Func<uint>)(() => 41)));
        object first = instance.Exports.Run("hello");
        object second = instance.Exports.Run("again");
        Canonical.RenderAll(typed).Should().Equal(Canonical.RenderAll([first, second, string.Join("|", lines)]));
        Canonical.RenderAll(typed).Should().Equal("42", "42", "\"2:hello|2:again\"");
    }

    [Fact]
    public void A_host_resource_implemented_from_the_generated_abstract_class_behaves_like_a_plain_class()
    {
        using var component = Runtime.Load(Fixtures.Path("host-resources.wat"));
        var assembly = Build(component, "Gen.HostResources", """
            using System.Collections.Generic;
            using System.Linq;
            using WasmDynamic;
            using Gen.HostResources;

            public sealed class MyBlob : Blob, IBlobStatics<MyBlob>
            {
                public static readonly List<MyBlob> Created = new();
                private readonly System.Text.StringBuilder _text;

                public MyBlob(string init)
                {
                    _text = new System.Text.StringBuilder(init);
                    Created.Add(this);
                }

                public bool Disposed { get; private set; }

                public string Text => _text.ToString();

                public override void Append(string s) => _text.Append(s);

                public override uint Len() => (uint)_text.Length;

                public override Blob Copy() => new MyBlob(Text + Text);

                public override Blob Join(Blob other) => new MyBlob(Text + ((MyBlob)other).Text);

                public override uint Same(Blob other) => ReferenceEquals(this, other) ? 1u : 0u;

                public static Blob Concat(Blob a, Blob b) => new MyBlob(((MyBlob)a).Text + ((MyBlob)b).Text);

                protected override void Dispose(bool disposing) => Disposed = true;
            }

            public static class Scenario
            {
                public static object?[] Run(WasmComponent component)
                {
                    using var instance = component.Instantiate(new ComponentImports().AddBlob<MyBlob>());
                    var root = WitBindings.Bind(instance).Root;
                    var run = root.Run("abc");
                    var twice = root.Twice("xy");
                    var created = MyBlob.Created.Select(b => b.Text + (b.Disposed ? " (dropped)" : string.Empty)).ToArray();
                    return [run, twice, string.Join("|", created)];
                }
            }
            """);

        var typed = (object?[])Compiler.Call(assembly, "Run", component)!;

        using var instance = component.Instantiate(new ComponentImports().AddResource<PlainBlob>("demo:host/store@0.1.0", "blob"));
        object run = instance.Exports.Run("abc");
        object twice = instance.Exports.Twice("xy");
        Canonical.RenderAll(typed.Take(2)).Should().Equal(Canonical.RenderAll([run, twice]));
        typed[2].Should().Be("abc! (dropped)|xy (dropped)|xyxy (dropped)", "each guest handle is one object, disposed when the guest drops it");
    }

    [Fact]
    public void The_componentize_js_demo_works_the_same_through_generated_interfaces_and_dynamic()
    {
        using var component = Runtime.Load(Fixtures.Path("js/demo.wasm"));
        var assembly = Build(component, "Gen.Demo", """
            using System.Collections.Generic;
            using System.IO;
            using WasmDynamic;
            using Gen.Demo;

            public sealed class Logger : ILoggerImport
            {
                public List<string> Lines { get; } = new();

                public void Log(byte level, string msg) => Lines.Add(level + ":" + msg);
            }

            public static class Scenario
            {
                public static object?[] Run(WasmComponent component, TextWriter stdout)
                {
                    var logger = new Logger();
                    using var instance = component.Instantiate(new InstanceOptions
                    {
                        Imports = new ComponentImports().AddLogger(logger),
                        Wasi = new WasiOptions { StandardOutput = stdout },
                    });
                    var exports = WitBindings.Bind(instance);
                    var types = exports.Types;
                    using var a = exports.Counters.CreateCounter(5);
                    using var b = exports.Counters.CreateCounter(10);
                    var incremented = a.Increment();
                    using var merged = exports.Counters.CounterMerge(a, b);
                    return
                    [
                        exports.Root.Add(1, 2),
                        exports.Root.Add(uint.MaxValue, 2),
                        exports.Root.Greet("Ada"),
                        exports.Root.HelloWorld(),
                        types.Area(new Shape.Rect(new Point(3, -4))),
                        types.Area(new Shape.Circle(1)),
                        types.Area(new Shape.None()),
                        types.Describe(new Person("Ada", 36, ["math", "code"], "Countess")),
                        types.Describe(new Person("Bob", 1, [], null)),
                        types.Mix(Color.BlueIsh, Perms.Read | Perms.Exec),
                        types.Divide(1, 4),
                        types.Divide(1, 0),
                        types.Swap((7, "x")),
                        types.FirstEven([1, 3, long.MinValue, 4]),
                        types.FirstEven([1, 3]),
                        types.EchoPoint(new Point(-1, 2)),
                        incremented,
                        merged.Get(),
                        a.Get(),
                        string.Join("|", logger.Lines),
                    ];
                }
            }
            """);

        var typedOut = new StringWriter();
        var typed = (object?[])Compiler.Call(assembly, "Run", component, typedOut)!;

        var lines = new List<string>();
        var dynamicOut = new StringWriter();
        using var instance = component.Instantiate(new InstanceOptions
        {
            Imports = new ComponentImports().Add("demo:calc/logger@0.1.0", new { Log = (Action<byte, string>)((level, msg) => lines.Add(level + ":" + msg)) }),
            Wasi = new WasiOptions { StandardOutput = dynamicOut },
        });
        var types = instance.Exports.Types;
        var counters = instance.Exports.Counters;
        using var a = counters.Counter(5);
        using var b = counters.Counter(10);
        object incremented = a.Increment();
        using var merged = counters.CounterMerge(a, b);
        object?[] expected =
        [
            instance.Exports.Add(1, 2),
            instance.Exports.Add(uint.MaxValue, 2),
            instance.Exports.Greet("Ada"),
            instance.Exports.HelloWorld(),
            types.Area(new { Case = "rect", Value = new { X = 3, Y = -4 } }),
            types.Area(new { Case = "circle", Value = 1.0 }),
            types.Area("none"),
            types.Describe(new { Name = "Ada", Age = 36, Tags = new[] { "math", "code" }, Nickname = "Countess" }),
            types.Describe(new { Name = "Bob", Age = 1, Tags = Array.Empty<string>(), Nickname = (string?)null }),
            types.Mix("blue-ish", "read, exec"),
            types.Divide(1, 4),
            types.Divide(1, 0),
            types.Swap((7u, "x")),
            types.FirstEven(new[] { 1L, 3, long.MinValue, 4 }),
            types.FirstEven(new[] { 1L, 3 }),
            types.EchoPoint(new { X = -1, Y = 2 }),
            incremented,
            merged.Get(),
            a.Get(),
            string.Join("|", lines),
        ];

        Canonical.RenderAll(typed).Should().Equal(Canonical.RenderAll(expected));
        Canonical.Render(typed[7]).Should().Be("\"Ada (36) aka Countess [math,code]\"");
        Canonical.Render(typed[11]).Should().Be("err(\"division by zero\")");
        typedOut.ToString().Should().Be("hello from js\n").And.Be(dynamicOut.ToString());
    }
}

/// <summary>The dynamic side's implementation of <c>resource blob</c> (a plain class, as WasmDynamic takes it).</summary>
public sealed class PlainBlob
{
    private readonly StringBuilder _text;

    public PlainBlob(string init) => _text = new StringBuilder(init);

    public void Append(string s) => _text.Append(s);

    public uint Len() => (uint)_text.Length;

    public PlainBlob Copy() => new(_text.ToString() + _text);

    public PlainBlob Join(PlainBlob other) => new(_text.ToString() + other._text);

    public uint Same(PlainBlob other) => ReferenceEquals(this, other) ? 1u : 0u;

    public static PlainBlob Concat(PlainBlob a, PlainBlob b) => new(a._text.ToString() + b._text);
}

/// <summary>Contract tests for names that collide by design (Fixtures/identity).</summary>
public class IdentityContractTests
{
    private static readonly ComponentRuntime Runtime = new();

    [Fact]
    public void Generated_code_keeps_the_hosts_and_the_guests_resource_of_one_name_apart_and_a_static_apart_from_a_freestanding_function()
    {
        using var component = Runtime.Load(Fixtures.Path("identity/same-names.wat"));
        var assembly = Compiler.Compile(Bindgen.Generate("Gen.SameNames", component.World), """
            using WasmDynamic;
            using Gen.SameNames;

            public sealed class MyThing : Thing
            {
                private readonly uint _n;
                public MyThing(uint n) => _n = n;
                public override uint N() => _n + 1;
            }

            public static class Scenario
            {
                public static object?[] Run(WasmComponent component)
                {
                    using var instance = component.Instantiate(new ComponentImports().AddThing<MyThing>());
                    var e = WitBindings.Bind(instance);
                    using var guest = e.Things.CreateThing(4);
                    return [e.Root.UseThing(4), guest.N(), e.Calc.Add(1, 2), e.Calc.XAdd(1, 2)];
                }
            }
            """);

        var results = (object?[])Compiler.Call(assembly, "Run", component)!;
        results.Should().Equal(5u, 40u, 3u, 1003u);
    }

    [Fact]
    public void Generated_code_implements_a_world_level_host_resource_and_calls_a_world_level_guest_resource()
    {
        using var component = Runtime.Load(Fixtures.Path("identity/world-resources.wat"));
        var assembly = Compiler.Compile(Bindgen.Generate("Gen.WorldRes", component.World), """
            using WasmDynamic;
            using Gen.WorldRes;

            public sealed class MyR : R
            {
                private readonly uint _v;
                public MyR(uint v) => _v = v;
                public override uint Get() => _v * 2;
            }

            public static class Scenario
            {
                public static object?[] Run(WasmComponent component)
                {
                    using var instance = component.Instantiate(new ComponentImports().AddR<MyR>());
                    var root = WitBindings.Bind(instance).Root;
                    using var y = root.CreateY(5);
                    return [root.UseR(5), y.Get()];
                }
            }
            """);

        var results = (object?[])Compiler.Call(assembly, "Run", component)!;
        results.Should().Equal(11u, 12u);
    }
}

/// <summary>Generated names never clash with the BCL types that implicit usings bring into scope.</summary>
public class BclNameTests
{
    private static readonly ComponentRuntime Runtime = new();

    [Fact]
    public void WIT_names_like_task_version_and_logger_get_names_that_do_not_clash_under_implicit_usings()
    {
        using var component = Runtime.Load(Fixtures.Path("bcl-names.wat"));
        var files = Bindgen.Generate("Gen.Todo", component.World);
        files.Keys.Should().Contain(["TodoTask.g.cs", "TodoVersion.g.cs", "ILoggerImport.g.cs"]).And.NotContain(["Task.g.cs", "Version.g.cs", "ILogger.g.cs"]);
        var assembly = Compiler.Compile(files, """
            using System;
            using System.IO;
            using System.Collections.Generic;
            using System.Linq;
            using System.Net.Http;
            using System.Threading;
            using System.Threading.Tasks;
            using WasmDynamic;
            using Gen.Todo;

            public sealed class Logger : ILoggerImport
            {
                public static uint Last;
                public void Log(uint level) => Last = level;
            }

            public static class Scenario
            {
                public static object?[] Run(WasmComponent component)
                {
                    using var instance = component.Instantiate(new ComponentImports().AddLogger(new Logger()));
                    var e = WitBindings.Bind(instance);
                    TodoTask task = e.Todo.Make(4);
                    TodoVersion version = e.Todo.Current();
                    Task done = Task.CompletedTask;
                    Version bcl = new(1, 0);
                    return [task.Id, version.Major, e.Root.Run(), Logger.Last, done.IsCompleted, bcl.Major];
                }
            }
            """);
        var results = (object?[])Compiler.Call(assembly, "Run", component)!;
        results.Should().Equal(5u, 2u, 7u, 3u, true, 1);
    }
}
