using BenchmarkDotNet.Attributes;
using WasmDynamic.Benchmarks.Floor;
using Wt = Wasmtime;
using WtC = Wasmtime.Components;

namespace WasmDynamic.Benchmarks.Cold;

/// <summary>
/// Instantiating the 100-function component (compiled once): a new store, instantiate, dispose. The floor is the raw C
/// API with a linker made once; Wasmtime.Dotnet likewise reuses its <c>ComponentLinker</c>. WasmDynamic reuses the
/// linker it caches per import shape (see also Hot/InstantiateWasiBenchmarks for prepared and pooled instances). <c>WasmDynamic_InstantiateGetInterface</c> adds
/// <c>GetInterface&lt;I100&gt;</c> on a world emitted before: binding 100 functions to the new instance.
/// </summary>
[MemoryDiagnoser]
public class InstantiateBenchmarks
{
    private WasmComponent _component = null!;
    private WtC.Component _dotnetComponent = null!;
    private WtC.ComponentLinker _dotnetLinker = null!;
    private nint _floorComponent;
    private FloorLinker _floorLinker = null!;

    [GlobalSetup]
    public void Setup()
    {
        var wat = Wat100.Text();
        _component = Shared.Runtime.LoadText(wat, "wat100");
        _dotnetComponent = WtC.Component.FromText(Shared.DotnetEngine, wat);
        _dotnetLinker = new WtC.ComponentLinker(Shared.DotnetEngine);
        _floorComponent = FloorEngine.Compile(wat);
        _floorLinker = new FloorLinker();

        // The typed view works on every shape of function (and emits the world once, outside the measurement).
        using var instance = _component.Instantiate();
        var f = instance.GetInterface<I100>("");
        Shared.Check(f.Add0(1, 2) == 3 && f.Echo1("héllo") == "héllo" && f.Len2([1, 2, 3]) == 3 && f.Mix3(1.5, 2, true) == 1.5 && f.Opt4("four").Value == 4, "I100");
        Shared.Check(instance.Exports.Opt99(null).Value == 0, "I100 (dynamic)");
    }

    [Benchmark(Baseline = true)]
    public void Floor()
    {
        using var instance = new FloorInstance(_floorComponent, _floorLinker);
    }

    [Benchmark]
    public void WasmtimeDotnet()
    {
        using var store = new Wt.Store(Shared.DotnetEngine);
        _dotnetLinker.Instantiate(store, _dotnetComponent);
    }

    [Benchmark]
    public void WasmDynamic()
    {
        using var instance = _component.Instantiate();
    }

    [Benchmark]
    public I100 WasmDynamic_InstantiateGetInterface()
    {
        using var instance = _component.Instantiate();
        return instance.GetInterface<I100>("");
    }
}
