using WasmDynamic;

// Usage: WasmDynamic.TestHost <scenario> <lifecycle.wat path>
// Prints "OK <detail>" and exits 0 when the scenario behaves; any other outcome prints what happened and exits 1.
// A crash (what these scenarios guard against) shows as another exit code, e.g. 134 for an abort.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: WasmDynamic.TestHost <scenario> <lifecycle.wat>");
    return 2;
}

var scenario = args[0];
using var runtime = new ComponentRuntime();
using var component = runtime.Load(args[1]);
try
{
    var detail = scenario switch
    {
        "dispose-inside-import" => Scenarios.DisposeInsideImport(component),
        "recursion-main-thread" => Scenarios.Recursion(component),
        "recursion-256k-thread" => Scenarios.OnThread(256 * 1024, () => Scenarios.Recursion(component)),
        "recursion-512k-thread" => Scenarios.OnThread(512 * 1024, () => Scenarios.Recursion(component)),
        "recursion-2m-thread-1400k-used" => Scenarios.OnThread(2 * 1024 * 1024, () => Scenarios.WithStackUsed(1400 * 1024, () => Scenarios.Recursion(component))),
        "recursion-2m-thread-1600k-used" => Scenarios.OnThread(2 * 1024 * 1024, () => Scenarios.WithStackUsed(1600 * 1024, () => Scenarios.Recursion(component))),
        "recursion-from-import-on-small-thread" => Scenarios.OnThread(512 * 1024, () => Scenarios.RecursionFromImport(component)),
        "first-use-racing-dispose-and-recreate" => Scenarios.FirstUseRacingDisposeAndRecreate(component),
        "recreate-that-fails" => Scenarios.RecreateThatFails(component.Runtime),
        "async-fiber-callbacks-under-gc" => AsyncScenarios.FiberCallbacksUnderGc(component.Runtime, Path.Combine(Path.GetDirectoryName(args[1])!, "async-host.wat")),
        "async-scale-1000-instances" => AsyncScale.ThousandInstances(component.Runtime, Path.Combine(Path.GetDirectoryName(args[1])!, "async-host.wat")),
        "async-wasi-1000-sleeps-poll" => AsyncScale.ThousandWasiSleeps(component.Runtime, Path.Combine(Path.GetDirectoryName(args[1])!, "wasi-poll.wat"), block: false),
        "async-wasi-1000-sleeps-block" => AsyncScale.ThousandWasiSleeps(component.Runtime, Path.Combine(Path.GetDirectoryName(args[1])!, "wasi-poll.wat"), block: true),
        "async-scale-1000-calls-16-instances" => AsyncScale.ThousandCallsOverSixteen(component.Runtime, Path.Combine(Path.GetDirectoryName(args[1])!, "async-host.wat")),
        "bulk-mutations" => BulkMutations.Run(Path.GetDirectoryName(args[1])!),
        "bulk-echo-page-faults" => BulkPageFaults.Run(component.Runtime, Path.Combine(Path.GetDirectoryName(args[1])!, "strings.wat")),
        "async-hostile-complete-while-disposing" => AsyncHostileScenarios.CompleteWhileDisposing(component.Runtime, Path.Combine(Path.GetDirectoryName(args[1])!, "async-hostile.wat")),
        "async-hostile-gc-in-host-tasks" => AsyncHostileScenarios.GcInHostTasks(component.Runtime, Path.Combine(Path.GetDirectoryName(args[1])!, "async-hostile.wat")),
        "queued-own-arguments-sync-instance" => ResourceMoveScenarios.QueuedOwnArguments(Path.GetDirectoryName(args[1])!, asyncInstance: false),
        "queued-own-arguments-async-instance" => ResourceMoveScenarios.QueuedOwnArguments(Path.GetDirectoryName(args[1])!, asyncInstance: true),
        _ => throw new ArgumentException($"unknown scenario '{scenario}'"),
    };
    Console.WriteLine("OK " + detail);
    return 0;
}
catch (Exception e)
{
    Console.WriteLine($"FAILED {e.GetType().FullName}: {e.Message}");
    return 1;
}

