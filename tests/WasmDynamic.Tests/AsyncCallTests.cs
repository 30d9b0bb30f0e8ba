using System.Diagnostics;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>Async instances, async host imports and async export calls on real Wasmtime (the fiber driver of #17).</summary>
public sealed class AsyncCallTests : IDisposable
{
    private readonly ComponentRuntime _runtime = new();
    private readonly WasmComponent _host;

    public AsyncCallTests()
    {
        _host = _runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "async-host.wat"));
    }

    public void Dispose()
    {
        _host.Dispose();
        _runtime.Dispose();
    }

    public sealed class Res : IDisposable
    {
        public static int Disposed;

        public void Dispose() => Interlocked.Increment(ref Disposed);
    }

    private static ComponentImports HostImports(Func<uint, Task<uint>> wait) => new ComponentImports()
        .Add("wait", wait)
        .Add("greet", (Func<string, string>)(name => $"hello, {name}!"))
        .Add("many", (Func<uint, uint, uint, uint, uint, uint>)((a, b, c, d, e) => a + b + c + d + e))
        .AddResource<Res>(string.Empty, "res");

    private static async Task<uint> Delayed(uint ms)
    {
        await Task.Delay((int)ms);
        return ms * 10;
    }

    [Fact]
    public void A_task_returning_host_import_makes_the_instance_async_and_a_sync_call_blocks_until_the_task_completes()
    {
        using var instance = _host.Instantiate(new InstanceOptions { Imports = HostImports(Delayed) });

        var watch = Stopwatch.StartNew();
        var result = instance.Invoke("run", 30u);

        instance.IsAsync.Should().BeTrue();
        result.Should().Be(301u);
        watch.ElapsedMilliseconds.Should().BeGreaterThanOrEqualTo(25);
    }

    [Fact]
    public async Task InvokeAsync_awaits_a_host_import_that_awaits_Task_Delay()
    {
        await using var instance = await _host.InstantiateAsync(new InstanceOptions { Imports = HostImports(Delayed) });

        var result = await instance.InvokeAsync("run-twice", 20u);

        result.Should().Be(20u * 10 + 21u * 10);
        (await instance.InvokeAsync("hello", "wasm")).Should().Be("hello, wasm!");
        (await instance.InvokeAsync("call-many")).Should().Be(15u);
    }

    [Fact]
    public async Task Host_resources_the_guest_drops_during_an_async_call_are_released_and_disposed_between_polls()
    {
        await using var instance = await _host.InstantiateAsync(new InstanceOptions { Imports = HostImports(Delayed) });
        var before = Volatile.Read(ref Res.Disposed);

        await instance.InvokeAsync("consume", new Res());
        await instance.InvokeAsync("consume-two", new Res(), new Res());
        instance.Invoke("consume", new Res());

        (Volatile.Read(ref Res.Disposed) - before).Should().Be(4);
    }

    [Fact]
    public void A_thousand_async_instances_waiting_100_ms_at_once_on_the_host_finish_in_well_under_1_5_s_in_a_child_process()
    {
        var result = ChildProcess.Run("async-scale-1000-instances", TimeSpan.FromSeconds(180));

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("OK 1000 instances");
    }

    [Fact]
    public void A_thousand_calls_over_16_async_instances_queue_per_instance_and_finish_within_1_5_s_of_63_waits_in_a_child_process()
    {
        var result = ChildProcess.Run("async-scale-1000-calls-16-instances", TimeSpan.FromSeconds(180));

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("OK 1000 calls over 16 instances");
    }
}
