using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace WasmDynamic.Benchmarks.Cold;

/// <summary>
/// Emit time for a world of 100 functions, on its own: each iteration loads (and reads the world of) a component
/// whose world is new to the process, and instantiates it, outside the measurement; the measured operation is the
/// first <c>GetInterface&lt;I100&gt;</c> (typed proxy: converters + IL for 100 methods, and the 100 invokers bound) or
/// the first <c>Exports</c> (default-map proxy). <c>Instantiate_FreshWorld</c> is the instantiation those leave out
/// (it creates the world's emit scope). <c>Bind_WorldAlreadyEmitted</c> is the same call on a world emitted
/// before: what is left when nothing is emitted. Two jobs: the steady state (JIT warm, 15 iterations), and
/// <c>FirstInProcess</c>, the very first emission in a fresh process (3 processes, one call each: the JIT of the
/// library's emit path is included).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1, 1)]
[SimpleJob(RunStrategy.ColdStart, launchCount: 3, warmupCount: 0, iterationCount: 1, id: "FirstInProcess")]
public class EmitBenchmarks
{
    private static int s_world;
    private WasmComponent _component = null!;
    private ComponentInstance _instance = null!;
    private WasmComponent? _emitted;

    /// <summary>A component of a world never seen before in this process, loaded (world read) but not instantiated.</summary>
    [IterationSetup(Target = nameof(Instantiate_FreshWorld))]
    public void FreshWorldNotInstantiated()
    {
        _component = Shared.Runtime.LoadText(Wat100.Text("p" + Interlocked.Increment(ref s_world)), "wat100");
        _ = _component.World;
    }

    /// <summary>A component of a world never seen before in this process, loaded and instantiated.</summary>
    [IterationSetup(Targets = [nameof(GetInterface100), nameof(DynamicExports100)])]
    public void FreshWorld()
    {
        _component = Shared.Runtime.LoadText(Wat100.Text("p" + Interlocked.Increment(ref s_world)), "wat100");
        _ = _component.World;
        _instance = _component.Instantiate();
    }

    /// <summary>A new instance of a component whose world was emitted already.</summary>
    [IterationSetup(Target = nameof(Bind_WorldAlreadyEmitted))]
    public void EmittedWorld()
    {
        if (_emitted is null)
        {
            _emitted = Shared.Runtime.LoadText(Wat100.Text(), "wat100");
            using var first = _emitted.Instantiate();
            _ = first.GetInterface<I100>("");
        }

        _component = _emitted;
        _instance = _emitted.Instantiate();
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _instance.Dispose();
        if (_component != _emitted)
        {
            _component.Dispose();
        }
    }

    /// <summary>
    /// Instantiating a world new to the process also creates its emit scope (the collectible assembly and module, the
    /// world-cache entry): part of the cost of a first emission, outside <see cref="GetInterface100"/>.
    /// </summary>
    [Benchmark]
    public ComponentInstance Instantiate_FreshWorld() => _instance = _component.Instantiate();

    [Benchmark]
    public I100 GetInterface100() => _instance.GetInterface<I100>("");

    [Benchmark]
    public object DynamicExports100() => _instance.Exports;

    [Benchmark]
    public I100 Bind_WorldAlreadyEmitted() => _instance.GetInterface<I100>("");
}
