using System.Collections.Concurrent;
using System.Diagnostics;
using WasmDynamic;

/// <summary>
/// Scale scenarios of the library's async calls (#17), in a child process so that the timing is not shared with the
/// test run's other work and a crash (managed code on a fiber under a collection) is seen as an exit code. The thread
/// pool keeps its default settings.
/// </summary>
public static class AsyncScale
{
    public interface IRun
    {
        Task<uint> RunAsync(uint n);
    }

    /// <summary>The imports of async-host.wat; <c>wait</c> waits 100 ms and records each call's argument.</summary>
    private static InstanceOptions Options(ConcurrentBag<uint> seen) => new()
    {
        Imports = new ComponentImports()
            .Add("wait", (Func<uint, Task<uint>>)(async n =>
            {
                seen.Add(n);
                await Task.Delay(100);
                return n * 10;
            }))
            .Add("greet", (Func<string, string>)(name => name))
            .Add("many", (Func<uint, uint, uint, uint, uint, uint>)((a, b, c, d, e) => a + b + c + d + e))
            .AddResource<Res>(string.Empty, "res"),
    };

    public sealed class Res;

    /// <summary>1,000 instances, one call each, all waiting 100 ms at once, while a thread forces full collections.</summary>
    public static string ThousandInstances(ComponentRuntime runtime, string fixture)
    {
        using var component = runtime.Load(fixture);
        var seen = new ConcurrentBag<uint>();
        var instances = Enumerable.Range(0, 1000).Select(_ => component.InstantiateAsync(Options(seen)).GetAwaiter().GetResult()).ToList();
        var proxies = instances.Select(i => i.GetInterface<IRun>()).ToList();
        proxies[0].RunAsync(5000).GetAwaiter().GetResult();
        seen.Clear();
        var stop = false;
        var collections = 0;
        var collector = new Thread(() => { while (!Volatile.Read(ref stop)) { GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true); collections++; Thread.Sleep(1); } }) { IsBackground = true };
        collector.Start();
        try
        {
            var watch = Stopwatch.StartNew();
            var results = Task.WhenAll(proxies.Select((p, i) => p.RunAsync((uint)i))).GetAwaiter().GetResult();
            watch.Stop();
            Check(results, seen, 1000);
            if (watch.ElapsedMilliseconds > 1500)
            {
                throw new InvalidOperationException($"1000 instances waiting 100 ms took {watch.ElapsedMilliseconds} ms");
            }

            return $"1000 instances waited 100 ms each in {watch.ElapsedMilliseconds} ms, {collections} forced collections, {ThreadPool.ThreadCount} pool threads";
        }
        finally
        {
            Volatile.Write(ref stop, true);
            foreach (var instance in instances)
            {
                instance.Dispose();
            }
        }
    }

    /// <summary>1,000 calls over 16 instances (one call at a time per instance: at least 63 waits of 100 ms in a row).</summary>
    public static string ThousandCallsOverSixteen(ComponentRuntime runtime, string fixture)
    {
        using var component = runtime.Load(fixture);
        var seen = new ConcurrentBag<uint>();
        var instances = Enumerable.Range(0, 16).Select(_ => component.InstantiateAsync(Options(seen)).GetAwaiter().GetResult()).ToList();
        try
        {
            var proxies = instances.Select(i => i.GetInterface<IRun>()).ToList();
            var watch = Stopwatch.StartNew();
            var results = Task.WhenAll(Enumerable.Range(0, 1000).Select(i => proxies[i % 16].RunAsync((uint)i))).GetAwaiter().GetResult();
            watch.Stop();
            Check(results, seen, 1000);
            if (watch.ElapsedMilliseconds > 6300 + 1500)
            {
                throw new InvalidOperationException($"1000 calls over 16 instances took {watch.ElapsedMilliseconds} ms (bound 6300 + 1500)");
            }

            return $"1000 calls over 16 instances in {watch.ElapsedMilliseconds} ms (63 waits of 100 ms: 6300 ms), {ThreadPool.ThreadCount} pool threads";
        }
        finally
        {
            foreach (var instance in instances)
            {
                instance.Dispose();
            }
        }
    }

    public interface IWasiSleep
    {
        Task<ulong> SleepPollAsync(uint ms);

        Task<ulong> BlockDurationAsync(ulong ns);
    }

    /// <summary>
    /// 1,000 instances of wasi-poll.wat, one call each, all sleeping 100 ms at once in WASI (subscribe-duration, then
    /// poll or pollable.block), while a thread forces full collections.
    /// </summary>
    public static string ThousandWasiSleeps(ComponentRuntime runtime, string fixture, bool block)
    {
        using var component = runtime.Load(fixture);
        var instances = Enumerable.Range(0, 1000).Select(_ => component.InstantiateAsync().GetAwaiter().GetResult()).ToList();
        var sleeps = instances.Select(i => i.GetInterface<IWasiSleep>()).ToList();
        Task<ulong> Sleep(IWasiSleep s) => block ? s.BlockDurationAsync(100_000_000) : s.SleepPollAsync(100);
        Sleep(sleeps[0]).GetAwaiter().GetResult();
        var stop = false;
        var collector = new Thread(() => { while (!Volatile.Read(ref stop)) { GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true); Thread.Sleep(1); } }) { IsBackground = true };
        collector.Start();
        try
        {
            var watch = Stopwatch.StartNew();
            var slept = Task.WhenAll(sleeps.Select(Sleep)).GetAwaiter().GetResult();
            watch.Stop();
            if (slept.Length != 1000 || slept.Any(ns => ns < 100_000_000))
            {
                throw new InvalidOperationException($"{slept.Count(ns => ns < 100_000_000)} of {slept.Length} guests slept less than 100 ms");
            }

            if (watch.ElapsedMilliseconds > 1500)
            {
                throw new InvalidOperationException($"1000 instances sleeping 100 ms in WASI took {watch.ElapsedMilliseconds} ms");
            }

            return $"1000 WASI sleeps ({(block ? "pollable.block" : "poll")}) of 100 ms in {watch.ElapsedMilliseconds} ms, {ThreadPool.ThreadCount} pool threads";
        }
        finally
        {
            Volatile.Write(ref stop, true);
            foreach (var instance in instances)
            {
                instance.Dispose();
            }
        }
    }

    /// <summary>Every call returned its own result, and the host saw each argument exactly once.</summary>
    private static void Check(uint[] results, ConcurrentBag<uint> seen, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (results[i] != (uint)(i * 10 + 1))
            {
                throw new InvalidOperationException($"call {i} returned {results[i]}, not {i * 10 + 1}");
            }
        }

        var calls = seen.Order().ToList();
        if (!calls.SequenceEqual(Enumerable.Range(0, count).Select(i => (uint)i)))
        {
            throw new InvalidOperationException($"the host saw {calls.Count} calls, {calls.Distinct().Count()} distinct, for {count} calls made: calls were lost or duplicated");
        }
    }
}
