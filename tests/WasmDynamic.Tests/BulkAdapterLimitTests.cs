using FluentAssertions;
using Xunit;
using Xunit.Abstractions;

namespace WasmDynamic.Tests;

/// <summary>
/// Limits and fuel with the bulk-bytes adapter: an instance whose options set a limit the wrapper's own memory, core
/// instances or code would count against runs the original component, so a guest that hits the limit fails exactly as
/// it does without the adapter.
/// </summary>
public class BulkAdapterLimitTests(ITestOutputHelper output)
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static TheoryData<string> Limits() => new() { "fuel", "memory-bytes", "memories", "instances", "instances-too-few", "tables", "table-elements" };

    private static InstanceOptions Options(string limit) => limit switch
    {
        "fuel" => new InstanceOptions { FuelPerCall = 60_000, RecreateAfterTrap = true },
        "memory-bytes" => new InstanceOptions { MaxMemoryBytes = 3 * 65536, RecreateAfterTrap = true },
        "memories" => new InstanceOptions { MaxMemories = 1 },
        "instances" => new InstanceOptions { MaxInstances = 1 },
        "instances-too-few" => new InstanceOptions { MaxInstances = 0 },
        "tables" => new InstanceOptions { MaxTables = 0 },
        "table-elements" => new InstanceOptions { MaxTableElements = 0 },
        _ => throw new ArgumentOutOfRangeException(nameof(limit)),
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public void A_guest_that_meets_a_limit_fails_as_it_does_without_the_adapter(string limit)
    {
        using var plain = new ComponentRuntime(new ComponentRuntimeOptions { UseCompiledComponentCache = false, ConsumeFuel = true, BulkByteAdapter = false });
        using var bulk = new ComponentRuntime(new ComponentRuntimeOptions { UseCompiledComponentCache = false, ConsumeFuel = true, BulkByteAdapter = true });
        using var p = plain.Load(Fixture("strings.wat"));
        using var b = bulk.Load(Fixture("strings.wat"));
        b.Bulk.Should().NotBeNull("strings.wat has byte-list functions");

        var expected = Run(p, Options(limit));
        var actual = Run(b, Options(limit));
        output.WriteLine(string.Join("\n", expected));
        actual.Should().Equal(expected);
        switch (limit)
        {
            case "fuel" or "memory-bytes":
                expected.Should().Contain(o => o.StartsWith("ok UInt32", StringComparison.Ordinal), "small calls fit the limit");
                expected.Should().Contain(o => !o.StartsWith("ok ", StringComparison.Ordinal), "large calls meet the limit");
                break;
            case "instances-too-few":
                expected.Should().ContainSingle().Which.Should().StartWith(nameof(ComponentResourceLimitException));
                break;
            default:
                // The original fits exactly (one memory, one core instance, no table); the wrapper alone would not.
                expected.Should().OnlyContain(o => o.StartsWith("ok ", StringComparison.Ordinal));
                break;
        }
    }

    private static List<string> Run(WasmComponent component, InstanceOptions options)
    {
        var outcomes = new List<string>();
        ComponentInstance? instance = null;
        outcomes.Add(BulkAdapterTests.Outcome(() =>
        {
            instance = component.Instantiate(options);
            return "instantiated";
        }));
        if (instance is null)
        {
            return outcomes;
        }

        using (instance)
        {
            var random = new Random(7);
            foreach (var size in new[] { 0, 16, 1000, 5000, 9000, 20_000, 70_000, 140_000, 16 })
            {
                var data = new byte[size];
                random.NextBytes(data);
                outcomes.Add(BulkAdapterTests.Outcome(() => instance.GetInterface<IBulkBytes>("").Sum(data)));
                outcomes.Add(BulkAdapterTests.Outcome(() => instance.GetInterface<IBulkBytes>("").RoundtripListU8(data).Length));
            }
        }

        return outcomes;
    }

    [Fact]
    public void Instances_with_limits_run_the_original_and_others_the_wrapper_compiled_once()
    {
        using var bulk = new ComponentRuntime(new ComponentRuntimeOptions { UseCompiledComponentCache = false, ConsumeFuel = true, BulkByteAdapter = true });
        using var b = bulk.Load(Fixture("strings.wat"));
        using var free = b.Instantiate();
        using var limited = b.Instantiate(new InstanceOptions { MaxMemories = 1 });
        using var fueled = b.Prepare(new InstanceOptions { FuelPerCall = 1_000_000 }).Instantiate();
        free.Code.Should().BeSameAs(b);
        free.Code.Bulk.Should().NotBeNull();
        limited.Code.Should().NotBeSameAs(b);
        limited.Code.Bulk.Should().BeNull();
        fueled.Code.Should().BeSameAs(limited.Code, "the original is compiled once per loaded component");
        limited.Component.Should().BeSameAs(b);
        var data = new byte[] { 1, 2, 3, 250 };
        limited.GetInterface<IBulkBytes>("").RoundtripListU8(data).Should().Equal(data);
        fueled.GetInterface<IBulkBytes>("").Sum(data).Should().Be(256);
        free.GetInterface<IBulkBytes>("").Sum(data).Should().Be(256);
    }

    [Fact]
    public void A_runtime_with_the_pooling_allocator_loads_components_unwrapped()
    {
        using var pooled = new ComponentRuntime(new ComponentRuntimeOptions { UseCompiledComponentCache = false, BulkByteAdapter = true, PoolingAllocator = new PoolingAllocatorOptions() });
        using var b = pooled.Load(Fixture("strings.wat"));
        b.Bulk.Should().BeNull("the wrapper's memory and core instances would take pool slots the original does not");
        using var i = b.Instantiate();
        i.GetInterface<IBulkBytes>("").Sum([1, 2, 3]).Should().Be(6);
    }
}
