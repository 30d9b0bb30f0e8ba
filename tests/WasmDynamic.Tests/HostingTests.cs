using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WasmDynamic.Extensions.Hosting;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>An <see cref="ILoggerProvider"/> that keeps every entry, for tests.</summary>
public sealed class ListLoggerProvider : ILoggerProvider
{
    public List<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (provider.Entries)
            {
                provider.Entries.Add((category, logLevel, formatter(state, exception)));
            }
        }
    }
}

/// <summary>A host import implementation that needs a service from the container.</summary>
public sealed class InjectedLogger(List<string> sink)
{
    public void Log(byte level, string msg) => sink.Add($"{level}:{msg}");
}

public class HostingTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static (ServiceProvider Services, ListLoggerProvider Logs) Build(Action<IServiceCollection> configure)
    {
        var logs = new ListLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs));
        configure(services);
        return (services.BuildServiceProvider(), logs);
    }

    [Fact]
    public void A_registered_component_gets_host_imports_and_resource_objects_from_the_container()
    {
        var lines = new List<string>();
        var (services, _) = Build(s =>
        {
            s.AddSingleton(lines);
            s.AddSingleton(new BlobDatabase());
            s.AddWasmComponent("imports", o => o.Path = Fixture("imports.wat"))
                .AddImport<InjectedLogger>("demo:host/logger@0.1.0")
                .AddImport("get-number", _ => (Func<uint>)(() => 41));
            s.AddWasmComponent("blobs", o => o.Path = Fixture("host-resources.wat"))
                .AddResource<StoredBlob>("demo:host/store@0.1.0", "blob");
        });
        using (services)
        {
            var imports = services.GetRequiredKeyedService<WasmComponentPool>("imports");
            using (var lease = imports.Rent())
            {
                uint result = lease.Exports.Run("hi");
                result.Should().Be(42);
            }

            lines.Should().Equal("2:hi");

            var blobs = services.GetRequiredKeyedService<WasmComponentPool>("blobs");
            using (var lease = blobs.Rent())
            {
                lease.GetInterface<IHostResourceUser>().Run("abc").Should().Be(4);
            }

            services.GetRequiredService<BlobDatabase>().Created.Should().Equal(["abc"], "the blob was built with the container's database and the guest's argument");
        }
    }

    [Fact]
    public void WASI_output_reaches_the_components_logger_one_line_per_entry()
    {
        var (services, logs) = Build(s => s.AddWasmComponent("printer", o =>
        {
            o.Path = Fixture("wasi-stdout.wat");
            o.PoolSize = 0;
        }));
        using (services)
        {
            var pool = services.GetRequiredKeyedService<WasmComponentPool>("printer");
            using (var lease = pool.Rent())
            {
                var print = lease.GetInterface<IWasiPrint>();
                print.Print("version() ");
                print.Print("called\nsecond\nlast");
            }

            logs.Entries.Where(e => e.Category == "WasmDynamic.Component.printer")
                .Should().Equal(
                    ("WasmDynamic.Component.printer", LogLevel.Information, "version() called"),
                    ("WasmDynamic.Component.printer", LogLevel.Information, "second"),
                    ("WasmDynamic.Component.printer", LogLevel.Information, "last"));
        }
    }

    [Fact]
    public void The_pool_prepares_the_component_once_and_gives_each_instance_its_own_host_objects()
    {
        var made = new List<InjectedLogger>();
        var lines = new List<string>();
        var (services, _) = Build(s =>
        {
            s.AddWasmComponent("prepared", o =>
            {
                o.Path = Fixture("imports.wat");
                o.PoolSize = 0;
            })
                .AddImport("demo:host/logger@0.1.0", _ =>
                {
                    var logger = new InjectedLogger(lines);
                    lock (made)
                    {
                        made.Add(logger);
                    }

                    return logger;
                })
                .AddImport("get-number", _ => (Func<uint>)(() => 41));
        });
        using (services)
        {
            var pool = services.GetRequiredKeyedService<WasmComponentPool>("prepared");
            pool.Prepared.Should().BeNull("nothing is prepared before the first instance");
            var instances = new List<ComponentInstance>();
            for (var i = 0; i < 4; i++)
            {
                using var lease = pool.Rent();
                ((uint)lease.Exports.Run($"call {i}")).Should().Be(42);
                instances.Add(lease.Instance);
            }

            var prepared = pool.Prepared;
            prepared.Should().NotBeNull();
            instances.Should().OnlyContain(i => ReferenceEquals(i.Prepared!.Plan, prepared!.Plan), "every instance is bound through the pool's one preparation");
            instances.Distinct().Should().HaveCount(4);
            pool.Component.LinkerCount.Should().Be(1);
            made.Should().HaveCount(4, "the container still builds one host object per instance").And.OnlyHaveUniqueItems();
            lines.Should().Equal("2:call 0", "2:call 1", "2:call 2", "2:call 3");
        }
    }

    [Fact]
    public void The_pool_keeps_ready_instances_hands_each_out_once_and_reuses_only_when_asked()
    {
        var (services, _) = Build(s =>
        {
            s.AddWasmComponent("fresh", o =>
            {
                o.Path = Fixture("runaway.wat");
                o.PoolSize = 2;
            });
            s.AddWasmComponent("reused", o =>
            {
                o.Path = Fixture("runaway.wat");
                o.PoolSize = 1;
                o.ReuseInstances = true;
            });
        });
        using (services)
        {
            var fresh = services.GetRequiredKeyedService<WasmComponentPool>("fresh");
            fresh.Warm();
            fresh.ReadyCount.Should().Be(2);
            var seen = new HashSet<ComponentInstance>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < 5; i++)
            {
                using var lease = fresh.Rent();
                seen.Add(lease.Instance).Should().BeTrue("without ReuseInstances no instance is handed out twice");
                ((uint)lease.Exports.Add(1, 2)).Should().Be(3);
            }

            var reused = services.GetRequiredKeyedService<WasmComponentPool>("reused");
            ComponentInstance first;
            using (var lease = reused.Rent())
            {
                first = lease.Instance;
            }

            using (var lease = reused.Rent())
            {
                lease.Instance.Should().BeSameAs(first, "a healthy instance goes back to the pool");
                var boom = () => lease.Exports.Boom();
                boom.Should().Throw<ComponentTrapException>();
                lease.Instance.IsPoisoned.Should().BeTrue();
            }

            using (var lease = reused.Rent())
            {
                lease.Instance.Should().NotBeSameAs(first, "an instance that trapped is never handed out again");
                ((uint)lease.Exports.Add(2, 2)).Should().Be(4);
            }
        }
    }

    [Fact]
    public void Limits_come_from_the_named_options_and_a_missing_path_says_what_to_set()
    {
        var (services, _) = Build(s =>
        {
            s.AddWasmDynamic(o => o.UseCompiledComponentCache = false);
            s.AddWasmComponent("spinner", o => o.Path = Fixture("runaway.wat"));
            s.Configure<WasmComponentOptions>("spinner", o => o.CallTimeout = TimeSpan.FromMilliseconds(100));
            s.AddWasmComponent("nothing");
        });
        using (services)
        {
            using (var lease = services.GetRequiredKeyedService<WasmComponentPool>("spinner").Rent())
            {
                var spin = () => lease.Exports.Spin();
                spin.Should().Throw<ComponentTimeoutException>();
            }

            services.GetRequiredService<ComponentRuntime>().Options.UseCompiledComponentCache.Should().BeFalse();
            var rent = () => services.GetRequiredKeyedService<WasmComponentPool>("nothing").Rent();
            rent.Should().Throw<ComponentLoadException>().WithMessage("*neither a Path nor Bytes*o.Path*");
        }
    }

    [Fact]
    public void The_pool_carries_every_WASI_option_over_when_it_sends_the_output_to_the_logger()
    {
        // One non-default value per public property. A property added to WasiOptions without a value here fails the
        // test, so it is checked as soon as it exists; the pool copies it with `with`, without knowing it.
        var samples = new Dictionary<string, object?>
        {
            [nameof(WasiOptions.StandardOutput)] = WasiOutput.Null,
            [nameof(WasiOptions.StandardError)] = WasiOutput.Null,
            [nameof(WasiOptions.StandardInput)] = WasiInput.From("input"),
            [nameof(WasiOptions.Environment)] = new Dictionary<string, string> { ["MODE"] = "test" },
            [nameof(WasiOptions.InheritEnvironment)] = (Func<string, bool>)(name => name == "PATH"),
            [nameof(WasiOptions.Arguments)] = new[] { "app", "--flag" },
            [nameof(WasiOptions.Directories)] = new[] { new WasiDirectory("/tmp", "/data") },
            [nameof(WasiOptions.AllowNetwork)] = true,
        };
        var properties = typeof(WasiOptions).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance);
        properties.Select(p => p.Name).Should().BeEquivalentTo(samples.Keys, "every WasiOptions property needs a sample value in this test");

        var wasi = new WasiOptions();
        foreach (var property in properties)
        {
            property.GetValue(wasi).Should().NotBe(samples[property.Name], $"the sample for {property.Name} must differ from its default");
            property.SetValue(wasi, samples[property.Name]);
        }

        var options = new WasmComponentOptions { Wasi = wasi };
        var logger = new ListLoggerProvider().CreateLogger("test");
        var copy = WasmComponentPool.Wasi(options, logger);

        copy.Should().NotBeSameAs(wasi);
        foreach (var property in properties)
        {
            if (property.Name is nameof(WasiOptions.StandardOutput) or nameof(WasiOptions.StandardError))
            {
                property.GetValue(copy).Should().NotBeSameAs(samples[property.Name], $"{property.Name} goes to the logger");
            }
            else if (property.PropertyType.IsValueType)
            {
                property.GetValue(copy).Should().Be(samples[property.Name], $"{property.Name} must survive the copy");
            }
            else
            {
                property.GetValue(copy).Should().BeSameAs(samples[property.Name], $"{property.Name} must survive the copy");
            }
        }

        WasmComponentPool.Wasi(new WasmComponentOptions { Wasi = wasi, LogWasiOutput = false }, logger).Should().BeSameAs(wasi, "without logging the options are used as given");
        WasmComponentPool.Wasi(options, logger: null).Should().BeSameAs(wasi, "without a logger factory there is nothing to log to");
    }
}
