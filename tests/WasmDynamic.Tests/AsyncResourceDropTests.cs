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

    /// <summary>The counter of resources.wat, disposable asynchronously.</summary>
    public interface ICounterAsyncDisposable : IAsyncDisposable
    {
        Task<uint> IncrementAsync();
    }

    [WitName("demo:res/counters")]
    public interface ICountersAsyncDisposable
    {
        Task<ICounterAsyncDisposable> CreateCounterAsync(uint start);
    }

    [Fact]
    public async Task DisposeAsync_of_a_guest_resource_of_an_async_instance_runs_its_destructor_once()
    {
        using var runtime = Runtime(true);
        using var component = runtime.Load(Fixture("resources.wat"));
        await using var instance = await component.InstantiateAsync();
        var counters = instance.GetInterface<ICountersAsyncDisposable>();
        var drops = instance.GetInterface<IDrops>("");
        var counter = await counters.CreateCounterAsync(1);
        (await counter.IncrementAsync()).Should().Be(2u);

        await counter.DisposeAsync();
        await counter.DisposeAsync();

        drops.Drops().Should().Be(1u);
        await counter.Invoking(c => c.IncrementAsync()).Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task Concurrent_DisposeAsync_calls_and_exported_calls_on_one_async_instance_each_run_once()
    {
        using var runtime = Runtime(true);
        using var component = runtime.Load(Fixture("resources.wat"));
        await using var instance = await component.InstantiateAsync();
        var counters = instance.GetInterface<ICountersAsyncDisposable>();
        var made = new List<ICounterAsyncDisposable>();
        for (var i = 0; i < 64; i++)
        {
            made.Add(await counters.CreateCounterAsync((uint)i));
        }

        var work = made.Select((c, i) => Task.Run(async () =>
        {
            (await c.IncrementAsync()).Should().Be((uint)i + 1);
            await c.DisposeAsync();
        }));
        await Task.WhenAll(work);

        instance.GetInterface<IDrops>("").Drops().Should().Be(64u);
    }

    [Fact]
    public async Task A_guest_destructor_that_awaits_an_async_host_import_runs_to_its_end_from_DisposeAsync_and_from_Dispose()
    {
        using var runtime = Runtime(true);
        using var component = runtime.Load(Fixture("resources-dtor-import.wat"));
        var seen = new System.Collections.Concurrent.ConcurrentQueue<uint>();
        async Task OnDrop(uint drops)
        {
            await Task.Delay(20);
            seen.Enqueue(drops);
        }

        await using var instance = await component.InstantiateAsync(new InstanceOptions { Imports = new ComponentImports().Add("on-drop", (Func<uint, Task>)OnDrop) });
        var counters = instance.GetInterface<ICountersAsyncDisposable>();
        var drops = instance.GetInterface<IDrops>("");
        var first = await counters.CreateCounterAsync(1);
        var second = await counters.CreateCounterAsync(2);

        await first.DisposeAsync();
        seen.Should().Equal(1u);
        ((IDisposable)second).Dispose();
        seen.Should().Equal(1u, 2u);
        drops.Drops().Should().Be(2u);
        (await (await counters.CreateCounterAsync(5)).IncrementAsync()).Should().Be(6u, "the instance serves calls after both destructors");
    }

    [Fact]
    public async Task DisposeAsync_returns_to_its_caller_while_the_guest_destructor_awaits_an_async_host_import()
    {
        using var runtime = Runtime(true);
        using var component = runtime.Load(Fixture("resources-dtor-import.wat"));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task OnDrop(uint drops) => await gate.Task;
        await using var instance = await component.InstantiateAsync(new InstanceOptions { Imports = new ComponentImports().Add("on-drop", (Func<uint, Task>)OnDrop) });
        var counters = instance.GetInterface<ICountersAsyncDisposable>();
        var counter = await counters.CreateCounterAsync(1);

        // Opened late, so that a DisposeAsync that blocks its caller still ends (and the assertion below fails).
        _ = Task.Delay(3000).ContinueWith(_ => gate.TrySetResult(), TaskScheduler.Default);
        var dispose = counter.DisposeAsync();

        dispose.IsCompleted.Should().BeFalse("the destructor waits for the host's task, and DisposeAsync holds no thread meanwhile");
        gate.TrySetResult();
        await dispose;
        instance.GetInterface<IDrops>("").Drops().Should().Be(1u);
        (await (await counters.CreateCounterAsync(5)).IncrementAsync()).Should().Be(6u);
    }

    [Fact]
    public async Task DisposeAsync_on_a_one_thread_scheduler_lets_the_destructors_host_import_continue_on_that_scheduler()
    {
        using var runtime = Runtime(true);
        using var component = runtime.Load(Fixture("resources-dtor-import.wat"));
        var ran = 0;
        async Task OnDrop(uint drops)
        {
            await Task.Delay(20);
            ran++;
        }

        await using var instance = await component.InstantiateAsync(new InstanceOptions { Imports = new ComponentImports().Add("on-drop", (Func<uint, Task>)OnDrop) });
        var counters = instance.GetInterface<ICountersAsyncDisposable>();
        var counter = await counters.CreateCounterAsync(1);
        var one = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, 1).ExclusiveScheduler;

        // OnDrop starts on the scheduler's one thread, so its continuation after the delay is queued there: a
        // DisposeAsync that blocked that thread for the destructor would never end.
        var dispose = Task.Factory.StartNew(async () => await counter.DisposeAsync(), CancellationToken.None, TaskCreationOptions.None, one).Unwrap();

        await dispose.WaitAsync(TimeSpan.FromSeconds(20));
        ran.Should().Be(1);
        instance.GetInterface<IDrops>("").Drops().Should().Be(1u);
    }

    [Fact]
    public async Task A_guest_destructor_whose_async_host_import_throws_surfaces_a_library_exception_and_the_instance_survives()
    {
        using var runtime = Runtime(true);
        using var component = runtime.Load(Fixture("resources-dtor-import.wat"));
        static async Task OnDrop(uint drops)
        {
            await Task.Yield();
            throw new InvalidOperationException($"host refuses drop {drops}");
        }

        await using var instance = await component.InstantiateAsync(new InstanceOptions { Imports = new ComponentImports().Add("on-drop", (Func<uint, Task>)OnDrop), RecreateAfterTrap = true });
        var counters = instance.GetInterface<ICountersAsyncDisposable>();
        var counter = await counters.CreateCounterAsync(1);

        var dispose = async () => await counter.DisposeAsync();

        (await dispose.Should().ThrowAsync<WasmDynamicException>()).Which.ToString().Should().Contain("host refuses drop 1");
        (await (await counters.CreateCounterAsync(5)).IncrementAsync()).Should().Be(6u, "the instance is recreated after the trap");
    }

    [Fact]
    public async Task A_runaway_guest_destructor_of_an_async_instance_is_stopped_by_the_call_timeout_and_the_instance_is_recreated()
    {
        using var runtime = Runtime(true);
        using var component = runtime.Load(Fixture("resources-loop-dtor.wat"));
        await using var instance = await component.InstantiateAsync(new InstanceOptions { CallTimeout = TimeSpan.FromMilliseconds(300), RecreateAfterTrap = true });
        var counters = instance.GetInterface<ICountersAsyncDisposable>();
        var runaway = await counters.CreateCounterAsync(999);

        var dispose = Task.Run(async () => await runaway.DisposeAsync());

        (await Task.WhenAny(dispose, Task.Delay(10_000))).Should().BeSameAs(dispose, "the destructor gets the call's timeout");
        (await dispose.Invoking(async d => await d).Should().ThrowAsync<ComponentTimeoutException>()).Which.Message.Should().Contain("[resource-drop]counter");
        (await (await counters.CreateCounterAsync(5)).IncrementAsync()).Should().Be(6u, "the instance is recreated after the timeout");
    }

    [Fact]
    public async Task A_runaway_guest_destructor_of_a_sync_instance_is_stopped_by_the_call_timeout_and_the_instance_is_recreated()
    {
        using var runtime = Runtime(false);
        using var component = runtime.Load(Fixture("resources-loop-dtor.wat"));
        using var instance = component.Instantiate(new InstanceOptions { CallTimeout = TimeSpan.FromMilliseconds(300), RecreateAfterTrap = true });
        var counters = instance.GetInterface<ICounters>();
        var runaway = counters.CreateCounter(999);

        var dispose = Task.Run(runaway.Dispose);

        (await Task.WhenAny(dispose, Task.Delay(10_000))).Should().BeSameAs(dispose, "the destructor gets the call's timeout");
        (await dispose.Invoking(async d => await d).Should().ThrowAsync<ComponentTimeoutException>()).Which.Message.Should().Contain("[resource-drop]counter");
        counters.CreateCounter(5).Increment().Should().Be(6u, "the instance is recreated after the timeout");
    }

    [Fact]
    public async Task Disposing_an_already_dropped_guest_resource_does_not_wait_for_a_busy_async_instance()
    {
        using var runtime = Runtime(true);
        using var component = runtime.Load(Fixture("resources-loop-dtor.wat"));
        var instance = await component.InstantiateAsync();
        var counters = instance.GetInterface<ICountersAsyncDisposable>();
        var dropped = await counters.CreateCounterAsync(1);
        var runaway = await counters.CreateCounterAsync(999);
        await dropped.DisposeAsync();
        var holder = Task.Run(async () => await runaway.DisposeAsync());
        await Task.Delay(200);
        holder.IsCompleted.Should().BeFalse("the runaway destructor holds the instance");

        var again = Task.Run(() =>
        {
            var disposal = dropped.DisposeAsync();
            ((IDisposable)dropped).Dispose();
            return disposal.IsCompleted;
        });

        (await Task.WhenAny(again, Task.Delay(5_000))).Should().BeSameAs(again, "a released handle has nothing to wait for");
        (await again).Should().BeTrue();
        instance.Dispose();
        await holder.Invoking(async h => await h).Should().ThrowAsync<ObjectDisposedException>("disposing the instance stops the runaway destructor");
    }

    [Fact]
    public void DisposeAsync_on_a_sync_instance_is_Dispose()
    {
        using var runtime = Runtime(true);
        using var component = runtime.Load(Fixture("resources.wat"));
        using var instance = component.Instantiate();
        var counter = (ComponentResource)instance.GetInterface<ICounters>().CreateCounter(5);

        var disposal = counter.DisposeAsync();

        disposal.IsCompletedSuccessfully.Should().BeTrue();
        counter.IsDisposed.Should().BeTrue();
        instance.GetInterface<IDrops>("").Drops().Should().Be(1u);
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
