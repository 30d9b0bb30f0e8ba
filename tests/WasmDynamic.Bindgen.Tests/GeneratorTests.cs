using System.Text;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Bindgen.Tests;

public class GeneratorTests
{
    private static readonly ComponentRuntime Runtime = new();

    private static IReadOnlyDictionary<string, byte[]> Generate(string fixture, string ns)
    {
        using var component = Runtime.Load(Fixtures.Path(fixture));
        return Bindgen.Generate(ns, component.World);
    }

    private static string Text(IReadOnlyDictionary<string, byte[]> files, string file) => Encoding.UTF8.GetString(files[file]);

    [Theory]
    [InlineData("compound.wat")]
    [InlineData("resources.wat")]
    [InlineData("imports.wat")]
    [InlineData("host-resources.wat")]
    [InlineData("host-roundtrip.wat")]
    [InlineData("scalars.wat")]
    [InlineData("strings.wat")]
    [InlineData("wasi-stdout.wat")]
    [InlineData("wit/alltypes.wat")]
    [InlineData("wit/keywords.wat")]
    [InlineData("wit/map.wat")]
    [InlineData("wit/uses.wat")]
    [InlineData("wit/world.wat")]
    [InlineData("command.wat")]
    [InlineData("identity/same-names.wat")]
    [InlineData("identity/world-resources.wat")]
    [InlineData("identity/ambiguous.wat")]
    [InlineData("identity/distinct.wat")]
    [InlineData("identity/abort.wat")]
    [InlineData("identity/same-shape.wat")]
    [InlineData("identity/things.wat")]
    [InlineData("identity/random.wat")]
    [InlineData("identity/world-types.wat")]
    [InlineData("identity/import-export.wat")]
    [InlineData("identity/renamed-use.wat")]
    [InlineData("identity/host-same-shape.wat")]
    [InlineData("identity/import-export-records.wat")]
    public void Generated_sources_compile_without_warnings_for(string fixture)
    {
        var files = Generate(fixture, "Gen.Fixture");
        files.Should().ContainKey("WitBindings.g.cs");
        Compiler.Compile(files);
    }

    [Fact]
    public void The_byte_overload_reads_the_component_itself_and_output_is_stable()
    {
        var fromBytes = Bindgen.Generate("Demo.Types", Fixtures.Bytes("compound.wat"));
        var fromWorld = Generate("compound.wat", "Demo.Types");
        fromBytes.Keys.Should().Equal(fromWorld.Keys);
        foreach (var key in fromBytes.Keys)
        {
            fromBytes[key].Should().Equal(fromWorld[key], key);
        }

        fromBytes.Keys.Should().Contain(["IShapes.g.cs", "Point.g.cs", "Shape.g.cs", "Color.g.cs", "Perms8.g.cs", "Drawing.g.cs"]);
        fromBytes.Keys.Should().NotContain("WitEquality.g.cs", "list-aware equality is the library's WasmDynamic.WitEquality, not a copy per namespace");
        Text(fromBytes, "Drawing.g.cs").Should().Contain("global::WasmDynamic.WitEquality.Equal(");
        Text(fromBytes, "Point.g.cs").Should().Contain("namespace Demo.Types;").And.Contain("public sealed record Point(int X, int Y);");
    }

    [Fact]
    public void Same_shape_records_get_two_types_and_an_alias_uses_its_target()
    {
        var binary = WasmDynamic.Native.ComponentLoader.Wat2Wasm(Fixtures.Bytes("identity/same-shape-exports.wat"), "same-shape-exports.wat");
        var files = Bindgen.Generate("Gen.Same", binary);
        files.Keys.Should().Contain(["ListInRecord1.g.cs", "ListInRecord2.g.cs"]);
        files.Keys.Should().NotContain(k => k.Contains("ListInAlias"));
        Text(files, "ListInRecord2.g.cs").Should().Contain("public sealed record ListInRecord2(uint A);");
        var shapes = Text(files, files.Keys.Single(k => k.StartsWith("IShapes", StringComparison.Ordinal)));
        shapes.Should().Contain("ListInRecord1 F1(ListInRecord1 x);").And.Contain("ListInRecord2 F2(ListInRecord2 x);").And.Contain("ListInRecord2 F3(ListInRecord2 x);");
        Compiler.Compile(files);
    }

