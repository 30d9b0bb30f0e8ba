using BenchmarkDotNet.Attributes;
using WasmDynamic.Benchmarks.Floor;
using Wt = Wasmtime;
using WtC = Wasmtime.Components;

namespace WasmDynamic.Benchmarks.Hot;

/// <summary>
/// Instantiate + dispose of a WASI 0.2 component (wasi-stdout.wat): a fresh store, WASI context and instance each
/// time. The baseline is Wasmtime.Dotnet with one <c>ComponentLinker</c> (WASI added once) reused and a fresh store —
/// the least a C API embedder does. WasmDynamic: plain <c>Instantiate</c> (linker cached per import shape), a
/// <c>PreparedComponent</c>, and a prepared component on a runtime with the pooling allocator; and Wasmtime's own floor
/// for each allocator (raw C API, <see cref="FloorWasi"/>). A ratio below 1 is faster than the baseline.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(2_000)]
public class InstantiateWasiBenchmarks
{
    private static readonly PoolingAllocatorOptions Pool = new() { TotalComponentInstances = 16, TotalMemories = 64, TotalTables = 64, MaxMemoryBytes = 64 << 20 };

    private static readonly Lazy<ComponentRuntime> PooledRuntime = new(() => new ComponentRuntime(new ComponentRuntimeOptions { PoolingAllocator = Pool }));

    private static readonly InstanceOptions Quiet = new() { Wasi = new WasiOptions { StandardOutput = WasiOutput.Null, StandardError = WasiOutput.Null } };

    private WasmComponent _component = null!;
    private PreparedComponent _prepared = null!;
    private PreparedComponent _pooled = null!;
    private WtC.Component _dotnetComponent = null!;
    private WtC.ComponentLinker _dotnetLinker = null!;
    private FloorWasi _floor = null!;
    private FloorWasi _pooledFloor = null!;

    [GlobalSetup]
    public void Verify()
    {
        _component = Shared.Component("wasi-stdout.wat");
        _prepared = _component.Prepare(Quiet);
        _pooled = PooledRuntime.Value.Load(Shared.FixturePath("wasi-stdout.wat")).Prepare(Quiet);
        _dotnetComponent = Shared.DotnetComponent("wasi-stdout.wat");
        _dotnetLinker = new WtC.ComponentLinker(Shared.DotnetEngine);
        _dotnetLinker.AddWasiPreview2();
        _floor = new FloorWasi("wasi-stdout.wat", pool: null);
        _pooledFloor = new FloorWasi("wasi-stdout.wat", Pool);
        WasmtimeDotnet();
        Floor();
        PooledFloor();
        WasmDynamic();
        Prepared();
        Pooled();
    }

    [IterationSetup]
    public void Setup()
    {
    }

    [IterationCleanup]
    public void Cleanup()
    {
    }

    [Benchmark(Baseline = true)]
    public void WasmtimeDotnet()
    {
        using var store = new Wt.Store(Shared.DotnetEngine);
        store.SetWasiConfiguration(new Wt.WasiConfiguration());
        _dotnetLinker.Instantiate(store, _dotnetComponent);
    }

    [Benchmark]
    public void WasmDynamic()
    {
        using var instance = _component.Instantiate(Quiet);
    }

    [Benchmark]
    public void Prepared()
    {
        using var instance = _prepared.Instantiate();
    }

    [Benchmark]
    public void Pooled()
    {
        using var instance = _pooled.Instantiate();
    }

    /// <summary>Wasmtime's own floor on an engine with the library's settings: see <see cref="FloorWasi"/>.</summary>
    [Benchmark]
    public void Floor() => _floor.InstantiateAndDrop();

    /// <summary><see cref="Floor"/> with the pooling allocator sized as <see cref="Pooled"/>'s runtime.</summary>
    [Benchmark]
    public void PooledFloor() => _pooledFloor.InstantiateAndDrop();
}
