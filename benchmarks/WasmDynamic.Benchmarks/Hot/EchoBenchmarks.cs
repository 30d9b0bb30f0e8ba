using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using WasmDynamic.Benchmarks.Floor;
using WtC = Wasmtime.Components;

namespace WasmDynamic.Benchmarks.Hot;

/// <summary>strings.wat <c>echo: func(s: string) -> string</c> with ASCII text of <see cref="Size"/> bytes (the cases below).</summary>
public abstract unsafe class EchoCase
{
    private Instances _i = null!;
    private IStrings _typed = null!;
    private dynamic _dynamic = null!;
    private WtC.ComponentFunction _dotnet = null!;
    private NFunc* _floor;
    private string _text = "";
    private byte* _scratch;

    /// <summary>The text's length (a <c>[Params]</c> of each case).</summary>
    public abstract int Size { get; set; }

    /// <summary>The floor's UTF-8 buffer.</summary>
    protected abstract int ScratchSize { get; }

    [GlobalSetup]
    public void Verify()
    {
        var sb = new StringBuilder();
        while (sb.Length < Size)
        {
            sb.Append("the quick brown fox jumps over the lazy dog; ");
        }

        _text = sb.ToString(0, Size);
        _scratch = (byte*)NativeMemory.Alloc((nuint)ScratchSize);
        Setup();
        Shared.Check(Typed() == _text && (string)Dynamic() == _text && WasmtimeDotnet() == _text && Floor() == _text, "echo");
        Cleanup();
    }

    [IterationSetup]
    public void Setup()
    {
        _i = new Instances("strings.wat");
        _typed = _i.WasmDynamic.GetInterface<IStrings>("");
        _dynamic = _i.WasmDynamic.Exports;
        _dotnet = _i.Dotnet.GetFunction("echo")!;
        _floor = _i.Floor.Func(null, "echo");
    }

    [IterationCleanup]
    public void Cleanup() => _i.Dispose();

    [Benchmark]
    public string Typed() => _typed.Echo(_text);

    [Benchmark]
    public object Dynamic() => _dynamic.Echo(_text);

    [Benchmark]
    public string WasmtimeDotnet() => _dotnet.Call(WtC.ComponentValue.String(_text))!.AsString();

    /// <summary>UTF-8 into a reused native buffer, one string value, the result decoded, deleted and its slot zeroed.</summary>
    [Benchmark(Baseline = true)]
    public string Floor()
    {
        var text = _text;
        var length = Encoding.UTF8.GetBytes(text, new Span<byte>(_scratch, ScratchSize));
        var arg = stackalloc byte[V.Size];
        var result = stackalloc byte[V.Size];
        V.SetVec(arg, V.String, (nuint)length, _scratch);
        _i.Floor.Call(_floor, arg, 1, result, 1);
        V.Expect(result, V.String);
        var s = Encoding.UTF8.GetString(V.VecData(result), (int)V.VecSize(result));
        FloorApi.wasmtime_component_val_delete(result);
        new Span<byte>(result, V.Size).Clear();
        return s;
    }
}

/// <summary>Echo of 16 B and 1 KiB.</summary>
[MemoryDiagnoser]
[InvocationCount(20_000)]
public class EchoBenchmarks : EchoCase
{
    [Params(16, 1024)]
    public override int Size { get; set; }

    protected override int ScratchSize => 64 * 1024;
}

/// <summary>Echo of 64 KiB (bulk strings: the result is a large-object-heap string for every caller, floor included).</summary>
[MemoryDiagnoser]
[InvocationCount(400)]
public class EchoLargeBenchmarks : EchoCase
{
    [Params(64 * 1024)]
    public override int Size { get; set; }

    protected override int ScratchSize => 3 * 1024 * 1024;
}
