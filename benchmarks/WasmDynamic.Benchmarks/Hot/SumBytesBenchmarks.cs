using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using WasmDynamic.Benchmarks.Floor;
using WtC = Wasmtime.Components;

namespace WasmDynamic.Benchmarks.Hot;

/// <summary>
/// strings.wat <c>sum: func(x: list&lt;u8&gt;) -> u32</c> with 64 KiB. Besides the four ways to call, two references:
/// the floor with its 65 536 native values built once (Wasmtime's own per-element cost), and a 64 KiB memcpy (what the
/// bytes cost when they are not one 32-byte value each).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(32)]
public unsafe class SumBytesBenchmarks
{
    public const int Length = 64 * 1024;

    private readonly byte[] _data = new byte[Length];
    private uint _expected;
    private Instances _i = null!;
    private IStrings _typed = null!;
    private dynamic _dynamic = null!;
    private WtC.ComponentFunction _dotnet = null!;
    private NFunc* _floor;
    private byte* _vals;
    private byte* _prebuilt;
    private byte* _copy;

    [GlobalSetup]
    public void Verify()
    {
        new Random(7).NextBytes(_data);
        _expected = (uint)_data.Sum(b => b);
        _vals = (byte*)NativeMemory.AllocZeroed((nuint)Length * V.Size);
        _prebuilt = (byte*)NativeMemory.AllocZeroed((nuint)Length * V.Size);
        _copy = (byte*)NativeMemory.Alloc(Length);
        for (var k = 0; k < Length; k++)
        {
            _prebuilt[k * V.Size] = V.U8;
            _prebuilt[(k * V.Size) + 8] = _data[k];
        }

        Setup();
        Shared.Check(Typed() == _expected && Dynamic() == _expected && WasmtimeDotnet() == _expected && Floor() == _expected && FloorPrebuiltValues() == _expected, "sum");
        Cleanup();
    }

    [IterationSetup]
    public void Setup()
    {
        _i = new Instances("strings.wat");
        _typed = _i.WasmDynamic.GetInterface<IStrings>("");
        _dynamic = _i.WasmDynamic.Exports;
        _dotnet = _i.Dotnet.GetFunction("sum")!;
        _floor = _i.Floor.Func(null, "sum");
    }

    [IterationCleanup]
    public void Cleanup() => _i.Dispose();

    [Benchmark]
    public uint Typed() => _typed.Sum(_data);

    [Benchmark]
    public uint Dynamic() => _dynamic.Sum(_data);

    [Benchmark]
    public uint WasmtimeDotnet()
    {
        var data = _data;
        var items = new WtC.ComponentValue[data.Length];
        for (var k = 0; k < data.Length; k++)
        {
            items[k] = WtC.ComponentValue.U8(data[k]);
        }

        return _dotnet.Call(WtC.ComponentValue.List(items))!.AsU32();
    }

    /// <summary>65 536 values (kind + byte, 32 bytes each) written into a reused native buffer, then the call.</summary>
    [Benchmark(Baseline = true)]
    public uint Floor()
    {
        var v = _vals;
        fixed (byte* d = _data)
        {
            for (var k = 0; k < Length; k++)
            {
                *(ulong*)v = V.U8;
                *(ulong*)(v + 8) = d[k];
                v += V.Size;
            }
        }

        return CallFloor(_vals);
    }

    /// <summary>Only the call: the 65 536 values were built once. What Wasmtime itself spends per element.</summary>
    [Benchmark]
    public uint FloorPrebuiltValues() => CallFloor(_prebuilt);

    /// <summary>Reference: copying the 64 KiB as bytes, as the canonical ABI does once the values are in guest memory.</summary>
    [Benchmark]
    public int Memcpy64KiB()
    {
        fixed (byte* d = _data)
        {
            Buffer.MemoryCopy(d, _copy, Length, Length);
        }

        return _copy[Length - 1];
    }

    private uint CallFloor(byte* vals)
    {
        var arg = stackalloc byte[V.Size];
        var result = stackalloc byte[V.Size];
        V.SetVec(arg, V.List, Length, vals);
        _i.Floor.Call(_floor, arg, 1, result, 1);
        V.Expect(result, V.U32);
        return *(uint*)(result + 8);
    }
}
