using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>The <c>counter</c> resource of Fixtures/resources.wat, as the user declares it.</summary>
public interface ICounter : IDisposable
{
    uint Increment();
    uint Get();
}

[WitName("demo:res/counters")]
public interface ICounters
{
    ICounter CreateCounter(uint start);
    (ICounter, ICounter) MakePair(uint a, uint b);
    ICounter Merge(ICounter a, ICounter b);
}

public interface IDrops
{
    uint Drops();
}

public class ResourceTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Component = new(() => Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "resources.wat")));

    [Fact]
    public void A_guest_resource_is_constructed_called_and_dropped_through_a_typed_interface()
    {
        using var instance = Component.Value.Instantiate();
        var counters = instance.GetInterface<ICounters>();
        var drops = instance.GetInterface<IDrops>("");
        var counter = counters.CreateCounter(41);
        counter.Increment().Should().Be(42);
        counter.Get().Should().Be(42);
        drops.Drops().Should().Be(0);
        counter.Dispose();
        drops.Drops().Should().Be(1, "disposing an owned handle runs the guest destructor");
        counter.Invoking(c => c.Get()).Should().Throw<ObjectDisposedException>();
        counter.Dispose();
        drops.Drops().Should().Be(1, "a second Dispose does nothing");
    }

    [Fact]
    public void Statics_own_parameters_and_resources_inside_tuples_work()
    {
        using var instance = Component.Value.Instantiate();
        var counters = instance.GetInterface<ICounters>();
        var drops = instance.GetInterface<IDrops>("");
        var (a, b) = counters.MakePair(3, 10);
        a.Get().Should().Be(3);
        b.Get().Should().Be(10);
        using var merged = counters.Merge(a, b);
        merged.Get().Should().Be(13);
        drops.Drops().Should().Be(2, "merge takes own<counter> twice and drops both");
        ((ComponentResource)a).IsDisposed.Should().BeTrue("an own argument moves the handle into the guest");
        a.Invoking(x => x.Get()).Should().Throw<ObjectDisposedException>();
        counters.Invoking(c => c.Merge(a, merged)).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void A_moved_handle_passed_again_names_the_argument_the_function_and_its_signature()
    {
        using var instance = Component.Value.Instantiate();
        var counters = instance.GetInterface<ICounters>();
        var (a, b) = counters.MakePair(3, 10);
        using var merged = counters.Merge(a, b);
        const string Located = "Argument 'b' of 'demo:res/counters#[static]counter.merge' (counter.merge: static func(a: counter, b: counter) -> counter).";

        // a (moved into the guest by the first merge) is the second argument: the typed proxy and dynamic.
        var typed = counters.Invoking(c => c.Merge(merged, a)).Should().Throw<ObjectDisposedException>().Which;
        typed.Message.Should().StartWith("The counter resource passed as 'counter' cannot be used: it was already disposed or moved into the component. " + Located)
            .And.Contain("Pass a live counter");
        typed.ObjectName.Should().Be("counter");
        ((ComponentResource)merged).IsDisposed.Should().BeFalse("the call never ran: the first argument did not move");

        merged.Get().Should().Be(13);

        // The same through dynamic, with the default-map resource class.
        var dynamicCounters = instance.Exports.Counters;
        var pair = dynamicCounters.CounterMakePair(1, 2);
        var dynamicMerged = dynamicCounters.Merge(pair.Item1, pair.Item2);
        object moved = pair.Item1;
        var dynamicError = FluentActions.Invoking(() => (object)dynamicCounters.Merge(dynamicMerged, moved)).Should().Throw<ObjectDisposedException>().Which;
        dynamicError.Message.Should().StartWith("The counter resource passed as 'counter' cannot be used: it was already disposed or moved into the component. " + Located);
        uint total = dynamicMerged.Get();
        total.Should().Be(3);

        // A typed-proxy object is not the default map's class: a library exception says so (was ArgumentNullException).
        FluentActions.Invoking(() => (object)dynamicCounters.Merge(dynamicMerged, merged)).Should().Throw<ComponentArgumentException>()
            .WithMessage("*cannot be converted to*");
    }

    [Fact]
    public void Resources_work_through_dynamic_with_the_default_map()
    {
        using var instance = Component.Value.Instantiate();
        var counters = instance.Exports.Counters;
        var counter = counters.Counter(5);
        uint next = counter.Increment();
        next.Should().Be(6);
        var pair = counters.CounterMakePair(1, 2);
        var merged = counters.Merge(pair.Item1, pair.Item2);
        uint total = merged.Get();
        total.Should().Be(3);
        ((object)counter).Should().BeAssignableTo<ComponentResource>();
        ((ComponentResource)counter).ResourceName.Should().Be("counter");
        counter.Dispose();
        uint drops = instance.Exports.Drops();
        drops.Should().Be(3);
    }

    [Fact]
    public void Many_handles_created_and_released_keep_the_guest_table_and_memory_flat()
    {
        using var instance = Component.Value.Instantiate();
        var counters = instance.GetInterface<ICounters>();
        var drops = instance.GetInterface<IDrops>("");
        for (var i = 0; i < 20_000; i++)
        {
            using var c = counters.CreateCounter((uint)i);
            c.Increment().Should().Be((uint)i + 1);
        }

        drops.Drops().Should().Be(20_000, "the guest's table holds at most 4095 counters, so every handle was really released");
    }

    [Fact]
    public void Instances_and_handles_that_are_never_disposed_are_finalized_without_native_calls_from_the_gc()
    {
        var weak = CreateAndForget();
        for (var i = 0; i < 10 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        weak.IsAlive.Should().BeFalse("nothing native keeps a forgotten instance alive");
        using var instance = Component.Value.Instantiate();
        instance.GetInterface<ICounters>().CreateCounter(2).Get().Should().Be(2, "the process and the runtime are fine");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference CreateAndForget()
    {
        var instance = Component.Value.Instantiate();
        var counters = instance.GetInterface<ICounters>();
        for (var i = 0; i < 100; i++)
        {
            counters.CreateCounter((uint)i).Increment();
        }

        return new WeakReference(instance);
    }

    [Fact]
    public void Handles_never_disposed_are_released_with_their_instance()
    {
        var instance = Component.Value.Instantiate();
        var counter = instance.GetInterface<ICounters>().CreateCounter(1);
        instance.Dispose();
        counter.Invoking(c => c.Get()).Should().Throw<ObjectDisposedException>();
        counter.Dispose();
    }
}
