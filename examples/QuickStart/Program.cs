// QuickStart: load a component at run time, read its WIT, supply its import with a plain object,
// and call its exports both through `dynamic` and through a typed interface.
using WasmDynamic;

var path = Path.Combine(AppContext.BaseDirectory, "calculator.wat");
using var runtime = new ComponentRuntime();
using var component = runtime.Load(path);

Console.WriteLine("The component's world:");
Console.WriteLine(component.ToWit());

// Imports are plain objects: the `logger` interface is matched by name, its `log` function by method name.
using var instance = component.Instantiate(new { Logger = new ConsoleLogger() });

// dynamic: names are PascalCase (or the WIT kebab names through the indexer).
dynamic exports = instance.Exports;
uint sum = exports.Add(40, 2);
string loud = exports.Shout("hello, components");
uint distance = exports.Geometry.Manhattan(new { X = 1, Y = 2 }, new { X = 4, Y = -2 });
Console.WriteLine($"dynamic: add(40, 2) = {sum}; shout = \"{loud}\"; manhattan = {distance}");

// Typed: bind your own interfaces and types; every mismatch would be reported at once, here.
var calc = instance.GetInterface<ICalculator>("");
var geometry = instance.GetInterface<IGeometry>();
Console.WriteLine($"typed:   add(1, 2) = {calc.Add(1, 2)}; shout = \"{calc.Shout("typed")}\"; manhattan = {geometry.Manhattan(new Point(0, 0), new Point(3, 4))}");

/// <summary>The host side of the component's `demo:calc/logger` import.</summary>
public sealed class ConsoleLogger
{
    public void Log(byte level, string msg) => Console.WriteLine($"  [guest log, level {level}] {msg}");
}

/// <summary>The component's root exports, typed.</summary>
public interface ICalculator
{
    uint Add(uint a, uint b);

    string Shout(string msg);
}

/// <summary>The exported `demo:calc/geometry` interface (found by name: IGeometry → geometry).</summary>
public interface IGeometry
{
    uint Manhattan(Point a, Point b);
}

/// <summary>The WIT record `point`, as a C# record struct (fields match by name).</summary>
public readonly record struct Point(int X, int Y);
