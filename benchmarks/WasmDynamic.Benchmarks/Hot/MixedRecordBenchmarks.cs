using System.Text;
using BenchmarkDotNet.Attributes;
using WasmDynamic.Benchmarks.Floor;
using WtC = Wasmtime.Components;

namespace WasmDynamic.Benchmarks.Hot;

/// <summary>
/// compound.wat <c>roundtrip-mixed: func(m: mixed) -> mixed</c>, with
/// <c>record mixed { a: bool, b: u8, c: s16, d: u64, e: f32, f: string }</c>.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(20_000)]
public unsafe class MixedRecordBenchmarks
{
    private const string Shapes = "demo:types/shapes@0.1.0";
    private static readonly NName[] Names = new[] { "a", "b", "c", "d", "e", "f" }.Select(n => new NName(n)).ToArray();

    private readonly Mixed _value = new() { A = true, B = 200, C = -12345, D = 1UL << 40, E = 0.25f, F = "a small string" };
    private Instances _i = null!;
    private IShapes _typed = null!;
    private dynamic _dynamic = null!;
    private object _dynamicValue = null!;
    private WtC.ComponentFunction _dotnet = null!;
    private NFunc* _floor;

    [GlobalSetup]
    public void Verify()
    {
        Setup();
        Shared.Check(Typed().SameAs(_value) && WasmtimeDotnet().SameAs(_value) && Floor().SameAs(_value), "roundtrip-mixed");
        Shared.Check(((dynamic)Dynamic()).F == _value.F && ((dynamic)Dynamic()).D == _value.D, "roundtrip-mixed (dynamic)");
        Cleanup();
    }

    [IterationSetup]
    public void Setup()
    {
        _i = new Instances("compound.wat");
        _typed = _i.WasmDynamic.GetInterface<IShapes>();
        _dynamic = _i.WasmDynamic.Exports.Shapes;

        // The dynamic caller passes the emitted record type it got back (an anonymous object would coerce by reflection).
        _dynamicValue = _dynamic.RoundtripMixed(new { _value.A, _value.B, _value.C, _value.D, _value.E, _value.F });
        _dotnet = _i.Dotnet.GetFunction(Shapes, "roundtrip-mixed")!;
        _floor = _i.Floor.Func(Shapes, "roundtrip-mixed");
    }

    [IterationCleanup]
    public void Cleanup() => _i.Dispose();

    [Benchmark]
    public Mixed Typed() => _typed.RoundtripMixed(_value);

    [Benchmark]
    public object Dynamic() => _dynamic.RoundtripMixed(_dynamicValue);

    [Benchmark]
    public Mixed WasmtimeDotnet()
    {
        var m = _value;
        var r = _dotnet.Call(WtC.ComponentValue.Record(
        [
            new("a", WtC.ComponentValue.Bool(m.A)),
            new("b", WtC.ComponentValue.U8(m.B)),
            new("c", WtC.ComponentValue.S16(m.C)),
            new("d", WtC.ComponentValue.U64(m.D)),
            new("e", WtC.ComponentValue.F32(m.E)),
            new("f", WtC.ComponentValue.String(m.F)),
        ]))!.AsRecord();
        return new Mixed { A = r[0].Value.AsBool(), B = r[1].Value.AsU8(), C = r[2].Value.AsS16(), D = r[3].Value.AsU64(), E = r[4].Value.AsF32(), F = r[5].Value.AsString() };
    }

    /// <summary>Six record entries on the stack (names pre-encoded), the string UTF-8 on the stack; fields read back by position.</summary>
    [Benchmark(Baseline = true)]
    public Mixed Floor()
    {
        var m = _value;
        var arg = stackalloc byte[V.Size];
        var result = stackalloc byte[V.Size];
        var entries = stackalloc byte[6 * V.EntrySize];
        var max = Encoding.UTF8.GetMaxByteCount(m.F.Length);
        var utf8 = stackalloc byte[max];
        var length = Encoding.UTF8.GetBytes(m.F, new Span<byte>(utf8, max));
        for (var k = 0; k < 6; k++)
        {
            Names[k].WriteTo(entries + (k * V.EntrySize));
        }

        var v = entries + 16;
        v[0] = V.Bool;
        v[8] = m.A ? (byte)1 : (byte)0;
        v += V.EntrySize;
        v[0] = V.U8;
        v[8] = m.B;
        v += V.EntrySize;
        v[0] = V.S16;
        *(short*)(v + 8) = m.C;
        v += V.EntrySize;
        v[0] = V.U64;
        *(ulong*)(v + 8) = m.D;
        v += V.EntrySize;
        v[0] = V.F32;
        *(float*)(v + 8) = m.E;
        v += V.EntrySize;
        V.SetVec(v, V.String, (nuint)length, utf8);
        V.SetVec(arg, V.Record, 6, entries);

        _i.Floor.Call(_floor, arg, 1, result, 1);
        V.Expect(result, V.Record);
        if (V.VecSize(result) != 6)
        {
            throw new InvalidOperationException("mixed has 6 fields");
        }

        var r = V.VecData(result) + 16;
        var lifted = new Mixed
        {
            A = r[8] != 0,
            B = r[V.EntrySize + 8],
            C = *(short*)(r + (2 * V.EntrySize) + 8),
            D = *(ulong*)(r + (3 * V.EntrySize) + 8),
            E = *(float*)(r + (4 * V.EntrySize) + 8),
            F = Encoding.UTF8.GetString(V.VecData(r + (5 * V.EntrySize)), (int)V.VecSize(r + (5 * V.EntrySize))),
        };
        FloorApi.wasmtime_component_val_delete(result);
        new Span<byte>(result, V.Size).Clear();
        return lifted;
    }
}
