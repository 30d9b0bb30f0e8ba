using System.Diagnostics;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// WASI in async instances (#17): linked as Wasmtime's (native, synchronous) WASI p2, with the guest's output buffered
/// by the fiber callback and passed on between polls.
/// </summary>
public sealed class AsyncWasiTests : IDisposable
{
    private readonly ComponentRuntime _runtime = new();

    public void Dispose() => _runtime.Dispose();

    public interface ISleep
    {
        Task<ulong> SleepAsync(uint ms);

        ulong Sleep(uint ms);
    }

    private WasmComponent Load(string name) => _runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    [Fact]
    public async Task A_guest_sleeping_through_monotonic_clock_subscribe_and_block_works_in_async_instances()
    {
        using var component = Load("wasi-sleep.wat");
        var instances = new List<ComponentInstance>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                instances.Add(await component.InstantiateAsync());
            }

            var slept = await Task.WhenAll(instances.Select(i => Task.Run(() => i.GetInterface<ISleep>().SleepAsync(100))));

            // Wasmtime's synchronous WASI: the sleep blocks the polling thread (its async WASI needs a Tokio reactor
            // the C API does not provide), so concurrent sleeps need threads of their own.
            slept.Should().OnlyContain(ns => ns >= 95_000_000UL, "each guest slept its 100 ms");
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_sync_call_of_an_async_WASI_instance_sleeps_on_the_calling_thread()
    {
        using var component = Load("wasi-sleep.wat");
        await using var instance = await component.InstantiateAsync();

        instance.GetInterface<ISleep>().Sleep(30).Should().BeGreaterThanOrEqualTo(29_000_000UL);
    }

    [Fact]
    public async Task WASI_output_of_an_async_instance_is_passed_on_between_polls()
    {
        using var component = Load("wasi-stdout.wat");
        var writer = new StringWriter();
        await using (var instance = await component.InstantiateAsync(new InstanceOptions { Wasi = new WasiOptions { StandardOutput = writer } }))
        {
            await instance.InvokeAsync("print", "hello ✓ ");
            await instance.InvokeAsync("print", new string('x', 10_000));
        }

        writer.ToString().Should().Be("hello ✓ " + new string('x', 10_000));
    }
}
