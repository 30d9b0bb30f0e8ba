using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using WasmDynamic.Benchmarks.Floor;
using WtC = Wasmtime.Components;

namespace WasmDynamic.Benchmarks.Hot;

/// <summary>
/// imports.wat <c>run: func(msg: string) -> u32</c>: the guest calls the host's <c>demo:host/logger@0.1.0#log(level: u8,
/// msg: string)</c> with the string, then <c>get-number() -> u32</c>, and returns get-number() + 1. So one call is one
/// export call with a string argument plus two host imports, one of them receiving a string (decoded to a .NET string).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(30_000)]
public unsafe class HostImportBenchmarks
{
    private const string Logger = "demo:host/logger@0.1.0";
    private static string s_floorLast = "";
    private static string s_dotnetLast = "";

    private readonly string _message = "a message for the host's logger";
    private readonly BenchLogger _logger = new();
    private WtC.ComponentLinker _dotnetLinker = null!;
    private FloorLinker _floorLinker = null!;
    private Instances _i = null!;
    private IRunner _typed = null!;
    private ComponentInstance _async = null!;
    private IRunnerAsync _typedAsync = null!;
    private dynamic _dynamic = null!;
    private WtC.ComponentFunction _dotnet = null!;
    private NFunc* _floor;
    private FloorAsyncLinker _floorAsyncLinker = null!;
    private FloorAsyncInstance _floorAsync = null!;
    private NFunc* _floorAsyncRun;
    private FloorAsyncLinker _floorSuspendLinker = null!;
    private FloorAsyncInstance _floorSuspend = null!;
    private NFunc* _floorSuspendRun;
    private byte* _scratch;

    [GlobalSetup]
    public void Verify()
    {
        _scratch = (byte*)NativeMemory.Alloc(4096);
        _dotnetLinker = new WtC.ComponentLinker(Shared.DotnetEngine);
        using (var root = _dotnetLinker.Root())
        {
            using (var logger = root.AddInstance(Logger))
            {
                logger.DefineFunction("log", (args, _) => s_dotnetLast = args[1].AsString());
            }

            root.DefineFunction("get-number", (_, results) => results[0] = WtC.ComponentValue.U32(41));
        }

        var number = new byte[V.Size];
        number[0] = V.U32;
        BitConverter.TryWriteBytes(number.AsSpan(8), 41u);
        _floorAsyncLinker = new FloorAsyncLinker(false, new FloorAsyncHostFunc(Logger, "log", null), new FloorAsyncHostFunc(null, "get-number", number));
        _floorSuspendLinker = new FloorAsyncLinker(true, new FloorAsyncHostFunc(Logger, "log", null), new FloorAsyncHostFunc(null, "get-number", number));
        _floorLinker = new FloorLinker(new FloorHostFunc(Logger, "log", &FloorLog), new FloorHostFunc(null, "get-number", &FloorGetNumber));
        Setup();
        Shared.Check(Typed() == 42 && _logger.Last == _message, "run (typed)");
        Shared.Check(Dynamic() == 42, "run (dynamic)");
        Shared.Check(TypedAsync() == 42 && _logger.Last == _message, "run (typed, async)");
        Shared.Check(WasmtimeDotnet() == 42 && s_dotnetLast == _message, "run (Wasmtime.Dotnet)");
        Shared.Check(Floor() == 42 && s_floorLast == _message, "run (floor)");
        Shared.Check(AsyncFloor() == 42, "run (async floor)");
        Shared.Check(AsyncFloorSuspending() == 42, "run (async floor, suspending)");
        Cleanup();
    }

