using WasmDynamic;

/// <summary>
/// own&lt;R&gt; arguments of Task-returning calls that wait for a busy instance (ResourceMoveTests): they are lowered
/// before the call enters, so another call ending meanwhile must not free their native boxes (it did: a segfault).
/// </summary>
public static class ResourceMoveScenarios
{
    public interface ICounter : IDisposable
    {
        uint Get();
    }

    [WitName("demo:res/counters")]
    public interface ICountersAsync
    {
        Task<ICounter> CreateCounterAsync(uint start);

        Task<ICounter> MergeAsync(ICounter a, ICounter b);
    }

    [WitName("demo:res/counters")]
    public interface ICounters
    {
        ICounter CreateCounter(uint start);

        ICounter Merge(ICounter a, ICounter b);
    }

    /// <summary>
    /// 50 times, on a sync instance (or an async one): a sync merge(x, y) waits inside the guest destructor's on-drop
    /// import while a MergeAsync(a, b) from another thread lowers a and b and queues; the first call ends, then the
    /// queued one runs. Both must return the right sums.
    /// </summary>
    public static string QueuedOwnArguments(string directory, bool asyncInstance)
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Path.Combine(directory, "resources-dtor-import.wat"));
        for (var i = 0; i < 50; i++)
        {
            using var entered = new SemaphoreSlim(0);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ComponentImports imports = asyncInstance
                ? new ComponentImports().Add("on-drop", (Func<uint, Task>)(async _ => { entered.Release(); await gate.Task; }))
                : new ComponentImports().Add("on-drop", (Action<uint>)(_ => { entered.Release(); gate.Task.Wait(); }));
            var options = new InstanceOptions { Imports = imports };
            using var instance = asyncInstance ? component.InstantiateAsync(options).GetAwaiter().GetResult() : component.Instantiate(options);
            var counters = instance.GetInterface<ICounters>();
            var countersAsync = instance.GetInterface<ICountersAsync>();
            var x = counters.CreateCounter(1);
            var y = counters.CreateCounter(2);
            var a = counters.CreateCounter(100);
            var b = counters.CreateCounter(200);

            var first = Task.Run(() => counters.Merge(x, y).Get());
            if (!entered.Wait(TimeSpan.FromSeconds(10)))
            {
                throw new InvalidOperationException("the destructor's on-drop import was never called");
            }

            var second = Task.Run(() => countersAsync.MergeAsync(a, b));
            Thread.Sleep(20);
            gate.SetResult();
            var sums = (first.WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult(), second.WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult().Get());
            if (sums != (3u, 300u))
            {
                throw new InvalidOperationException($"round {i}: merge returned {sums.Item1} and {sums.Item2}, not 3 and 300");
            }
        }

        return $"50 queued MergeAsync calls on a {(asyncInstance ? "async" : "sync")} instance returned 300";
    }
}
