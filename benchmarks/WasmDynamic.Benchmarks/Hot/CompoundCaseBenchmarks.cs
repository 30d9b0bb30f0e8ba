using System.Text;
using BenchmarkDotNet.Attributes;
using WasmDynamic.Benchmarks.Floor;
using WtC = Wasmtime.Components;

namespace WasmDynamic.Benchmarks.Hot;

/// <summary>Instances of compound.wat and the typed/dynamic views shared by the variant, option and result cases.</summary>
public abstract unsafe class CompoundCase
{
    protected const string Shapes = "demo:types/shapes@0.1.0";
    private protected static readonly NName Circle = new("circle");
    private protected static readonly NName Rect = new("rect");
    private protected static readonly NName None = new("none");
    private protected static readonly NName X = new("x");
    private protected static readonly NName Y = new("y");

    private protected Instances I = null!;
    protected IShapes TypedProxy = null!;
    protected dynamic DynamicProxy = null!;
    protected WtC.ComponentFunction DotnetFunction = null!;
    private protected NFunc* FloorFunction;

    protected abstract string FunctionName { get; }

    [IterationSetup]
    public void Setup()
    {
        I = new Instances("compound.wat");
        TypedProxy = I.WasmDynamic.GetInterface<IShapes>();
        DynamicProxy = I.WasmDynamic.Exports.Shapes;
        DotnetFunction = I.Dotnet.GetFunction(Shapes, FunctionName)!;
        FloorFunction = I.Floor.Func(Shapes, FunctionName);
        SetupMore();
    }

    protected virtual void SetupMore()
    {
    }

    [IterationCleanup]
    public void Cleanup() => I.Dispose();
}

/// <summary>compound.wat <c>roundtrip-shape: func(s: shape) -> shape</c> with <c>rect(point { x: 3, y: 4 })</c> (a variant with a record payload).</summary>
[MemoryDiagnoser]
[InvocationCount(20_000)]
public unsafe class VariantBenchmarks : CompoundCase
{
    private readonly Shape _shape = new Shape.Rect(new Point(3, 4));
    private object _dynamicShape = null!;

    protected override string FunctionName => "roundtrip-shape";

    [GlobalSetup]
    public void Verify()
    {
        Setup();
        Shared.Check(Typed().Equals(_shape) && WasmtimeDotnet().Equals(_shape) && Floor().Equals(_shape) && ((dynamic)Dynamic()).Value.Y == 4, "roundtrip-shape");
        Cleanup();
    }

    // The dynamic caller passes back the emitted variant it got (an anonymous object would coerce by reflection).
    protected override void SetupMore() => _dynamicShape = DynamicProxy.RoundtripShape(new { Case = "rect", Value = new { X = 3, Y = 4 } });

    [Benchmark]
    public Shape Typed() => TypedProxy.RoundtripShape(_shape);

    [Benchmark]
    public object Dynamic() => DynamicProxy.RoundtripShape(_dynamicShape);

    [Benchmark]
    public Shape WasmtimeDotnet()
    {
        var arg = _shape switch
        {
            Shape.Circle c => WtC.ComponentValue.Variant("circle", WtC.ComponentValue.F64(c.Value)),
            Shape.Rect r => WtC.ComponentValue.Variant("rect", WtC.ComponentValue.Record([new("x", WtC.ComponentValue.S32(r.Value.X)), new("y", WtC.ComponentValue.S32(r.Value.Y))])),
            _ => WtC.ComponentValue.Variant("none"),
        };
        var v = DotnetFunction.Call(arg)!;
        switch (v.AsVariant())
        {
            case "circle":
                return new Shape.Circle(v.Payload!.AsF64());
            case "rect":
                var fields = v.Payload!.AsRecord();
                return new Shape.Rect(new Point(fields[0].Value.AsS32(), fields[1].Value.AsS32()));
            default:
                return new Shape.None();
        }
    }

    /// <summary>The variant, its payload and the record entries on the stack; the case matched by name bytes.</summary>
    [Benchmark(Baseline = true)]
    public Shape Floor()
    {
        var arg = stackalloc byte[V.Size];
        var payload = stackalloc byte[V.Size];
        var entries = stackalloc byte[2 * V.EntrySize];
        var result = stackalloc byte[V.Size];
        arg[0] = V.Variant;
        switch (_shape)
        {
            case Shape.Circle c:
                Circle.WriteTo(arg + 8);
                payload[0] = V.F64;
                *(double*)(payload + 8) = c.Value;
                *(byte**)(arg + 24) = payload;
                break;
            case Shape.Rect r:
                Rect.WriteTo(arg + 8);
                X.WriteTo(entries);
                entries[16] = V.S32;
                *(int*)(entries + 24) = r.Value.X;
                Y.WriteTo(entries + V.EntrySize);
                entries[V.EntrySize + 16] = V.S32;
                *(int*)(entries + V.EntrySize + 24) = r.Value.Y;
                V.SetVec(payload, V.Record, 2, entries);
                *(byte**)(arg + 24) = payload;
                break;
            default:
                None.WriteTo(arg + 8);
                break;
        }

        I.Floor.Call(FloorFunction, arg, 1, result, 1);
        V.Expect(result, V.Variant);
        var p = *(byte**)(result + 24);
        Shape lifted = Circle.Matches(result + 8) ? new Shape.Circle(*(double*)(p + 8))
            : Rect.Matches(result + 8) ? new Shape.Rect(new Point(*(int*)(V.VecData(p) + 24), *(int*)(V.VecData(p) + V.EntrySize + 24)))
            : new Shape.None();
        FloorApi.wasmtime_component_val_delete(result);
        new Span<byte>(result, V.Size).Clear();
        return lifted;
    }
}

