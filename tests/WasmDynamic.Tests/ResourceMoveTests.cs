using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// own&lt;R&gt; arguments: a handle moves into the guest only when its call enters the instance, through the context of
/// that call (Fixtures/resources.wat, resources-dtor-import.wat).
/// </summary>
public sealed class ResourceMoveTests
{
    private static readonly ComponentRuntime Runtime = new();

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [WitName("demo:res/counters")]
    public interface ICountersAsync
    {
        Task<AsyncExportTests.IAsyncCounter> CreateCounterAsync(uint start);

        Task<AsyncExportTests.IAsyncCounter> MergeAsync(AsyncExportTests.IAsyncCounter a, AsyncExportTests.IAsyncCounter b, CancellationToken cancellationToken = default);
    }

    [Theory]
    [InlineData("sync")]
    [InlineData("async")]
    public void A_Task_returning_call_that_waits_for_a_busy_instance_passes_its_own_arguments_intact_when_the_other_call_ends(string instance)
    {
        // In a child process: the bug freed the queued call's handle boxes and Wasmtime read them (a segfault).
        var result = ChildProcess.Run($"queued-own-arguments-{instance}-instance", TimeSpan.FromSeconds(120));

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("returned 300");
    }

    [Fact]
    public async Task The_boxes_of_handles_moved_by_async_calls_are_freed_by_those_calls()
    {
        using var component = Runtime.Load(Fixture("resources.wat"));
        await using var instance = await component.InstantiateAsync();
        var counters = instance.GetInterface<ICountersAsync>();

        for (var i = 0; i < 20; i++)
        {
            var merged = await counters.MergeAsync(await counters.CreateCounterAsync(1), await counters.CreateCounterAsync(2));
            (await merged.IncrementAsync()).Should().Be(4u);
            await ((IAsyncDisposable)merged).DisposeAsync();
        }

        // Read before any synchronous call: the end of one would free what an async call left behind.

        instance.ArgumentContext.BoxesToFree.Should().Be(0, "each call frees the boxes of the handles it moved, not a later sync call of the instance");
        instance.GetInterface<IDrops>("").Drops().Should().Be(60u);
    }

    [Fact]
    public void A_call_whose_later_argument_fails_to_lower_leaves_the_owned_handle_with_the_caller()
    {
        using var component = Runtime.Load(Fixture("resources.wat"));
        using var instance = component.Instantiate();
        var counters = instance.GetInterface<ICounters>();
        var drops = instance.GetInterface<IDrops>("");
        var a = counters.CreateCounter(10);

        var merge = () => counters.Merge(a, null!);

        merge.Should().Throw<ComponentArgumentException>().Which.Parameter.Should().Be("b");
        ((ComponentResource)(object)a).IsDisposed.Should().BeFalse("the call never ran, so a never moved into the guest");
        a.Get().Should().Be(10u);
        a.Dispose();
        drops.Drops().Should().Be(1u, "disposing it runs the guest destructor");
    }

    [Fact]
    public void Calls_that_fail_before_they_run_leak_no_guest_resources()
    {
        using var component = Runtime.Load(Fixture("resources.wat"));
        using var instance = component.Instantiate();
        var counters = instance.GetInterface<ICounters>();

        // resources.wat holds at most 4095 live counters: a leak per failed call would trap before the end.
        for (var i = 0; i < 5000; i++)
        {
            var counter = counters.CreateCounter(1);
            counters.Invoking(c => c.Merge(counter, null!)).Should().Throw<ComponentArgumentException>();
            counter.Dispose();
        }

        instance.GetInterface<IDrops>("").Drops().Should().Be(5000u);
    }

    [Fact]
    public void The_same_handle_passed_to_two_own_parameters_is_refused_before_anything_moves()
    {
        using var component = Runtime.Load(Fixture("resources.wat"));
        using var instance = component.Instantiate();
        var counters = instance.GetInterface<ICounters>();
        var b = counters.CreateCounter(20);

        var merge = () => counters.Merge(b, b);

        var e = merge.Should().Throw<ComponentArgumentException>().Which;
        e.Parameter.Should().Be("b");
        e.Signature.Should().Contain("func(a: counter, b: counter) -> counter");
        e.Message.Should().StartWith("The same counter resource is already passed as 'a' in this call")
            .And.Contain("Pass a different counter to each parameter")
            .And.Contain($"Argument 'b' of '{e.Function}' ({e.Signature})");
        b.Get().Should().Be(20u, "nothing moved");
        counters.Merge(b, counters.CreateCounter(1)).Get().Should().Be(21u);
    }

    [Fact]
    public async Task The_same_handle_passed_twice_to_an_async_call_is_refused_and_stays_usable()
    {
        using var component = Runtime.Load(Fixture("resources.wat"));
        await using var instance = await component.InstantiateAsync();
        var counters = instance.GetInterface<ICountersAsync>();
        var b = await counters.CreateCounterAsync(20);

        var merge = () => counters.MergeAsync(b, b);

        (await merge.Should().ThrowAsync<ComponentArgumentException>()).Which.Parameter.Should().Be("b");
        (await b.IncrementAsync()).Should().Be(21u);
    }

    [Fact]
    public async Task An_async_call_cancelled_while_it_waits_for_the_instance_keeps_its_own_arguments()
    {
        using var component = Runtime.Load(Fixture("resources-dtor-import.wat"));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var entered = new SemaphoreSlim(0);
        async Task OnDrop(uint drops)
        {
            entered.Release();
            await gate.Task;
        }

        await using var instance = await component.InstantiateAsync(new InstanceOptions { Imports = new ComponentImports().Add("on-drop", (Func<uint, Task>)OnDrop) });
        var counters = instance.GetInterface<ICountersAsync>();
        var x = await counters.CreateCounterAsync(1);
        var y = await counters.CreateCounterAsync(2);
        var a = await counters.CreateCounterAsync(100);
        var b = await counters.CreateCounterAsync(200);
        var busy = counters.MergeAsync(x, y);
        (await entered.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue("merge drops x, whose destructor awaits on-drop");
        using var cancel = new CancellationTokenSource();

        var queued = counters.MergeAsync(a, b, cancel.Token);
        cancel.Cancel();

        await queued.Invoking(q => q).Should().ThrowAsync<ComponentCanceledException>();
        gate.SetResult();
        (await (await busy).IncrementAsync()).Should().Be(4u);
        (await a.IncrementAsync()).Should().Be(101u, "the cancelled call never ran: a is still the caller's");
        (await counters.MergeAsync(a, b)).Get().Should().Be(301u);
        instance.GetInterface<IDrops>("").Drops().Should().Be(4u);
    }

    [Fact]
    public void One_handle_borrowed_many_times_in_a_list_argument_is_passed_each_time()
    {
        using var component = Runtime.Load(Fixture("resource-containers.wat"));
        using var instance = component.Instantiate();
        var boxes = instance.GetInterface<IBoxes>();
        var counter = boxes.CreateCounter(3);
        var others = boxes.MakeMany(40);

        // 100 borrows of one handle (past the count from which earlier handles are looked up, not scanned), among 40 others.
        boxes.Sum(Enumerable.Repeat(counter, 100).Concat(others).ToList()).Should().Be(300u + 780u);
        counter.Get().Should().Be(3u);
    }
}