    [Fact]
    public void The_byte_overload_reads_a_binary_without_an_engine_to_the_same_output()
    {
        var binary = WasmDynamic.Native.ComponentLoader.Wat2Wasm(Fixtures.Bytes("compound.wat"), "compound.wat");
        var fromBinary = Bindgen.Generate("Demo.Types", binary);
        var fromWorld = Generate("compound.wat", "Demo.Types");
        fromBinary.Keys.Should().Equal(fromWorld.Keys);
        foreach (var key in fromBinary.Keys)
        {
            fromBinary[key].Should().Equal(fromWorld[key], key);
        }

        var broken = binary[..^3];
        var act = () => Bindgen.Generate("Demo.Types", broken);
        act.Should().Throw<ComponentLoadException>().WithMessage("*byte offset*");
    }

    [Fact]
    public void Exported_interfaces_carry_their_full_WIT_name_and_doc_comments_quote_WIT_signatures()
    {
        var files = Generate("compound.wat", "Demo");
        var shapes = Text(files, "IShapes.g.cs");
        shapes.Should().Contain("[global::WasmDynamic.WitName(\"demo:types/shapes@0.1.0\")]");
        shapes.Should().Contain("public interface IShapes");
        shapes.Should().Contain("/// WIT: <c>roundtrip-list-option-point: func(x: list&lt;option&lt;point&gt;&gt;) -&gt; list&lt;option&lt;point&gt;&gt;</c>");
        shapes.Should().Contain("global::System.Collections.Generic.IReadOnlyList<Point?> RoundtripListOptionPoint(global::System.Collections.Generic.IReadOnlyList<Point?> x);");
        shapes.Should().Contain("global::WasmDynamic.Option<uint?> RoundtripNestedOptions(global::WasmDynamic.Option<uint?> x);");
        shapes.Should().Contain("global::WasmDynamic.Result<global::WasmDynamic.Unit, global::WasmDynamic.Unit> RoundtripResultUnit(");
        Text(files, "Color.g.cs").Should().Contain("BlueIsh,").And.Contain("/// WIT <c>enum color { red, green, blue-ish }</c>");
        Text(files, "Perms8.g.cs").Should().Contain("[global::System.Flags]").And.Contain("public enum Perms8 : byte").And.Contain("Audit = 1 << 7,");
        Text(files, "Perms32.g.cs").Should().Contain("public enum Perms32 : uint").And.Contain("F31 = 1u << 31,");
        Text(files, "Shape.g.cs").Should().Contain("public abstract record Shape").And.Contain("public sealed record Circle(double Value) : Shape;").And.Contain("public sealed record None : Shape;");
        Text(files, "Drawing.g.cs").Should().Contain("public bool Equals(Drawing? other)");
    }

    [Fact]
    public void WIT_names_that_are_CSharp_keywords_become_valid_PascalCase_and_escaped_identifiers()
    {
        var files = Generate("wit/keywords.wat", "Demo.Keywords");
        var type = Text(files, "IType.g.cs");
        type.Should().Contain("[global::WasmDynamic.WitName(\"demo:keywords/type\")]");
        type.Should().Contain("TypeStream List(Record type, TypeEnum use);", "stream and enum would clash with System.IO.Stream and System.Enum under implicit usings");
        type.Should().Contain("void Func(string @interface);", "interface is a C# keyword");
        Text(files, "Record.g.cs").Should().Contain("public sealed record Record(uint Type, string List, bool Own);");
        Text(files, "TypeStream.g.cs").Should().Contain("[global::WasmDynamic.WitName(\"stream\")]").And.Contain("public sealed record Variant(byte Value) : TypeStream;").And.Contain("public sealed record Result : TypeStream;");
        Text(files, "IStatic.g.cs").Should().Contain("[global::WasmDynamic.WitName(\"static\")]").And.Contain("void Import(bool export);");
        Text(files, "IRootImports.g.cs").Should().Contain("string World(uint package);");
        Text(files, "TypeEnum.g.cs").Should().Contain("[global::WasmDynamic.WitName(\"enum\")]\npublic enum TypeEnum").And.Contain("Enum,").And.Contain("Flags,").And.Contain("Plain,");
        Compiler.Compile(files);
    }