internal static class Scenarios
{
    /// <summary>A host import disposes the instance it was called from; the call finishes, later calls are refused.</summary>
    public static string DisposeInsideImport(WasmComponent component)
    {
        ComponentInstance? instance = null;
        instance = component.Instantiate(new { Poke = (Func<uint>)(() => { instance!.Dispose(); return 41; }) });
        uint result = instance.Exports.Run();
        if (result != 42)
        {
            throw new InvalidOperationException($"run() returned {result}, not 42");
        }

        try
        {
            instance.Exports.Add(1u, 2u);
            throw new InvalidOperationException("a call after Dispose was accepted");
        }
        catch (ObjectDisposedException e)
        {
            return $"run()=42, then {e.GetType().Name}";
        }
    }

    /// <summary>Unbounded guest recursion must end in a StackOverflow trap.</summary>
    public static string Recursion(WasmComponent component)
    {
        using var instance = component.Instantiate(new { Poke = (Func<uint>)(() => 0) });
        try
        {
            instance.Exports.Recurse(0u);
            throw new InvalidOperationException("recurse returned");
        }
        catch (ComponentTrapException e) when (e.TrapCode == ComponentTrapCode.StackOverflow)
        {
            return "trap " + e.TrapCode;
        }
    }

    /// <summary>A host import (on a small thread's call) calls another instance that recurses without bound.</summary>
    public static string RecursionFromImport(WasmComponent component)
    {
        string? inner = null;
        using var instance = component.Instantiate(new { Poke = (Func<uint>)(() => { inner = Recursion(component); return 1; }) });
        uint result = instance.Exports.Run();
        return $"run()={result}, inner {inner}";
    }

    public static string OnThread(int stackSize, Func<string> body)
    {
        string? result = null;
        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = body();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            },
            stackSize);
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return result! + $" on a {stackSize / 1024} KiB thread";
    }

    /// <summary>Runs <paramref name="body"/> with about <paramref name="bytes"/> of the stack already used.</summary>
    public static unsafe string WithStackUsed(int bytes, Func<string> body)
    {
        var used = stackalloc byte[bytes];
        used[0] = 1;
        used[bytes - 1] = 1;
        var result = body();
        GC.KeepAlive(used[0] + used[bytes - 1]);
        return result + $" with {bytes / 1024} KiB used";
    }

    /// <summary>
    /// Exports first used on one thread (which looks the function up in the store) while another thread disposes the
    /// instance or the instance recreates itself after a trap: the lookup must never touch a freed or replaced store.
    /// </summary>
    public static string FirstUseRacingDisposeAndRecreate(WasmComponent component)
    {
        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        void Note(string k) => outcomes.AddOrUpdate(k, 1, (_, n) => n + 1);
        for (var i = 0; i < 150; i++)
        {
            var instance = component.Instantiate(new InstanceOptions
            {
                Imports = ComponentImports.FromObject(new { Poke = (Func<uint>)(() => 0) }),
                CallTimeout = TimeSpan.FromMilliseconds(2),
                RecreateAfterTrap = true,
            });
            using var go = new ManualResetEventSlim();
            var threads = new List<Thread>();
            void Start(Action body) { var t = new Thread(() => { go.Wait(); try { body(); } catch (Exception e) when (e is WasmDynamicException or ObjectDisposedException) { Note(e.GetType().Name); } }); t.Start(); threads.Add(t); }
            Start(() => { for (var k = 0; k < 3; k++) { try { instance.Exports.Spin(); } catch (ComponentTimeoutException) { Note("timeout"); } } });
            Start(() => { Thread.SpinWait(2000 * (i % 10)); instance.Dispose(); Note("disposed"); });
            Start(() => Note("add " + (uint)instance.Exports.Add(1u, 2u)));
            Start(() => Note("run " + (uint)instance.Exports.Run()));
            Start(() => Note("recurse " + (uint)instance.Exports.Recurse(0u)));
            go.Set();
            foreach (var t in threads)
            {
                if (!t.Join(TimeSpan.FromSeconds(20)))
                {
                    throw new InvalidOperationException("a thread hung");
                }
            }
        }

        return string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}"));
    }

    /// <summary>
    /// A trapped instance whose recreation fails (its start function's host import throws this time): later calls must
    /// keep failing cleanly, never run against a half-made store.
    /// </summary>
    public static string RecreateThatFails(ComponentRuntime runtime)
    {
        const string wat = """
            (component
              (import "poke" (func $poke (result u32)))
              (core func $poke-lowered (canon lower (func $poke)))
              (core module $m
                (import "host" "poke" (func $poke (result i32)))
                (func $init (drop (call $poke)))
                (start $init)
                (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
                (func (export "boom") unreachable))
              (core instance $host (export "poke" (func $poke-lowered)))
              (core instance $i (instantiate $m (with "host" (instance $host))))
              (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
              (func (export "boom") (canon lift (core func $i "boom"))))
            """;
        using var component = runtime.LoadText(wat, "start-poke.wat");
        var failing = false;
        var pokes = 0;
        using var instance = component.Instantiate(new InstanceOptions
        {
            RecreateAfterTrap = true,
            Imports = ComponentImports.FromObject(new { Poke = (Func<uint>)(() => { pokes++; return failing ? throw new InvalidOperationException("the host is not ready") : 0u; }) }),
        });
        var outcomes = new List<string>();
        outcomes.Add("add " + (uint)instance.Exports.Add(1u, 2u));
        try { instance.Exports.Boom(); } catch (ComponentTrapException) { outcomes.Add("boom trapped"); }
        failing = true;
        for (var i = 0; i < 3; i++)
        {
            try { outcomes.Add("add " + (uint)instance.Exports.Add(1u, 2u)); }
            catch (Exception e) when (e is WasmDynamicException) { outcomes.Add(e.GetType().Name + (i == 0 ? " (" + e.Message.Split('\n')[0] + ")" : string.Empty)); }
        }

        failing = false;
        outcomes.Add("add " + (uint)instance.Exports.Add(2u, 2u));
        return string.Join(", ", outcomes) + $"; pokes={pokes}";
    }
}

