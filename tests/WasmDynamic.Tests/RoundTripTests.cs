using System.Text;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

public sealed class CompoundFixture : IDisposable
{
    public CompoundFixture()
    {
        Runtime = new ComponentRuntime();
        Component = Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "compound.wat"));
        Scalars = Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "scalars.wat"));
        Strings = Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "strings.wat"));
    }

    public ComponentRuntime Runtime { get; }
    public WasmComponent Component { get; }
    public WasmComponent Scalars { get; }
    public WasmComponent Strings { get; }

    public void Dispose()
    {
        Component.Dispose();
        Scalars.Dispose();
        Strings.Dispose();
        Runtime.Dispose();
    }
}

public interface IAllScalars
{
    bool RoundtripBool(bool x);
    sbyte RoundtripS8(sbyte x);
    byte RoundtripU8(byte x);
    short RoundtripS16(short x);
    ushort RoundtripU16(ushort x);
    int RoundtripS32(int x);
    uint RoundtripU32(uint x);
    long RoundtripS64(long x);
    ulong RoundtripU64(ulong x);
    float RoundtripF32(float x);
    double RoundtripF64(double x);
    Rune RoundtripChar(Rune x);
    char RoundtripChar(char x);
}

public interface IStrings
{
    string Echo(string s);
    string Concat(string a, string b);
    uint Len(string s);
    byte[] RoundtripListU8(byte[] x);
    uint Sum(IEnumerable<byte> x);
}

public class RoundTripTests(CompoundFixture fx) : IClassFixture<CompoundFixture>
{
    public static TheoryData<string, object> ScalarCases() => new()
    {
        { "roundtrip-bool", true }, { "roundtrip-bool", false },
        { "roundtrip-s8", sbyte.MinValue }, { "roundtrip-s8", sbyte.MaxValue },
        { "roundtrip-u8", byte.MinValue }, { "roundtrip-u8", byte.MaxValue },
        { "roundtrip-s16", short.MinValue }, { "roundtrip-s16", short.MaxValue },
        { "roundtrip-u16", ushort.MinValue }, { "roundtrip-u16", ushort.MaxValue },
        { "roundtrip-s32", int.MinValue }, { "roundtrip-s32", int.MaxValue },
        { "roundtrip-u32", uint.MinValue }, { "roundtrip-u32", uint.MaxValue },
        { "roundtrip-s64", long.MinValue }, { "roundtrip-s64", long.MaxValue },
        { "roundtrip-u64", ulong.MinValue }, { "roundtrip-u64", ulong.MaxValue },
        { "roundtrip-f32", float.NaN }, { "roundtrip-f32", float.PositiveInfinity }, { "roundtrip-f32", float.NegativeInfinity },
        { "roundtrip-f32", float.Epsilon }, { "roundtrip-f32", -0.0f }, { "roundtrip-f32", float.MaxValue },
        { "roundtrip-f64", double.NaN }, { "roundtrip-f64", double.PositiveInfinity }, { "roundtrip-f64", double.NegativeInfinity },
        { "roundtrip-f64", double.Epsilon }, { "roundtrip-f64", double.MinValue },
        { "roundtrip-char", new Rune(0) }, { "roundtrip-char", new Rune('A') }, { "roundtrip-char", new Rune(0xD7FF) },
        { "roundtrip-char", new Rune(0xE000) }, { "roundtrip-char", new Rune(0x1F600) }, { "roundtrip-char", new Rune(0x10FFFF) },
    };

    [Theory]
    [MemberData(nameof(ScalarCases))]
    public void Every_scalar_edge_value_round_trips_through_dynamic(string function, object value)
    {
        using var instance = fx.Scalars.Instantiate();
        object result = instance.Exports[function](value);
        result.Should().Be(value);
        result.GetType().Should().Be(value.GetType(), "the default type map gives this CLR type");
    }

