using System.Collections.Concurrent;
using System.Diagnostics;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

public interface IRunaway
{
    void Spin();
    int Grow(uint pages);
    void Boom();
    uint Add(uint a, uint b);
}

public class ReliabilityTests
{
    private static readonly ComponentRuntime Runtime = new(new ComponentRuntimeOptions { ConsumeFuel = true });
    private static readonly Lazy<WasmComponent> Runaway = new(() => Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "runaway.wat")));

    [Fact]
    public void An_infinite_loop_ends_in_a_timeout_exception_and_the_process_stays_healthy()
    {
        using var instance = Runaway.Value.Instantiate(new InstanceOptions { CallTimeout = TimeSpan.FromMilliseconds(100) });
        var r = instance.GetInterface<IRunaway>("");
        var sw = Stopwatch.StartNew();
        var e = r.Invoking(x => x.Spin()).Should().Throw<ComponentTimeoutException>().Which;
        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        e.Timeout.Should().Be(TimeSpan.FromMilliseconds(100));
        e.TrapCode.Should().Be(ComponentTrapCode.Interrupted);
        e.Message.Should().Contain("spin: func()");
        r.Invoking(x => x.Add(1, 2)).Should().Throw<ComponentInstancePoisonedException>();
        using var fresh = Runaway.Value.Instantiate(new InstanceOptions { CallTimeout = TimeSpan.FromMilliseconds(100) });
        fresh.GetInterface<IRunaway>("").Add(1, 2).Should().Be(3, "a call within its timeout runs normally");
    }

    [Fact]
    public void A_cancellation_token_stops_a_running_call()
    {
        using var instance = Runaway.Value.Instantiate();
        var r = instance.GetInterface<IRunaway>("");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        using (instance.CancelCallsOn(cts.Token))
        {
            var e = r.Invoking(x => x.Spin()).Should().Throw<ComponentCanceledException>().Which;
            e.CancellationToken.Should().Be(cts.Token);
        }
    }

    [Fact]
    public void A_cancellation_scope_counts_for_its_own_instance_only_and_a_forgotten_one_gives_the_ticker_back_when_the_instance_is_disposed()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "runaway.wat"));
        using var a = component.Instantiate();
        using var b = component.Instantiate();
        var gateA = ((WasmDynamic.Exports.IExportHost)a).Gate;
        var gateB = ((WasmDynamic.Exports.IExportHost)b).Gate;
        using var cts = new CancellationTokenSource();
        var forgotten = a.CancelCallsOn(cts.Token);
        gateA.OpenScopes.Should().Be(1);
        gateB.OpenScopes.Should().Be(0, "a scope on instance a leaves instance b's calls on the fast path");
        b.GetInterface<IRunaway>("").Add(1, 2).Should().Be(3);
        runtime.EpochTickerUsers.Should().Be(1);

        a.Dispose();
        runtime.EpochTickerUsers.Should().Be(0, "disposing the instance gives back the ticker its never-disposed scope held");
        gateA.OpenScopes.Should().Be(0);
        forgotten.Dispose();
        runtime.EpochTickerUsers.Should().Be(0, "the late Dispose of the scope releases nothing twice");

        a.Invoking(x => x.CancelCallsOn(cts.Token)).Should().Throw<ObjectDisposedException>();
        runtime.EpochTickerUsers.Should().Be(0);
        using (b.CancelCallsOn(cts.Token))
        {
            b.GetInterface<IRunaway>("").Add(2, 2).Should().Be(4);
        }

        runtime.EpochTickerUsers.Should().Be(0);
        gateB.OpenScopes.Should().Be(0);
    }

    [Fact]
    public void An_instance_wide_cancellation_token_stops_calls()
    {
        using var cts = new CancellationTokenSource();
        using var instance = Runaway.Value.Instantiate(new InstanceOptions { CancellationToken = cts.Token });
        var r = instance.GetInterface<IRunaway>("");
        r.Add(2, 2).Should().Be(4);
        cts.CancelAfter(50);
        r.Invoking(x => x.Spin()).Should().Throw<ComponentCanceledException>();
    }

    [Fact]
    public void Fuel_bounds_each_call()
    {
        using var instance = Runaway.Value.Instantiate(new InstanceOptions { FuelPerCall = 1_000_000 });
        var r = instance.GetInterface<IRunaway>("");
        r.Add(1, 1).Should().Be(2);
        r.Add(1, 2).Should().Be(3, "fuel is refilled for every call");
        r.Invoking(x => x.Spin()).Should().Throw<ComponentOutOfFuelException>().Which.TrapCode.Should().Be(ComponentTrapCode.OutOfFuel);
    }

    [Fact]
    public void Fuel_needs_a_runtime_that_meters_it()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "runaway.wat"));
        var act = () => component.Instantiate(new InstanceOptions { FuelPerCall = 10 });
        act.Should().Throw<ArgumentException>().WithMessage("*ConsumeFuel*").Which.ParamName.Should().Be("options");
    }

    [Fact]
    public void A_memory_limit_makes_growth_past_it_fail_inside_the_guest()
    {
        using var limited = Runaway.Value.Instantiate(new InstanceOptions { MaxMemoryBytes = 4 * 65536 });
        var r = limited.GetInterface<IRunaway>("");
        r.Grow(1).Should().BeGreaterThanOrEqualTo(0);
        r.Grow(100).Should().Be(-1, "growing past MaxMemoryBytes fails with memory.grow's -1");
        r.Add(1, 2).Should().Be(3, "the instance is still usable");
        using var unlimited = Runaway.Value.Instantiate();
        unlimited.GetInterface<IRunaway>("").Grow(100).Should().BeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public void Limits_the_component_exceeds_at_instantiation_give_a_typed_resource_limit_exception()
    {
        var memory = () => Runaway.Value.Instantiate(new InstanceOptions { MaxMemoryBytes = 1000 });
        memory.Should().Throw<ComponentResourceLimitException>().WithMessage("*memory*limit*MaxMemoryBytes*");
        var instances = () => Runaway.Value.Instantiate(new InstanceOptions { MaxInstances = 0 });
        instances.Should().Throw<ComponentResourceLimitException>().Which.Reason.Should().Contain("instance");
        using var fits = Runaway.Value.Instantiate(new InstanceOptions { MaxMemoryBytes = 65536, MaxInstances = 10, MaxMemories = 1 });
        fits.GetInterface<IRunaway>("").Add(1, 2).Should().Be(3);
    }

    [Fact]
    public void A_trap_poisons_the_instance_with_a_clear_exception_and_the_trap_code()
    {
        using var instance = Runaway.Value.Instantiate();
        var r = instance.GetInterface<IRunaway>("");
        var trap = r.Invoking(x => x.Boom()).Should().Throw<ComponentTrapException>().Which;
        trap.TrapCode.Should().Be(ComponentTrapCode.Unreachable);
        trap.GuestBacktrace.Should().NotBeEmpty();
        var poisoned = r.Invoking(x => x.Add(1, 1)).Should().Throw<ComponentInstancePoisonedException>().Which;
        poisoned.Message.Should().Contain("add").And.Contain("trapped earlier");
        poisoned.InnerException.Should().BeSameAs(trap);
    }

    [Fact]
    public void An_opt_in_recreates_the_instance_after_a_trap()
    {
        using var instance = Runaway.Value.Instantiate(new InstanceOptions { RecreateAfterTrap = true });
        var r = instance.GetInterface<IRunaway>("");
        r.Grow(2);
        r.Invoking(x => x.Boom()).Should().Throw<ComponentTrapException>();
        r.Add(20, 22).Should().Be(42, "the next call runs on a fresh instance");
        r.Invoking(x => x.Boom()).Should().Throw<ComponentTrapException>();
        r.Add(1, 1).Should().Be(2);
    }

    [Fact]
    public void Calls_on_one_instance_from_many_threads_are_serialized()
    {
        using var instance = Runaway.Value.Instantiate();
        var r = instance.GetInterface<IRunaway>("");
        var errors = new ConcurrentBag<Exception>();
        const int threads = 8, calls = 20_000;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (var i = 0; i < calls; i++)
            {
                var result = r.Add((uint)t, (uint)i);
                if (result != (uint)(t + i))
                {
                    errors.Add(new InvalidOperationException($"{t}+{i} gave {result}"));
                }
            }
        });
        errors.Should().BeEmpty();
    }

    [Fact]
    public void Many_instances_run_in_parallel_on_many_threads()
    {
        const int threads = 4, calls = 20_000;
        var totals = new ulong[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            using var instance = Runaway.Value.Instantiate();
            var r = instance.GetInterface<IRunaway>("");
            for (var i = 0; i < calls; i++)
            {
                totals[t] += r.Add(1, 0);
            }
        });
        totals.Should().AllBeEquivalentTo((ulong)calls);
    }
}