internal static class AsyncScenarios
{
    /// <summary>
    /// 1,000 stores, one async call each, all waiting 100 ms at once on an awaited host import, while a thread forces
    /// full collections: with managed callbacks on the guest's fiber this crashes the process; with the native fiber
    /// callbacks it must finish, correct, in well under 1.5 s on the default thread pool.
    /// </summary>
    public static string FiberCallbacksUnderGc(WasmDynamic.ComponentRuntime runtime, string fixture)
    {
        using var component = runtime.Load(fixture);
        using var raw = new WasmDynamic.Tests.RawAsync(runtime, component);
        raw.AddImport("wait", async call =>
        {
            var ms = WasmDynamic.Tests.RawAsync.ArgU32(call, 0);
            await Task.Delay(100);
            WasmDynamic.Tests.RawAsync.SetResult(call, WasmDynamic.Tests.RawAsync.U32(ms * 2));
        });
        foreach (var name in new[] { "greet", "many" })
        {
            raw.AddImport(name, _ => throw new InvalidOperationException(name + " must not be called"));
        }

        raw.AddHostResource("res", 7);
        var stop = false;
        var collections = 0;
        var collector = new Thread(() => { while (!Volatile.Read(ref stop)) { GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true); collections++; Thread.Sleep(1); } }) { IsBackground = true };
        collector.Start();
        try
        {
            async Task<uint> One(uint i)
            {
                using var store = raw.NewStore();
                await store.InstantiateAsync();
                return (await store.CallAsync("run", [WasmDynamic.Tests.RawAsync.U32(i)], hasResult: true)).U32;
            }

            One(0).GetAwaiter().GetResult();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var results = Task.WhenAll(Enumerable.Range(0, 1000).Select(i => One((uint)i))).GetAwaiter().GetResult();
            watch.Stop();
            for (var i = 0; i < results.Length; i++)
            {
                if (results[i] != (uint)(i * 2 + 1))
                {
                    throw new InvalidOperationException($"call {i} returned {results[i]}");
                }
            }

            if (watch.ElapsedMilliseconds > 1500)
            {
                throw new InvalidOperationException($"1000 instances waiting 100 ms took {watch.ElapsedMilliseconds} ms");
            }

            return $"1000 instances waited 100 ms each in {watch.ElapsedMilliseconds} ms, {collections} forced collections, {ThreadPool.ThreadCount} pool threads";
        }
        finally
        {
            Volatile.Write(ref stop, true);
        }
    }
}
