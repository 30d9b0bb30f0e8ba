using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace WasmDynamic.Benchmarks;

/// <summary>
/// <c>-- --loop Class Method [seconds] [Param=value]</c>: one hot benchmark method called in a loop, after its class's
/// setup (with its <c>[Params]</c> property set), for a profiler to sample (not a measurement: BenchmarkDotNet and
/// <c>--paired</c> measure).
/// </summary>
internal static class Loop
{
    public static int Run(string className, string methodName, double seconds, string? parameter = null)
    {
        var type = typeof(Loop).Assembly.GetTypes().Single(t => t.Name == className);
        var target = Activator.CreateInstance(type)!;
        if (parameter?.Split('=') is [var name, var value])
        {
            var property = type.GetProperty(name) ?? throw new ArgumentException($"{className} has no property {name}.");
            property.SetValue(target, Convert.ChangeType(value, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture));
        }

        var method = type.GetMethod(methodName) ?? throw new ArgumentException($"{className} has no method {methodName}.");
        var setup = type.GetMethods().Single(m => m.GetCustomAttribute<IterationSetupAttribute>() is not null);
        var cleanup = type.GetMethods().Single(m => m.GetCustomAttribute<IterationCleanupAttribute>() is not null);
        type.GetMethods().Single(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null).Invoke(target, null);
        setup.Invoke(target, null);
        var call = System.Linq.Expressions.Expression.Lambda<Action>(System.Linq.Expressions.Expression.Block(typeof(void), System.Linq.Expressions.Expression.Call(System.Linq.Expressions.Expression.Constant(target), method))).Compile();
        var watch = Stopwatch.StartNew();
        long calls = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 1000; i++)
            {
                call();
            }

            calls += 1000;
        }

        Console.WriteLine($"{className}.{methodName}: {calls / watch.Elapsed.TotalSeconds:N0} calls/s, {watch.Elapsed.TotalNanoseconds / calls:N1} ns/call");
        cleanup.Invoke(target, null);
        return 0;
    }
}
