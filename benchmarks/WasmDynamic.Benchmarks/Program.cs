using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace WasmDynamic.Benchmarks;

public static class Program
{
    /// <summary>
    /// <c>dotnet run -c Release --project benchmarks/WasmDynamic.Benchmarks -- --filter '*'</c>.
    /// Any BenchmarkDotNet option works after <c>--</c> (e.g. <c>--filter '*Add*'</c>, <c>--list flat</c>).
    /// <c>-- --paired</c> runs the interleaved cross-check of the hot benchmarks instead (see <see cref="Paired"/>).
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Contains("--paired"))
        {
            // -- --paired Add Echo: only the cases whose class name contains one of the words.
            return Paired.Run(ArtifactsPath(), args.Where(a => a != "--paired").ToArray());
        }

        if (args.Length >= 3 && args[0] == "--loop")
        {
            // -- --loop VariantBenchmarks Typed 10 [Size=16]: calls one benchmark method for that many seconds, for a profiler
            // (perf record with DOTNET_PerfMapEnabled=1); prints the calls per second.
            return Loop.Run(args[1], args[2], double.Parse(args.Length > 3 ? args[3] : "10", System.Globalization.CultureInfo.InvariantCulture), args.Length > 4 ? args[4] : null);
        }

        // --in-process: the same job without building a separate executable (on a loaded machine that build can pass
        // BenchmarkDotNet's two-minute build timeout).
        var inProcess = args.Contains("--in-process");
        args = args.Where(a => a != "--in-process").ToArray();
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(inProcess ? BenchJobs.Short.WithToolchain(new BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)) : BenchJobs.Short)
            .AddColumn(StatisticColumn.Median)
            .AddExporter(MarkdownExporter.GitHub)
            .AddExporter(CsvExporter.Default)
            .WithOptions(ConfigOptions.DisableLogFile)
            .WithArtifactsPath(ArtifactsPath());
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    /// <summary>benchmarks/WasmDynamic.Benchmarks/BenchmarkDotNet.Artifacts (found from the binaries' folder), else the current folder's.</summary>
    private static string ArtifactsPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WasmDynamic.Benchmarks.csproj")))
            {
                return Path.Combine(dir.FullName, "BenchmarkDotNet.Artifacts");
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts");
    }
}

/// <summary>The jobs: short on purpose (2 cores, the whole suite in a few minutes).</summary>
public static class BenchJobs
{
    /// <summary>1 launch, 3 warm-up and 15 measured iterations; each class fixes its invocation count.</summary>
    public static readonly Job Short = Job.Default
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(15)
        .WithId("Short");
}
