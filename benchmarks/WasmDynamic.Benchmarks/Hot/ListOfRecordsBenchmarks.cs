using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using WasmDynamic.Benchmarks.Floor;
using WtC = Wasmtime.Components;

namespace WasmDynamic.Benchmarks.Hot;

/// <summary>compound.wat <c>roundtrip-list-point: func(x: list&lt;point&gt;) -> list&lt;point&gt;</c> with 1000 points.</summary>
[MemoryDiagnoser]
[InvocationCount(40)]
public unsafe class ListOfRecordsBenchmarks
{
    public const int Count = 1000;
    private const string Shapes = "demo:types/shapes@0.1.0";
    private static readonly NName X = new("x");
    private static readonly NName Y = new("y");

    private readonly Point[] _points = Enumerable.Range(0, Count).Select(k => new Point(k, -k * 3)).ToArray();
    private Instances _i = null!;
    private IShapes _typed = null!;
    private dynamic _dynamic = null!;
    private object _dynamicPoints = null!;
    private WtC.ComponentFunction _dotnet = null!;
    private NFunc* _floor;
    private byte* _vals;
    private byte* _entries;
    private byte* _prebuiltVals;
    private byte* _prebuiltEntries;

    [GlobalSetup]
    public void Verify()
    {
        _vals = (byte*)NativeMemory.AllocZeroed(Count * V.Size);
        _entries = (byte*)NativeMemory.AllocZeroed(2 * Count * V.EntrySize);
        _prebuiltVals = (byte*)NativeMemory.AllocZeroed(Count * V.Size);
        _prebuiltEntries = (byte*)NativeMemory.AllocZeroed(2 * Count * V.EntrySize);
        Fill(_prebuiltVals, _prebuiltEntries);
        Setup();
        Shared.Check(Typed().SequenceEqual(_points) && WasmtimeDotnet().SequenceEqual(_points) && Floor().SequenceEqual(_points) && FloorPrebuiltValues().SequenceEqual(_points), "roundtrip-list-point");
        Shared.Check(((dynamic)Dynamic()).Length == Count && ((dynamic)Dynamic())[999].Y == -2997, "roundtrip-list-point (dynamic)");
        Cleanup();
    }

    [IterationSetup]
    public void Setup()
    {
        _i = new Instances("compound.wat");
        _typed = _i.WasmDynamic.GetInterface<IShapes>();
        _dynamic = _i.WasmDynamic.Exports.Shapes;

        // The dynamic caller passes back the emitted point[] it got (anonymous objects would coerce by reflection).
        _dynamicPoints = _dynamic.RoundtripListPoint(_points.Select(p => new { p.X, p.Y }).ToArray());
        _dotnet = _i.Dotnet.GetFunction(Shapes, "roundtrip-list-point")!;
        _floor = _i.Floor.Func(Shapes, "roundtrip-list-point");
    }

    [IterationCleanup]
    public void Cleanup() => _i.Dispose();

    [Benchmark]
    public Point[] Typed() => _typed.RoundtripListPoint(_points);

    [Benchmark]
    public object Dynamic() => _dynamic.RoundtripListPoint(_dynamicPoints);

    [Benchmark]
    public Point[] WasmtimeDotnet()
    {
        var points = _points;
        var items = new WtC.ComponentValue[points.Length];
        for (var k = 0; k < points.Length; k++)
        {
            items[k] = WtC.ComponentValue.Record([new("x", WtC.ComponentValue.S32(points[k].X)), new("y", WtC.ComponentValue.S32(points[k].Y))]);
        }

        var list = _dotnet.Call(WtC.ComponentValue.List(items))!.AsList();
        var lifted = new Point[list.Count];
        for (var k = 0; k < lifted.Length; k++)
        {
            var fields = list[k].AsRecord();
            lifted[k] = new Point(fields[0].Value.AsS32(), fields[1].Value.AsS32());
        }

        return lifted;
    }

    /// <summary>1000 record values with 2 entries each written into reused native buffers; the result read back by position.</summary>
    [Benchmark(Baseline = true)]
    public Point[] Floor()
    {
        Fill(_vals, _entries);
        return CallFloor(_vals);
    }

    /// <summary>Only the call and the lifting: the argument values were built once.</summary>
    [Benchmark]
    public Point[] FloorPrebuiltValues() => CallFloor(_prebuiltVals);

    private void Fill(byte* vals, byte* entries)
    {
        var points = _points;
        for (var k = 0; k < points.Length; k++)
        {
            var e = entries + (2 * k * V.EntrySize);
            X.WriteTo(e);
            e[16] = V.S32;
            *(int*)(e + 24) = points[k].X;
            Y.WriteTo(e + V.EntrySize);
            e[V.EntrySize + 16] = V.S32;
            *(int*)(e + V.EntrySize + 24) = points[k].Y;
            V.SetVec(vals + (k * V.Size), V.Record, 2, e);
        }
    }

    private Point[] CallFloor(byte* vals)
    {
        var arg = stackalloc byte[V.Size];
        var result = stackalloc byte[V.Size];
        V.SetVec(arg, V.List, Count, vals);
        _i.Floor.Call(_floor, arg, 1, result, 1);
        V.Expect(result, V.List);
        var count = (int)V.VecSize(result);
        var data = V.VecData(result);
        var lifted = new Point[count];
        for (var k = 0; k < count; k++)
        {
            var record = data + (k * V.Size);
            var e = V.VecData(record);
            lifted[k] = new Point(*(int*)(e + 24), *(int*)(e + V.EntrySize + 24));
        }

        FloorApi.wasmtime_component_val_delete(result);
        new Span<byte>(result, V.Size).Clear();
        return lifted;
    }
}
