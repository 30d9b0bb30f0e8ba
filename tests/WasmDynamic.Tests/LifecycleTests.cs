using System.Collections.Concurrent;
using System.Diagnostics;
using FluentAssertions;
using Xunit;

// These tests are about threads that block: they wait with bounds, on dedicated (LongRunning) threads, on purpose.
#pragma warning disable xUnit1031

namespace WasmDynamic.Tests;

/// <summary>The exports of Fixtures/lifecycle.wat.</summary>
public interface ILifecycle
{
    uint Run();
    uint Recurse(uint n);
    void Spin();
    uint Add(uint a, uint b);
}

/// <summary>
/// Lifetime, threads, stack and timing: nothing a caller or a guest does kills the process or hangs it (issue 12).
/// Tests whose failure would kill the test host run in a child process (<see cref="ChildProcess"/>).
/// </summary>
public class LifecycleTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "lifecycle.wat");
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Component = new(() => Runtime.Load(Fixture));

    internal static ComponentInstance Instantiate(Func<uint> poke, InstanceOptions? options = null) =>
        Component.Value.Instantiate(new InstanceOptions
        {
            Imports = ComponentImports.FromObject(new { Poke = poke }),
            CallTimeout = options?.CallTimeout,
            CancellationToken = options?.CancellationToken ?? default,
            HostImportWaitTimeout = options?.HostImportWaitTimeout ?? TimeSpan.FromSeconds(30),
        });

    [Fact]
    public void Disposing_an_instance_from_inside_its_own_host_import_is_deferred_to_the_end_of_the_call()
    {
        var result = ChildProcess.Run("dispose-inside-import");
        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("OK run()=42, then ObjectDisposedException");
    }

    [Theory]
    [InlineData("recursion-main-thread")]
    [InlineData("recursion-256k-thread")]
    [InlineData("recursion-512k-thread")]
    [InlineData("recursion-2m-thread-1400k-used")]
    [InlineData("recursion-2m-thread-1600k-used")]
    [InlineData("recursion-from-import-on-small-thread")]
    public void Unbounded_guest_recursion_ends_in_a_stack_overflow_trap_whatever_stack_the_calling_thread_has(string scenario)
    {
        var result = ChildProcess.Run(scenario);
        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("trap StackOverflow");
    }

    [Fact]
    public void A_call_from_a_thread_short_of_stack_runs_and_its_host_imports_see_the_instance_as_entered()
    {
        ComponentInstance? instance = null;
        Exception? reentry = null;
        instance = Instantiate(() =>
        {
            try
            {
                instance!.GetInterface<ILifecycle>("").Add(1, 2);
            }
            catch (Exception e)
            {
                reentry = e;
            }

            return 6;
        });
        using (instance)
        {
            uint result = 0;
            var thread = new Thread(() => result = instance.GetInterface<ILifecycle>("").Run(), 256 * 1024);
            thread.Start();
            thread.Join();
            result.Should().Be(7, "the call ran on a helper thread with a big stack");
            reentry.Should().BeOfType<ComponentReentrancyException>("re-entering from the helper thread is still re-entering").Which.Message.Should().Contain("re-enter");
        }
    }

    [Fact]
    public void A_scalar_call_with_arguments_from_a_thread_short_of_stack_passes_them_to_the_helper_thread_and_returns_its_result()
    {
        using var instance = Instantiate(() => 0);
        var proxy = instance.GetInterface<ILifecycle>("");
        uint small = 0, again = 0;
        var thread = new Thread(
            () =>
            {
                small = proxy.Add(40, 2);
                again = proxy.Add(7, 8);
            },
            256 * 1024);
        thread.Start();
        thread.Join();
        small.Should().Be(42, "the arguments lowered on the small thread's stack reach the helper thread that calls");
        again.Should().Be(15, "the helper's result slot is cleared and reused by the next call");
        proxy.Add(1, 2).Should().Be(3, "a call with room afterwards takes the direct path with its own slots");
    }

    [Fact]
    public void Disposing_the_runtime_keeps_live_instances_timeouts_working_and_components_instantiable()
    {
        var runtime = new ComponentRuntime();
        var component = runtime.Load(Fixture);
        var options = new InstanceOptions
        {
            Imports = ComponentImports.FromObject(new { Poke = (Func<uint>)(() => 0) }),
            CallTimeout = TimeSpan.FromMilliseconds(100),
        };
        using var instance = component.Instantiate(options);
        runtime.Dispose();

        var spin = Task.Factory.StartNew(() => instance.GetInterface<ILifecycle>("").Spin(), TaskCreationOptions.LongRunning);
        Task.WaitAny([spin], TimeSpan.FromSeconds(10)).Should().Be(0, "the timeout fires although the runtime was disposed");
        spin.Exception!.InnerException.Should().BeOfType<ComponentTimeoutException>();

        using var later = component.Instantiate(options);
        later.GetInterface<ILifecycle>("").Add(2, 3).Should().Be(5, "a live component can still be instantiated");
        var load = () => runtime.Load(Fixture);
        load.Should().Throw<ObjectDisposedException>().Which.ObjectName.Should().Be(typeof(ComponentRuntime).FullName);
        component.Dispose();
        var instantiate = () => component.Instantiate(options);
        instantiate.Should().Throw<ObjectDisposedException>().Which.ObjectName.Should().Be(typeof(WasmComponent).FullName);
        later.GetInterface<ILifecycle>("").Add(1, 1).Should().Be(2, "instances outlive their component and runtime");
    }

    [Fact]
    public void An_instance_recreates_itself_after_a_trap_even_when_its_component_and_runtime_were_disposed()
    {
        var runtime = new ComponentRuntime();
        var component = runtime.Load(Fixture);
        using var instance = component.Instantiate(new InstanceOptions { Imports = ComponentImports.FromObject(new { Poke = (Func<uint>)(() => 0) }), RecreateAfterTrap = true });
        component.Dispose();
        runtime.Dispose();
        var proxy = instance.GetInterface<ILifecycle>("");
        proxy.Invoking(p => p.Recurse(0)).Should().Throw<ComponentTrapException>().Which.TrapCode.Should().Be(ComponentTrapCode.StackOverflow);
        proxy.Add(20, 22).Should().Be(42, "the instance was recreated from the component it keeps alive");
    }

    [Fact]
    public void Disposing_an_instance_from_another_thread_interrupts_its_running_call_and_frees_the_store()
    {
        var instance = Instantiate(() => 0);
        var started = new ManualResetEventSlim();
        var spin = Task.Factory.StartNew(
            () =>
            {
                started.Set();
                instance.GetInterface<ILifecycle>("").Spin();
            },
            TaskCreationOptions.LongRunning);
        started.Wait();
        Thread.Sleep(50);
        var sw = Stopwatch.StartNew();
        instance.Dispose();
        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1), "the call is interrupted, not waited for");
        Task.WaitAny([spin], TimeSpan.FromSeconds(10)).Should().Be(0);
        spin.Exception!.InnerException.Should().BeOfType<ObjectDisposedException>().Which.Message.Should().Contain("'spin'").And.Contain("disposed while it ran");
        var after = () => instance.GetInterface<ILifecycle>("").Add(1, 2);
        after.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Disposing_from_another_thread_while_a_call_blocks_in_a_host_import_returns_and_the_call_frees_the_store()
    {
        using var runtime = new ComponentRuntime(new ComponentRuntimeOptions { EpochInterruption = false });
        using var component = runtime.Load(Fixture);
        using var inImport = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var instance = component.Instantiate(new { Poke = (Func<uint>)(() => { inImport.Set(); release.Wait(TimeSpan.FromSeconds(20)); return 9; }) });
        var run = Task.Factory.StartNew(() => instance.GetInterface<ILifecycle>("").Run(), TaskCreationOptions.LongRunning);
        inImport.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
        var sw = Stopwatch.StartNew();
        instance.Dispose();
        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "Dispose waits about a second for a call it cannot interrupt, then leaves the freeing to it");
        release.Set();
        run.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
        run.Result.Should().Be(10, "the call that was blocked in the import finishes normally");
        var after = () => instance.GetInterface<ILifecycle>("").Add(1, 2);
        after.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void A_cycle_of_calls_waiting_for_each_other_across_instances_is_refused_with_a_deadlock_exception()
    {
        // Each instance's import calls the other instance; the two outer calls run on two threads, so each holds one
        // instance and waits for the other.
        using var bothInside = new Barrier(2);
        ComponentInstance? a = null, b = null;
        var errors = new ConcurrentBag<Exception>();
        uint Poke(Func<ComponentInstance> other)
        {
            bothInside.SignalAndWait(TimeSpan.FromSeconds(10));
            try
            {
                return other().GetInterface<ILifecycle>("").Add(1, 1);
            }
            catch (ComponentDeadlockException e)
            {
                errors.Add(e);
                return 0;
            }
        }

        a = Instantiate(() => Poke(() => b!));
        b = Instantiate(() => Poke(() => a!));
        using (a)
        using (b)
        {
            var ta = Task.Factory.StartNew(() => a.GetInterface<ILifecycle>("").Run(), TaskCreationOptions.LongRunning);
            var tb = Task.Factory.StartNew(() => b.GetInterface<ILifecycle>("").Run(), TaskCreationOptions.LongRunning);
            Task.WaitAll([ta, tb], TimeSpan.FromSeconds(10)).Should().BeTrue("the deadlock is detected, not waited out");
            errors.Should().ContainSingle("one of the two calls is refused, and then the other one can finish");
            var e = (ComponentDeadlockException)errors.Single();
            e.Message.Should().StartWith("Deadlock:").And.Contain("'add'").And.Contain("'run'");
            e.WaitingCall.Should().Be("add");
            e.HoldingCall.Should().Be("run");
            new[] { ta.Result, tb.Result }.Should().BeEquivalentTo([1u, 3u], "the refused import returns 0 (run = 1), the other gets add(1, 1) = 2 (run = 3)");
        }
    }

    [Fact]
    public void A_host_import_that_waits_for_another_thread_calling_the_same_instance_ends_after_HostImportWaitTimeout()
    {
        ComponentInstance? instance = null;
        Exception? refused = null;
        instance = Instantiate(
            () =>
            {
                var other = Task.Run(() => instance!.GetInterface<ILifecycle>("").Add(1, 2));
                try
                {
                    return other.GetAwaiter().GetResult();
                }
                catch (ComponentDeadlockException e)
                {
                    refused = e;
                    return 100;
                }
            },
            new InstanceOptions { HostImportWaitTimeout = TimeSpan.FromMilliseconds(300) });
        using (instance)
        {
            var sw = Stopwatch.StartNew();
            var run = Task.Factory.StartNew(() => instance.GetInterface<ILifecycle>("").Run(), TaskCreationOptions.LongRunning);
            run.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue("the waiting call gives up instead of deadlocking");
            run.Result.Should().Be(101);
            sw.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250));
            refused.Should().BeOfType<ComponentDeadlockException>().Which.Message.Should()
                .Contain("'add'").And.Contain("'run'").And.Contain("host import 'poke'").And.Contain("HostImportWaitTimeout");
        }
    }

    [Fact]
    public void The_HostImportWaitTimeout_message_names_the_thread_of_a_holding_call_that_entered_through_the_fast_path()
    {
        // run() takes no arguments and the instance arms nothing, so from its second call on (the first resolves the
        // function through the full gate) the holding call enters through the invoker's fast path, which records no
        // thread id; the host import records it, and the waiter's message must name it.
        ComponentInstance? instance = null;
        Exception? refused = null;
        var holderThread = 0;
        var warm = false;
        instance = Instantiate(
            () =>
            {
                if (!warm)
                {
                    warm = true;
                    return 0;
                }

                holderThread = Environment.CurrentManagedThreadId;
                var other = Task.Run(() => instance!.GetInterface<ILifecycle>("").Add(1, 2));
                try
                {
                    return other.GetAwaiter().GetResult();
                }
                catch (ComponentDeadlockException e)
                {
                    refused = e;
                    return 100;
                }
            },
            new InstanceOptions { HostImportWaitTimeout = TimeSpan.FromMilliseconds(200) });
        using (instance)
        {
            instance.GetInterface<ILifecycle>("").Run().Should().Be(1u, "the first call resolves run()");
            var run = Task.Factory.StartNew(() => instance.GetInterface<ILifecycle>("").Run(), TaskCreationOptions.LongRunning);
            run.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue("the waiting call gives up instead of deadlocking");
            run.Result.Should().Be(101);
            holderThread.Should().NotBe(0);
            refused.Should().BeOfType<ComponentDeadlockException>().Which.Message.Should()
                .Contain($"'run' (run: func() -> u32) on thread {holderThread}, which is inside the host import 'poke'");
            instance.GetInterface<ILifecycle>("").Add(2, 3).Should().Be(5u, "the instance is free again after the refused wait");
        }
    }

    [Fact]
    public void Waiting_for_an_instance_whose_call_runs_guest_code_is_not_bounded_by_HostImportWaitTimeout()
    {
        using var cts = new CancellationTokenSource();
        using var instance = Instantiate(() => 0, new InstanceOptions { CancellationToken = cts.Token, HostImportWaitTimeout = TimeSpan.FromMilliseconds(50) });
        var spin = Task.Factory.StartNew(() => instance.GetInterface<ILifecycle>("").Spin(), TaskCreationOptions.LongRunning);
        Thread.Sleep(50);
        var waiter = Task.Factory.StartNew(() => instance.GetInterface<ILifecycle>("").Add(1, 2), TaskCreationOptions.LongRunning);
        Thread.Sleep(300);
        waiter.IsCompleted.Should().BeFalse("a long guest call is a legitimate wait");
        cts.Cancel();
        Task.WaitAny([spin], TimeSpan.FromSeconds(10)).Should().Be(0);
        spin.Exception!.InnerException.Should().BeOfType<ComponentCanceledException>();
        Task.WaitAny([waiter], TimeSpan.FromSeconds(10)).Should().Be(0);
        waiter.Exception!.InnerException.Should().BeOfType<ComponentInstancePoisonedException>("the waiter ran after the cancelled call, which poisoned the instance");
    }

    [Fact]
    public void Options_are_validated_where_they_are_set_with_a_message_naming_the_option()
    {
        var cases = new (Action Set, string Name)[]
        {
            (() => _ = new ComponentRuntimeOptions { EpochTick = TimeSpan.Zero }, "EpochTick"),
            (() => _ = new ComponentRuntimeOptions { EpochTick = TimeSpan.FromMilliseconds(-5) }, "EpochTick"),
            (() => _ = new ComponentRuntimeOptions { MaxWasmStack = 1000 }, "MaxWasmStack"),
            (() => _ = new InstanceOptions { CallTimeout = TimeSpan.Zero }, "CallTimeout"),
            (() => _ = new InstanceOptions { CallTimeout = TimeSpan.FromSeconds(-2) }, "CallTimeout"),
            (() => _ = new InstanceOptions { MaxMemoryBytes = -1 }, "MaxMemoryBytes"),
            (() => _ = new InstanceOptions { MaxTableElements = -1 }, "MaxTableElements"),
            (() => _ = new InstanceOptions { MaxInstances = -1 }, "MaxInstances"),
            (() => _ = new InstanceOptions { MaxTables = -1 }, "MaxTables"),
            (() => _ = new InstanceOptions { MaxMemories = -1 }, "MaxMemories"),
            (() => _ = new InstanceOptions { HostImportWaitTimeout = TimeSpan.Zero }, "HostImportWaitTimeout"),
        };
        foreach (var (set, name) in cases)
        {
            var e = set.Should().Throw<ArgumentOutOfRangeException>().Which;
            e.ParamName.Should().Be(name);
            e.Message.Should().StartWith($"{(name is "EpochTick" or "MaxWasmStack" ? "ComponentRuntimeOptions" : "InstanceOptions")}.{name} must be");
        }

        var fine = () => _ = new InstanceOptions { CallTimeout = Timeout.InfiniteTimeSpan, MaxMemoryBytes = 0, HostImportWaitTimeout = Timeout.InfiniteTimeSpan };
        fine.Should().NotThrow();
    }

    [Fact]
    public void A_short_epoch_tick_makes_timeouts_fire()
    {
        using var runtime = new ComponentRuntime(new ComponentRuntimeOptions { EpochTick = TimeSpan.FromMilliseconds(1) });
        using var component = runtime.Load(Fixture);
        using var instance = component.Instantiate(new InstanceOptions { Imports = ComponentImports.FromObject(new { Poke = (Func<uint>)(() => 0) }), CallTimeout = TimeSpan.FromMilliseconds(30) });
        var sw = Stopwatch.StartNew();
        instance.Invoking(i => i.GetInterface<ILifecycle>("").Spin()).Should().Throw<ComponentTimeoutException>();
        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(long.MaxValue)]
    public void An_infinite_call_timeout_means_no_timeout(long ticks)
    {
        var timeout = ticks == -1 ? Timeout.InfiniteTimeSpan : TimeSpan.MaxValue;
        using var cts = new CancellationTokenSource();
        using var instance = Instantiate(() => 0, new InstanceOptions { CallTimeout = timeout, CancellationToken = cts.Token });
        cts.CancelAfter(300);
        var sw = Stopwatch.StartNew();
        var spin = Task.Factory.StartNew(() => instance.GetInterface<ILifecycle>("").Spin(), TaskCreationOptions.LongRunning);
        Task.WaitAny([spin], TimeSpan.FromSeconds(10)).Should().Be(0);
        spin.Exception!.InnerException.Should().BeOfType<ComponentCanceledException>("the call ran until it was cancelled, it did not time out");
        sw.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250));
    }
}

