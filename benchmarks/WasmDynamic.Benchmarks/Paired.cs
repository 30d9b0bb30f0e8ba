using System.Diagnostics;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace WasmDynamic.Benchmarks;

/// <summary>
/// A cross-check for a noisy (shared, 2-core) machine: runs the same hot benchmark methods interleaved, in blocks,
/// so every variant of a case is measured in the same few hundred milliseconds, and reports the median of the
/// per-round ratios. BenchmarkDotNet measures one method after the other, seconds apart, so load that comes and goes
/// between them lands in its ratios; here it mostly cancels out. <c>-- --paired</c> runs it instead of
/// BenchmarkDotNet.
/// </summary>
internal static class Paired
{
    private const int Rounds = 21;
    private const int WarmupRounds = 3;

    public static int Run(string artifacts, string[] only)
    {
        var cases = typeof(Paired).Assembly.GetTypes()
            .Where(t => t.Namespace == "WasmDynamic.Benchmarks.Hot" && !t.IsAbstract && t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .Where(t => only.Length == 0 || only.Any(o => t.Name.Contains(o, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(t => t.Name)
            .ToList();
        var report = new StringBuilder();
        report.AppendLine($"Paired, interleaved: {Rounds} rounds (after {WarmupRounds} warm-up rounds); each round creates fresh instances (the bulk-adapter pairs then call each method once on them, untimed), then times one block of calls per method in a rotating order. ns/op = median over rounds; ratio = median over rounds of (method / Floor) in the same round.");
        report.AppendLine();
        report.AppendLine("| Case | Method | ns/op (median) | ratio vs Floor (median of rounds) | ratio IQR |");
        report.AppendLine("|---|---|---:|---:|---|");
        foreach (var type in cases)
        {
            foreach (var parameters in ParameterSets(type))
            {
                var name = type.Name.Replace("Benchmarks", string.Empty) + parameters.Label;
                Console.WriteLine($"// paired: {name}");
                foreach (var row in RunCase(type, parameters.Apply))
                {
                    report.AppendLine($"| {name} | {row.Method} | {row.NsPerOp.ToString("N1", CultureInfo.InvariantCulture)} | {row.Ratio.ToString("0.00##", CultureInfo.InvariantCulture)} | {row.RatioLow.ToString("0.00##", CultureInfo.InvariantCulture)}–{row.RatioHigh.ToString("0.00##", CultureInfo.InvariantCulture)} |");
                }
            }
        }

        Directory.CreateDirectory(artifacts);
        var path = Path.Combine(artifacts, "paired.md");
        File.WriteAllText(path, report.ToString());
        Console.WriteLine(report);
        Console.WriteLine("// written to " + path);
        return 0;
    }

    private static IEnumerable<(string Label, Action<object> Apply)> ParameterSets(Type type)
    {
        var param = type.GetProperties().FirstOrDefault(p => p.GetCustomAttribute<ParamsAttribute>() is not null);
        if (param is null)
        {
            yield return (string.Empty, _ => { });
            yield break;
        }

        foreach (var value in param.GetCustomAttribute<ParamsAttribute>()!.Values)
        {
            yield return ($" ({param.Name}={value})", o => param.SetValue(o, value));
        }
    }

    private sealed record Row(string Method, double NsPerOp, double Ratio, double RatioLow, double RatioHigh);

    private static List<Row> RunCase(Type type, Action<object> applyParameters)
    {
        var target = Activator.CreateInstance(type)!;
        applyParameters(target);
        var methods = type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null).ToList();
        var floor = methods.Single(m => m.GetCustomAttribute<BenchmarkAttribute>()!.Baseline);
        var globalSetup = type.GetMethods().Single(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null);
        var iterationSetup = type.GetMethods().Single(m => m.GetCustomAttribute<IterationSetupAttribute>() is not null);
        var iterationCleanup = type.GetMethods().Single(m => m.GetCustomAttribute<IterationCleanupAttribute>() is not null);
        var invocations = Math.Max(1, (int)type.GetCustomAttributesData().Single(a => a.AttributeType == typeof(InvocationCountAttribute)).ConstructorArguments[0].Value! / 2);

        globalSetup.Invoke(target, null);
        var calls = methods.ToDictionary(m => m, m => Expression.Lambda<Action>(Expression.Block(typeof(void), Expression.Call(Expression.Constant(target), m))).Compile());
        var times = methods.ToDictionary(m => m, _ => new List<double>());
        for (var round = 0; round < WarmupRounds + Rounds; round++)
        {
            iterationSetup.Invoke(target, null);
            try
            {
                // Rotate the order so no method always runs first (fresh instance) or last.
                for (var k = 0; k < methods.Count; k++)
                {
                    var m = methods[(k + round) % methods.Count];
                    var call = calls[m];
                    var sw = Stopwatch.StartNew();
                    for (var n = 0; n < invocations; n++)
                    {
                        call();
                    }

                    sw.Stop();
                    if (round >= WarmupRounds)
                    {
                        times[m].Add(sw.Elapsed.TotalNanoseconds / invocations);
                    }
                }
            }
            finally
            {
                iterationCleanup.Invoke(target, null);
            }
        }

        return methods.Select(m =>
        {
            var ratios = times[m].Zip(times[floor], (a, b) => a / b).OrderBy(x => x).ToList();
            return new Row(m.Name, Median(times[m]), Median(ratios), ratios[ratios.Count / 4], ratios[(3 * ratios.Count) / 4]);
        }).ToList();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(x => x).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
