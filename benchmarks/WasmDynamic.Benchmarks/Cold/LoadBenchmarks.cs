using BenchmarkDotNet.Attributes;
using WasmDynamic.Benchmarks.Floor;
using WtC = Wasmtime.Components;

namespace WasmDynamic.Benchmarks.Cold;

/// <summary>
/// Loading the 100-function component from WAT text: wat2wasm + Wasmtime's compile (Cranelift) in all three, plus
/// reading the world through type reflection in WasmDynamic. <c>WasmDynamic_ColdPath</c> is the whole cold path a user
/// pays for a world new to the process: load + world + instantiate + emit + bind (<c>GetInterface&lt;I100&gt;</c>).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1, 1)]
public class LoadBenchmarks
{
    private static int s_world;
    private readonly string _wat = Wat100.Text();

    [Benchmark(Baseline = true)]
    public void Floor() => FloorApi.wasmtime_component_delete(FloorEngine.Compile(_wat));

    [Benchmark]
    public void WasmtimeDotnet() => WtC.Component.FromText(Shared.DotnetEngine, _wat).Dispose();

    [Benchmark]
    public int WasmDynamic()
    {
        using var component = Shared.Runtime.LoadText(_wat, "wat100");
        return component.World.ExportedFunctions.Count;
    }

    [Benchmark]
    public I100 WasmDynamic_ColdPath()
    {
        using var component = Shared.Runtime.LoadText(Wat100.Text("q" + Interlocked.Increment(ref s_world)), "wat100");
        using var instance = component.Instantiate();
        return instance.GetInterface<I100>("");
    }
}