    [IterationSetup]
    public void Setup()
    {
        _i = new Instances("imports.wat", new { Logger = _logger, GetNumber = (Func<uint>)(() => 41) }, _dotnetLinker, _floorLinker);
        _typed = _i.WasmDynamic.GetInterface<IRunner>("");
        _dynamic = _i.WasmDynamic.Exports;
        _dotnet = _i.Dotnet.GetFunction("run")!;
        _floor = _i.Floor.Func(null, "run");
        _async = Shared.Component("imports.wat").InstantiateAsync(new { Logger = _logger, GetNumber = (Func<uint>)(() => 41) }).GetAwaiter().GetResult();
        _typedAsync = _async.GetInterface<IRunnerAsync>("");
        _floorAsync = new FloorAsyncInstance(Shared.FloorAsyncComponent("imports.wat"), _floorAsyncLinker);
        _floorAsyncRun = _floorAsync.Func("run");
        _floorSuspend = new FloorAsyncInstance(Shared.FloorAsyncComponent("imports.wat"), _floorSuspendLinker);
        _floorSuspendRun = _floorSuspend.Func("run");
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _i.Dispose();
        _async.Dispose();
        _floorAsync.Dispose();
        _floorSuspend.Dispose();
    }

    [Benchmark]
    public uint Typed() => _typed.Run(_message);

    /// <summary>
    /// The same call as <see cref="Typed"/> on an async instance: both host imports are fiber callbacks, run between
    /// polls by the driver (the host methods are the same synchronous ones), awaited.
    /// </summary>
    [Benchmark]
    public uint TypedAsync() => _typedAsync.RunAsync(_message).GetAwaiter().GetResult();

    [Benchmark]
    public uint Dynamic() => _dynamic.Run(_message);

    [Benchmark]
    public uint WasmtimeDotnet() => _dotnet.Call(WtC.ComponentValue.String(_message))!.AsU32();

    /// <summary>The argument as in the echo floor; the host side is two [UnmanagedCallersOnly] callbacks.</summary>
    [Benchmark(Baseline = true)]
    public uint Floor()
    {
        var length = Encoding.UTF8.GetBytes(_message, new Span<byte>(_scratch, 4096));
        var arg = stackalloc byte[V.Size];
        var result = stackalloc byte[V.Size];
        V.SetVec(arg, V.String, (nuint)length, _scratch);
        _i.Floor.Call(_floor, arg, 1, result, 1);
        V.Expect(result, V.U32);
        return *(uint*)(result + 8);
    }

    /// <summary>
    /// <see cref="Floor"/> through Wasmtime's async path: <c>_call_async</c> + <c>_poll</c> + <c>_delete</c>, both host
    /// imports async callbacks in machine code that complete at once (<c>log</c> does not decode its string: nothing
    /// managed may run on the fiber, and the floor is the least a caller can do).
    /// </summary>
    [Benchmark]
    public uint AsyncFloor()
    {
        var length = Encoding.UTF8.GetBytes(_message, new Span<byte>(_scratch, 4096));
        var arg = stackalloc byte[V.Size];
        var result = stackalloc byte[V.Size];
        V.SetVec(arg, V.String, (nuint)length, _scratch);
        _floorAsync.Call(_floorAsyncRun, arg, 1, result, 1);
        V.Expect(result, V.U32);
        return *(uint*)(result + 8);
    }

    /// <summary>
    /// <see cref="AsyncFloor"/> with each host call suspending the guest until the next poll (three polls a call): the
    /// least any embedder pays to run a host import's managed code off the fiber, as WasmDynamic must.
    /// </summary>
    [Benchmark]
    public uint AsyncFloorSuspending()
    {
        var length = Encoding.UTF8.GetBytes(_message, new Span<byte>(_scratch, 4096));
        var arg = stackalloc byte[V.Size];
        var result = stackalloc byte[V.Size];
        V.SetVec(arg, V.String, (nuint)length, _scratch);
        _floorSuspend.Call(_floorSuspendRun, arg, 1, result, 1);
        V.Expect(result, V.U32);
        return *(uint*)(result + 8);
    }

    /// <summary>log(level: u8, msg: string): the message decoded to a .NET string, as a .NET host method receives it.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint FloorLog(nint env, nint context, nint type, byte* args, nuint argCount, byte* results, nuint resultCount)
    {
        var msg = args + V.Size;
        s_floorLast = Encoding.UTF8.GetString(V.VecData(msg), (int)V.VecSize(msg));
        return 0;
    }

    /// <summary>get-number() -> u32.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint FloorGetNumber(nint env, nint context, nint type, byte* args, nuint argCount, byte* results, nuint resultCount)
    {
        results[0] = V.U32;
        *(uint*)(results + 8) = 41;
        return 0;
    }
}
