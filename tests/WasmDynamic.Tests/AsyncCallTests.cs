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
}
