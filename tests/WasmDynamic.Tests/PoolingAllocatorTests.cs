using FluentAssertions;
using WasmDynamic.Native;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>Wasmtime's pooling allocator behind <see cref="ComponentRuntimeOptions.PoolingAllocator"/>: reuse, limits, exhaustion.</summary>
public class PoolingAllocatorTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static ComponentRuntime Pooled(uint instances) => new(new ComponentRuntimeOptions
    {
        UseCompiledComponentCache = false,
        PoolingAllocator = new PoolingAllocatorOptions { TotalComponentInstances = instances, TotalMemories = instances * 4, TotalTables = instances * 4, TotalCoreInstances = instances * 16, MaxMemoryBytes = 16 << 20 },
    });

    [Fact]
    public void Many_short_lived_instances_reuse_the_slots_of_a_pool_of_two()
    {
        using var runtime = Pooled(2);
        using var component = runtime.Load(Fixture("scalars.wat"));
        var prepared = component.Prepare(new InstanceOptions());
        for (uint k = 0; k < 300; k++)
        {
            using var instance = prepared.Instantiate();
            ((uint)instance.Exports.Add(k, 1u)).Should().Be(k + 1);
        }
    }

    [Fact]
    public void A_WASI_component_runs_from_the_pool()
    {
        using var runtime = Pooled(2);
        using var component = runtime.Load(Fixture("wasi-stdout.wat"));
        var lines = new List<string>();
        var prepared = component.Prepare(new InstanceOptions { Wasi = new WasiOptions { StandardOutput = WasiOutput.Lines(lines.Add) } });
        for (var k = 0; k < 50; k++)
        {
            using var instance = prepared.Instantiate();
            instance.GetInterface<IWasiPrint>("").Print($"{k}\n");
        }

        lines.Should().Equal(Enumerable.Range(0, 50).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void An_instance_past_the_pool_fails_with_a_limit_exception_that_names_the_option_and_works_once_one_is_disposed()
    {
        using var runtime = Pooled(2);
        using var component = runtime.Load(Fixture("scalars.wat"));
        var first = component.Instantiate();
        using var second = component.Instantiate();
        var third = () => component.Instantiate();
        third.Should().Throw<ComponentResourceLimitException>()
            .Which.Message.Should().StartWith("Cannot instantiate component").And.Contain("scalars.wat").And.Contain("PoolingAllocatorOptions.TotalComponentInstances").And.Contain("dispose instances");

        first.Dispose();
        using var again = component.Instantiate();
        ((uint)again.Exports.Add(2u, 3u)).Should().Be(5);
    }

    [Fact]
    public void A_component_whose_memory_is_bigger_than_the_pool_allows_is_refused_at_load_with_the_option_to_raise()
    {
        using var runtime = new ComponentRuntime(new ComponentRuntimeOptions
        {
            UseCompiledComponentCache = false,
            PoolingAllocator = new PoolingAllocatorOptions { TotalComponentInstances = 2, MaxMemoryBytes = 64 * 1024 },
        });
        const string wat = """
(component
  (core module $m (memory (export "mem") 4))
  (core instance $i (instantiate $m))
)
""";
        var act = () => runtime.LoadText(wat);
        act.Should().Throw<ComponentLoadException>()
            .Which.Message.Should().StartWith("Cannot load component").And.Contain("exceeds the limit of 0x10000 bytes").And.Contain("PoolingAllocatorOptions.MaxMemoryBytes");
    }

    // poke(addr, value) stores a u32 in linear memory (two pages: 128 KiB); peek(addr) reads it back.
    private const string PokePeek = """
(component
  (core module $m
    (memory (export "mem") 2)
    (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))
  (core instance $i (instantiate $m))
  (func (export "poke") (param "addr" u32) (param "value" u32) (canon lift (core func $i "poke")))
  (func (export "peek") (param "addr" u32) (result u32) (canon lift (core func $i "peek")))
)
""";

    [Theory]
    [InlineData(0L)]
    [InlineData(64L * 1024)]
    [InlineData(1L << 20)]
    public void An_instance_reusing_a_slot_sees_zeroed_memory_whatever_stays_resident(long keepResident)
    {
        using var runtime = new ComponentRuntime(new ComponentRuntimeOptions
        {
            UseCompiledComponentCache = false,
            PoolingAllocator = new PoolingAllocatorOptions { TotalComponentInstances = 1, TotalMemories = 1, TotalTables = 1, TotalCoreInstances = 4, MaxMemoryBytes = 1 << 20, KeepResidentBytes = keepResident },
        });
        using var component = runtime.LoadText(PokePeek);
        var prepared = component.Prepare(new InstanceOptions());

        // One slot: each instance gets the memory of the one before it. 16 lies in the resident part, 100 000 past 64 KiB.
        for (uint k = 1; k <= 5; k++)
        {
            using var instance = prepared.Instantiate();
            ((uint)instance.Exports.Peek(16u)).Should().Be(0, "the slot's memory is zeroed before instance {0} gets it", k);
            ((uint)instance.Exports.Peek(100_000u)).Should().Be(0);
            instance.Exports.Poke(16u, 0xC0FFEE00u + k);
            instance.Exports.Poke(100_000u, k);
            ((uint)instance.Exports.Peek(16u)).Should().Be(0xC0FFEE00u + k);
        }
    }

    [Fact]
    public void KeepResidentBytes_defaults_to_one_page_and_must_not_be_negative()
    {
        new PoolingAllocatorOptions().KeepResidentBytes.Should().Be(64 * 1024);
        var negative = () => new PoolingAllocatorOptions { KeepResidentBytes = -1 };
        negative.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*KeepResidentBytes must be 0 or more*");
    }

    [Fact]
    public void Pool_limits_must_be_positive()
    {
        var zero = () => new PoolingAllocatorOptions { TotalComponentInstances = 0 };
        zero.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*TotalComponentInstances must be at least 1*");
        var bytes = () => new PoolingAllocatorOptions { MaxMemoryBytes = 0 };
        bytes.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxMemoryBytes must be positive*");
    }

    [Fact]
    public void The_pooling_entry_points_exist_in_the_shipped_library_with_the_expected_names()
    {
        var library = System.Runtime.InteropServices.NativeLibrary.Load(WasmtimeLibrary.Name, typeof(ComponentRuntime).Assembly, null);
        foreach (var name in new[]
        {
            "wasmtime_pooling_allocation_config_new", "wasmtime_pooling_allocation_config_delete",
            "wasmtime_pooling_allocation_config_total_component_instances_set", "wasmtime_pooling_allocation_config_total_core_instances_set",
            "wasmtime_pooling_allocation_config_total_memories_set", "wasmtime_pooling_allocation_config_total_tables_set",
            "wasmtime_pooling_allocation_config_max_memory_size_set", "wasmtime_pooling_allocation_strategy_set",
            "wasmtime_pooling_allocation_config_linear_memory_keep_resident_set", "wasmtime_pooling_allocation_config_table_keep_resident_set",
        })
        {
            System.Runtime.InteropServices.NativeLibrary.TryGetExport(library, name, out _).Should().BeTrue(name);
        }
    }
}
