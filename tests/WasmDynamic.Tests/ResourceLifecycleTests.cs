using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>A host resource whose Dispose throws (for the cleanup policy of instance disposal).</summary>
public sealed class FaultyBlob : IDisposable
{
    private readonly System.Text.StringBuilder _text;

    public FaultyBlob(string init) => _text = new System.Text.StringBuilder(init);

    public static int DisposeCalls;

    public void Append(string s) => _text.Append(s);

    public uint Len() => (uint)_text.Length;

    public static FaultyBlob Concat(FaultyBlob a, FaultyBlob b) => new(a._text.ToString() + b._text);

    public FaultyBlob Copy() => new(_text.ToString());

    public FaultyBlob Join(FaultyBlob other) => new(_text.ToString() + other._text);

    public uint Same(FaultyBlob other) => ReferenceEquals(this, other) ? 1u : 0u;

    public void Dispose()
    {
        Interlocked.Increment(ref DisposeCalls);
        throw new InvalidOperationException("faulty blob cannot be disposed");
    }
}

/// <summary>Resource handles when their instance traps, is recreated or is disposed (issue 12, items 12–14).</summary>
public class ResourceLifecycleTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Guest = new(() => Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "resources.wat")));
    private static readonly Lazy<WasmComponent> HostUser = new(() => Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "host-resources.wat")));

    /// <summary>resources.wat traps when more than 4095 counters are alive at once.</summary>
    private static ComponentTrapException TrapByExhaustingCounters(ICounters counters)
    {
        for (var i = 0; i < 5000; i++)
        {
            try
            {
                counters.CreateCounter(1);
            }
            catch (ComponentTrapException e)
            {
                return e;
            }
        }

        throw new InvalidOperationException("resources.wat did not trap");
    }

    [Fact]
    public void Disposing_a_guest_resource_after_its_instance_trapped_is_silent_so_a_using_block_keeps_the_real_exception()
    {
        using var instance = Guest.Value.Instantiate();
        var counters = instance.GetInterface<ICounters>();
        ComponentTrapException? trap = null;
        var act = () =>
        {
            using var counter = counters.CreateCounter(7);
            trap = TrapByExhaustingCounters(counters);
            throw trap;
        };
        act.Should().Throw<ComponentTrapException>().Which.Should().BeSameAs(trap, "the using block's Dispose did not replace it");
    }

    [Fact]
    public void A_handle_of_an_instance_recreated_after_a_trap_says_it_belonged_to_the_trapped_store()
    {
        using var instance = Guest.Value.Instantiate(new InstanceOptions { RecreateAfterTrap = true });
        var counters = instance.GetInterface<ICounters>();
        var old = counters.CreateCounter(7);
        TrapByExhaustingCounters(counters);
        counters.CreateCounter(1).Get().Should().Be(1, "the instance was recreated");
        old.Invoking(c => c.Get()).Should().Throw<ObjectDisposedException>().Which.Message.Should()
            .Contain("trapped and was recreated").And.Contain("RecreateAfterTrap").And.NotContain("moved into the component");
        old.Invoking(c => c.Dispose()).Should().NotThrow();
    }

    [Fact]
    public void Host_resources_the_guest_still_holds_are_disposed_with_the_instance()
    {
        var instance = HostUser.Value.Instantiate(new ComponentImports().AddResource<Blob>("demo:host/store", "blob"));
        var before = Blob.Created.Count;
        instance.GetInterface<IHostResourceUser>("").Keep("abc").Should().Be(3);
        var kept = Blob.Created.Skip(before).Single();
        kept.Disposed.Should().BeFalse("the guest still holds it");
        instance.Dispose();
        kept.Disposed.Should().BeTrue("disposing the instance disposes what its guest still owned");
    }

    [Fact]
    public void Host_resources_whose_Dispose_throws_are_all_disposed_and_reported_once_the_instance_is_freed()
    {
        var instance = HostUser.Value.Instantiate(new ComponentImports().AddResource<FaultyBlob>("demo:host/store", "blob"));
        var user = instance.GetInterface<IHostResourceUser>("");
        user.Keep("a");
        user.Keep("bb");
        var calls = Volatile.Read(ref FaultyBlob.DisposeCalls);
        var e = instance.Invoking(i => i.Dispose()).Should().Throw<WasmDynamicException>().Which;
        e.Message.Should().Contain("2 host resource object(s)").And.Contain("faulty blob cannot be disposed").And.Contain("fully freed");
        e.InnerException.Should().BeOfType<AggregateException>().Which.InnerExceptions.Should().HaveCount(2);
        Volatile.Read(ref FaultyBlob.DisposeCalls).Should().Be(calls + 2, "every resource was disposed despite the first failure");
        user.Invoking(u => u.Keep("c")).Should().Throw<ObjectDisposedException>("the instance is freed all the same");
        instance.Invoking(i => i.Dispose()).Should().NotThrow("a second Dispose does nothing");
    }
}
