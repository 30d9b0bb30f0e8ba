using FluentAssertions;
using WasmDynamic.Wit;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// The WIT model read from Wasmtime's type reflection, for every type kind Wasmtime 50 can express.
/// </summary>
/// <remarks>
/// Fixed-size lists (<c>list&lt;T, N&gt;</c>), <c>error-context</c>, <c>future</c> and <c>stream</c> are not expressible:
/// Wasmtime 50 rejects them unless the component-model async / error-context / fixed-length-lists features are on, and
/// <see cref="ComponentRuntime"/> leaves those off. Their model types exist (<see cref="WitFixedSizeList"/>,
/// <see cref="WitFuture"/>, <see cref="WitStream"/>, <see cref="WitType.ErrorContext"/>); the tests below check that
/// such components fail to load with a <see cref="ComponentLoadException"/> naming the feature, and print the types
/// from hand-made models. <c>map&lt;K, V&gt;</c> is expressible: the runtime turns Wasmtime's map feature on.
/// </remarks>
public class WitModelTests
{
    private static WitWorld World(string fixture)
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture));
        return component.World;
    }

    [Fact]
    public void Primitives()
    {
        var world = World("scalars.wat");
        world.Imports.Should().BeEmpty();
        world.ImportedFunctions.Should().BeEmpty();
        world.Exports.Should().BeEmpty();
        var kinds = new[]
        {
            WitTypeKind.Bool, WitTypeKind.S8, WitTypeKind.U8, WitTypeKind.S16, WitTypeKind.U16, WitTypeKind.S32,
            WitTypeKind.U32, WitTypeKind.S64, WitTypeKind.U64, WitTypeKind.F32, WitTypeKind.F64, WitTypeKind.Char,
        };
        for (var n = 0; n < kinds.Length; n++)
        {
            var f = world.ExportedFunctions[n];
            f.Name.Should().Be("roundtrip-" + kinds[n].ToString().ToLowerInvariant());
            f.Kind.Should().Be(WitFunctionKind.Freestanding);
            f.ResourceName.Should().BeNull();
            f.Parameters.Should().ContainSingle().Which.Should().Be(new WitParameter("x", new WitPrimitive(kinds[n])));
            f.Result!.Kind.Should().Be(kinds[n]);
            f.Result.Name.Should().BeNull();
            f.Result.Should().BeOfType<WitPrimitive>();
        }

        var add = world.ExportedFunctions.Single(f => f.Name == "add");
        add.Parameters.Select(p => p.Name).Should().Equal("a", "b");
        add.Result.Should().Be(WitType.U32);
        world.ExportedFunctions.Single(f => f.Name == "noop").Result.Should().BeNull();
        world.ExportOrder.Should().HaveCount(14).And.StartWith("roundtrip-bool").And.EndWith("noop");
    }

    [Fact]
    public void Strings_and_lists()
    {
        var world = World("strings.wat");
        world.ExportedFunctions.Single(f => f.Name == "echo").Result.Should().Be(WitType.String);
        var list = world.ExportedFunctions.Single(f => f.Name == "roundtrip-list-u8").Parameters[0].Type;
        list.Should().Be(new WitList(WitType.U8));
        list.Kind.Should().Be(WitTypeKind.List);
    }

    [Fact]
    public void Named_types_of_an_interface()
    {
        var world = World("wit/alltypes.wat");
        var types = world.FindImport("demo:all/types@1.2.3")!;
        const string owner = "demo:all/types@1.2.3";
        types.Types.Select(t => (t.Name, t.Kind)).Should().Equal(
            ("point", WitTypeKind.Record),
            ("shape", WitTypeKind.Variant),
            ("color", WitTypeKind.Enum),
            ("perms", WitTypeKind.Flags),
            ("bytes", WitTypeKind.List),
            ("pair", WitTypeKind.Tuple),
            ("maybe", WitTypeKind.Option),
            ("outcome", WitTypeKind.Result));
        types.Types.Should().OnlyContain(t => t.Owner == owner);

        var point = types.Types[0].Should().BeOfType<WitRecord>().Subject;
        point.Fields.Should().Equal(new WitField("x", WitType.S32), new WitField("y", WitType.S32));
        point.IsNominal.Should().BeTrue();

        var shape = types.Types[1].Should().BeOfType<WitVariant>().Subject;
        shape.Cases.Select(c => c.Name).Should().Equal("circle", "rect", "none");
        shape.Cases[0].Payload.Should().Be(WitType.F64);
        shape.Cases[1].Payload.Should().BeSameAs(point, "a case's payload is the named type it refers to");
        shape.Cases[2].Payload.Should().BeNull();

        types.Types[2].Should().BeOfType<WitEnum>().Which.Cases.Should().Equal("red", "green", "blue-ish");
        types.Types[3].Should().BeOfType<WitFlags>().Which.Flags.Should().Equal("read", "write", "exec");
        types.Types[4].Should().BeOfType<WitList>().Which.Element.Should().Be(WitType.U8);
        types.Types[5].Should().BeOfType<WitTuple>().Which.Types.Should().Equal(WitType.U32, WitType.String);
        types.Types[6].Should().BeOfType<WitOption>().Which.Inner.Should().BeSameAs(point);
        types.Types[7].Should().Be(new WitResult(WitType.U32, WitType.String) { Name = "outcome", Owner = owner });
        types.Types[7].IsNominal.Should().BeFalse();
    }

    [Fact]
    public void Function_signatures_use_the_named_types()
    {
        var types = World("wit/alltypes.wat").FindImport("types")!;
        types.Functions.Select(f => f.Name).Should().Equal("f", "g", "h", "results", "anon");

        var f = types.FindFunction("f")!;
        f.Parameters.Select(p => p.Type.Kind).Should().Equal(
            WitTypeKind.Bool, WitTypeKind.S8, WitTypeKind.U8, WitTypeKind.S16, WitTypeKind.U16, WitTypeKind.S32, WitTypeKind.U32,
            WitTypeKind.S64, WitTypeKind.U64, WitTypeKind.F32, WitTypeKind.F64, WitTypeKind.Char, WitTypeKind.String);
        f.Result.Should().BeNull();

        var g = types.FindFunction("g")!;
        g.Parameters.Select(p => p.Type.Name).Should().Equal("point", "shape", "color", "perms");
        g.Result!.Name.Should().Be("point");
        g.Signature.Should().Be("g: func(p: point, s: shape, c: color, q: perms) -> point");

        var h = types.FindFunction("h")!;
        h.Parameters.Select(p => p.Type.Name).Should().Equal("bytes", "pair", "maybe");
        h.Result!.Name.Should().Be("outcome");

        // The four shapes of result.
        types.FindFunction("results")!.Parameters.Select(p => p.Type).Should().Equal(
            new WitResult(null, null),
            new WitResult(WitType.U8, null),
            new WitResult(null, WitType.U8),
            new WitResult(WitType.U8, WitType.String));

        var anon = types.FindFunction("anon")!;
        anon.Parameters[0].Type.Should().Be(new WitList(new WitList(WitType.String)));
        anon.Parameters[1].Type.Should().Be(new WitOption(new WitOption(WitType.U32)));
        var result = anon.Result.Should().BeOfType<WitTuple>().Subject;
        result.Name.Should().BeNull();
        result.Types[0].Should().Be(WitType.S64);
        result.Types[1].Should().BeOfType<WitList>().Which.Element.Name.Should().Be("color");
    }

    [Fact]
    public void Maps()
    {
        var kv = World("wit/map.wat").FindImport("demo:maps/kv")!;
        var dict = kv.Types.Should().ContainSingle().Subject.Should().BeOfType<WitMap>().Subject;
        dict.Name.Should().Be("dict");
        dict.Owner.Should().Be("demo:maps/kv");
        dict.Kind.Should().Be(WitTypeKind.Map);
        (dict.Key, dict.Value).Should().Be((WitType.String, WitType.U32));

        kv.FindFunction("lookup")!.Parameters[0].Type.Should().BeSameAs(dict);
        var invert = kv.FindFunction("invert")!;
        invert.Parameters[0].Type.Should().Be(new WitMap(WitType.U32, WitType.String));
        invert.Result.Should().Be(new WitMap(WitType.String, new WitList(WitType.U32)));
    }

    [Fact]
    public void Resources_and_their_functions()
    {
        var streams = World("wit/uses.wat").FindImport("demo:io/streams@0.1.0")!;
        var input = streams.Resources.Single(r => r.Name == "input-stream");
        input.Owner.Should().Be("demo:io/streams@0.1.0");
        input.Kind.Should().Be(WitTypeKind.Resource);

        var constructor = streams.FindFunction("[constructor]input-stream")!;
        constructor.Kind.Should().Be(WitFunctionKind.Constructor);
        constructor.ResourceName.Should().Be("input-stream");
        constructor.ShortName.Should().Be("input-stream");
        constructor.Result.Should().Be(new WitHandle(input, IsBorrow: false));
        constructor.Result!.Kind.Should().Be(WitTypeKind.Own);

        var read = streams.FindFunction("[method]input-stream.read")!;
        read.Kind.Should().Be(WitFunctionKind.Method);
        read.ResourceName.Should().Be("input-stream");
        read.ShortName.Should().Be("read");
        read.Parameters[0].Name.Should().Be("self");
        read.Parameters[0].Type.Should().Be(new WitHandle(input, IsBorrow: true));
        read.Parameters[0].Type.Kind.Should().Be(WitTypeKind.Borrow);
        read.Result.Should().Be(new WitResult(new WitList(WitType.U8), streams.Types.Single(t => t.Name == "stream-error")));
        read.Signature.Should().Be("input-stream.read: func(len: u64) -> result<list<u8>, stream-error>");

        var open = streams.FindFunction("[static]input-stream.open")!;
        open.Kind.Should().Be(WitFunctionKind.Static);
        open.ResourceName.Should().Be("input-stream");
        open.ShortName.Should().Be("open");
        open.Result.Should().BeOfType<WitResult>().Which.Ok.Should().Be(new WitHandle(input, IsBorrow: false));

        streams.FindFunction("peek")!.Kind.Should().Be(WitFunctionKind.Freestanding);

        // `type input-ref = borrow<input-stream>` is a named handle.
        var alias = streams.Types.Single(t => t.Name == "input-ref").Should().BeOfType<WitHandle>().Subject;
        alias.IsBorrow.Should().BeTrue();
        alias.Resource.Should().BeSameAs(input);
    }

    [Fact]
    public void Exported_resources()
    {
        var counters = World("resources.wat").FindExport("counters")!;
        counters.Name.Should().Be("demo:res/counters");
        var counter = counters.Resources.Should().ContainSingle().Subject;
        counter.Name.Should().Be("counter");
        counter.Owner.Should().Be("demo:res/counters");
        counters.Functions.Select(f => (f.Kind, f.ResourceName, f.ShortName)).Should().Equal(
            (WitFunctionKind.Constructor, "counter", "counter"),
            (WitFunctionKind.Method, "counter", "increment"),
            (WitFunctionKind.Method, "counter", "get"),
            (WitFunctionKind.Static, "counter", "make-pair"),
            (WitFunctionKind.Static, "counter", "merge"));
        var own = new WitHandle(counter, IsBorrow: false);
        counters.FindFunction("[static]counter.make-pair")!.Result.Should().Be(new WitTuple(new WitType[] { own, own }));
        counters.FindFunction("[static]counter.merge")!.Parameters.Select(p => p.Type).Should().Equal(own, own);
    }

    [Fact]
    public void Types_used_from_other_interfaces_keep_their_owner()
    {
        var world = World("wit/uses.wat");
        var errors = world.FindImport("demo:base/errors@0.1.0")!;
        var streams = world.FindImport("demo:io/streams@0.1.0")!;
        var stdin = world.FindImport("demo:cli/stdin@0.1.0")!;
        var error = errors.Resources.Single();
        error.Owner.Should().Be("demo:base/errors@0.1.0");

        // streams re-exports error, code and pollable: the same types, owned by the interfaces that define them.
        streams.Types.Select(t => (t.Name, t.Owner)).Should().Equal(
            ("error", "demo:base/errors@0.1.0"),
            ("code", "demo:base/errors@0.1.0"),
            ("pollable", "demo:io/poll@0.1.0"),
            ("stream-error", "demo:io/streams@0.1.0"),
            ("input-stream", "demo:io/streams@0.1.0"),
            ("input-ref", "demo:io/streams@0.1.0"));
        streams.Types[0].Should().BeSameAs(error);
        streams.Types[1].Should().BeSameAs(errors.Types.Single(t => t.Name == "code"));
        var streamError = streams.Types.Single(t => t.Name == "stream-error").Should().BeOfType<WitVariant>().Subject;
        streamError.Cases[0].Payload.Should().Be(new WitHandle(error, IsBorrow: false));

        stdin.Types.Should().ContainSingle().Which.Should().BeSameAs(streams.Resources.Single(r => r.Name == "input-stream"));
        stdin.FindFunction("get-stdin")!.Result.Should().BeOfType<WitHandle>().Which.Resource.Owner.Should().Be("demo:io/streams@0.1.0");
    }

    [Theory]
    [InlineData("wasi:io/streams@0.2.12", "wasi", "io", "streams", "0.2.12", "wasi:io@0.2.12", "wasi:io/streams")]
    [InlineData("demo:calc/types@0.1.0", "demo", "calc", "types", "0.1.0", "demo:calc@0.1.0", "demo:calc/types")]
    [InlineData("demo:res/counters", "demo", "res", "counters", null, "demo:res", "demo:res/counters")]
    [InlineData("wasi:cli/terminal-stdout@0.2.0-rc-2023-12-05", "wasi", "cli", "terminal-stdout", "0.2.0-rc-2023-12-05", "wasi:cli@0.2.0-rc-2023-12-05", "wasi:cli/terminal-stdout")]
    [InlineData("host", null, null, "host", null, null, "host")]
    public void Interface_names(string name, string? ns, string? package, string iface, string? version, string? packageId, string withoutVersion)
    {
        var parsed = WitName.Parse(name);
        parsed.Should().Be(new WitName(ns, package, iface, version));
        parsed.PackageId.Should().Be(packageId);
        parsed.WithoutVersion.Should().Be(withoutVersion);

        var i = new WitInterface(name, EquatableArray<WitType>.Empty, EquatableArray<WitFunction>.Empty);
        i.ShortName.Should().Be(iface);
        i.ParsedName.Should().Be(parsed);
    }

    [Fact]
    public void Interfaces_of_the_demo_are_found_by_full_name_name_without_version_or_short_name()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "js", "demo.wasm"));
        var world = component.World;
        var streams = world.FindImport("wasi:io/streams@0.2.12")!;
        streams.ParsedName.Should().Be(new WitName("wasi", "io", "streams", "0.2.12"));
        world.FindImport("wasi:io/streams").Should().BeSameAs(streams);
        world.FindImport("streams").Should().BeSameAs(streams);
        world.FindImport("Streams").Should().BeSameAs(streams);
        streams.Resources.Select(r => r.Name).Should().Equal("input-stream", "output-stream");
        streams.Types.Where(t => t.Owner != streams.Name).Select(t => (t.Name, t.Owner)).Should().Equal(
            ("error", "wasi:io/error@0.2.12"),
            ("pollable", "wasi:io/poll@0.2.12"));

        world.FindExport("types")!.Name.Should().Be("demo:calc/types@0.1.0");
        world.FindImport("types")!.Name.Should().Be("wasi:filesystem/types@0.2.12");
        world.ExportedFunctions.Select(f => f.Name).Should().Equal("add", "greet", "hello-world");
        world.ExportOrder.Should().Equal("add", "greet", "hello-world", "demo:calc/types@0.1.0", "demo:calc/counters@0.1.0");
    }

    [Fact]
    public void World_level_resources_functions_and_plain_named_instances()
    {
        var world = World("wit/world.wat");
        world.ImportOrder.Should().Equal(
            "demo:base/errors@0.1.0", "log", "code", "point", "thing", "[constructor]thing", "[method]thing.where", "[static]thing.default", "host", "check");

        // The world imports `code` (a `use` of demo:base/errors' enum: the interface's own type object), the record
        // `point` it defines itself, and the resource `thing`, all read from the binary with their names.
        world.ImportedTypes.Select(t => t.Name).Should().Equal("code", "point", "thing");
        world.ImportedTypes[0].Owner.Should().Be("demo:base/errors@0.1.0");
        world.ImportedTypes[0].Should().BeSameAs(world.FindImport("demo:base/errors")!.Types[0]);
        var thing = world.ImportedTypes[2].Should().BeOfType<WitResource>().Subject;
        thing.Name.Should().Be("thing");
        thing.Owner.Should().BeEmpty("the world owns it");

        var constructor = world.ImportedFunctions.Single(f => f.Kind == WitFunctionKind.Constructor);
        constructor.ResourceName.Should().Be("thing");
        var point = constructor.Parameters[0].Type.Should().BeOfType<WitRecord>().Subject;
        point.Name.Should().Be("point", "the world imports the record by name");
        point.Owner.Should().BeEmpty();
        point.Fields.Select(f => f.Name).Should().Equal("x", "y");
        world.ImportedFunctions.Single(f => f.Kind == WitFunctionKind.Static).ShortName.Should().Be("default");

        // `check` uses the enum of demo:base/errors through the world's `use`.
        world.ImportedFunctions.Single(f => f.Name == "check").Parameters[0].Type.Owner.Should().Be("demo:base/errors@0.1.0");

        var host = world.FindImport("host")!;
        host.ParsedName.Namespace.Should().BeNull();
        host.ShortName.Should().Be("host");
        host.Functions.Should().ContainSingle().Which.Result.Should().Be(WitType.U64);
    }

    [Fact]
    public void Keywords_are_names_like_any_other()
    {
        var world = World("wit/keywords.wat");
        var type = world.FindImport("demo:keywords/type")!;
        type.ShortName.Should().Be("type");
        type.Types.Select(t => t.Name).Should().Equal("record", "enum", "stream");
        type.Types[0].Should().BeOfType<WitRecord>().Which.Fields.Select(f => f.Name).Should().Equal("type", "list", "own");
        type.FindFunction("list")!.Parameters.Select(p => p.Name).Should().Equal("type", "use");
        world.ImportedFunctions.Should().ContainSingle().Which.Name.Should().Be("world");
    }

    [Fact]
    public void Reading_is_deterministic_and_the_model_compares_by_value()
    {
        var a = World("wit/uses.wat");
        var b = World("wit/uses.wat");
        a.Should().NotBeSameAs(b);
        a.Should().Be(b);
        a.GetHashCode().Should().Be(b.GetHashCode());
        World("wit/alltypes.wat").Should().NotBe(a);
    }

    [Theory]
    [InlineData("(future u32)", "async")]
    [InlineData("(stream u8)", "async")]
    [InlineData("error-context", "error-context")]
    [InlineData("(list u32 4)", "fixed-length lists")]
    public void Async_error_context_and_fixed_size_list_types_are_refused(string type, string feature)
    {
        using var runtime = new ComponentRuntime();
        var load = () => runtime.LoadText($"(component (import \"f\" (func (param \"x\" {type}))))");
        load.Should().Throw<ComponentLoadException>().Which.Message.Should().Contain(feature).And.Contain("feature");
    }

    [Fact]
    public void Inexpressible_types_still_print()
    {
        WitPrinter.TypeReference(new WitFuture(WitType.U32)).Should().Be("future<u32>");
        WitPrinter.TypeReference(new WitFuture(null)).Should().Be("future");
        WitPrinter.TypeReference(new WitStream(WitType.U8)).Should().Be("stream<u8>");
        WitPrinter.TypeReference(new WitStream(null)).Should().Be("stream");
        WitPrinter.TypeReference(WitType.ErrorContext).Should().Be("error-context");
        WitPrinter.TypeReference(new WitFixedSizeList(WitType.F32, 4)).Should().Be("list<f32, 4>");
        new WitFuture(null).Kind.Should().Be(WitTypeKind.Future);
        new WitStream(null).Kind.Should().Be(WitTypeKind.Stream);
        WitType.ErrorContext.Kind.Should().Be(WitTypeKind.ErrorContext);
        new WitFixedSizeList(WitType.F32, 4).Kind.Should().Be(WitTypeKind.FixedSizeList);
    }

    [Theory]
    [InlineData("add", WitFunctionKind.Freestanding, null, "add")]
    [InlineData("[constructor]counter", WitFunctionKind.Constructor, "counter", "counter")]
    [InlineData("[method]counter.get", WitFunctionKind.Method, "counter", "get")]
    [InlineData("[static]counter.merge", WitFunctionKind.Static, "counter", "merge")]
    [InlineData("[async]fetch", WitFunctionKind.Freestanding, null, "fetch")]
    [InlineData("[async method]counter.wait", WitFunctionKind.Method, "counter", "wait")]
    [InlineData("[async static]counter.make", WitFunctionKind.Static, "counter", "make")]
    public void Function_names(string name, WitFunctionKind kind, string? resource, string shortName)
    {
        var f = new WitFunction(name, EquatableArray<WitParameter>.Empty, null);
        f.Kind.Should().Be(kind);
        f.ResourceName.Should().Be(resource);
        f.ShortName.Should().Be(shortName);
    }
}
