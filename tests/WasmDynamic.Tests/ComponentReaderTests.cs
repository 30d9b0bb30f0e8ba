using FluentAssertions;
using WasmDynamic.Native;
using WasmDynamic.Wit;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// The world read from the component binary (issue 11): every shape whose identity Wasmtime's structural reflection
/// lost, against the reference WIT recorded with <c>jco wit</c> (Fixtures/identity/record.sh re-records it): the world
/// block of <c>X.wat</c> equals <c>X.wit</c>, and where the fixture has a plain-named copy (whose interface bodies jco
/// prints inside the world), the whole text of <c>X.plain.wat</c> equals <c>X.plain.wit</c>.
/// </summary>
public class ComponentReaderTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "identity", name);

    private static string WorldBlock(string wit) => wit[..(wit.IndexOf("\n}\n", StringComparison.Ordinal) + 3)];

    private static WasmComponent Load(ComponentRuntime runtime, string name) => runtime.Load(Fixture(name));

    [Theory]
    [InlineData("abort")]
    [InlineData("same-shape")]
    [InlineData("things")]
    [InlineData("random")]
    [InlineData("world-types")]
    [InlineData("import-export")]
    [InlineData("same-shape-exports")]
    [InlineData("renamed-use")]
    [InlineData("same-names")]
    [InlineData("ambiguous")]
    [InlineData("distinct")]
    [InlineData("import-export-records")]
    [InlineData("host-same-shape")]
    public void World_block_is_what_jco_wit_prints(string fixture)
    {
        using var runtime = new ComponentRuntime();
        using var component = Load(runtime, fixture + ".wat");
        var expected = File.ReadAllText(Fixture(fixture + ".wit"));
        WorldBlock(component.ToWit()).Should().Be(expected.TrimEnd('\n') + "\n");
    }

    [Theory]
    [InlineData("abort")]
    [InlineData("random")]
    [InlineData("import-export")]
    [InlineData("same-shape-exports")]
    [InlineData("same-names")]
    [InlineData("distinct")]
    [InlineData("import-export-records")]
    [InlineData("host-same-shape")]
    public void Plain_named_copy_prints_exactly_what_jco_wit_prints(string fixture)
    {
        using var runtime = new ComponentRuntime();
        using var component = Load(runtime, fixture + ".plain.wat");
        component.ToWit().Should().Be(File.ReadAllText(Fixture(fixture + ".plain.wit")).TrimEnd('\n') + "\n");
    }

    [Theory]
    [InlineData("abort")]
    [InlineData("same-shape")]
    [InlineData("things")]
    [InlineData("random")]
    [InlineData("world-types")]
    [InlineData("import-export")]
    [InlineData("same-shape-exports")]
    [InlineData("renamed-use")]
    [InlineData("same-names")]
    [InlineData("ambiguous")]
    [InlineData("distinct")]
    [InlineData("world-resources")]
    public void Reading_without_an_engine_gives_the_same_world(string fixture)
    {
        using var runtime = new ComponentRuntime();
        using var component = Load(runtime, fixture + ".wat");
        var binary = ComponentLoader.Wat2Wasm(File.ReadAllBytes(Fixture(fixture + ".wat")), fixture);
        var world = WitWorld.Read(binary);
        world.Should().Be(component.World);
        world.ToWit().Should().Be(component.ToWit());
    }

    [Fact]
    public void The_abort_shape_loads_prints_and_instantiates()
    {
        // Two interfaces with same-named records holding different resources: reading this through Wasmtime's
        // valtype equality aborted the process (exit 134). The test host surviving this test is the check.
        using var runtime = new ComponentRuntime();
        using var component = Load(runtime, "abort.wat");
        var a = component.World.FindImport("t:x/a")!;
        var b = component.World.FindImport("t:x/b")!;
        var ra = a.Types.OfType<WitRecord>().Single();
        var rb = b.Types.OfType<WitRecord>().Single();
        ra.Name.Should().Be("r");
        rb.Name.Should().Be("r");
        ra.Owner.Should().Be("t:x/a");
        rb.Owner.Should().Be("t:x/b");
        ra.Should().NotBe(rb);
        ((WitHandle)ra.Fields[0].Type).Resource.Should().BeSameAs(a.Types[0]);
        ((WitHandle)rb.Fields[0].Type).Resource.Should().BeSameAs(b.Types[0]);
        component.ToWit().Should().Contain("package t:x {\n  interface a {\n    resource thing;\n\n    record r {\n      t: thing,\n    }\n  }\n  interface b {");

        using var instance = component.Instantiate();
        instance.Should().NotBeNull();
    }

    [Fact]
    public void Same_shape_records_stay_distinct_and_aliases_keep_their_names()
    {
        using var runtime = new ComponentRuntime();
        using var component = Load(runtime, "same-shape.wat");
        var lists = component.World.FindImport("lists")!;
        lists.Types.Select(t => t.Name).Should().Equal(
            "list-in-record1", "list-in-record2", "list-in-record4", "list-in-alias", "filesize", "bytes");

        var f1 = lists.FindFunction("f1")!;
        var f2 = lists.FindFunction("f2")!;
        f1.Result!.Name.Should().Be("list-in-record1");
        f2.Result!.Name.Should().Be("list-in-record2");
        f1.Result.Should().NotBe(f2.Result, "same structure, two WIT types");

        var alias = lists.Types[3];
        alias.AliasOf.Should().BeSameAs(lists.Types[2]);
        alias.Should().BeOfType<WitRecord>().Which.Fields.Should().Equal(((WitRecord)lists.Types[2]).Fields);
        var f4 = lists.FindFunction("f4")!;
        f4.Parameters[0].Type.Should().BeSameAs(alias);
        f4.Result.Should().BeSameAs(lists.Types[2]);

        // Primitive aliases are used by name: `grow: func(size: filesize) -> filesize`.
        var grow = lists.FindFunction("grow")!;
        grow.Parameters[0].Type.Should().BeSameAs(lists.Types[4]);
        grow.Parameters[0].Type.Kind.Should().Be(WitTypeKind.U64);
        grow.Signature.Should().Be("grow: func(size: filesize) -> filesize");

        // A plain list<u8> stays plain next to `type bytes = list<u8>`.
        lists.FindFunction("raw")!.Signature.Should().Be("raw: func(len: u64) -> list<u8>");
        lists.FindFunction("raw")!.Result!.Name.Should().BeNull();
        lists.FindFunction("count")!.Signature.Should().Be("count: func(b: bytes) -> u32");
    }

    [Fact]
    public void Same_shape_exported_records_stay_distinct_through_dynamic_and_GetInterface()
    {
        using var runtime = new ComponentRuntime();
        using var component = Load(runtime, "same-shape-exports.wat");
        var shapes = component.World.FindExport("test:same/shapes")!;
        shapes.FindFunction("f2")!.Signature.Should().Be("f2: func(x: list-in-record2) -> list-in-record2");
        shapes.FindFunction("f3")!.Signature.Should().Be("f3: func(x: list-in-alias) -> list-in-record2");

        using var instance = component.Instantiate();
        var exports = instance.Exports["test:same/shapes"];
        object r1 = exports.F1(new { A = 1u });
        object r2 = exports.F2(new { A = 2u });
        object r3 = exports.F3(new { A = 3u });
        r1.GetType().Should().NotBe(r2.GetType(), "list-in-record1 and list-in-record2 are two WIT types");
        r1.GetType().Name.Should().Be("ListInRecord1");
        r2.GetType().Name.Should().Be("ListInRecord2");
        r3.GetType().Should().Be(r2.GetType(), "f3 returns list-in-record2");
        r2.ToString().Should().Be("ListInRecord2 { A = 2 }");

        var typed = instance.GetInterface<ISameShapes>();
        typed.F1(new ListInRecord1(7)).Should().Be(new ListInRecord1(7));
        typed.F2(new ListInRecord2(8)).Should().Be(new ListInRecord2(8));
        typed.F3(new ListInRecord2(9)).Should().Be(new ListInRecord2(9), "the alias list-in-alias is list-in-record2's type");
    }

    [Fact]
    public void An_interface_s_own_record_is_not_an_invented_use()
    {
        using var runtime = new ComponentRuntime();
        using var component = Load(runtime, "things.wat");
        var thingIn = component.World.FindImport("test:things/thing-in")!;
        var inAndOut = component.World.FindImport("test:things/thing-in-and-out")!;
        var uses = component.World.FindImport("test:things/uses-thing")!;
        inAndOut.Types[0].Owner.Should().Be("test:things/thing-in-and-out");
        inAndOut.Types[0].Should().NotBe(thingIn.Types[0]);
        uses.Types[0].Should().BeSameAs(thingIn.Types[0], "uses-thing really refers to thing-in's type");
        uses.FindFunction("get")!.Result.Should().BeSameAs(thingIn.Types[0]);

        component.ToWit()[WorldBlock(component.ToWit()).Length..].Should().Be(
        """
        package test:things {
          interface thing-in {
            record thing {
              name: string,
            }

            put: func(t: thing);
          }
          interface thing-in-and-out {
            record thing {
              name: string,
            }

            roundtrip: func(t: thing) -> thing;
          }
          interface uses-thing {
            use thing-in.{thing};

            get: func() -> thing;
          }
        }

        """);
    }

    [Fact]
    public void A_renamed_use_prints_as_use_with_as()
    {
        using var runtime = new ComponentRuntime();
        using var component = Load(runtime, "renamed-use.wat");
        var a = component.World.FindImport("t:r/a")!;
        var b = component.World.FindImport("t:r/b")!;
        b.Types[0].Should().BeSameAs(a.Types[0]);
        b.Types[1].AliasOf.Should().BeSameAs(a.Types[0]);
        b.Types[1].Name.Should().Be("other");
        b.Types[2].AliasOf.Should().BeSameAs(b.Types[1]);
        component.ToWit().Should().EndWith(
        """
          interface b {
            use a.{thing, thing as other};

            type same = other;

            f: func(o: other, s: same) -> thing;
          }
        }

        """);
    }

    [Fact]
    public void A_plain_list_u8_is_not_named_after_another_interface_s_alias()
    {
        using var runtime = new ComponentRuntime();
        using var component = Load(runtime, "random.wat");
        var random = component.World.FindImport("wasi:random/random")!;
        random.Types.Should().BeEmpty();
        random.FindFunction("get-random-bytes")!.Signature.Should().Be("get-random-bytes: func(len: u64) -> list<u8>");
        component.ToWit().Should().Contain("package wasi:random@0.2.3 {\n  interface random {\n    get-random-bytes: func(len: u64) -> list<u8>;\n");
        component.ToWit().Should().NotContain("use wasi:http");
    }

    [Fact]
    public void World_level_types_keep_their_names_and_aliases()
    {
        using var runtime = new ComponentRuntime();
        using var component = Load(runtime, "world-types.wat");
        var world = component.World;
        world.ImportedTypes.Select(t => t.Name).Should().Equal("level", "filesize", "point", "place", "handle");
        world.ImportedTypes[0].Owner.Should().Be("test:world/base");
        world.ImportedTypes[1].Should().Be(WitType.U64 with { Name = "filesize", Owner = string.Empty });
        world.ImportedTypes[3].AliasOf.Should().BeSameAs(world.ImportedTypes[2]);
        var handle = world.ImportedTypes[4].Should().BeOfType<WitResource>().Subject;
        handle.Direction.Should().Be(WitDirection.Import);
        world.ImportedFunctions.Single(f => f.Name == "measure").Signature.Should().Be("measure: func(p: point, l: level) -> filesize");
    }

    [Fact]
    public void An_interface_imported_and_exported_defines_two_resources()
    {
        using var runtime = new ComponentRuntime();
        using var component = Load(runtime, "import-export.wat");
        var imported = component.World.FindImport("t:x/a")!.Types.Should().ContainSingle().Subject.Should().BeOfType<WitResource>().Subject;
        var exported = component.World.FindExport("t:x/a")!.Types.Should().ContainSingle().Subject.Should().BeOfType<WitResource>().Subject;
        imported.Direction.Should().Be(WitDirection.Import);
        exported.Direction.Should().Be(WitDirection.Export);
        imported.Should().NotBe(exported);
        var constructor = component.World.FindImport("t:x/a")!.FindFunction("[constructor]thing")!;
        ((WitHandle)constructor.Result!).Resource.Should().BeSameAs(imported);
    }

    [Fact]
    public void Malformed_binary_passed_to_Load_names_the_problem()
    {
        // A type section whose entry count exceeds its bytes: Wasmtime rejects it first, with its own message.
        using var runtime = new ComponentRuntime();
        var act = () => runtime.Load(new byte[] { 0x00, 0x61, 0x73, 0x6D, 0x0D, 0x00, 0x01, 0x00, 7, 1, 5 });
        act.Should().Throw<ComponentLoadException>();
        var read = () => WitWorld.Read(new byte[] { 0x00, 0x61, 0x73, 0x6D, 0x0D, 0x00, 0x01, 0x00, 7, 1, 5 });
        read.Should().Throw<ComponentLoadException>().WithMessage("*count of 5 entries exceeds the 0 bytes left (in the type section at byte offset 10)*");
    }
}

/// <summary>The exported interface of identity/same-shape-exports.wat.</summary>
[WitName("test:same/shapes")]
public interface ISameShapes
{
    ListInRecord1 F1(ListInRecord1 x);

    ListInRecord2 F2(ListInRecord2 x);

    ListInRecord2 F3(ListInRecord2 x);
}

/// <summary><c>record list-in-record1 { a: u32 }</c>.</summary>
public sealed record ListInRecord1(uint A);

/// <summary><c>record list-in-record2 { a: u32 }</c>, the same shape.</summary>
public sealed record ListInRecord2(uint A);
