namespace WasmDynamic.Benchmarks;

// The user's side of GetInterface<T>: plain C# types and interfaces for the fixtures the benchmarks call.

/// <summary>scalars.wat (root functions).</summary>
public interface IScalars
{
    uint Add(uint a, uint b);
}

/// <summary>scalars.wat (root functions), async: <c>AddAsync</c> binds to WIT <c>add</c>.</summary>
public interface IScalarsAsync
{
    Task<uint> AddAsync(uint a, uint b);
}

/// <summary>imports.wat (root functions), async.</summary>
public interface IRunnerAsync
{
    Task<uint> RunAsync(string msg);
}

/// <summary>strings.wat (root functions).</summary>
public interface IStrings
{
    string Echo(string s);

    uint Sum(byte[] x);
}

/// <summary>imports.wat (root functions).</summary>
public interface IRunner
{
    uint Run(string msg);
}

/// <summary>compound.wat, interface demo:types/shapes@0.1.0.</summary>
[WitName("demo:types/shapes@0.1.0")]
public interface IShapes
{
    Mixed RoundtripMixed(Mixed m);

    Point[] RoundtripListPoint(Point[] x);

    Shape RoundtripShape(Shape s);

    string? RoundtripOption(string? x);

    Result<double, string> Divide(double a, double b);
}

public readonly record struct Point(int X, int Y);

public sealed class Mixed
{
    public bool A { get; set; }
    public byte B { get; set; }
    public short C { get; set; }
    public ulong D { get; set; }
    public float E { get; set; }
    public string F { get; set; } = "";

    public bool SameAs(Mixed o) => A == o.A && B == o.B && C == o.C && D == o.D && E == o.E && F == o.F;
}

public abstract record Shape
{
    public sealed record Circle(double Value) : Shape;
    public sealed record Rect(Point Value) : Shape;
    public sealed record None : Shape;
}

/// <summary>The host side of demo:host/logger@0.1.0 for WasmDynamic.</summary>
public sealed class BenchLogger
{
    public string Last { get; private set; } = "";

    public int Calls { get; private set; }

    public void Log(byte level, string msg)
    {
        Last = msg;
        Calls += level;
    }
}