/// <summary>compound.wat <c>roundtrip-option: func(x: option&lt;string&gt;) -> option&lt;string&gt;</c> with <c>some("an optional string")</c>.</summary>
[MemoryDiagnoser]
[InvocationCount(20_000)]
public unsafe class OptionBenchmarks : CompoundCase
{
    private readonly string? _option = "an optional string";

    protected override string FunctionName => "roundtrip-option";

    [GlobalSetup]
    public void Verify()
    {
        Setup();
        Shared.Check(Typed() == _option && (string?)Dynamic() == _option && WasmtimeDotnet() == _option && Floor() == _option, "roundtrip-option");
        Cleanup();
    }

    [Benchmark]
    public string? Typed() => TypedProxy.RoundtripOption(_option);

    [Benchmark]
    public object? Dynamic() => DynamicProxy.RoundtripOption(_option);

    [Benchmark]
    public string? WasmtimeDotnet()
    {
        var v = DotnetFunction.Call(_option is null ? WtC.ComponentValue.None() : WtC.ComponentValue.Some(WtC.ComponentValue.String(_option)))!;
        return v.IsSome ? v.Payload!.AsString() : null;
    }

    /// <summary>The option and its string payload on the stack (UTF-8 on the stack too).</summary>
    [Benchmark(Baseline = true)]
    public string? Floor()
    {
        var arg = stackalloc byte[V.Size];
        var payload = stackalloc byte[V.Size];
        var result = stackalloc byte[V.Size];
        var option = _option;
        arg[0] = V.Option;
        if (option is not null)
        {
            var max = Encoding.UTF8.GetMaxByteCount(option.Length);
            var utf8 = stackalloc byte[max];
            var length = Encoding.UTF8.GetBytes(option, new Span<byte>(utf8, max));
            V.SetVec(payload, V.String, (nuint)length, utf8);
            *(byte**)(arg + 8) = payload;
        }

        I.Floor.Call(FloorFunction, arg, 1, result, 1);
        V.Expect(result, V.Option);
        var p = *(byte**)(result + 8);
        var lifted = p == null ? null : Encoding.UTF8.GetString(V.VecData(p), (int)V.VecSize(p));
        FloorApi.wasmtime_component_val_delete(result);
        new Span<byte>(result, V.Size).Clear();
        return lifted;
    }
}

/// <summary>compound.wat <c>divide: func(a: f64, b: f64) -> result&lt;f64, string&gt;</c> with (10, 4): ok(2.5).</summary>
[MemoryDiagnoser]
[InvocationCount(20_000)]
public unsafe class ResultBenchmarks : CompoundCase
{
    private readonly double _a = 10;
    private readonly double _b = 4;

    protected override string FunctionName => "divide";

    [GlobalSetup]
    public void Verify()
    {
        Setup();
        var ok = Result.Ok<double, string>(2.5);
        Shared.Check(Typed() == ok && (Result<double, string>)Dynamic() == ok && WasmtimeDotnet() == ok && Floor() == ok, "divide");
        Cleanup();
    }

    [Benchmark]
    public Result<double, string> Typed() => TypedProxy.Divide(_a, _b);

    [Benchmark]
    public object Dynamic() => DynamicProxy.Divide(_a, _b);

    [Benchmark]
    public Result<double, string> WasmtimeDotnet()
    {
        var v = DotnetFunction.Call(WtC.ComponentValue.F64(_a), WtC.ComponentValue.F64(_b))!;
        return v.IsOk ? Result.Ok<double, string>(v.Payload!.AsF64()) : Result.Err<double, string>(v.Payload!.AsString());
    }

    /// <summary>Two f64 values on the stack; the result's payload read through its pointer.</summary>
    [Benchmark(Baseline = true)]
    public Result<double, string> Floor()
    {
        var args = stackalloc byte[2 * V.Size];
        var result = stackalloc byte[V.Size];
        args[0] = V.F64;
        *(double*)(args + 8) = _a;
        args[V.Size] = V.F64;
        *(double*)(args + V.Size + 8) = _b;
        I.Floor.Call(FloorFunction, args, 2, result, 1);
        V.Expect(result, V.Result);
        var p = *(byte**)(result + 16);
        var lifted = result[8] != 0 ? Result.Ok<double, string>(*(double*)(p + 8)) : Result.Err<double, string>(Encoding.UTF8.GetString(V.VecData(p), (int)V.VecSize(p)));
        FloorApi.wasmtime_component_val_delete(result);
        new Span<byte>(result, V.Size).Clear();
        return lifted;
    }
}
