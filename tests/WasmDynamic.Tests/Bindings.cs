using System.Text;

namespace WasmDynamic.Tests;

// User-side types for tests/WasmDynamic.Tests/Fixtures/compound.wat (demo:types/shapes@0.1.0).

public readonly record struct Point(int X, int Y);

public sealed class Mixed
{
    public bool A { get; set; }
    public byte B { get; set; }
    public short C { get; set; }
    public ulong D { get; set; }
    public float E { get; set; }
    public string F { get; set; } = "";
}

public abstract record Shape
{
    public sealed record Circle(double Value) : Shape;
    public sealed record Rect(Point Value) : Shape;
    public sealed record None : Shape;
}

public enum Color { Red, Green, BlueIsh }

[Flags]
public enum Perms1 : byte { None = 0, Read = 1 }

[Flags]
public enum Perms8 : byte { None = 0, Read = 1, Write = 2, Exec = 4, Delete = 8, List = 16, Admin = 32, Share = 64, Audit = 128 }

[Flags]
public enum Perms16 : ushort
{
    None = 0, F0 = 1 << 0, F1 = 1 << 1, F2 = 1 << 2, F3 = 1 << 3, F4 = 1 << 4, F5 = 1 << 5, F6 = 1 << 6, F7 = 1 << 7,
    F8 = 1 << 8, F9 = 1 << 9, F10 = 1 << 10, F11 = 1 << 11, F12 = 1 << 12, F13 = 1 << 13, F14 = 1 << 14, F15 = 1 << 15,
}

public sealed record Drawing(string Name, IReadOnlyList<Shape> Shapes, Color? Tint)
{
    public bool Equals(Drawing? other) => other is not null && Name == other.Name && Shapes.SequenceEqual(other.Shapes) && Tint == other.Tint;

    public override int GetHashCode() => Name.GetHashCode();
}

public struct Big
{
    public byte A; public ushort B; public uint C; public ulong D;
    public sbyte E; public short F; public int G; public long H;
    public float I; public double J; public Rune K; public bool L;
    public string M; public Point N; public Color O;
}

[WitName("demo:types/shapes@0.1.0")]
public interface IShapes
{
    Point RoundtripPoint(Point p);
    Point MakePoint(int x, int y);
    Mixed RoundtripMixed(Mixed m);
    Shape RoundtripShape(Shape s);
    Color RoundtripColor(Color c);
    Perms1 RoundtripPerms1(Perms1 p);
    Perms8 RoundtripPerms8(Perms8 p);
    Perms16 RoundtripPerms16(Perms16 p);
    HashSet<string> RoundtripPerms32(HashSet<string> p);
    (uint, string, double) RoundtripTuple((uint, string, double) x);
    string? RoundtripOption(string? x);
    Result<uint, string> RoundtripResult(Result<uint, string> x);
    Result<Unit, Unit> RoundtripResultUnit(Result<Unit, Unit> x);
    Option<uint?> RoundtripNestedOptions(Option<uint?> x);
    List<Point> RoundtripListPoint(List<Point> x);
    Shape[] RoundtripListShape(Shape[] x);
    IReadOnlyList<Point?> RoundtripListOptionPoint(IReadOnlyList<Point?> x);
    Result<string[], Color> RoundtripResultList(Result<string[], Color> x);
    string[][] RoundtripListListString(string[][] x);
    Drawing RoundtripDrawing(Drawing d);
    Big RoundtripBig(Big b);
    double Area(Shape s);

    [WitName("divide")]
    double DivideOrThrow(double a, double b);
}

public interface IShapesResult
{
    Result<double, string> Divide(double a, double b);
}