    [Fact]
    public void Every_scalar_edge_value_round_trips_through_a_typed_interface()
    {
        using var instance = fx.Scalars.Instantiate();
        var s = instance.GetInterface<IAllScalars>("");
        s.RoundtripBool(true).Should().BeTrue();
        s.RoundtripS8(sbyte.MinValue).Should().Be(sbyte.MinValue);
        s.RoundtripU8(byte.MaxValue).Should().Be(byte.MaxValue);
        s.RoundtripS16(short.MinValue).Should().Be(short.MinValue);
        s.RoundtripU16(ushort.MaxValue).Should().Be(ushort.MaxValue);
        s.RoundtripS32(int.MinValue).Should().Be(int.MinValue);
        s.RoundtripU32(uint.MaxValue).Should().Be(uint.MaxValue);
        s.RoundtripS64(long.MinValue).Should().Be(long.MinValue);
        s.RoundtripU64(ulong.MaxValue).Should().Be(ulong.MaxValue);
        BitConverter.SingleToInt32Bits(s.RoundtripF32(-0.0f)).Should().Be(BitConverter.SingleToInt32Bits(-0.0f));
        float.IsNaN(s.RoundtripF32(float.NaN)).Should().BeTrue();
        s.RoundtripF64(double.NegativeInfinity).Should().Be(double.NegativeInfinity);
        s.RoundtripChar(new Rune(0x1F600)).Should().Be(new Rune(0x1F600));
        s.RoundtripChar('é').Should().Be('é');
    }

    [Fact]
    public void An_int_literal_passes_for_unsigned_parameters_when_in_range_and_overflow_names_the_parameter()
    {
        using var instance = fx.Scalars.Instantiate();
        uint ok = instance.Exports.Add(1, 2);
        ok.Should().Be(3u);
        byte b = instance.Exports.RoundtripU8(200);
        b.Should().Be(200);
        var act = () => (object)instance.Exports.RoundtripU8(300);
        act.Should().Throw<ComponentArgumentException>().WithMessage("300 is out of range for u8*'x'*roundtrip-u8: func(x: u8) -> u8*");
        var negative = () => (object)instance.Exports.Add(-1, 2);
        negative.Should().Throw<ComponentArgumentException>().WithMessage("-1 is out of range for u32*'a'*add: func(a: u32, b: u32) -> u32*");
    }

    [Fact]
    public void Wrong_arity_or_type_through_dynamic_quotes_the_wit_signature()
    {
        using var instance = fx.Scalars.Instantiate();
        var arity = () => (object)instance.Exports.Add(1);
        arity.Should().Throw<ComponentArgumentException>().WithMessage("*add: func(a: u32, b: u32) -> u32*");
        var type = () => (object)instance.Exports.Add("one", 2);
        type.Should().Throw<ComponentArgumentException>().WithMessage("*'a'*add: func(a: u32, b: u32) -> u32*");
        var missing = () => (object)instance.Exports.Subtract(1, 2);
        missing.Should().Throw<ComponentExportNotFoundException>().WithMessage("*Subtract*add: func(a: u32, b: u32) -> u32*");
    }

    [Fact]
    public void Strings_and_byte_lists_round_trip_empty_large_and_non_bmp()
    {
        using var instance = fx.Strings.Instantiate();
        var s = instance.GetInterface<IStrings>("");
        var large = string.Concat(Enumerable.Repeat("añ😀z", 50_000));
        s.Echo("").Should().Be("");
        s.Echo(large).Should().Be(large);
        s.Echo("nul\0inside").Should().Be("nul\0inside");
        s.Concat("😀", "é").Should().Be("😀é");
        s.Len("😀").Should().Be(4, "len counts UTF-8 bytes");
        var bytes = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        s.RoundtripListU8(bytes).Should().Equal(bytes);
        s.RoundtripListU8([]).Should().BeEmpty();
        s.Sum(new List<byte> { 1, 2, 250 }).Should().Be(253);
        string viaDynamic = instance.Exports.Echo(large);
        viaDynamic.Should().Be(large);
        uint sum = instance.Exports.Sum(new List<int> { 1, 2, 3 });
        sum.Should().Be(6, "any sequence passes for a list, elements converted");
    }

