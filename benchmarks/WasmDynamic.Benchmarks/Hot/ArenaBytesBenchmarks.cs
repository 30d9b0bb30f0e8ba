using BenchmarkDotNet.Attributes;

namespace WasmDynamic.Benchmarks.Hot;

/// <summary>bulk/arena.wat, typed (the user's <c>byte[]</c>).</summary>
public interface IArena
{
    uint Sum(byte[] x);

    byte[] Echo(byte[] x);
}

/// <summary>
/// The bulk-bytes adapter against today's typed path on bulk/arena.wat: the same <c>sum</c> byte loop and in-place
/// <c>echo</c> as strings.wat, but with a guest allocator that frees each call's arguments in its post-return (as real
/// guests do), so steady-state calls do not grow memory and fault fresh pages in. <c>Plain</c> (the baseline) is the
/// typed call with the bulk adapter off; <c>Adapter</c> with it on (<see cref="AdapterPairBenchmarks{TProxy}"/>).
/// </summary>
public abstract class ArenaBytesBenchmarks : AdapterPairBenchmarks<IArena>
{
    protected override string Fixture => "arena.wat";

    [Params(16, 64 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    protected byte[] Data { get; private set; } = [];

    [GlobalSetup]
    public void Verify()
    {
        Data = new byte[Size];
        new Random(Size).NextBytes(Data);
        Setup();
        var sum = (uint)Data.Sum(b => b);
        Shared.Check(PlainProxy.Sum(Data) == sum && AdapterProxy.Sum(Data) == sum, "arena sum");
        Shared.Check(PlainProxy.Echo(Data).AsSpan().SequenceEqual(Data) && AdapterProxy.Echo(Data).AsSpan().SequenceEqual(Data), "arena echo");
        Cleanup();
    }
}

/// <summary><c>sum: func(x: list&lt;u8&gt;) -> u32</c>, freeing guest.</summary>
[MemoryDiagnoser]
[InvocationCount(16)]
public class ArenaSumBenchmarks : ArenaBytesBenchmarks
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

/// <summary><c>echo: func(x: list&lt;u8&gt;) -> list&lt;u8&gt;</c>, freeing guest.</summary>
[MemoryDiagnoser]
[InvocationCount(16)]
public class ArenaEchoBenchmarks : ArenaBytesBenchmarks
{
    [Benchmark(Baseline = true)]
    public byte[] Plain() => PlainProxy.Echo(Data);

    [Benchmark]
    public byte[] Adapter() => AdapterProxy.Echo(Data);

    protected override void Warm()
    {
        Plain();
        Adapter();
    }
}

/// <summary><c>sum</c> on bulk/arena-fast.wat: arena.wat with a <c>sum</c> as an optimizing compiler emits it (four i64 loads per step, bytes added in 16-bit lanes), so the guest's loop is no longer most of the time.</summary>
[MemoryDiagnoser]
[InvocationCount(16)]
public class FastSumBenchmarks : ArenaSumBenchmarks
{
    protected override string Fixture => "arena-fast.wat";
}

/// <summary><c>echo</c> on bulk/arena-fast.wat (the same in-place echo as arena.wat; for the table's completeness).</summary>
[MemoryDiagnoser]
[InvocationCount(16)]
public class FastEchoBenchmarks : ArenaEchoBenchmarks
{
    protected override string Fixture => "arena-fast.wat";
}
