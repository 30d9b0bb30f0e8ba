using System.Diagnostics;
using FluentAssertions;
using WasmDynamic.Exports;
using Xunit;

// These tests are about threads that block: they wait with bounds, on dedicated (LongRunning) threads, on purpose.
#pragma warning disable xUnit1031

namespace WasmDynamic.Tests;

/// <summary>
/// The call gate's lock (<see cref="GateLock"/>: one CAS in, a volatile store out) under contention, reentrance and
/// waiting, directly and through fast-path calls of a real instance (Fixtures/lifecycle.wat).
/// </summary>
public class CallGateLockTests
{
    [Fact]
    public void Many_threads_calling_one_instance_through_the_fast_path_each_get_their_own_answers_and_leave_it_idle()
    {
        using var instance = LifecycleTests.Instantiate(() => 0);
        var proxy = instance.GetInterface<ILifecycle>("");
        var wrong = 0;
        var threads = Enumerable.Range(0, 4).Select(t => Task.Factory.StartNew(
            () =>
            {
                for (var i = 0u; i < 20_000; i++)
                {
                    if (proxy.Add((uint)t * 1_000_000, i) != ((uint)t * 1_000_000) + i)
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();

        Task.WaitAll(threads, TimeSpan.FromSeconds(60)).Should().BeTrue("every contended call gets the instance in the end");
        wrong.Should().Be(0);
        instance.CallDepth.Should().Be(0);
        proxy.Add(40, 2).Should().Be(42, "the instance is idle and healthy after the contention");
    }

    [Fact]
    public void A_thread_calling_in_a_loop_does_not_starve_another_thread_that_waits_for_the_instance()
    {
        using var instance = LifecycleTests.Instantiate(() => 0);
        var proxy = instance.GetInterface<ILifecycle>("");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var looping = new ManualResetEventSlim();
        var loop = Task.Factory.StartNew(
            () =>
            {
                looping.Set();
                while (!stop.IsCancellationRequested)
                {
                    proxy.Add(1, 2);
                }
            },
            TaskCreationOptions.LongRunning);
        looping.Wait();

        var sw = Stopwatch.StartNew();
        for (var i = 0u; i < 50; i++)
        {
            proxy.Add(i, 1).Should().Be(i + 1);
        }

        var waited = sw.Elapsed;
        var starved = stop.IsCancellationRequested;
        stop.Cancel();
        loop.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue();
        starved.Should().BeFalse($"50 calls between the looping thread's calls took {waited.TotalMilliseconds:0} ms: a waiter gets the instance when the holder leaves, the looping thread does not take it back first");
    }

    [Fact]
    public void The_gate_lock_is_reentrant_for_its_holder_and_refused_to_other_threads_until_the_last_exit()
    {
        var gate = new GateLock();
        gate.TryEnter().Should().BeTrue();
        gate.TryEnter().Should().BeTrue("the holder enters again");
        gate.IsHeldByCurrentThread.Should().BeTrue();
        gate.Owner.Should().Be(Environment.CurrentManagedThreadId);

        Other(() => gate.TryEnter()).Should().BeFalse();
        Other(() => gate.IsHeldByCurrentThread).Should().BeFalse();
        gate.Exit();
        Other(() => gate.TryEnter(50)).Should().BeFalse("one exit of two leaves it held");
        gate.Exit();
        gate.IsHeldByCurrentThread.Should().BeFalse();
        gate.Owner.Should().Be(0);
        Other(() =>
        {
            var entered = gate.TryEnter();
            gate.Exit();
            return entered;
        }).Should().BeTrue("the last exit released it");
    }

    [Fact]
    public void A_thread_sleeping_on_the_gate_lock_enters_as_soon_as_the_holder_leaves_and_a_timed_wait_gives_up()
    {
        var gate = new GateLock();
        gate.Enter();
        Other(() => gate.TryEnter(100)).Should().BeFalse("the holder keeps it past the timeout");

        var entered = new TaskCompletionSource<TimeSpan>();
        var released = Stopwatch.StartNew();
        var waiter = new Thread(() =>
        {
            gate.Enter();
            entered.SetResult(released.Elapsed);
            gate.Exit();
        });
        waiter.Start();
        Thread.Sleep(200);
        entered.Task.IsCompleted.Should().BeFalse("the lock is held");
        released.Restart();
        gate.Exit();
        entered.Task.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
        entered.Task.Result.Should().BeLessThan(TimeSpan.FromSeconds(2), "an exit wakes the sleeper (or its 1 ms slice finds the lock free), it does not wait for a timeout");
        waiter.Join();
        gate.TryEnter().Should().BeTrue();
        gate.Exit();
    }

    private static T Other<T>(Func<T> f)
    {
        var result = default(T);
        var thread = new Thread(() => result = f());
        thread.Start();
        thread.Join();
        return result!;
    }
}