    [Fact]
    public void Records_variants_enums_flags_options_and_results_round_trip_through_user_types()
    {
        using var instance = fx.Component.Instantiate();
        var s = instance.GetInterface<IShapes>();
        s.RoundtripPoint(new Point(int.MinValue, int.MaxValue)).Should().Be(new Point(int.MinValue, int.MaxValue));
        s.MakePoint(3, -4).Should().Be(new Point(3, -4));
        var mixed = s.RoundtripMixed(new Mixed { A = true, B = 255, C = -5, D = ulong.MaxValue, E = float.NaN, F = "mixed 😀" });
        mixed.Should().BeEquivalentTo(new Mixed { A = true, B = 255, C = -5, D = ulong.MaxValue, E = float.NaN, F = "mixed 😀" });
        s.RoundtripShape(new Shape.Circle(2.5)).Should().Be(new Shape.Circle(2.5));
        s.RoundtripShape(new Shape.Rect(new Point(1, 2))).Should().Be(new Shape.Rect(new Point(1, 2)));
        s.RoundtripShape(new Shape.None()).Should().Be(new Shape.None());
        s.RoundtripColor(Color.BlueIsh).Should().Be(Color.BlueIsh);
        s.RoundtripPerms1(Perms1.Read).Should().Be(Perms1.Read);
        s.RoundtripPerms1(Perms1.None).Should().Be(Perms1.None);
        s.RoundtripPerms8(Perms8.Read | Perms8.Audit).Should().Be(Perms8.Read | Perms8.Audit);
        s.RoundtripPerms8((Perms8)0xFF).Should().Be((Perms8)0xFF);
        s.RoundtripPerms16(Perms16.F0 | Perms16.F15).Should().Be(Perms16.F0 | Perms16.F15);
        var all32 = Enumerable.Range(0, 32).Select(i => "f" + i).ToHashSet();
        s.RoundtripPerms32(all32).Should().BeEquivalentTo(all32);
        s.RoundtripPerms32([]).Should().BeEmpty();
        s.RoundtripTuple((7u, "seven", 7.5)).Should().Be((7u, "seven", 7.5));
        s.RoundtripOption(null).Should().BeNull();
        s.RoundtripOption("x").Should().Be("x");
        s.RoundtripResult(Result.Ok<uint, string>(5)).Should().Be(Result.Ok<uint, string>(5));
        s.RoundtripResult(Result.Err<uint, string>("bad")).Should().Be(Result.Err<uint, string>("bad"));
        s.RoundtripResultUnit(Result.Err<Unit, Unit>(Unit.Value)).IsErr.Should().BeTrue();
        s.RoundtripResultUnit(Result.Ok<Unit, Unit>(Unit.Value)).IsOk.Should().BeTrue();
        s.RoundtripNestedOptions(Option<uint?>.None).Should().Be(Option<uint?>.None);
        s.RoundtripNestedOptions(Option<uint?>.Some(null)).Should().Be(Option<uint?>.Some(null));
        s.RoundtripNestedOptions(Option<uint?>.Some(9)).Should().Be(Option<uint?>.Some(9));
        var points = Enumerable.Range(0, 1000).Select(i => new Point(i, -i)).ToList();
        s.RoundtripListPoint(points).Should().Equal(points);
        Shape[] shapes = [new Shape.Circle(1), new Shape.None(), new Shape.Rect(new Point(5, 6))];
        s.RoundtripListShape(shapes).Should().Equal(shapes);
        s.RoundtripListOptionPoint([new Point(1, 1), null]).Should().Equal(new Point(1, 1), null);
        s.RoundtripResultList(Result.Ok<string[], Color>(["a", ""])).Value.Should().Equal("a", "");
        s.RoundtripResultList(Result.Err<string[], Color>(Color.Green)).Error.Should().Be(Color.Green);
        s.RoundtripListListString([[], ["x", "y"], [""]]).Should().BeEquivalentTo(new[] { Array.Empty<string>(), ["x", "y"], [""] }, o => o.WithStrictOrdering());
        var drawing = new Drawing("d", [new Shape.Circle(3), new Shape.Rect(new Point(1, 1))], Color.Red);
        s.RoundtripDrawing(drawing).Should().Be(drawing);
        s.RoundtripDrawing(drawing with { Tint = null, Shapes = [] }).Should().Be(drawing with { Tint = null, Shapes = [] });
        var big = new Big { A = 1, B = 2, C = 3, D = 4, E = -5, F = -6, G = -7, H = long.MinValue, I = 1.5f, J = double.MaxValue, K = new Rune(0x10FFFF), L = true, M = "big", N = new Point(8, 9), O = Color.Green };
        s.RoundtripBig(big).Should().BeEquivalentTo(big);
        s.Area(new Shape.Rect(new Point(3, 4))).Should().Be(12);
        s.Area(new Shape.Circle(1)).Should().BeApproximately(Math.PI, 1e-12);
    }

