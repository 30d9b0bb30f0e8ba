using BenchmarkDotNet.Attributes;
using WasmDynamic.Benchmarks.Floor;
using WtC = Wasmtime.Components;

namespace WasmDynamic.Benchmarks.Hot;

/// <summary>scalars.wat <c>add: func(a: u32, b: u32) -> u32</c>.</summary>
[MemoryDiagnoser]
[InvocationCount(50_000)]
public unsafe class AddBenchmarks
{
    private readonly uint _a = 40;
    private readonly uint _b = 2;
    private Instances _i = null!;
    private IScalars _typed = null!;
    private ComponentInstance _async = null!;
    private IScalarsAsync _typedAsync = null!;
    private dynamic _dynamic = null!;
    private WtC.ComponentFunction _dotnet = null!;
    private NFunc* _floor;
    private FloorAsyncInstance _floorAsync = null!;
    private NFunc* _floorAsyncAdd;
    private static readonly FloorAsyncLinker EmptyAsyncLinker = new(suspend: false);

    [GlobalSetup]
    public void Verify()
    {
        Setup();
        Shared.Check(Typed() == 42 && TypedAsync() == 42 && Dynamic() == 42 && DynamicViaExports() == 42 && WasmtimeDotnet() == 42 && Floor() == 42 && AsyncFloor() == 42, "add");
        Cleanup();
    }

    [IterationSetup]
    public void Setup()
    {
        _i = new Instances("scalars.wat");
        _typed = _i.WasmDynamic.GetInterface<IScalars>("");
        _dynamic = _i.WasmDynamic.Exports;
        _dotnet = _i.Dotnet.GetFunction("add")!;
        _floor = _i.Floor.Func(null, "add");
        _async = Shared.Component("scalars.wat").InstantiateAsync().GetAwaiter().GetResult();
        _typedAsync = _async.GetInterface<IScalarsAsync>("");
        _floorAsync = new FloorAsyncInstance(Shared.FloorAsyncComponent("scalars.wat"), EmptyAsyncLinker);
        _floorAsyncAdd = _floorAsync.Func("add");
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _i.Dispose();
        _async.Dispose();
        _floorAsync.Dispose();
    }

    [Benchmark]
    public uint Typed() => _typed.Add(_a, _b);

    /// <summary>The same call as <see cref="Typed"/> through <c>Task&lt;uint&gt; AddAsync</c> on an async instance (fiber, poll loop), awaited.</summary>
    [Benchmark]
    public uint TypedAsync() => _typedAsync.AddAsync(_a, _b).GetAwaiter().GetResult();

    [Benchmark]
    public uint Dynamic() => _dynamic.Add(_a, _b);

    /// <summary>The same through <c>instance.Exports</c> on every call, as a one-liner would write it (not cached).</summary>
    [Benchmark]
    public uint DynamicViaExports() => _i.WasmDynamic.Exports.Add(_a, _b);

    [Benchmark]
    public uint WasmtimeDotnet() => _dotnet.Call(WtC.ComponentValue.U32(_a), WtC.ComponentValue.U32(_b))!.AsU32();

    /// <summary>
    /// <see cref="Floor"/> through Wasmtime's async path, as WasmDynamic's async instances call: an async store of an
    /// epoch-interruption engine, <c>_call_async</c> + <c>_poll</c> + <c>_delete</c>, no managed layer.
    /// </summary>
    [Benchmark]
    public uint AsyncFloor()
    {
        var args = stackalloc byte[2 * V.Size];
        var result = stackalloc byte[V.Size];
        args[0] = V.U32;
        *(uint*)(args + 8) = _a;
        args[V.Size] = V.U32;
        *(uint*)(args + V.Size + 8) = _b;
        _floorAsync.Call(_floorAsyncAdd, args, 2, result, 1);
        V.Expect(result, V.U32);
        return *(uint*)(result + 8);
    }

    [Benchmark(Baseline = true)]
    public uint Floor()
    {
        var args = stackalloc byte[2 * V.Size];
        var result = stackalloc byte[V.Size];
        args[0] = V.U32;
        *(uint*)(args + 8) = _a;
        args[V.Size] = V.U32;
        *(uint*)(args + V.Size + 8) = _b;
        _i.Floor.Call(_floor, args, 2, result, 1);
        V.Expect(result, V.U32);
        return *(uint*)(result + 8);
    }
}