    [Fact]
    public void Names_that_collide_in_CSharp_are_made_unique_and_keep_their_WIT_names()
    {
        var wat = """
            (component
              (type $t (instance
                (type $rec-def (record (field "rec" u32) (field "to-string" string) (field "value" u8)))
                (export "rec" (type $rec (eq $rec-def)))
                (type $var-def (variant (case "var" u8) (case "value" u16) (case "equals")))
                (export "var" (type $var (eq $var-def)))
                (type $fl-def (flags "none" "some"))
                (export "fl" (type $fl (eq $fl-def)))
                (export "f" (func (param "r" $rec) (param "v" $var) (param "x" $fl) (param "class" u8) (param "base-type" u8) (result $var)))))
              (import "demo:clash/rec" (instance (type $t))))
            """;
        var files = Bindgen.Generate("Clash", Encoding.UTF8.GetBytes(wat));
        var rec = Text(files, "Rec.g.cs");
        rec.Should().Contain("[global::WasmDynamic.WitName(\"rec\")]").And.Contain("public required uint RecField { get; init; }").And.Contain("public required string ToStringField { get; init; }");
        var variant = Text(files, "Var.g.cs");
        variant.Should().Contain("public sealed record VarCase(byte Value) : Var;").And.Contain("public sealed record ValueCase(ushort Value) : Var;").And.Contain("public sealed record EqualsCase : Var;");
        Text(files, "Fl.g.cs").Should().NotContain("None = 0,").And.Contain("None = 1 << 0,");
        Text(files, "IRec.g.cs").Should().Contain("public interface IRec").And.Contain("Var F(Rec r, Var v, Fl x, byte @class, byte baseType);");
        Compiler.Compile(files);
    }

    [Fact]
    public void Imports_get_host_interfaces_resources_get_abstract_classes_and_functions_that_cannot_be_bound_are_listed()
    {
        var uses = Generate("wit/uses.wat", "Demo.Uses");
        uses.Keys.Should().Contain(["IPoll.g.cs", "IStdin.g.cs", "IStreams.g.cs", "InputStream.g.cs", "Pollable.g.cs", "Error.g.cs", "StreamError.g.cs", "Code.g.cs"]);
        Text(uses, "InputStream.g.cs").Should().Contain("public abstract class InputStream : global::System.IDisposable");
        Text(uses, "IStdin.g.cs").Should().Contain("InputStream GetStdin();");
        Text(uses, "WitBindings.g.cs").Should().Contain("public static global::WasmDynamic.ComponentImports AddInputStream<T>(this global::WasmDynamic.ComponentImports imports)");

        var map = Text(Generate("wit/map.wat", "Demo.Maps"), "IKv.g.cs");
        map.Should().Contain("// Not bound: 'lookup: func(d: dict, k: string) -> option<u32>': it uses map");

        var wasi = Generate("wasi-stdout.wat", "Demo.Wasi");
        wasi.Keys.Should().NotContain(k => k.Contains("Stream", StringComparison.Ordinal), "WASI imports are provided by the runtime and get no bindings");
    }

    [Fact]
    public void Fingerprints_are_recorded_per_exported_interface_and_change_with_the_WIT()
    {
        using var component = Runtime.Load(Fixtures.Path("compound.wat"));
        var fingerprint = Bindgen.Fingerprint(component.World, "demo:types/shapes@0.1.0");
        fingerprint.Should().MatchRegex("^[0-9a-f]{64}$");
        Text(Bindgen.Generate("Demo", component.World), "WitBindings.g.cs").Should().Contain($"[typeof(IShapes)] = \"{fingerprint}\"");
        using var other = Runtime.Load(Fixtures.Path("resources.wat"));
        Bindgen.Fingerprint(other.World, "").Should().NotBe(fingerprint);
        var act = () => Bindgen.Fingerprint(component.World, "nope");
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        using var component = Runtime.Load(Fixtures.Path("compound.wat"));
        ((Action)(() => Bindgen.Generate("...", component.World))).Should().Throw<ArgumentException>();
        ((Action)(() => Bindgen.Generate("X", (byte[])null!))).Should().Throw<ArgumentNullException>();
        ((Action)(() => Bindgen.Generate("X", [1, 2, 3]))).Should().Throw<ComponentLoadException>();
        Text(Bindgen.Generate("my-app.v2", component.World), "Point.g.cs").Should().Contain("namespace MyApp.v2;");
    }
}

public class GeneratorIdentityAttackTests
{
    [Fact]
    public void Same_named_same_shape_records_of_two_imported_interfaces_get_two_types_each_used_by_its_own_interface()
    {
        var binary = WasmDynamic.Native.ComponentLoader.Wat2Wasm(Fixtures.Bytes("identity/host-same-shape.wat"), "host-same-shape.wat");
        var files = Bindgen.Generate("Gen.Hss", binary);
        string Text(string file) => Encoding.UTF8.GetString(files[file]);
        Text("Point.g.cs").Should().Contain("public sealed record Point(uint X);");
        Text("YPoint.g.cs").Should().Contain("public sealed record YPoint(uint X);");
        Text("IX.g.cs").Should().Contain("Point F(Point p);");
        Text("IY.g.cs").Should().Contain("YPoint F(YPoint p);");
        Compiler.Compile(files);
    }
}
