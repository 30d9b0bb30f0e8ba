using BenchmarkDotNet.Attributes;

namespace WasmDynamic.Benchmarks.Hot;

/// <summary>strings.wat with only the byte-list functions, typed (the user's <c>byte[]</c>).</summary>
public interface IBulkStrings
{
    uint Sum(byte[] x);

    byte[] RoundtripListU8(byte[] x);
}

/// <summary>
/// The bulk-bytes adapter (<see cref="ComponentRuntimeOptions.BulkByteAdapter"/>) against today's typed path, on
/// strings.wat: <c>Plain</c> is the typed call of the component as it is (one 32-byte native value per byte), the
/// baseline; <c>Adapter</c> is the same typed call with the runtime option on (the bytes travel as one string).
/// </summary>
public abstract class BulkBytesBenchmarks : AdapterPairBenchmarks<IBulkStrings>
{
    protected override string Fixture => "strings.wat";

    [Params(16, 64, 256, 64 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    protected byte[] Data { get; private set; } = [];

    [GlobalSetup]
    public void Verify()
    {
        Data = new byte[Size];
        new Random(Size).NextBytes(Data);
        Setup();
        var sum = (uint)Data.Sum(b => b);
        Shared.Check(PlainProxy.Sum(Data) == sum && AdapterProxy.Sum(Data) == sum, "bulk sum");
        Shared.Check(PlainProxy.RoundtripListU8(Data).AsSpan().SequenceEqual(Data) && AdapterProxy.RoundtripListU8(Data).AsSpan().SequenceEqual(Data), "bulk echo");
        Cleanup();
    }
}

/// <summary><c>sum: func(x: list&lt;u8&gt;) -> u32</c>.</summary>
[MemoryDiagnoser]
[InvocationCount(16)]
public class BulkSumBenchmarks : BulkBytesBenchmarks
{
    [Benchmark(Baseline = true)]
    public uint Plain() => PlainProxy.Sum(Data);

    [Benchmark]
    public uint Adapter() => AdapterProxy.Sum(Data);

    protected override void Warm()
    {
        Plain();
        Adapter();
    }
}

/// <summary><c>roundtrip-list-u8: func(x: list&lt;u8&gt;) -> list&lt;u8&gt;</c>.</summary>
[MemoryDiagnoser]
[InvocationCount(16)]
public class BulkEchoBenchmarks : BulkBytesBenchmarks
{
    [Benchmark(Baseline = true)]
    public byte[] Plain() => PlainProxy.RoundtripListU8(Data);

    [Benchmark]
    public byte[] Adapter() => AdapterProxy.RoundtripListU8(Data);

    protected override void Warm()
    {
        Plain();
        Adapter();
    }
}