    [Fact]
    public void A_record_field_or_variant_value_that_cannot_be_lowered_is_reported_where_it_is_and_the_instance_stays_usable()
    {
        using var instance = fx.Component.Instantiate();
        var s = instance.GetInterface<IShapes>();

        // Fields lowered by the emitted record codec: the failing field's converter throws, the record adds its name.
        var nullShape = () => s.RoundtripDrawing(new Drawing("d", [new Shape.Circle(3), null!], Color.Red));
        nullShape.Should().Throw<ComponentArgumentException>().WithMessage("*null*shape*'d.shapes[1]'*roundtrip-drawing: func(d: drawing) -> drawing*");
        var nullName = () => s.RoundtripDrawing(new Drawing(null!, [], null));
        nullName.Should().Throw<ComponentArgumentException>().WithMessage("*null*'d.name'*roundtrip-drawing*");
        var big = new Big { A = 1, M = null!, N = new Point(8, 9) };
        var nullInBig = () => s.RoundtripBig(big);
        nullInBig.Should().Throw<ComponentArgumentException>().WithMessage("*'*.m'*roundtrip-big*");

        // A variant's case is found by the value's exact class (the emitted case codec): another Shape is not a case.
        var notACase = () => s.RoundtripShape(new Triangle(1));
        notACase.Should().Throw<ComponentArgumentException>().WithMessage("Triangle is not a case of WIT variant 'shape' (circle, rect, none).*'s'*roundtrip-shape*");
        var nullCase = () => s.RoundtripShape(null!);
        nullCase.Should().Throw<ComponentArgumentException>().WithMessage("A null Shape*'s'*roundtrip-shape*");

        var drawing = new Drawing("d", [new Shape.Rect(new Point(1, 2))], null);
        s.RoundtripDrawing(drawing).Should().Be(drawing);
        s.RoundtripShape(new Shape.None()).Should().Be(new Shape.None());
        s.RoundtripShape(new Shape.Circle(-0.5)).Should().Be(new Shape.Circle(-0.5));
    }

    private sealed record Triangle(double Side) : Shape;

    [Fact]
    public void Errors_from_user_members_inside_records_are_reported_as_the_field_by_field_path_reported_them()
    {
        using var instance = fx.Component.Instantiate();

        // A scalar field's getter: the error is located at that field (m.b), not at the field lowered before it.
        var getter = () => instance.GetInterface<IMixedOf<MixedWithThrowingGetter>>("shapes").RoundtripMixed(new MixedWithThrowingGetter { A = true });
        getter.Should().Throw<ComponentArgumentException>().WithMessage("B getter*'m.b'*roundtrip-mixed*");

        // Lifting creates the record, then lifts and sets each field in order: the first field's setter fails before
        // a later field (K, a non-BMP scalar for a char) would.
        var setter = () => instance.GetInterface<IBigInto<BigWithValidatingSetter>>("shapes").RoundtripBig(new Big { A = 1, K = new Rune(0x1F600), M = "m" });
        setter.Should().Throw<ArgumentException>().WithMessage("A setter rejects 1");
        instance.GetInterface<IBigInto<BigWithValidatingSetter>>("shapes").RoundtripBig(new Big { A = 2, K = new Rune('k'), M = "m" }).K.Should().Be('k');
    }

    public sealed class MixedWithThrowingGetter
    {
        public bool A { get; set; }

        public byte B { get => throw new ComponentArgumentException("B getter"); set { } }

        public short C { get; set; }

        public ulong D { get; set; }

        public float E { get; set; }

        public string F { get; set; } = "";
    }

    public sealed class BigWithValidatingSetter
    {
        private byte _a;

        public byte A { get => _a; set => _a = value == 1 ? throw new ArgumentException("A setter rejects 1") : value; }

        public ushort B { get; set; }

        public uint C { get; set; }

        public ulong D { get; set; }

        public sbyte E { get; set; }

        public short F { get; set; }

        public int G { get; set; }

        public long H { get; set; }

        public float I { get; set; }

        public double J { get; set; }

        public char K { get; set; }

        public bool L { get; set; }

        public string M { get; set; } = "";

        public Point N { get; set; }

        public Color O { get; set; }
    }

    public interface IMixedOf<T>
    {
        T RoundtripMixed(T m);
    }

    public interface IBigInto<T>
    {
        T RoundtripBig(Big b);
    }

