using System.Diagnostics;
using System.Net;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>Async exports (<c>XAsync</c> methods, <c>dynamic</c>, <c>InvokeAsync</c>) and async host imports on real Wasmtime (#17).</summary>
public sealed class AsyncExportTests : IDisposable
{
    private readonly ComponentRuntime _runtime = new();
    private readonly WasmComponent _component;

    public AsyncExportTests()
    {
        _component = _runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "async-exports.wat"));
    }

    public void Dispose()
    {
        _component.Dispose();
        _runtime.Dispose();
    }

    public interface IAsyncExports
    {
        Task<uint> AddAsync(uint a, uint b);

        uint Add(uint a, uint b);

        ValueTask<uint> SpinAsync(uint n, CancellationToken cancellationToken);

        Task<string> EchoAsync(string key, CancellationToken cancellationToken = default);

        Task NapAsync(uint ms, CancellationToken cancellationToken);

        ValueTask NapAsync(uint ms);

        Task<uint> CheckedAsync(uint n);

        Task<uint> CountAsync(uint start, uint n);
    }

    /// <summary>The host side of demo:async/host, every member async.</summary>
    public sealed class Host
    {
        public int Sleeps;
        public CancellationToken LastToken;
        public Func<string, CancellationToken, Task<string>> Fetcher { private get; init; } = async (key, ct) =>
        {
            await Task.Delay(5, ct);
            return "v:" + key;
        };

        public Task<string> Fetch(string key, CancellationToken cancellationToken) => Fetcher(key, cancellationToken);

        public TaskCompletionSource SleepEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task Sleep(uint ms, CancellationToken cancellationToken)
        {
            LastToken = cancellationToken;
            SleepEntered.TrySetResult();
            await Task.Delay((int)ms, cancellationToken);
            Interlocked.Increment(ref Sleeps);
        }

        public async ValueTask<uint> Check(uint n)
        {
            await Task.Yield();
            return n switch
            {
                0 => throw new ComponentErrorException("zero"),
                13 => throw new InvalidOperationException("unlucky thirteen"),
                _ => n * 2,
            };
        }

        public sealed class Counter(uint start)
        {
            private uint _value = start;

            public async Task<uint> Next()
            {
                await Task.Delay(1);
                return ++_value;
            }
        }
    }

    /// <summary>The same imports, synchronous (a plain instance).</summary>
    public sealed class SyncHost
    {
        public string Fetch(string key) => "s:" + key;

        public void Sleep(uint ms) => Thread.Sleep((int)ms);

        public uint Check(uint n) => n * 3;

        public sealed class Counter(uint start)
        {
            private uint _value = start;

            public uint Next() => ++_value;
        }
    }

    private static InstanceOptions With(object host, bool recreate = false, TimeSpan? timeout = null) => new()
    {
        Imports = new ComponentImports().Add("demo:async/host", host),
        RecreateAfterTrap = recreate,
        CallTimeout = timeout,
    };

    [Fact]
    public async Task XAsync_methods_of_GetInterface_bind_to_the_WIT_functions_without_the_suffix_and_await_async_hosts()
    {
        var host = new Host();
        await using var instance = await _component.InstantiateAsync(With(host));
        var exports = instance.GetInterface<IAsyncExports>();

        (await exports.AddAsync(2, 3)).Should().Be(5u);
        exports.Add(4, 5).Should().Be(9u);
        (await exports.EchoAsync("key")).Should().Be("v:key");
        (await exports.CountAsync(10, 3)).Should().Be(13u, "the guest called the async method of a host resource three times");
        (await exports.SpinAsync(1000, CancellationToken.None)).Should().Be(1000u);
        await exports.NapAsync(20);
        await exports.NapAsync(20, CancellationToken.None);
        host.Sleeps.Should().Be(2);
        (await exports.CheckedAsync(21)).Should().Be(42u);
    }

    [Fact]
    public async Task Async_exports_are_callable_through_dynamic_and_InvokeAsync()
    {
        await using var instance = await _component.InstantiateAsync(With(new Host()));

        object? sum = await instance.Exports.AddAsync(1u, 2u);
        object? echoed = await instance.Exports.EchoAsync("dyn");
        var invoked = await instance.InvokeAsync("echo", "inv");

        sum.Should().Be(3u);
        echoed.Should().Be("v:dyn");
        invoked.Should().Be("v:inv");
    }

    [Fact]
    public async Task A_host_import_awaiting_real_socket_io_on_loopback_suspends_the_guest_until_the_response_arrives()
    {
        using var listener = new HttpListener();
        var port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serving = Task.Run(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                var context = await listener.GetContextAsync();
                var body = System.Text.Encoding.UTF8.GetBytes("served " + context.Request.Url!.AbsolutePath.TrimStart('/'));
                await Task.Delay(20);
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
        using var http = new HttpClient();
        var host = new Host { Fetcher = (key, ct) => http.GetStringAsync($"http://127.0.0.1:{port}/{key}", ct) };
        await using var instance = await _component.InstantiateAsync(With(host));
        var exports = instance.GetInterface<IAsyncExports>();

        var results = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await exports.EchoAsync("item" + i));
        }

        results.Should().Equal("served item0", "served item1", "served item2");
        await serving;
    }

    [Fact]
    public async Task An_exception_from_an_async_host_traps_the_call_with_it_as_the_inner_exception_and_ComponentErrorException_is_the_err_case()
    {
        await using var instance = await _component.InstantiateAsync(With(new Host(), recreate: true));
        var exports = instance.GetInterface<IAsyncExports>();

        var err = async () => await exports.CheckedAsync(0);
        (await err.Should().ThrowAsync<ComponentErrorException>()).Which.Payload.Should().Be("zero");
        var trap = async () => await exports.CheckedAsync(13);
        var thrown = (await trap.Should().ThrowAsync<ComponentTrapException>()).Which;
        thrown.InnerException.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("unlucky thirteen");
        thrown.Message.Should().Contain("checked").And.Contain("unlucky thirteen");
        (await exports.CheckedAsync(5)).Should().Be(10u, "the trapped instance was recreated");
    }

    [Fact]
    public async Task Cancelling_while_the_guest_waits_on_the_host_cancels_the_hosts_token_and_the_call()
    {
        var host = new Host();
        await using var instance = await _component.InstantiateAsync(With(host, recreate: true));
        var exports = instance.GetInterface<IAsyncExports>();
        using var cts = new CancellationTokenSource();

        // Cancel once the host runs: a token that fires first (a loaded machine) refuses the call before the host sees it.
        var watch = Stopwatch.StartNew();
        var napping = exports.NapAsync(30_000, cts.Token);
        await host.SleepEntered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cts.CancelAfter(50);
        var nap = async () => await napping;

        await nap.Should().ThrowAsync<ComponentCanceledException>();
        watch.ElapsedMilliseconds.Should().BeLessThan(5_000);
        host.LastToken.IsCancellationRequested.Should().BeTrue("the host's token is cancelled with the call");
        (await exports.AddAsync(1, 1)).Should().Be(2u, "the instance was recreated after the cancelled call");
    }

    [Fact]
    public async Task A_host_task_cancelled_by_the_calls_own_token_before_the_driver_waits_is_a_cancelled_call_not_a_host_failure()
    {
        // The host's token is linked to the call's: cancelling the call cancels it synchronously, and a host task that
        // ends cancelled because of it (here before the driver even waits on it) is the call being cancelled.
        using var cts = new CancellationTokenSource();
        var host = new Host
        {
            Fetcher = (key, ct) =>
            {
                cts.Cancel();
                return Task.FromCanceled<string>(ct);
            },
        };
        await using var instance = await _component.InstantiateAsync(With(host, recreate: true));
        var exports = instance.GetInterface<IAsyncExports>();

        var echo = async () => await exports.EchoAsync("k", cts.Token);

        await echo.Should().ThrowAsync<ComponentCanceledException>();
        (await exports.AddAsync(2, 2)).Should().Be(4u, "the instance was recreated after the cancelled call");
    }

    [Fact]
    public async Task Cancelling_while_the_guest_runs_stops_it_at_an_epoch_yield()
    {
        await using var instance = await _component.InstantiateAsync(With(new Host()));
        var exports = instance.GetInterface<IAsyncExports>();
        (await exports.SpinAsync(1000, CancellationToken.None)).Should().Be(1000u, "a first call runs (and jits the path)");

        // On a loaded machine the token may fire before the call reaches the guest: that call is refused unstarted
        // (the instance stays usable), so try again with a later deadline until one stops a running guest.
        foreach (var delay in new[] { 100, 500, 2_000 })
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(delay));
            var watch = Stopwatch.StartNew();
            var spin = async () => await exports.SpinAsync(uint.MaxValue, cts.Token);

            await spin.Should().ThrowAsync<ComponentCanceledException>();
            watch.ElapsedMilliseconds.Should().BeLessThan(delay + 1_500, "the guest yields at every epoch tick");
            if (instance.IsPoisoned)
            {
                return; // a cancelled call leaves the store as a trap does
            }
        }

        throw new Xunit.Sdk.XunitException("no cancellation stopped the guest while it ran (each was refused before the call started)");
    }

    [Fact]
    public async Task The_call_timeout_stops_an_async_call_waiting_on_the_host_and_one_running_the_guest()
    {
        await using var instance = await _component.InstantiateAsync(With(new Host(), recreate: true, timeout: TimeSpan.FromMilliseconds(100)));
        var exports = instance.GetInterface<IAsyncExports>();

        var nap = async () => await exports.NapAsync(30_000);
        var spin = async () => await exports.SpinAsync(uint.MaxValue, CancellationToken.None);

        await nap.Should().ThrowAsync<ComponentTimeoutException>();
        await spin.Should().ThrowAsync<ComponentTimeoutException>();
        (await exports.AddAsync(2, 2)).Should().Be(4u);
    }

    [Fact]
    public async Task A_sync_call_on_an_async_instance_runs_the_driver_on_the_calling_thread_and_waits_for_the_hosts_task()
    {
        await using var instance = await _component.InstantiateAsync(With(new Host()));

        instance.Invoke("echo", "sync").Should().Be("v:sync");
        instance.Invoke("count", 1u, 2u).Should().Be(3u);
        instance.IsAsync.Should().BeTrue();
    }

    [Fact]
    public async Task Sync_and_async_calls_of_one_instance_exclude_each_other()
    {
        await using var instance = await _component.InstantiateAsync(With(new Host()));
        var exports = instance.GetInterface<IAsyncExports>();

        var napDone = 0L;
        var nap = exports.NapAsync(300).AsTask().ContinueWith(_ => Interlocked.Exchange(ref napDone, Stopwatch.GetTimestamp()));
        await Task.Delay(50);
        var sync = await Task.Run(() =>
        {
            var result = exports.Add(20, 22);
            return (result, at: Stopwatch.GetTimestamp());
        });
        await nap;

        sync.result.Should().Be(42u);
        sync.at.Should().BeGreaterThanOrEqualTo(Interlocked.Read(ref napDone) - Stopwatch.Frequency / 100, "the sync call waited for the async call holding the instance");
    }

    [Fact]
    public async Task Async_callers_of_one_instance_queue_and_each_runs_once()
    {
        await using var instance = await _component.InstantiateAsync(With(new Host()));
        var exports = instance.GetInterface<IAsyncExports>();

        var echoes = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => exports.EchoAsync("k" + i)));

        echoes.Should().Equal(Enumerable.Range(0, 50).Select(i => "v:k" + i));
    }

    [Fact]
    public async Task An_async_call_that_ends_at_its_first_poll_returns_a_completed_task_and_one_waiting_on_the_host_goes_on_asynchronously()
    {
        var host = new Host { Fetcher = async (key, ct) => { await Task.Delay(30, ct); return "v:" + key; } };
        await using var instance = await _component.InstantiateAsync(With(host));
        var exports = instance.GetInterface<IAsyncExports>();

        var add = exports.AddAsync(2, 3);
        var echo = exports.EchoAsync("slow");

        add.IsCompletedSuccessfully.Should().BeTrue("the guest ran to its end at the first poll");
        (await add).Should().Be(5u);
        echo.IsCompleted.Should().BeFalse("the guest waits on the host's 30 ms task");
        (await echo).Should().Be("v:slow");
        (await exports.AddAsync(4, 5)).Should().Be(9u, "the call slot was released by both paths");
    }

    [Fact]
    public async Task Failures_at_the_start_of_an_async_call_come_through_its_task_and_are_not_thrown_by_the_call()
    {
        var instance = await _component.InstantiateAsync(With(new Host()));
        var exports = instance.GetInterface<IAsyncExports>();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var refused = exports.EchoAsync("x", cancelled.Token);
        refused.IsFaulted.Should().BeTrue();
        await FluentActions.Awaiting(() => refused).Should().ThrowAsync<ComponentCanceledException>();
        (await exports.AddAsync(1, 2)).Should().Be(3u, "a refused call leaves the slot free");

        await instance.DisposeAsync();
        var disposed = exports.AddAsync(1, 2);
        await FluentActions.Awaiting(() => disposed).Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task On_a_synchronous_instance_XAsync_methods_run_synchronously_and_return_a_completed_task()
    {
        using var instance = _component.Instantiate(With(new SyncHost()));
        var exports = instance.GetInterface<IAsyncExports>();

        var echo = exports.EchoAsync("x");
        var count = exports.CountAsync(5, 2);

        instance.IsAsync.Should().BeFalse();
        echo.IsCompleted.Should().BeTrue();
        (await echo).Should().Be("s:x");
        (await count).Should().Be(7u);
        (await instance.InvokeAsync("add", 1u, 2u)).Should().Be(3u);
    }

    [Fact]
    public async Task A_host_import_calling_back_into_its_own_async_instance_is_refused_as_reentrance()
    {
        ComponentInstance? self = null;
        var host = new Host { Fetcher = async (key, ct) => { await Task.Yield(); return (string)(await self!.InvokeAsync("echo", key))!; } };
        await using var instance = await _component.InstantiateAsync(With(host));
        self = instance;

        var call = async () => await instance.InvokeAsync("echo", "again");

        (await call.Should().ThrowAsync<ComponentTrapException>()).Which.InnerException.Should().BeOfType<ComponentReentrancyException>();
    }

    [Fact]
    public async Task An_async_caller_queued_for_a_busy_instance_is_cancelled_without_running_and_the_instance_stays_usable()
    {
        var fetched = new List<string>();
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = new Host
        {
            Fetcher = (key, _) =>
            {
                lock (fetched) { fetched.Add(key); }
                return key == "busy" ? release.Task : Task.FromResult("v:" + key);
            },
        };
        await using var instance = await _component.InstantiateAsync(With(host));
        var exports = instance.GetInterface<IAsyncExports>();
        using var cts = new CancellationTokenSource();

        // The instance stays busy in a host import until released: no timing decides which call runs first.
        var busy = exports.EchoAsync("busy");
        var deadline = Stopwatch.StartNew();
        while (!Fetched(fetched).Contains("busy") && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(5);
        }

        Fetched(fetched).Should().Equal("busy");
        var queued = exports.EchoAsync("queued", cts.Token);
        await Task.Delay(20);
        cts.Cancel();

        var wait = async () => await queued;
        await wait.Should().ThrowAsync<ComponentCanceledException>();
        release.SetResult("v:busy");
        (await busy).Should().Be("v:busy");
        Fetched(fetched).Should().Equal(new[] { "busy" }, "the cancelled call never reached the guest");
        instance.IsPoisoned.Should().BeFalse();
        (await exports.EchoAsync("after")).Should().Be("v:after");
    }

    private static string[] Fetched(List<string> fetched)
    {
        lock (fetched)
        {
            return fetched.ToArray();
        }
    }

    [Fact]
    public async Task DisposeAsync_stops_a_running_async_call_at_its_next_poll_and_waits_for_it()
    {
        var instance = await _component.InstantiateAsync(With(new Host()));
        var exports = instance.GetInterface<IAsyncExports>();
        using var keepTicking = new CancellationTokenSource();

        var spin = exports.SpinAsync(uint.MaxValue, keepTicking.Token).AsTask();
        await Task.Delay(50);
        var watch = Stopwatch.StartNew();
        await instance.DisposeAsync();

        spin.IsCompleted.Should().BeTrue("DisposeAsync waited for the call");
        watch.ElapsedMilliseconds.Should().BeLessThan(2_000);
        var result = async () => await spin;
        await result.Should().ThrowAsync<ObjectDisposedException>();
        instance.IsPoisoned.Should().BeTrue("a disposed instance reports itself unusable");
    }

    public interface IAsyncCounter : IDisposable
    {
        Task<uint> IncrementAsync(CancellationToken cancellationToken = default);

        uint Get();
    }

    [WitName("demo:res/counters")]
    public interface IAsyncCounters
    {
        Task<IAsyncCounter> CreateCounterAsync(uint start);
    }

    [Fact]
    public async Task Guest_resources_of_an_async_instance_have_async_methods_and_disposing_one_releases_its_handle()
    {
        using var component = _runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "resources.wat"));
        await using var instance = await component.InstantiateAsync();
        var counters = instance.GetInterface<IAsyncCounters>();

        var counter = await counters.CreateCounterAsync(41);
        (await counter.IncrementAsync()).Should().Be(42u);
        counter.Get().Should().Be(42u);
        counter.Dispose();

        var get = () => counter.Get();
        get.Should().Throw<ObjectDisposedException>();
        instance.GetInterface<IDrops>("").Drops().Should().Be(1u, "the wrapper's hidden drop function ran the guest destructor through the async call path");
    }

    [Fact]
    public async Task Disposing_a_guest_resource_of_an_async_instance_runs_its_destructor_as_on_a_sync_instance()
    {
        using var component = _runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "resources.wat"));
        await using var asyncInstance = await component.InstantiateAsync();
        using var syncInstance = component.Instantiate();
        foreach (var instance in new[] { asyncInstance, syncInstance })
        {
            var counters = instance.GetInterface<IAsyncCounters>();
            var drops = instance.GetInterface<IDrops>("");
            var first = await counters.CreateCounterAsync(1);
            var second = await counters.CreateCounterAsync(2);
            drops.Drops().Should().Be(0u);

            first.Dispose();
            drops.Drops().Should().Be(1u, "disposing an owned handle runs the guest destructor ({0} instance)", instance.IsAsync ? "async" : "sync");
            (await second.IncrementAsync()).Should().Be(3u, "the other resource is untouched");

            second.Dispose();
            second.Dispose();
            drops.Drops().Should().Be(2u, "a second Dispose does nothing");

            // The destructor put the reps on the guest's free list: new counters reuse them and start fresh.
            var third = await counters.CreateCounterAsync(10);
            (await third.IncrementAsync()).Should().Be(11u);
        }
    }

    [Fact]
    public async Task A_component_without_the_wrapper_releases_an_async_guest_resource_without_running_its_destructor()
    {
        using var runtime = new ComponentRuntime(new ComponentRuntimeOptions { BulkByteAdapter = false });
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "resources.wat"));
        await using var instance = await component.InstantiateAsync();
        var counter = await instance.GetInterface<IAsyncCounters>().CreateCounterAsync(1);

        counter.Dispose();

        counter.Invoking(c => c.Get()).Should().Throw<ObjectDisposedException>();
        instance.GetInterface<IDrops>("").Drops().Should().Be(0u, "without the wrapper there is no async drop in Wasmtime 50's C API: the resource lives until the store goes away");
    }

    private static int FreePort()
    {
        var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return port;
    }
}
