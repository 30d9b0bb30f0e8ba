using FluentAssertions;
using WasmDynamic.Native;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// The wrapper's hidden drop functions (one per resource of an exported interface): how an async instance runs a guest
/// destructor, and that nothing of them shows outside the library.
/// </summary>
public sealed class AsyncResourceDropTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static ComponentRuntime Runtime(bool adapter) =>
        new(new ComponentRuntimeOptions { UseCompiledComponentCache = false, BulkByteAdapter = adapter });

    [Fact]
    public void A_component_exporting_a_resource_is_wrapped_with_a_hidden_drop_function_that_no_listing_shows()
    {
        using var plain = Runtime(false);
        using var wrapped = Runtime(true);
        using var p = plain.Load(Fixture("resources.wat"));
        using var w = wrapped.Load(Fixture("resources.wat"));

        w.Bulk.Should().NotBeNull("resources.wat exports the counter resource");
        w.Bulk!.Drops.Should().ContainSingle().Which.Should().Be(new BulkAdapter.ResourceDropTwin("demo:res/counters", "counter", "wasmdynamic-drop-x0"));
        p.Bulk.Should().BeNull();
        w.World.Should().Be(p.World);
        w.ToWit().Should().Be(p.ToWit()).And.NotContain("wasmdynamic");
        w.NativeExports().Select(e => e.Name).Should().Equal(p.NativeExports().Select(e => e.Name));
        unsafe
        {
            var type = ComponentApi.wasmtime_component_type(w.Handle.Pointer);
            try
            {
                ((int)ComponentApi.wasmtime_component_type_export_count(type, wrapped.Engine.Pointer)).Should().Be(p.NativeExports().Count + 1, "the drop function is there all the same");
            }
            finally
            {
                ComponentApi.wasmtime_component_type_delete(type);
            }
        }
    }

    [Fact]
    public async Task The_hidden_drop_function_cannot_be_called_by_name()
    {
        using var runtime = Runtime(true);
        using var component = runtime.Load(Fixture("resources.wat"));
        await using var instance = await component.InstantiateAsync();

        var call = () => instance.InvokeAsync("wasmdynamic-drop-x0");

        await call.Should().ThrowAsync<WasmDynamicException>();
    }

    [Fact]
    public async Task An_async_instance_whose_options_pick_the_original_component_releases_the_handle_without_the_destructor()
    {
        using var runtime = Runtime(true);
        using var component = runtime.Load(Fixture("resources.wat"));
        await using var instance = await component.InstantiateAsync(new InstanceOptions { MaxMemoryBytes = 16 << 20 });
        var counter = await instance.GetInterface<AsyncExportTests.IAsyncCounters>().CreateCounterAsync(1);

        counter.Dispose();

        counter.Invoking(c => c.Get()).Should().Throw<ObjectDisposedException>();
        instance.GetInterface<IDrops>("").Drops().Should().Be(0u, "a limit runs the original component, which has no hidden drop function: the destructor runs only on the sync path");
    }

    [Fact]
    public async Task A_handle_moved_into_the_guest_is_not_dropped_again_by_Dispose()
    {
        using var runtime = Runtime(true);
        using var component = runtime.Load(Fixture("resources.wat"));
        await using var instance = await component.InstantiateAsync();
        var counters = instance.GetInterface<ICounters>();
        var drops = instance.GetInterface<IDrops>("");
        var a = counters.CreateCounter(3);
        var b = counters.CreateCounter(4);

        var merged = counters.Merge(a, b);
        drops.Drops().Should().Be(2u, "merge consumed and dropped both");
        merged.Get().Should().Be(7u);
        a.Dispose();
        b.Dispose();
        drops.Drops().Should().Be(2u, "the moved handles have nothing left to drop");

        merged.Dispose();
        drops.Drops().Should().Be(3u);
    }
}