    [Fact]
    public void A_result_bound_to_a_plain_type_throws_ComponentErrorException_with_the_typed_payload()
    {
        using var instance = fx.Component.Instantiate();
        var s = instance.GetInterface<IShapes>();
        s.DivideOrThrow(9, 3).Should().Be(3);
        var act = () => s.DivideOrThrow(1, 0);
        act.Should().Throw<ComponentErrorException>().Which.Payload.Should().Be("division by zero");
        instance.GetInterface<IShapesResult>("shapes").Divide(1, 0).Should().Be(Result.Err<double, string>("division by zero"));
    }

    [Fact]
    public void Dynamic_results_use_the_default_type_map_with_emitted_types()
    {
        using var instance = fx.Component.Instantiate();
        var shapes = instance.Exports.Shapes;
        object point = shapes.MakePoint(1, 2);
        point.Should().BeAssignableTo<ComponentRecord>();
        ((int)((dynamic)point).X).Should().Be(1);
        point.Should().Be((object)shapes.RoundtripPoint(point), "emitted records have value equality");
        object color = shapes.RoundtripColor("blue-ish");
        color.GetType().IsEnum.Should().BeTrue();
        color.ToString().Should().Be("BlueIsh");
        object perms = shapes.RoundtripPerms8("read, audit");
        perms.GetType().IsDefined(typeof(FlagsAttribute), false).Should().BeTrue();
        perms.ToString().Should().Be("Read, Audit");
        ComponentVariant shape = shapes.RoundtripShape(new { Case = "circle", Value = 2 });
        shape.Case.Should().Be("circle");
        shape.Payload.Should().Be(2.0);
        object none = shapes.RoundtripShape("none");
        ((ComponentVariant)none).Case.Should().Be("none");
        object nested = shapes.RoundtripNestedOptions(Option<uint?>.Some(null));
        nested.Should().Be(Option<uint?>.Some(null));
        object tuple = shapes.RoundtripTuple((1, "a", 2));
        tuple.Should().Be((1u, "a", 2.0));
        object list = shapes.RoundtripListPoint(new[] { new { X = 1, Y = 2 } });
        ((Array)list).Length.Should().Be(1);
        object dict = shapes.RoundtripPoint(new Dictionary<string, object> { ["x"] = 5, ["y"] = 6 });
        ((int)((dynamic)dict).Y).Should().Be(6);
        object ok = shapes.Divide(1, 4);
        ok.Should().Be(Result.Ok<double, string>(0.25));
        object byName = instance.Exports["demo:types/shapes"].Area(new { Case = "rect", Value = new { X = 2, Y = 5 } });
        byName.Should().Be(10.0);
    }

    [Fact]
    public void GetInterface_reports_every_mismatch_at_once_with_both_signatures()
    {
        using var instance = fx.Component.Instantiate();
        var act = () => instance.GetInterface<IBadShapes>("demo:types/shapes");
        var e = act.Should().Throw<ComponentBindingException>().Which;
        e.Problems.Should().HaveCount(4, "the parameter and the result of RoundtripPoint, the unknown Nope and the arity of Area");
        e.Message.Should().Contain("roundtrip-point: func(p: point) -> point").And.Contain("Point RoundtripPoint(Point p)");
        e.Message.Should().Contain("Nope").And.Contain("area: func(s: shape) -> f64");
    }
}

public interface IBadShapes
{
    string RoundtripPoint(int p);
    void Nope();
    double Area(Shape s, int extra);
}

public class InvokeByNameTests(CompoundFixture fx) : IClassFixture<CompoundFixture>
{
    [Fact]
    public void Exports_can_be_called_by_wit_name_with_coerced_arguments()
    {
        using var scalars = fx.Scalars.Instantiate();
        scalars.Invoke("add", 40, 2).Should().Be(42u);
        scalars.Invoke("roundtrip-u8", 200).Should().Be((byte)200);
        using var compound = fx.Component.Instantiate();
        compound.Invoke("demo:types/shapes#area", new { Case = "rect", Value = new { X = 2, Y = 3 } }).Should().Be(6.0);
        compound.Invoke("shapes#divide", 1, 0).Should().Be(Result.Err<double, string>("division by zero"));
        compound.Invoking(c => c.Invoke("shapes#nope")).Should().Throw<ComponentExportNotFoundException>().WithMessage("*area: func(s: shape) -> f64*");
        scalars.Invoking(c => c.Invoke("add", 1)).Should().Throw<ComponentArgumentException>().WithMessage("*add: func(a: u32, b: u32) -> u32*");
    }
}
