using FluentAssertions;
using WasmDynamic.Wit;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// The exact WIT text of <see cref="WasmComponent.ToWit"/>. The world block of every fixture is what <c>npx jco wit</c>
/// prints for it (jco prints nothing else); the package blocks after it follow wasm-tools' printer (blank lines between
/// interface items, none between interfaces, two between packages), and each text was checked to parse with
/// wasm-tools (jco's <c>componentEmbed</c>) and to read back to the same text.
/// </summary>
public class WitTextTests
{
    private static string Wit(string fixture)
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture));
        return component.ToWit();
    }

    [Fact]
    public void Scalars()
    {
        Wit("scalars.wat").Should().Be(
        """
        package root:component;

        world root {
          export roundtrip-bool: func(x: bool) -> bool;
          export roundtrip-s8: func(x: s8) -> s8;
          export roundtrip-u8: func(x: u8) -> u8;
          export roundtrip-s16: func(x: s16) -> s16;
          export roundtrip-u16: func(x: u16) -> u16;
          export roundtrip-s32: func(x: s32) -> s32;
          export roundtrip-u32: func(x: u32) -> u32;
          export roundtrip-s64: func(x: s64) -> s64;
          export roundtrip-u64: func(x: u64) -> u64;
          export roundtrip-f32: func(x: f32) -> f32;
          export roundtrip-f64: func(x: f64) -> f64;
          export roundtrip-char: func(x: char) -> char;
          export add: func(a: u32, b: u32) -> u32;
          export noop: func();
        }

        """);
    }

    [Fact]
    public void Strings()
    {
        Wit("strings.wat").Should().Be(
        """
        package root:component;

        world root {
          export echo: func(s: string) -> string;
          export concat: func(a: string, b: string) -> string;
          export len: func(s: string) -> u32;
          export roundtrip-list-u8: func(x: list<u8>) -> list<u8>;
          export sum: func(x: list<u8>) -> u32;
        }

        """);
    }

    [Fact]
    public void Compound_records_variants_enums_flags_and_aliases()
    {
        Wit("compound.wat").Should().Be(
        """
        package root:component;

        world root {
          export demo:types/shapes@0.1.0;
        }
        package demo:types@0.1.0 {
          interface shapes {
            record point {
              x: s32,
              y: s32,
            }

            record mixed {
              a: bool,
              b: u8,
              c: s16,
              d: u64,
              e: f32,
              f: string,
            }

            variant shape {
              circle(f64),
              rect(point),
              none,
            }

            enum color {
              red,
              green,
              blue-ish,
            }

            flags perms1 {
              read,
            }

            flags perms8 {
              read,
              write,
              exec,
              delete,
              %list,
              admin,
              share,
              audit,
            }

            flags perms16 {
              f0,
              f1,
              f2,
              f3,
              f4,
              f5,
              f6,
              f7,
              f8,
              f9,
              f10,
              f11,
              f12,
              f13,
              f14,
              f15,
            }

            flags perms32 {
              f0,
              f1,
              f2,
              f3,
              f4,
              f5,
              f6,
              f7,
              f8,
              f9,
              f10,
              f11,
              f12,
              f13,
              f14,
              f15,
              f16,
              f17,
              f18,
              f19,
              f20,
              f21,
              f22,
              f23,
              f24,
              f25,
              f26,
              f27,
              f28,
              f29,
              f30,
              f31,
            }

            record drawing {
              name: string,
              shapes: list<shape>,
              tint: option<color>,
            }

            record big {
              a: u8,
              b: u16,
              c: u32,
              d: u64,
              e: s8,
              f: s16,
              g: s32,
              h: s64,
              i: f32,
              j: f64,
              k: char,
              l: bool,
              m: string,
              n: point,
              o: color,
            }

            roundtrip-point: func(p: point) -> point;

            make-point: func(x: s32, y: s32) -> point;

            roundtrip-mixed: func(m: mixed) -> mixed;

            roundtrip-shape: func(s: shape) -> shape;

            roundtrip-color: func(c: color) -> color;

            roundtrip-perms1: func(p: perms1) -> perms1;

            roundtrip-perms8: func(p: perms8) -> perms8;

            roundtrip-perms16: func(p: perms16) -> perms16;

            roundtrip-perms32: func(p: perms32) -> perms32;

            roundtrip-tuple: func(x: tuple<u32, string, f64>) -> tuple<u32, string, f64>;

            roundtrip-option: func(x: option<string>) -> option<string>;

            roundtrip-result: func(x: result<u32, string>) -> result<u32, string>;

            roundtrip-result-unit: func(x: result) -> result;

            roundtrip-nested-options: func(x: option<option<u32>>) -> option<option<u32>>;

            roundtrip-list-point: func(x: list<point>) -> list<point>;

            roundtrip-list-shape: func(x: list<shape>) -> list<shape>;

            roundtrip-list-option-point: func(x: list<option<point>>) -> list<option<point>>;

            roundtrip-result-list: func(x: result<list<string>, color>) -> result<list<string>, color>;

            roundtrip-list-list-string: func(x: list<list<string>>) -> list<list<string>>;

            roundtrip-drawing: func(d: drawing) -> drawing;

            roundtrip-big: func(b: big) -> big;

            area: func(s: shape) -> f64;

            divide: func(a: f64, b: f64) -> result<f64, string>;
          }
        }

        """);
    }

    [Fact]
    public void Imports_an_interface_and_a_function()
    {
        Wit("imports.wat").Should().Be(
        """
        package root:component;

        world root {
          import demo:host/logger@0.1.0;
          import get-number: func() -> u32;

          export run: func(msg: string) -> u32;
        }
        package demo:host@0.1.0 {
          interface logger {
            log: func(level: u8, msg: string);
          }
        }

        """);
    }

    [Fact]
    public void Resources_in_wasm_tools_layout()
    {
        Wit("resources.wat").Should().Be(
        """
        package root:component;

        world root {
          export demo:res/counters;
          export drops: func() -> u32;
        }
        package demo:res {
          interface counters {
            resource counter {
              constructor(start: u32);
              increment: func() -> u32;
              get: func() -> u32;
              make-pair: static func(a: u32, b: u32) -> tuple<counter, counter>;
              merge: static func(a: counter, b: counter) -> counter;
            }
          }
        }

        """);
    }

    [Fact]
    public void Every_type_kind()
    {
        Wit("wit/alltypes.wat").Should().Be(
        """
        package root:component;

        world root {
          import demo:all/types@1.2.3;
        }
        package demo:all@1.2.3 {
          interface types {
            record point {
              x: s32,
              y: s32,
            }

            variant shape {
              circle(f64),
              rect(point),
              none,
            }

            enum color {
              red,
              green,
              blue-ish,
            }

            flags perms {
              read,
              write,
              exec,
            }

            type bytes = list<u8>;

            type pair = tuple<u32, string>;

            type maybe = option<point>;

            type outcome = result<u32, string>;

            f: func(a: bool, b: s8, c: u8, d: s16, e: u16, f: s32, g: u32, h: s64, i: u64, j: f32, k: f64, l: char, m: string);

            g: func(p: point, s: shape, c: color, q: perms) -> point;

            h: func(b: bytes, t: pair, m: maybe) -> outcome;

            results: func(a: result, b: result<u8>, c: result<_, u8>, d: result<u8, string>);

            anon: func(l: list<list<string>>, o: option<option<u32>>) -> tuple<s64, list<color>>;
          }
        }

        """);
    }

    [Fact]
    public void Maps()
    {
        Wit("wit/map.wat").Should().Be(
        """
        package root:component;

        world root {
          import demo:maps/kv;
        }
        package demo:maps {
          interface kv {
            type dict = map<string, u32>;

            lookup: func(d: dict, k: string) -> option<u32>;

            invert: func(m: map<u32, string>) -> map<string, list<u32>>;
          }
        }

        """);
    }

    [Fact]
    public void Keywords_are_escaped_with_percent()
    {
        Wit("wit/keywords.wat").Should().Be(
        """
        package root:component;

        world root {
          import demo:keywords/%type;
          import %static: interface {
            %import: func(%export: bool);
          }
          import %world: func(%package: u32) -> string;
        }
        package demo:keywords {
          interface %type {
            record %record {
              %type: u32,
              %list: string,
              %own: bool,
            }

            enum %enum {
              %enum,
              %flags,
              plain,
            }

            variant %stream {
              %variant(u8),
              %result,
            }

            %list: func(%type: %record, %use: %enum) -> %stream;

            %func: func(%interface: string);
          }
        }

        """);
    }

    [Fact]
    public void Uses_within_and_across_packages_and_packages_in_dependency_order()
    {
        // wasm-tools prints `peek: func(s: input-ref)`: the binary refers to the alias (before the binary reader this
        // expectation read `borrow<input-stream>`, Wasmtime's reflection having no alias identity).
        Wit("wit/uses.wat").Should().Be(
        """
        package root:component;

        world root {
          import demo:base/errors@0.1.0;
          import demo:io/poll@0.1.0;
          import demo:io/streams@0.1.0;
          import demo:cli/stdin@0.1.0;
        }
        package demo:base@0.1.0 {
          interface errors {
            resource error {
              describe: func() -> string;
            }

            enum code {
              closed,
              timeout,
            }
          }
        }


        package demo:io@0.1.0 {
          interface poll {
            resource pollable {
              ready: func() -> bool;
            }

            poll: func(in: list<borrow<pollable>>) -> list<u32>;
          }
          interface streams {
            use demo:base/errors@0.1.0.{error, code};
            use poll.{pollable};

            variant stream-error {
              failed(error),
              code(code),
              closed,
            }

            resource input-stream {
              constructor(name: string);
              read: func(len: u64) -> result<list<u8>, stream-error>;
              subscribe: func() -> pollable;
              open: static func(path: string) -> result<input-stream, stream-error>;
              merge: static func(a: borrow<input-stream>, b: borrow<input-stream>) -> input-stream;
            }

            type input-ref = borrow<input-stream>;

            peek: func(s: input-ref) -> option<u8>;
          }
        }


        package demo:cli@0.1.0 {
          interface stdin {
            use demo:io/streams@0.1.0.{input-stream};

            get-stdin: func() -> input-stream;
          }
        }

        """);
    }

    [Fact]
    public void World_level_items()
    {
        // The world block is what `jco wit` prints (the reader reads the world's type imports from the binary; the
        // expectation before the binary reader had `record record0`, Wasmtime not reporting value-type imports).
        Wit("wit/world.wat").Should().Be(
        """
        package root:component;

        world root {
          import demo:base/errors@0.1.0;
          import host: interface {
            now: func() -> u64;
          }
          use demo:base/errors@0.1.0.{code};

          record point {
            x: f32,
            y: f32,
          }

          resource thing {
            constructor(p: point);
            where: func() -> point;
            default: static func() -> thing;
          }
          import log: func(msg: string);
          import check: func(c: code) -> bool;
        }
        package demo:base@0.1.0 {
          interface errors {
            enum code {
              closed,
              timeout,
            }
          }
        }

        """);
    }

    [Fact]
    public void Identifiers_that_are_keywords_get_a_percent()
    {
        WitPrinter.Identifier("type").Should().Be("%type");
        WitPrinter.Identifier("list").Should().Be("%list");
        WitPrinter.Identifier("error-context").Should().Be("%error-context");
        WitPrinter.Identifier("float32").Should().Be("%float32");
        WitPrinter.Identifier("types").Should().Be("types");
        WitPrinter.Identifier("blue-ish").Should().Be("blue-ish");
    }

    [Fact]
    public void Types_and_signatures_outside_a_world()
    {
        var point = new WitRecord(new[] { new WitField("x", WitType.S32), new WitField("type", WitType.S32) });
        point.ToString().Should().Be("record { x: s32, %type: s32 }", "an unnamed record has no WIT spelling, so it is spelled out");
        (point with { Name = "point" }).ToString().Should().Be("point");
        new WitResult(null, WitType.String).ToString().Should().Be("result<_, string>");
        new WitMap(WitType.String, new WitList(WitType.U8)).ToString().Should().Be("map<string, list<u8>>");

        var counter = new WitResource("counter", "demo:res/counters");
        var borrow = new WitHandle(counter, IsBorrow: true);
        var own = new WitHandle(counter, IsBorrow: false);
        new WitFunction("[constructor]counter", new[] { new WitParameter("start", WitType.U32) }, own).Signature
            .Should().Be("counter: constructor(start: u32)");
        new WitFunction("[method]counter.get", new[] { new WitParameter("self", borrow) }, WitType.U32).Signature
            .Should().Be("counter.get: func() -> u32");
        new WitFunction("[static]counter.merge", new[] { new WitParameter("a", borrow), new WitParameter("b", borrow) }, own).Signature
            .Should().Be("counter.merge: static func(a: borrow<counter>, b: borrow<counter>) -> counter");
        new WitFunction("list", new[] { new WitParameter("type", WitType.Bool) }, null).Signature
            .Should().Be("%list: func(%type: bool)");
    }
}

