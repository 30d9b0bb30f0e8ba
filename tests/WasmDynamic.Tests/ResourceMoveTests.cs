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
}
