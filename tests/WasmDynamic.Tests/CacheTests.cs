using System.Diagnostics;
using FluentAssertions;
using Xunit;
using Xunit.Abstractions;

namespace WasmDynamic.Tests;

public class CacheTests(ITestOutputHelper output)
{
    [Fact]
    public void A_second_load_of_a_cached_component_skips_compilation_and_behaves_the_same()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wasmdynamic-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "js", "demo.wasm");
            var sw = Stopwatch.StartNew();
            using (var first = new ComponentRuntime(new ComponentRuntimeOptions { CacheDirectory = dir }))
            using (var component = first.Load(path))
            {
                first.CacheHits.Should().Be(0);
                Directory.GetFiles(dir, "*.cwasm").Should().ContainSingle();
            }

            var cold = sw.Elapsed;
            sw.Restart();
            using var second = new ComponentRuntime(new ComponentRuntimeOptions { CacheDirectory = dir });
            using var cached = second.Load(path);
            var warm = sw.Elapsed;
            output.WriteLine($"first load {cold.TotalMilliseconds:0} ms, cached load {warm.TotalMilliseconds:0} ms");
            second.CacheHits.Should().Be(1);
            using var instance = cached.Instantiate(new { Logger = new RecordingLogger() });
            ((uint)instance.Exports.Add(2, 3)).Should().Be(5);
            cached.ToWit().Should().Contain("export greet: func(name: string) -> string;");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_damaged_cache_entry_is_replaced_by_a_fresh_compile()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wasmdynamic-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "scalars.wat");
            using (var runtime = new ComponentRuntime(new ComponentRuntimeOptions { CacheDirectory = dir }))
            using (runtime.Load(path))
            {
            }

            var entry = Directory.GetFiles(dir, "*.cwasm").Single();
            File.WriteAllBytes(entry, [1, 2, 3, 4]);
            using var again = new ComponentRuntime(new ComponentRuntimeOptions { CacheDirectory = dir });
            using var component = again.Load(path);
            again.CacheHits.Should().Be(0);
            using var instance = component.Instantiate();
            ((uint)instance.Exports.Add(1, 1)).Should().Be(2);
            new FileInfo(entry).Length.Should().BeGreaterThan(4, "the entry was written again");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