/// <summary>The componentize-js demo against <c>jco wit</c> and its own WIT source.</summary>
[Collection(JsDemoCollection.Name)]
public class WitTextDemoTests(JsDemoFixture demo)
{
    [Fact]
    public void World_block_is_what_jco_wit_prints()
    {
        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "js", "demo.expected.wit"));
        var wit = demo.Component.ToWit();

        // jco prints the world block only, and console.log adds a newline after it.
        var worldBlock = wit[..(wit.IndexOf("\n}\n", StringComparison.Ordinal) + 3)];
        worldBlock.Should().Be(expected.TrimEnd('\n') + "\n");
        wit.Should().StartWith(expected.TrimEnd('\n') + "\npackage demo:calc@0.1.0 {\n");
    }

    [Theory]
    [InlineData("types")]
    [InlineData("counters")]
    [InlineData("logger")]
    public void Interfaces_read_like_their_wit_source(string name)
    {
        // Every type definition and signature of wit/world.wit, in its order; doc comments and blank lines aside
        // (wasm-tools sets each item apart with a blank line; Wasmtime does not carry doc comments).
        var source = File.ReadAllText(FindUp(Path.Combine("tests", "fixtures", "js", "demo", "wit", "world.wit")));
        var wit = demo.Component.ToWit();
        Body(wit, name).Should().Equal(Body(source, name));
        Body(wit, name).Should().NotBeEmpty();
    }

    [Fact]
    public void Resources_are_printed_with_their_functions()
    {
        demo.Component.ToWit().Should().Contain(
            """
              interface counters {
                resource counter {
                  constructor(start: u32);
                  increment: func() -> u32;
                  get: func() -> u32;
                  merge: static func(a: borrow<counter>, b: borrow<counter>) -> counter;
                }
              }

            """);
    }

    [Fact]
    public void Wasi_packages_follow_in_dependency_order_with_use_statements()
    {
        var wit = demo.Component.ToWit();
        wit.Should().Contain(
        """
        package wasi:io@0.2.12 {
          interface poll {
            resource pollable {
              block: func();
            }

            poll: func(in: list<borrow<pollable>>) -> list<u32>;
          }
          interface error {
            resource error;
          }
          interface streams {
            use error.{error};
            use poll.{pollable};

            resource input-stream {
              read: func(len: u64) -> result<list<u8>, stream-error>;
              blocking-read: func(len: u64) -> result<list<u8>, stream-error>;
              subscribe: func() -> pollable;
            }

            resource output-stream {
              check-write: func() -> result<u64, stream-error>;
              write: func(contents: list<u8>) -> result<_, stream-error>;
              blocking-write-and-flush: func(contents: list<u8>) -> result<_, stream-error>;
              blocking-flush: func() -> result<_, stream-error>;
              subscribe: func() -> pollable;
            }

            variant stream-error {
              last-operation-failed(error),
              closed,
            }
          }
        }

        """);

        // Across packages a `use` names the full interface path.
        wit.Should().Contain("  interface stdin {\n    use wasi:io/streams@0.2.12.{input-stream};\n\n    get-stdin: func() -> input-stream;\n  }\n");
        wit.Should().Contain(
            """
              interface types {
                use wasi:io/error@0.2.12.{error};
                use wasi:io/streams@0.2.12.{output-stream};
                use wasi:clocks/wall-clock@0.2.12.{datetime};

                enum error-code {
            """);
        wit.Should().Contain("  interface preopens {\n    use types.{descriptor};\n\n    get-directories: func() -> list<tuple<descriptor, string>>;\n  }\n");

        var order = new[] { "package demo:calc@0.1.0 {", "package wasi:io@0.2.12 {", "package wasi:cli@0.2.12 {", "package wasi:clocks@0.2.12 {", "package wasi:filesystem@0.2.12 {" }
            .Select(p => wit.IndexOf("\n}\n" + p, StringComparison.Ordinal) is var i and >= 0 ? i : wit.IndexOf("\n}\n\n\n" + p, StringComparison.Ordinal))
            .ToList();
        order.Should().OnlyContain(i => i >= 0).And.BeInAscendingOrder();
    }

    /// <summary>The lines of <c>interface name { … }</c>, trimmed, without blank lines and doc comments.</summary>
    private static List<string> Body(string wit, string name)
    {
        var lines = wit.Split('\n');
        var start = Array.FindIndex(lines, l => l.Trim() == $"interface {name} {{");
        start.Should().BeGreaterThanOrEqualTo(0, $"interface {name} is printed");
        var indent = lines[start].Length - lines[start].TrimStart().Length;
        var body = new List<string>();
        for (var n = start + 1; n < lines.Length; n++)
        {
            if (lines[n].Trim() == "}" && lines[n].Length - lines[n].TrimStart().Length == indent)
            {
                break;
            }

            var line = lines[n].Trim();
            if (line.Length > 0 && !line.StartsWith("///", StringComparison.Ordinal))
            {
                body.Add(line);
            }
        }

        return body;
    }

    private static string FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, relative);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