/// <summary>Timing tests run alone (no other test class in parallel), so the machine's load is only their own.</summary>
[CollectionDefinition(nameof(TimingCollection), DisableParallelization = true)]
public sealed class TimingCollection
{
}

/// <summary>Timeouts stay accurate under thread-pool starvation and CPU contention (issue 12, item 11).</summary>
[Collection(nameof(TimingCollection))]
public class TimingTests
{
    private static ComponentInstance Instantiate(Func<uint> poke, InstanceOptions options) => LifecycleTests.Instantiate(poke, options);

    [Fact]
    public void Timeouts_fire_on_time_while_the_thread_pool_is_saturated()
    {
        using var instance = Instantiate(() => 0, new InstanceOptions { CallTimeout = TimeSpan.FromMilliseconds(50) });
        using var release = new ManualResetEventSlim();
        var blockers = Enumerable.Range(0, Environment.ProcessorCount * 8).Select(_ => Task.Run(() => release.Wait())).ToArray();
        try
        {
            var spin = Task.Factory.StartNew(
                () =>
                {
                    var sw = Stopwatch.StartNew();
                    try
                    {
                        instance.GetInterface<ILifecycle>("").Spin();
                    }
                    catch (ComponentTimeoutException)
                    {
                    }

                    return sw.Elapsed;
                },
                TaskCreationOptions.LongRunning);
            spin.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
            spin.Result.Should().BeLessThan(TimeSpan.FromMilliseconds(250), "the epoch ticker is its own thread, not a pool timer");
        }
        finally
        {
            release.Set();
            Task.WaitAll(blockers);
        }
    }

