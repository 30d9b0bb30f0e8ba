using WasmDynamic;

/// <summary>
/// Races of the async path (AsyncHostileTests, #17) that would kill the process if the library freed native state
/// under a running guest, or let managed code run on a fiber during a collection.
/// </summary>
public static class AsyncHostileScenarios
{
    public interface IHostile
    {
        Task<string> EchoAsync(string key, CancellationToken cancellationToken = default);
    }

    public sealed class Host(Func<string, CancellationToken, Task<string>> fetch)
    {
        public Task<string> Fetch(string key, CancellationToken cancellationToken) => fetch(key, cancellationToken);
    }

    private static InstanceOptions With(Func<string, CancellationToken, Task<string>> fetch) => new()
    {
        Imports = new ComponentImports().Add("demo:hostile/host", new Host(fetch)),
    };

    /// <summary>
    /// 300 times: a call waits on a host task; one thread completes the task while another disposes the instance
    /// (sync Dispose or DisposeAsync, in turn). The call must end with its result or ObjectDisposedException.
    /// </summary>
    public static string CompleteWhileDisposing(ComponentRuntime runtime, string fixture)
    {
        using var component = runtime.Load(fixture);
        int results = 0, disposed = 0;
        for (var i = 0; i < 300; i++)
        {
            var tcs = new TaskCompletionSource<string>();
            var entered = new ManualResetEventSlim();
            var instance = component.InstantiateAsync(With((_, _) => { entered.Set(); return tcs.Task; })).GetAwaiter().GetResult();
            var echo = instance.GetInterface<IHostile>().EchoAsync("k");
            if (!entered.Wait(TimeSpan.FromSeconds(10)))
            {
                throw new InvalidOperationException("the host import was never called");
            }

            using var start = new Barrier(3);
            var complete = Task.Run(() => { start.SignalAndWait(); tcs.SetResult("v" + i); });
            var dispose = i % 2 == 0
                ? Task.Run(() => { start.SignalAndWait(); instance.Dispose(); })
                : Task.Run(async () => { start.SignalAndWait(); await instance.DisposeAsync(); });
            start.SignalAndWait();
            Task.WhenAll(complete, dispose).Wait(TimeSpan.FromSeconds(10));
            try
            {
                var value = echo.WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
                if (value != "v" + i)
                {
                    throw new InvalidOperationException($"race {i}: the call returned '{value}'");
                }

                results++;
            }
            catch (ObjectDisposedException)
            {
                disposed++;
            }
        }

        return $"300 races: {results} results, {disposed} disposed";
    }

    /// <summary>16 instances × 40 calls, each host task forcing full compacting collections while other calls are suspended.</summary>
    public static string GcInHostTasks(ComponentRuntime runtime, string fixture)
    {
        using var component = runtime.Load(fixture);
        var instances = Enumerable.Range(0, 16)
            .Select(_ => component.InstantiateAsync(With(async (key, ct) =>
            {
                for (var j = 0; j < 3; j++)
                {
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                    await Task.Yield();
                }

                return new string(key.Reverse().ToArray());
            })).GetAwaiter().GetResult())
            .ToList();
        try
        {
            var calls = instances.SelectMany((instance, n) => Enumerable.Range(0, 40).Select(c => (Key: $"i{n}c{c}", Task: instance.GetInterface<IHostile>().EchoAsync($"i{n}c{c}")))).ToList();
            Task.WhenAll(calls.Select(c => c.Task)).Wait(TimeSpan.FromSeconds(60));
            foreach (var (key, task) in calls)
            {
                var expected = new string(key.Reverse().ToArray());
                if (task.GetAwaiter().GetResult() != expected)
                {
                    throw new InvalidOperationException($"call {key} returned '{task.Result}'");
                }
            }

            return "16 instances x 40 calls";
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
