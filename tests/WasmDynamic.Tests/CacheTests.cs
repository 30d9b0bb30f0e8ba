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

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "wasmdynamic-cache-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void The_cache_is_on_by_default_in_the_per_user_cache_folder_and_can_be_turned_off()
    {
        var options = new ComponentRuntimeOptions();
        options.UseCompiledComponentCache.Should().BeTrue();
        options.CacheDirectory.Should().BeNull("null means the per-user folder");
        var expected = OperatingSystem.IsWindows()
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "WasmDynamic", "Cache")
            : OperatingSystem.IsMacOS()
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "Library", "Caches", "WasmDynamic")
                : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "wasmdynamic");
        ComponentRuntimeOptions.DefaultCacheDirectory.Should().Be(expected);

        // A component nobody loaded before (unique bytes) lands in the default folder, and a second runtime hits it.
        // A comment would not do: it is gone from the binary, so every run after the first hit the cache. A component
        // identifier lands in the binary's name section.
        var source = File.ReadAllText(Fixture("scalars.wat"));
        var at = source.IndexOf("\n(component", StringComparison.Ordinal) + "\n(component".Length;
        var wat = source[..at] + $" $unique{Guid.NewGuid():N}" + source[at..];
        using (var first = new ComponentRuntime())
        using (first.LoadText(wat))
        {
            first.CacheHits.Should().Be(0);
        }

        using (var second = new ComponentRuntime())
        using (second.LoadText(wat))
        {
            second.CacheHits.Should().Be(1);
        }

        if (!OperatingSystem.IsWindows())
        {
            (File.GetUnixFileMode(ComponentRuntimeOptions.DefaultCacheDirectory) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)).Should().Be(UnixFileMode.None);
        }

        using var off = new ComponentRuntime(new ComponentRuntimeOptions { UseCompiledComponentCache = false });
        using (off.LoadText(wat))
        {
            off.CacheHits.Should().Be(0, "with the cache off every load compiles");
        }
    }

    [Fact]
    public void An_entry_damaged_anywhere_is_detected_by_its_checksum_and_compiled_afresh()
    {
        var dir = NewDirectory();
        try
        {
            using (var runtime = new ComponentRuntime(new ComponentRuntimeOptions { CacheDirectory = dir }))
            using (runtime.Load(Fixture("compound.wat")))
            {
            }

            var entry = Directory.GetFiles(dir, "*.cwasm").Single();
            var bytes = File.ReadAllBytes(entry);
            bytes[bytes.Length / 2] ^= 0x40;   // one bit in the middle of Wasmtime's payload (its code)
            File.WriteAllBytes(entry, bytes);

            using var again = new ComponentRuntime(new ComponentRuntimeOptions { CacheDirectory = dir });
            using var component = again.Load(Fixture("compound.wat"));
            again.CacheHits.Should().Be(0, "a damaged entry is never handed to Wasmtime");
            using var instance = component.Instantiate();
            ((int)instance.Exports.Shapes.MakePoint(1, 2).X).Should().Be(1);
            File.ReadAllBytes(entry).Should().NotEqual(bytes, "the entry was written again");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Past_its_size_limit_the_cache_evicts_the_least_recently_used_entries()
    {
        var dir = NewDirectory();
        try
        {
            long Size(string fixture)
            {
                using var runtime = new ComponentRuntime(new ComponentRuntimeOptions { CacheDirectory = dir });
                using (runtime.Load(Fixture(fixture)))
                {
                }

                return Directory.GetFiles(dir, "*.cwasm").Sum(f => new FileInfo(f).Length);
            }

            var one = Size("scalars.wat");
            Directory.Delete(dir, recursive: true);

            // Room for about two entries of this size: the third store evicts the oldest.
            var options = new ComponentRuntimeOptions { CacheDirectory = dir, CacheSizeLimitBytes = (one * 5) / 2 };
            WasmComponent Load(string wat)
            {
                using var runtime = new ComponentRuntime(options);
                return runtime.LoadText(wat);
            }

            var a = File.ReadAllText(Fixture("scalars.wat")) + "\n;; a\n";
            var b = File.ReadAllText(Fixture("scalars.wat")) + "\n;; b\n";
            var c = File.ReadAllText(Fixture("scalars.wat")) + "\n;; c\n";
            Load(a).Dispose();
            Thread.Sleep(20);
            Load(b).Dispose();
            Thread.Sleep(20);
            using (var hit = new ComponentRuntime(options))
            using (hit.LoadText(a))
            {
                hit.CacheHits.Should().Be(1, "a is still cached, and this hit makes it the most recently used");
            }

            Thread.Sleep(20);
            Load(c).Dispose();
            Directory.GetFiles(dir, "*.cwasm").Sum(f => new FileInfo(f).Length).Should().BeLessThanOrEqualTo(options.CacheSizeLimitBytes);
            using var check = new ComponentRuntime(options);
            using (check.LoadText(a))
            {
            }

            using (check.LoadText(c))
            {
            }

            check.CacheHits.Should().Be(2, "a (recently used) and c (new) stay; b, the least recently used, was evicted");
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void Many_runtimes_writing_the_same_entry_at_once_leave_one_whole_entry()
    {
        var dir = NewDirectory();
        try
        {
            var wat = File.ReadAllText(Fixture("compound.wat"));
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
            {
                using var runtime = new ComponentRuntime(new ComponentRuntimeOptions { CacheDirectory = dir });
                using var component = runtime.LoadText(wat);
                using var instance = component.Instantiate();
                ((int)instance.Exports.Shapes.MakePoint(3, 4).Y).Should().Be(4);
            });

            Directory.GetFiles(dir).Should().ContainSingle().Which.Should().EndWith(".cwasm", "no temporary file is left behind");
            using var reader = new ComponentRuntime(new ComponentRuntimeOptions { CacheDirectory = dir });
            using (reader.LoadText(wat))
            {
                reader.CacheHits.Should().Be(1);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