    [Fact]
    public void Sixteen_concurrent_spinning_calls_with_50_ms_timeouts_all_end_within_250_ms_on_two_cores()
    {
        const int calls = 16;
        var instances = Enumerable.Range(0, calls).Select(_ => Instantiate(() => 0, new InstanceOptions { CallTimeout = TimeSpan.FromMilliseconds(50) })).ToArray();
        try
        {
            using var go = new Barrier(calls);
            var threads = instances.Select(instance => Task.Factory.StartNew(
                () =>
                {
                    var proxy = instance.GetInterface<ILifecycle>("");
                    go.SignalAndWait();
                    var sw = Stopwatch.StartNew();
                    var thrown = Record.Exception(proxy.Spin);
                    return (sw.Elapsed, thrown);
                },
                TaskCreationOptions.LongRunning)).ToArray();
            Task.WaitAll(threads, TimeSpan.FromSeconds(30)).Should().BeTrue();
            var results = threads.Select(t => t.Result).ToArray();
            Console.WriteLine($"16 spinning calls, 50 ms timeouts: slowest ended after {results.Max(r => r.Elapsed).TotalMilliseconds:0} ms");
            foreach (var (elapsed, thrown) in results)
            {
                thrown.Should().BeOfType<ComponentTimeoutException>();
                elapsed.Should().BeLessThan(TimeSpan.FromMilliseconds(250));
            }
        }
        finally
        {
            foreach (var instance in instances)
            {
                instance.Dispose();
            }
        }
    }
}
