using BenchmarkDotNet.Attributes;

namespace WasmDynamic.Benchmarks.Hot;

/// <summary>numlists.wat's u32 and f64 functions, typed.</summary>
public interface IBulkNumbers
{
    uint SumU32(uint[] x);

    uint[] EchoU32(uint[] x);

    double SumF64(double[] x);

    double[] EchoF64(double[] x);
}

/// <summary>
/// The bulk adapter on number lists (numlists.wat): <c>Plain</c> is the typed call with the adapter off (one native
/// value per element), the baseline; <c>Adapter</c> the same call with it on. <c>Size</c> is the list's size in bytes.
/// </summary>
public abstract class BulkNumbersBenchmarks : AdapterPairBenchmarks<IBulkNumbers>
{
    protected override string Fixture => "numlists.wat";

    [Params(16, 64 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    protected uint[] U32 { get; private set; } = [];

    protected double[] F64 { get; private set; } = [];

    [GlobalSetup]
    public void Verify()
    {
        var random = new Random(Size);
        U32 = Enumerable.Range(0, Size / 4).Select(_ => (uint)random.Next()).ToArray();
        F64 = Enumerable.Range(0, Size / 8).Select(_ => random.NextDouble()).ToArray();
        Setup();
        Shared.Check(PlainProxy.SumU32(U32) == AdapterProxy.SumU32(U32), "bulk sum u32");
        Shared.Check(PlainProxy.EchoU32(U32).AsSpan().SequenceEqual(U32) && AdapterProxy.EchoU32(U32).AsSpan().SequenceEqual(U32), "bulk echo u32");
        Shared.Check(BitConverter.DoubleToInt64Bits(PlainProxy.SumF64(F64)) == BitConverter.DoubleToInt64Bits(AdapterProxy.SumF64(F64)), "bulk sum f64");
        Shared.Check(AdapterProxy.EchoF64(F64).AsSpan().SequenceEqual(F64), "bulk echo f64");
        Cleanup();
    }
}

/// <summary><c>sum-u32: func(x: list&lt;u32&gt;) -> u32</c>.</summary>
[MemoryDiagnoser]
[InvocationCount(16)]
public class BulkSumU32Benchmarks : BulkNumbersBenchmarks
{
    [Benchmark(Baseline = true)]
    public uint Plain() => PlainProxy.SumU32(U32);

    [Benchmark]
    public uint Adapter() => AdapterProxy.SumU32(U32);

    protected override void Warm()
    {
        Plain();
        Adapter();
    }
}

/// <summary><c>echo-u32: func(x: list&lt;u32&gt;) -> list&lt;u32&gt;</c>.</summary>
[MemoryDiagnoser]
[InvocationCount(16)]
public class BulkEchoU32Benchmarks : BulkNumbersBenchmarks
{
    [Benchmark(Baseline = true)]
    public uint[] Plain() => PlainProxy.EchoU32(U32);

    [Benchmark]
    public uint[] Adapter() => AdapterProxy.EchoU32(U32);

    protected override void Warm()
    {
        Plain();
        Adapter();
    }
}

/// <summary><c>sum-f64: func(x: list&lt;f64&gt;) -> f64</c>.</summary>
[MemoryDiagnoser]
[InvocationCount(16)]
public class BulkSumF64Benchmarks : BulkNumbersBenchmarks
{
    [Benchmark(Baseline = true)]
    public double Plain() => PlainProxy.SumF64(F64);

    [Benchmark]
    public double Adapter() => AdapterProxy.SumF64(F64);

    protected override void Warm()
    {
        Plain();
        Adapter();
    }
}

/// <summary><c>echo-f64: func(x: list&lt;f64&gt;) -> list&lt;f64&gt;</c>.</summary>
[MemoryDiagnoser]
[InvocationCount(16)]
public class BulkEchoF64Benchmarks : BulkNumbersBenchmarks
{
    [Benchmark(Baseline = true)]
    public double[] Plain() => PlainProxy.EchoF64(F64);

    [Benchmark]
    public double[] Adapter() => AdapterProxy.EchoF64(F64);

    protected override void Warm()
    {
        Plain();
        Adapter();
    }
}
