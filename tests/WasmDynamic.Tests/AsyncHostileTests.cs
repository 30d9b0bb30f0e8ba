using System.Diagnostics;
using System.Threading.Tasks.Sources;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// The async path attacked (#17): a hostile caller (disposal, cancellation and wrong arguments at bad moments) and a
/// hostile host (null tasks, tasks that never end, a host waiting for its own instance), on real Wasmtime with the
/// <c>async-hostile.wat</c> fixture. Races that could corrupt native state run in a child process.
/// </summary>
public sealed class AsyncHostileTests : IDisposable
{
    private const string Fetch = "demo:hostile/host#fetch";
    private const string FetchSignature = "func(key: string) -> string";

    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(10);

    private readonly ComponentRuntime _runtime = new();
    private readonly WasmComponent _component;

    public AsyncHostileTests()
    {
        _component = _runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "async-hostile.wat"));
    }

    public void Dispose()
    {
        _component.Dispose();
        _runtime.Dispose();
    }

    public interface IHostile
    {
        Task<uint> AddAsync(uint a, uint b);

        Task<string> EchoAsync(string key, CancellationToken cancellationToken = default);

        string Echo(string key);

        Task FetchThenTrapAsync(string key);

        Task<uint> SpinAsync(uint n, CancellationToken cancellationToken = default);
    }

    /// <summary>demo:hostile/host with an async fetch whose behaviour each test chooses.</summary>
    public sealed class Host(Func<string, CancellationToken, Task<string>> fetch)
    {
        public Task<string> Fetch(string key, CancellationToken cancellationToken) => fetch(key, cancellationToken);
    }

    /// <summary>demo:hostile/host returning a ValueTask from a caller-supplied source.</summary>
    public sealed class ValueTaskHost(Func<string, ValueTask<string>> fetch)
    {
        public ValueTask<string> Fetch(string key) => fetch(key);
    }

    private static InstanceOptions With(object host, bool recreate = false, TimeSpan? timeout = null, TimeSpan? importWait = null) => new()
    {
        Imports = new ComponentImports().Add("demo:hostile/host", host),
        RecreateAfterTrap = recreate,
        CallTimeout = timeout,
        HostImportWaitTimeout = importWait,
    };

    private Task<ComponentInstance> Instantiate(Func<string, CancellationToken, Task<string>> fetch, bool recreate = false, TimeSpan? timeout = null, TimeSpan? importWait = null) =>
        _component.InstantiateAsync(With(new Host(fetch), recreate, timeout, importWait));

    [Fact]
    public async Task A_host_import_returning_a_null_task_traps_the_call_naming_the_import_and_the_instance_is_recreated()
    {
        await using var instance = await Instantiate((_, _) => null!, recreate: true);
        var api = instance.GetInterface<IHostile>();

        var echo = async () => await api.EchoAsync("k");

        var trap = (await echo.Should().ThrowAsync<ComponentTrapException>()).Which;
        trap.InnerException.Should().BeOfType<InvalidOperationException>().Which.Message.Should().StartWith("The async host method returned a null task").And.Contain(Fetch).And.Contain(FetchSignature);
        (await api.AddAsync(1, 2)).Should().Be(3u, "the trapped instance was recreated");
    }

    [Fact]
    public async Task A_host_import_that_throws_before_returning_its_task_traps_the_call_with_that_exception()
    {
        await using var instance = await Instantiate((key, _) => throw new FormatException("bad key " + key), recreate: true);
        var api = instance.GetInterface<IHostile>();

        var echo = async () => await api.EchoAsync("k");

        var trap = (await echo.Should().ThrowAsync<ComponentTrapException>()).Which;
        trap.InnerException.Should().BeOfType<FormatException>().Which.Message.Should().Be("bad key k");
        trap.Message.Should().Contain(Fetch).And.Contain("bad key k");
        (await api.EchoAsync("ok").ContinueWith(t => t.Exception?.InnerException?.InnerException?.GetType())).Should().Be(typeof(FormatException), "the host still throws, and the instance was recreated to call it again");
    }

    /// <summary>A ValueTask source that fails loudly when it is consumed twice or looked at after being consumed.</summary>
    private sealed class SingleUseSource : IValueTaskSource<string>
    {
        private ManualResetValueTaskSourceCore<string> _core;
        public int Results;

        public ValueTask<string> Task => new(this, _core.Version);

        public void Complete(string value) => _core.SetResult(value);

        public string GetResult(short token)
        {
            if (Interlocked.Increment(ref Results) > 1)
            {
                throw new InvalidOperationException("the ValueTask was consumed twice");
            }

            var result = _core.GetResult(token);
            _core.Reset(); // reused by the next call: a late look at the old token throws
            return result;
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) => _core.OnCompleted(continuation, state, token, flags);
    }

    [Fact]
    public async Task A_ValueTask_from_a_host_is_consumed_exactly_once_whether_it_completes_before_or_after_the_driver_looks()
    {
        var pending = new SingleUseSource();
        var host = new ValueTaskHost(key =>
        {
            if (key == "now")
            {
                var done = new SingleUseSource();
                done.Complete("v:now");
                pending = done;
                return done.Task;
            }

            var later = new SingleUseSource();
            pending = later;
            _ = Task.Run(async () => { await Task.Delay(20); later.Complete("v:" + key); });
            return later.Task;
        });
        await using var instance = await _component.InstantiateAsync(With(host));
        var api = instance.GetInterface<IHostile>();

        (await api.EchoAsync("now")).Should().Be("v:now");
        pending.Results.Should().Be(1);
        (await api.EchoAsync("later")).Should().Be("v:later");
        pending.Results.Should().Be(1);
        api.Echo("blocking").Should().Be("v:blocking");
        pending.Results.Should().Be(1);
    }

    [Fact]
    public async Task A_host_task_that_never_completes_is_stopped_by_the_callers_token_and_by_the_call_timeout()
    {
        var never = new TaskCompletionSource<string>();
        var tokens = new List<CancellationToken>();
        using var cts = new CancellationTokenSource();
        await using var cancelled = await Instantiate((_, ct) => { tokens.Add(ct); cts.CancelAfter(100); return never.Task; }, recreate: true);
        await using var timed = await Instantiate((_, ct) => { tokens.Add(ct); return never.Task; }, recreate: true, timeout: TimeSpan.FromMilliseconds(150));

        var byToken = async () => await cancelled.GetInterface<IHostile>().EchoAsync("k", cts.Token).WaitAsync(Hang);
        var byTimeout = async () => await timed.GetInterface<IHostile>().EchoAsync("k").WaitAsync(Hang);

        (await byToken.Should().ThrowAsync<ComponentCanceledException>()).Which.Message.Should().Contain("echo");
        (await byTimeout.Should().ThrowAsync<ComponentTimeoutException>()).Which.Message.Should().Contain("echo");
        tokens.Should().HaveCount(2).And.OnlyContain(t => t.IsCancellationRequested, "the host's token is cancelled when the call is stopped");
        (await cancelled.GetInterface<IHostile>().AddAsync(1, 1)).Should().Be(2u);
        (await timed.GetInterface<IHostile>().AddAsync(2, 2)).Should().Be(4u);
    }

    [Fact]
    public async Task DisposeAsync_of_an_instance_whose_call_waits_on_a_host_task_that_never_completes_ends_that_call()
    {
        var never = new TaskCompletionSource<string>();
        CancellationToken hostToken = default;
        var entered = new TaskCompletionSource();
        var instance = await Instantiate((_, ct) => { hostToken = ct; entered.SetResult(); return never.Task; });
        var echo = instance.GetInterface<IHostile>().EchoAsync("k");
        await entered.Task.WaitAsync(Hang);

        await instance.DisposeAsync().AsTask().WaitAsync(Hang);

        var call = async () => await echo.WaitAsync(Hang);
        (await call.Should().ThrowAsync<ObjectDisposedException>()).Which.Message.Should().Contain("echo").And.Contain("disposed");
        hostToken.IsCancellationRequested.Should().BeTrue("the host's token is cancelled when the instance is disposed under it");
        instance.IsPoisoned.Should().BeTrue();
    }

    [Fact]
    public async Task Sync_Dispose_while_an_async_call_is_suspended_on_a_host_task_ends_the_call_with_ObjectDisposedException_without_blocking()
    {
        var never = new TaskCompletionSource<string>();
        CancellationToken hostToken = default;
        var entered = new TaskCompletionSource();
        var instance = await Instantiate((_, ct) => { hostToken = ct; entered.SetResult(); return never.Task; });
        var echo = instance.GetInterface<IHostile>().EchoAsync("k");
        await entered.Task.WaitAsync(Hang);

        var watch = Stopwatch.StartNew();
        instance.Dispose();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3), "Dispose does not wait for a host task");

        var call = async () => await echo.WaitAsync(Hang);
        await call.Should().ThrowAsync<ObjectDisposedException>();
        hostToken.IsCancellationRequested.Should().BeTrue();
        var later = async () => await instance.GetInterface<IHostile>().AddAsync(1, 2);
        await later.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task Dispose_while_a_blocking_call_of_an_async_instance_waits_on_a_host_task_ends_that_call()
    {
        var never = new TaskCompletionSource<string>();
        var entered = new TaskCompletionSource();
        var instance = await Instantiate((_, _) => { entered.TrySetResult(); return never.Task; });
        var api = instance.GetInterface<IHostile>();
        var blocking = Task.Run(() => api.Echo("k"));
        await entered.Task.WaitAsync(Hang);

        instance.Dispose();

        var call = async () => await blocking.WaitAsync(Hang);
        await call.Should().ThrowAsync<ObjectDisposedException>("the blocked thread waits with the disposal token too");
    }

    [Fact]
    public async Task Sync_Dispose_while_an_async_call_spins_in_the_guest_stops_it_even_without_a_timeout_or_token()
    {
        var instance = await Instantiate((k, _) => Task.FromResult(k));
        var api = instance.GetInterface<IHostile>();
        (await api.SpinAsync(10)).Should().Be(10u);

        // With no timeout or token no epoch ticker runs, so the guest does not yield: the call spins in its first poll.
        var spin = Task.Run(() => api.SpinAsync(uint.MaxValue));
        await Task.Delay(100);
        spin.IsCompleted.Should().BeFalse("the guest spins");

        instance.Dispose();

        var call = async () => await spin.WaitAsync(Hang);
        await call.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task DisposeAsync_twice_and_concurrently_with_queued_calls_ends_every_call_and_frees_the_instance_once()
    {
        var gate = new TaskCompletionSource<string>();
        var instance = await Instantiate((_, _) => gate.Task);
        var api = instance.GetInterface<IHostile>();
        var first = api.EchoAsync("held");
        var queued = Enumerable.Range(0, 20).Select(i => api.AddAsync((uint)i, 1)).ToList();

        var disposals = Enumerable.Range(0, 3).Select(_ => Task.Run(async () => await instance.DisposeAsync())).ToList();
        await Task.WhenAll(disposals).WaitAsync(Hang);
        await instance.DisposeAsync();
        instance.Dispose();
        gate.SetResult("late");

        var all = queued.Cast<Task>().Prepend(first).ToList();
        await Task.WhenAny(Task.WhenAll(all), Task.Delay(Hang));
        all.Should().OnlyContain(t => t.IsCompleted, "no call is left hanging");
        all.Should().OnlyContain(t => t.IsFaulted && t.Exception!.InnerException is ObjectDisposedException, "every call ended with the instance");
    }

    [Fact]
    public async Task Cancellation_racing_the_completion_of_the_host_task_ends_each_of_1000_calls_with_its_result_or_ComponentCanceledException()
    {
        TaskCompletionSource<string>? current = null;
        await using var instance = await Instantiate((key, _) => (current = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)).Task, recreate: true);
        var api = instance.GetInterface<IHostile>();
        int results = 0, canceled = 0;

        for (var i = 0; i < 1000; i++)
        {
            using var cts = new CancellationTokenSource();
            var echo = api.EchoAsync("k" + i, cts.Token);
            var tcs = current!;
            using var start = new Barrier(2);
            var completer = Task.Run(() => { start.SignalAndWait(); tcs.TrySetResult("v" + i); });
            start.SignalAndWait();
            cts.Cancel();
            await completer;
            try
            {
                (await echo.WaitAsync(Hang)).Should().Be("v" + i);
                results++;
            }
            catch (ComponentCanceledException)
            {
                canceled++;
            }
        }

        (results + canceled).Should().Be(1000);
        (await api.AddAsync(1, 2)).Should().Be(3u);
    }

    [Fact]
    public void A_host_task_completing_on_another_thread_while_the_instance_is_disposed_does_not_crash_in_a_child_process()
    {
        var result = ChildProcess.Run("async-hostile-complete-while-disposing", TimeSpan.FromSeconds(120));

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("OK 300 races");
    }

    [Fact]
    public void Host_tasks_forcing_garbage_collections_while_calls_are_suspended_do_not_crash_in_a_child_process()
    {
        var result = ChildProcess.Run("async-hostile-gc-in-host-tasks", TimeSpan.FromSeconds(120));

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("OK 16 instances x 40 calls");
    }

    [Fact]
    public async Task An_async_host_import_waiting_for_a_call_into_its_own_instance_from_another_flow_gets_ComponentDeadlockException_naming_the_import()
    {
        // A worker started before the call (so not in the import's flow) serves requests; the import asks it to call
        // the instance the import's own call holds: that call can never get the instance.
        var requests = System.Threading.Channels.Channel.CreateUnbounded<TaskCompletionSource<string>>();
        ComponentInstance? self = null;
        var worker = Task.Run(async () =>
        {
            await foreach (var request in requests.Reader.ReadAllAsync())
            {
                try
                {
                    request.SetResult((string)(await self!.InvokeAsync("echo", "inner"))!);
                }
                catch (Exception e)
                {
                    request.SetException(e);
                }
            }
        });
        await using var instance = await Instantiate(
            async (key, _) =>
            {
                if (key == "inner")
                {
                    return "v:inner";
                }

                var request = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                await requests.Writer.WriteAsync(request);
                return await request.Task;
            },
            recreate: true,
            importWait: TimeSpan.FromMilliseconds(300));
        self = instance;

        var watch = Stopwatch.StartNew();
        var outer = async () => await instance.InvokeAsync("echo", "outer").WaitAsync(Hang);

        var trap = (await outer.Should().ThrowAsync<ComponentTrapException>()).Which;
        var deadlock = trap.InnerException.Should().BeOfType<ComponentDeadlockException>().Which;
        deadlock.Message.Should().Contain("echo").And.Contain(Fetch).And.Contain(FetchSignature).And.Contain("HostImportWaitTimeout");
        deadlock.WaitingCall.Should().Be("echo");
        deadlock.HoldingCall.Should().Be("echo");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        (await instance.InvokeAsync("echo", "inner")).Should().Be("v:inner", "the instance was recreated after the trap");
        requests.Writer.Complete();
        await worker;
    }

    [Fact]
    public async Task A_sync_caller_on_another_thread_waiting_for_an_async_instance_stuck_in_a_host_import_gets_ComponentDeadlockException()
    {
        var release = new TaskCompletionSource<string>();
        var entered = new TaskCompletionSource();
        await using var instance = await Instantiate((_, _) => { entered.TrySetResult(); return release.Task; }, importWait: TimeSpan.FromMilliseconds(300));
        var api = instance.GetInterface<IHostile>();
        var holding = api.EchoAsync("held");
        await entered.Task.WaitAsync(Hang);

        var blocked = Task.Run(() => api.Echo("blocked"));
        var wait = async () => await blocked.WaitAsync(Hang);

        (await wait.Should().ThrowAsync<ComponentDeadlockException>()).Which.Message.Should().Contain(Fetch).And.Contain(FetchSignature);
        release.SetResult("v:held");
        (await holding).Should().Be("v:held", "the holding call is not hurt by the refused waiter");
    }

    [Fact]
    public async Task An_async_caller_queued_behind_a_slow_host_import_is_not_refused_while_the_import_makes_progress()
    {
        await using var instance = await Instantiate(async (key, ct) => { await Task.Delay(250, ct); return "v:" + key; }, importWait: TimeSpan.FromMilliseconds(1500));
        var api = instance.GetInterface<IHostile>();

        var echoes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => api.EchoAsync("k" + i)));

        echoes.Should().Equal(Enumerable.Range(0, 8).Select(i => "v:k" + i), "each import runs 250 ms, well under the 1.5 s limit (margin for a busy host), though the last caller waits 1.75 s");
    }

    [Fact]
    public async Task A_sync_call_on_an_async_instance_from_inside_its_own_async_host_import_is_refused_as_reentrance()
    {
        ComponentInstance? self = null;
        await using var instance = await Instantiate(async (key, _) =>
        {
            await Task.Yield();
            return self!.GetInterface<IHostile>().Echo("inner");
        }, recreate: true);
        self = instance;

        var call = async () => await instance.GetInterface<IHostile>().EchoAsync("outer").WaitAsync(Hang);

        var trap = (await call.Should().ThrowAsync<ComponentTrapException>()).Which;
        trap.InnerException.Should().BeOfType<ComponentReentrancyException>().Which.Message.Should().Contain("echo");
    }

    [Fact]
    public async Task A_background_task_a_host_import_started_may_call_the_instance_once_the_import_has_returned()
    {
        ComponentInstance? self = null;
        Task<object?>? background = null;
        await using var instance = await Instantiate((key, _) =>
        {
            if (key == "outer")
            {
                background = Task.Run(async () =>
                {
                    await Task.Delay(100);
                    return await self!.InvokeAsync("add", 20u, 22u);
                });
            }

            return Task.FromResult("v:" + key);
        });
        self = instance;

        (await instance.InvokeAsync("echo", "outer")).Should().Be("v:outer");

        (await background!.WaitAsync(Hang)).Should().Be(42u, "the import that started it has returned: this is an ordinary call, not a re-entrance");
    }

    [Fact]
    public async Task Thousands_of_queued_async_callers_cancelled_at_once_all_end_cancelled_and_leave_the_slot_to_the_next_caller()
    {
        var gate = new TaskCompletionSource<string>();
        await using var instance = await Instantiate((key, _) => key == "held" ? gate.Task : Task.FromResult("v:" + key));
        var api = instance.GetInterface<IHostile>();
        var holding = api.EchoAsync("held");
        var calls = new List<Task<string>>();
        var sources = new List<CancellationTokenSource>();
        for (var i = 0; i < 5000; i++)
        {
            var cts = new CancellationTokenSource();
            sources.Add(cts);
            calls.Add(api.EchoAsync("q" + i, cts.Token));
        }

        Parallel.ForEach(sources, s => s.Cancel());
        await Task.WhenAny(Task.WhenAll(calls), Task.Delay(Hang));

        calls.Should().OnlyContain(t => t.IsFaulted && t.Exception!.InnerException is ComponentCanceledException, "each queued caller left the queue when its token was cancelled, while the instance was still held");
        gate.SetResult("v:held");
        (await holding).Should().Be("v:held");
        (await api.EchoAsync("next").WaitAsync(Hang)).Should().Be("v:next", "no cancelled waiter was handed the slot and kept it");
        sources.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task A_guest_trap_after_a_host_task_resumed_it_poisons_the_instance_or_recreates_it()
    {
        Task<string> Slow(string key, CancellationToken ct) => Task.Delay(10, ct).ContinueWith(_ => "v:" + key, ct);
        await using var poisoned = await Instantiate(Slow);
        await using var recreated = await Instantiate(Slow, recreate: true);

        var first = async () => await poisoned.GetInterface<IHostile>().FetchThenTrapAsync("k");
        (await first.Should().ThrowAsync<ComponentTrapException>()).Which.TrapCode.Should().Be(ComponentTrapCode.Unreachable);
        var after = async () => await poisoned.GetInterface<IHostile>().AddAsync(1, 2);
        await after.Should().ThrowAsync<ComponentInstancePoisonedException>();
        poisoned.IsPoisoned.Should().BeTrue();

        var again = async () => await recreated.GetInterface<IHostile>().FetchThenTrapAsync("k");
        await again.Should().ThrowAsync<ComponentTrapException>();
        (await recreated.GetInterface<IHostile>().EchoAsync("after")).Should().Be("v:after");
    }

    [Fact]
    public async Task InvokeAsync_with_wrong_argument_types_or_counts_throws_ComponentArgumentException_leading_with_the_cause_and_naming_the_function()
    {
        await using var instance = await Instantiate((k, _) => Task.FromResult(k));

        Action wrongType = () => instance.InvokeAsync("add", "one", 2u);
        Action tooFew = () => instance.InvokeAsync("add", 1u);
        Action tooMany = () => instance.InvokeAsync("echo", "a", "b");
        var dynamicWrong = async () => await instance.Exports.AddAsync(1u, new object());

        foreach (var (call, function, signature) in new[] { (wrongType, "add", "func(a: u32, b: u32) -> u32"), (tooFew, "add", "func(a: u32, b: u32) -> u32"), (tooMany, "echo", FetchSignature) })
        {
            var message = call.Should().Throw<ComponentArgumentException>().Which.Message;
            message.Should().NotStartWith("Function").And.NotStartWith("Argument").And.Contain($"'{function}'").And.Contain(signature);
            message.IndexOf(signature, StringComparison.Ordinal).Should().BeGreaterThan(10, "the cause comes first: " + message);
        }

        (await dynamicWrong.Should().ThrowAsync<ComponentArgumentException>()).Which.Message.Should().Contain("add").And.Contain("func(a: u32, b: u32) -> u32");
        (await instance.InvokeAsync("add", 1u, 2u)).Should().Be(3u, "refused arguments leave the instance usable");
    }

    private static readonly AsyncLocal<string?> Ambient = new();

    [Fact]
    public async Task An_AsyncLocal_set_by_the_caller_flows_into_async_host_imports_on_every_path()
    {
        var seen = new List<string?>();
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var instance = await Instantiate(async (key, _) =>
        {
            lock (seen)
            {
                seen.Add(key + "=" + Ambient.Value);
            }

            if (key == "held")
            {
                return await gate.Task;
            }

            await Task.Yield();
            lock (seen)
            {
                seen.Add(key + " after await=" + Ambient.Value);
            }

            return key;
        });
        var api = instance.GetInterface<IHostile>();

        Ambient.Value = "holder";
        var held = api.EchoAsync("held");
        var queued = Task.Run(() => { Ambient.Value = "queued"; return api.EchoAsync("q"); });
        await Task.Delay(50);
        gate.SetResult("h");
        await held;
        await queued;
        var blocking = await Task.Run(() => { Ambient.Value = "blocking"; return api.Echo("b"); });
        Ambient.Value = "direct";
        await api.EchoAsync("d");

        seen.Should().BeEquivalentTo("held=holder", "q=queued", "q after await=queued", "b=blocking", "b after await=blocking", "d=direct", "d after await=direct");
        Ambient.Value.Should().Be("direct", "the driver's own ambient state does not leak to the caller");
    }

    /// <summary>A task scheduler with one thread: a guest that never gives it back starves every other task on it.</summary>
    /// <summary>
    /// Runs <paramref name="call"/> and a task that counts its own turns on one one-thread scheduler; returns the call's
    /// result and how many turns the other task had before the call ended (0 when the call held the thread).
    /// </summary>
    private static async Task<(uint Result, int TurnsBeforeEnd)> BesideAnotherTaskOnOneThread(Func<Task<uint>> call)
    {
        var single = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, 1).ExclusiveScheduler;
        var turns = 0;
        long ended = 0;
        var turnsBeforeEnd = -1;
        var first = Task.Factory.StartNew(
            async () =>
            {
                var n = await call();
                turnsBeforeEnd = Volatile.Read(ref turns);
                Volatile.Write(ref ended, 1);
                return n;
            },
            CancellationToken.None,
            TaskCreationOptions.None,
            single).Unwrap();
        var other = Task.Factory.StartNew(
            async () =>
            {
                while (Volatile.Read(ref ended) == 0)
                {
                    Interlocked.Increment(ref turns);
                    await Task.Yield();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.None,
            single).Unwrap();
        var result = await first.WaitAsync(TimeSpan.FromSeconds(60));
        await other;
        return (result, turnsBeforeEnd);
    }

    [Fact]
    public async Task A_long_fuel_metered_async_call_gives_its_thread_back_to_a_one_thread_scheduler()
    {
        using var runtime = new ComponentRuntime(new ComponentRuntimeOptions { ConsumeFuel = true });
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "async-hostile.wat"));
        await using var instance = await component.InstantiateAsync(new InstanceOptions
        {
            Imports = new ComponentImports().Add("demo:hostile/host", new Host((k, _) => Task.FromResult(k))),
            FuelPerCall = 50_000_000_000,
        });
        var api = instance.GetInterface<IHostile>();
        var (n, ticksBeforeEnd) = await BesideAnotherTaskOnOneThread(() => api.SpinAsync(400_000_000));
        n.Should().Be(400_000_000u);
        ticksBeforeEnd.Should().BeGreaterThan(10, "the fuel-metered guest yielded its thread while it ran, so the other task ran too");

        await using var small = await component.InstantiateAsync(new InstanceOptions
        {
            Imports = new ComponentImports().Add("demo:hostile/host", new Host((k, _) => Task.FromResult(k))),
            FuelPerCall = 5_000_000,
        });
        var outOfFuel = async () => await small.GetInterface<IHostile>().SpinAsync(400_000_000);
        await outOfFuel.Should().ThrowAsync<ComponentOutOfFuelException>("the per-call budget still ends the call across yields");
    }

    [Fact]
    public async Task A_cancellable_async_call_on_a_runtime_without_epoch_interruption_is_refused_and_leaves_nothing_behind()
    {
        using var runtime = new ComponentRuntime(new ComponentRuntimeOptions { EpochInterruption = false });
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "async-exports.wat"));
        var instance = await component.InstantiateAsync(new InstanceOptions { Imports = new ComponentImports().Add("demo:async/host", new AsyncExportTests.Host()) });
        using var cts = new CancellationTokenSource();

        for (var i = 0; i < 2; i++)
        {
            var act = () => instance.InvokeAsync("add", [1u, 2u], cts.Token);
            (await act.Should().ThrowAsync<ArgumentException>())
                .Which.Message.Should().StartWith("Cancelling a call needs a runtime created with ComponentRuntimeOptions.EpochInterruption = true").And.Contain("'add'");
        }

        (await instance.InvokeAsync("add", 1u, 2u)).Should().Be(3u, "the refused calls left the instance free");
        const System.Reflection.BindingFlags Private = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance;
        instance.CallDepth.Should().Be(0, "no refused call is counted as running");
        instance.Dispose();
        typeof(ComponentInstance).GetField("_freed", Private)!.GetValue(instance).Should().Be(true, "Dispose freed the store (it did not while a refused call was counted)");
    }

    [Fact]
    public async Task A_long_async_call_without_timeout_token_or_fuel_gives_its_thread_back_to_a_one_thread_scheduler()
    {
        // The default runtime: epoch interruption on, no fuel; the instance has no timeout and the call no token.
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "async-hostile.wat"));
        await using var instance = await component.InstantiateAsync(new InstanceOptions
        {
            Imports = new ComponentImports().Add("demo:hostile/host", new Host((k, _) => Task.FromResult(k))),
        });
        var api = instance.GetInterface<IHostile>();
        var (n, ticksBeforeEnd) = await BesideAnotherTaskOnOneThread(() => api.SpinAsync(400_000_000));
        n.Should().Be(400_000_000u);
        ticksBeforeEnd.Should().BeGreaterThan(10, "the guest yielded its thread at epoch ticks while it ran, so the other task ran too");
    }

    [Fact]
    public void Fuel_async_yield_interval_returns_a_wasmtime_error_pointer_an_error_without_fuel_and_null_with_it()
    {
        using var plain = new ComponentRuntime();
        using var fueled = new ComponentRuntime(new ComponentRuntimeOptions { ConsumeFuel = true });

        var without = FuelYield(plain);
        var with = FuelYield(fueled);

        without.Should().NotBeNull("Wasmtime refuses a fuel yield interval on an engine without fuel, through the returned wasmtime_error_t*");
        with.Should().BeNull();
    }

    private static unsafe string? FuelYield(ComponentRuntime runtime)
    {
        var engine = runtime.Engine.Pointer;
        var store = WasmDynamic.Native.WasmtimeApi.wasmtime_store_new(engine, 0, null);
        try
        {
            var error = WasmDynamic.Native.AsyncApi.wasmtime_context_fuel_async_yield_interval(WasmDynamic.Native.WasmtimeApi.wasmtime_store_context(store), 10_000);
            return error == 0 ? null : WasmDynamic.Native.NativeError.TakeMessage(error);
        }
        finally
        {
            WasmDynamic.Native.WasmtimeApi.wasmtime_store_delete(store);
        }
    }
}
