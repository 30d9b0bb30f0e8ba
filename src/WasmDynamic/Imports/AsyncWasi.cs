using System.Diagnostics;
using System.Runtime.CompilerServices;
using WasmDynamic.Binding;
using WasmDynamic.Emit;
using WasmDynamic.Marshalling;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Imports;

/// <summary>
/// Async WASI for async instances: <c>wasi:io/poll</c> and <c>wasi:clocks/monotonic-clock</c> implemented by the host
/// over .NET timers, so that a guest waiting on a pollable (<c>pollable.block</c>, <c>poll</c>) suspends its fiber
/// while a timer runs instead of blocking the polling thread.
/// </summary>
/// <remarks>
/// <para>
/// Wasmtime 50's own async WASI needs a Tokio reactor on the polling thread, which its C API does not give (a guest
/// blocking on a pollable aborts the process), so async instances link the synchronous WASI p2 and this plan shadows
/// two of its interfaces, whole, under the name (and version) the component imports: <c>wasi:io/poll</c> (its
/// <c>pollable</c> becomes a host resource, <see cref="Pollable"/>) and <c>wasi:clocks/monotonic-clock</c>.
/// </para>
/// <para>
/// Every other function whose type mentions <c>pollable</c> would have to be ours too: Wasmtime's typed WASI functions
/// check that the resource they return is their own, so linking fails otherwise. Those cannot be shadowed here:
/// <c>wasi:io/streams</c>' <c>subscribe</c> takes a <c>borrow</c> of Wasmtime's stream, and a host function of an async
/// store cannot end such a borrow (<c>wasmtime_component_resource_any_drop</c> is refused in async stores, and
/// <c>_to_host</c> accepts only our own resource types), so the call would trap with "borrow handles still remain at the
/// end of the call" (measured). So a component that imports any other function mentioning <c>pollable</c> (stream
/// subscriptions, wasi:sockets, wasi:http), a function of these two interfaces that we do not know, or whose host
/// imports name one of them, keeps the plan it has: all of the synchronous WASI.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static unsafe class AsyncWasi
{
    private const string Poll = "wasi:io/poll", Clock = "wasi:clocks/monotonic-clock";

    private static readonly ConditionalWeakTable<ImportPlan, ImportPlan> Plans = new();

    /// <summary>
    /// The plan for async instances: <paramref name="plan"/> plus the async WASI functions and the <c>pollable</c> host
    /// resource, or <paramref name="plan"/> itself when the component cannot use them (see the remarks).
    /// </summary>
    public static ImportPlan PlanFor(ImportPlan plan, WorldTypes types, ComponentImports imports)
    {
        lock (Plans)
        {
            if (!Plans.TryGetValue(plan, out var derived))
            {
                derived = Build(plan, types, imports) ?? plan;
                Plans.Add(plan, derived);
            }

            return derived;
        }
    }

    /// <summary>The targets of <paramref name="plan"/> (derived from the plan <paramref name="targets"/> belong to): the async WASI adapters need none.</summary>
    public static object?[] TargetsFor(ImportPlan plan, object?[] targets) =>
        plan.Functions.Count == targets.Length ? targets : [.. targets, .. new object?[plan.Functions.Count - targets.Length]];

    /// <summary>Whether <paramref name="world"/> gets the async WASI functions in async instances (given no host import names them).</summary>
    internal static bool Covers(WitWorld world) => Find(world) is not null;

    /// <summary>
    /// The imported <c>wasi:io/poll</c> interfaces (every version the component imports, each with its own
    /// <c>pollable</c>) and <c>wasi:clocks/monotonic-clock</c> interfaces the plan replaces, or null when it cannot
    /// (see the remarks). Each function gets the pollable its own type names, so a clock of one version is paired with
    /// the poll of the version it uses, whatever the order of the imports.
    /// </summary>
    private static (List<(WitInterface Poll, WitResource Pollable)> Polls, List<WitInterface> Clocks)? Find(WitWorld world)
    {
        var polls = new List<(WitInterface Poll, WitResource Pollable)>();
        foreach (var poll in world.Imports.Where(i => i.ParsedName.WithoutVersion == Poll))
        {
            if (poll.Resources.FirstOrDefault(r => r.Name == "pollable") is not { } pollable)
            {
                return null;
            }

            polls.Add((poll, pollable));
        }

        if (polls.Count == 0)
        {
            return null;
        }

        var clocks = world.Imports.Where(i => i.ParsedName.WithoutVersion == Clock).ToList();
        foreach (var iface in world.Imports)
        {
            var isPoll = polls.Any(p => ReferenceEquals(p.Poll, iface));
            var isClock = clocks.Any(c => ReferenceEquals(c, iface));
            foreach (var f in iface.Functions)
            {
                var ours = (isPoll && PollFunctions.Contains(f.Name)) || (isClock && ClockFunctions.Contains(f.Name));
                if (!ours && (isPoll || isClock || polls.Any(p => Mentions(f, p.Pollable))))
                {
                    // A function we would leave to the built-in WASI but whose type has one of our pollables (or one
                    // of a fully replaced interface that we do not know): Wasmtime would refuse it.
                    return null;
                }

                if (ours && isClock && f.Name.StartsWith("subscribe-", StringComparison.Ordinal) && (f.Result is not WitHandle handle || !polls.Any(p => p.Pollable == handle.Resource)))
                {
                    // A clock whose pollable is not one of the imported polls' (a shape WIT does not produce).
                    return null;
                }
            }
        }

        return (polls, clocks);
    }

    private static readonly HashSet<string> PollFunctions = ["poll", "[method]pollable.ready", "[method]pollable.block"];
    private static readonly HashSet<string> ClockFunctions = ["now", "resolution", "subscribe-instant", "subscribe-duration"];

    private static bool Mentions(WitFunction f, WitResource pollable) =>
        f.Parameters.Any(p => Mentions(p.Type, pollable)) || (f.Result is { } r && Mentions(r, pollable));

    private static bool Mentions(WitType t, WitResource pollable) =>
        (t is WitHandle h && h.Resource == pollable) || WitFingerprint.Children(t).Any(c => Mentions(c, pollable));

    private static ImportPlan? Build(ImportPlan plan, WorldTypes types, ComponentImports imports)
    {
        if (Find(types.World) is not { } found)
        {
            return null;
        }

        var (polls, clocks) = found;
        foreach (var (name, _) in imports.Entries)
        {
            var key = name.Split('#')[0];
            if (polls.Select(p => p.Poll).Concat(clocks).Any(i => key == i.Name || key == i.ParsedName.WithoutVersion || key == i.ShortName || Naming.Matches(key, i.ShortName)))
            {
                // The host implements one of them itself: leave the whole of WASI as it is.
                return null;
            }
        }

        var functions = new List<FunctionPlan>(plan.Functions);
        void Add(string instance, WitFunction f, ValueConverter[] parameters, ValueConverter? result, HostAdapter adapter, bool async = false) =>
            functions.Add(new FunctionPlan(instance, f, $"{instance}#{f.Name}", parameters, result, adapter, null, async));

        // Each handle converter carries the host tag of the pollable its own WIT type names (its version's).
        HostHandleConverter<Pollable> Handle(WitType type) => new((WitHandle)type, types.HostTag(((WitHandle)type).Resource));

        var resources = new List<HostBinder.ResourceDefinition>(plan.Resources);
        foreach (var (poll, pollable) in polls)
        {
            resources.Add(new(poll.Name, pollable.Name!, types.HostTag(pollable)));
            AddPoll(poll, types, Add, Handle);
        }

        foreach (var clock in clocks)
        {
            AddClock(clock, types, Add, Handle);
        }

        return new ImportPlan(functions, resources, plan.EmptyInstances);
    }

    private delegate void AddFunction(string instance, WitFunction f, ValueConverter[] parameters, ValueConverter? result, HostAdapter adapter, bool async = false);

    /// <summary>The host's <c>poll</c>, <c>pollable.ready</c> and <c>pollable.block</c> of one <c>wasi:io/poll</c> import.</summary>
    private static void AddPoll(WitInterface poll, WorldTypes types, AddFunction Add, Func<WitType, HostHandleConverter<Pollable>> Handle)
    {
        foreach (var f in poll.Functions)
        {
            switch (f.Name)
            {
                case "poll":
                {
                    var list = Converter<Pollable[]>(types, f.Parameters[0].Type);
                    var ready = Converter<uint[]>(types, f.Result!);
                    Add(poll.Name, f, [list], ready, (_, args, results, cx) => PollAll(list.Lift(args, cx), ready, results, cx), async: true);
                    break;
                }

                case "[method]pollable.ready":
                {
                    var self = Handle(f.Parameters[0].Type);
                    var result = Converter<bool>(types, f.Result!);
                    Add(poll.Name, f, [self], result, (_, args, results, cx) =>
                    {
                        result.Lower(self.Lift(args, cx).IsReady, results, cx);
                        return null;
                    });
                    break;
                }

                case "[method]pollable.block":
                {
                    var self = Handle(f.Parameters[0].Type);
                    Add(poll.Name, f, [self], null, (_, args, _, cx) =>
                    {
                        var p = self.Lift(args, cx);
                        return p.IsReady ? null : HostPending.FromTask(Pollable.Until(p.Deadline, HostPending.CurrentToken), null);
                    }, async: true);
                    break;
                }
            }
        }

    }

    /// <summary>The host's <c>now</c>, <c>resolution</c> and <c>subscribe-*</c> of one <c>wasi:clocks/monotonic-clock</c> import.</summary>
    private static void AddClock(WitInterface clock, WorldTypes types, AddFunction Add, Func<WitType, HostHandleConverter<Pollable>> Handle)
    {
        foreach (var f in clock.Functions)
        {
            switch (f.Name)
            {
                case "now":
                case "resolution":
                {
                    var result = Converter<ulong>(types, f.Result!);
                    var value = f.Name == "now" ? (Func<ulong>)MonotonicClock.Now : MonotonicClock.Resolution;
                    Add(clock.Name, f, [], result, (_, _, results, cx) =>
                    {
                        result.Lower(value(), results, cx);
                        return null;
                    });
                    break;
                }

                case "subscribe-instant":
                case "subscribe-duration":
                {
                    var when = Converter<ulong>(types, f.Parameters[0].Type);
                    var result = Handle(f.Result!);
                    var duration = f.Name == "subscribe-duration";
                    Add(clock.Name, f, [when], result, (_, args, results, cx) =>
                    {
                        var value = when.Lift(args, cx);
                        result.Lower(new Pollable(duration ? MonotonicClock.After(value) : value), results, cx);
                        return null;
                    });
                    break;
                }
            }
        }

    }

    private static HostPending? PollAll(Pollable[] pollables, ValueConverter<uint[]> ready, Val* results, MarshalContext cx)
    {
        if (pollables.Length == 0)
        {
            // As Wasmtime's own poll: an empty list would wait forever.
            throw new WasmDynamicException("wasi:io/poll#poll was called with an empty list of pollables (it traps, as WASI says); give it at least one pollable.");
        }

        var earliest = pollables.Min(p => p.Deadline);
        if (MonotonicClock.Now() >= earliest)
        {
            ready.Lower(Pollable.ReadyOf(pollables), results, cx);
            return null;
        }

        return HostPending.FromTask(Pollable.ReadyAfter(pollables, earliest, HostPending.CurrentToken), ready);
    }

    private static ValueConverter<T> Converter<T>(WorldTypes types, WitType wit)
    {
        var problems = new List<string>();
        return types.Converters.Create(wit, typeof(T), problems, $"async WASI ({wit})") as ValueConverter<T>
            ?? throw new WasmDynamicException($"The async WASI functions cannot convert WIT '{wit}' to {typeof(T).Name}: {string.Join("; ", problems)} (a WasmDynamic bug).");
    }
}

/// <summary>A WASI pollable of an async instance: ready once the monotonic clock reaches its deadline (0: ready at once).</summary>
internal sealed class Pollable(ulong deadline)
{
    // Task.Delay takes at most uint.MaxValue - 1 ms; a longer wait takes several.
    private const ulong MaxDelayMilliseconds = uint.MaxValue - 1;

    /// <summary>The <see cref="MonotonicClock"/> instant it is ready at, in nanoseconds.</summary>
    public ulong Deadline { get; } = deadline;

    public bool IsReady => MonotonicClock.Now() >= Deadline;

    /// <summary>Completes when the monotonic clock reaches <paramref name="deadline"/>, holding no thread meanwhile.</summary>
    public static async Task Until(ulong deadline, CancellationToken token)
    {
        while (MonotonicClock.Now() is var now && now < deadline)
        {
            // Whole milliseconds, rounded up (a timer may fire a little early: the loop waits out the rest).
            var ms = Math.Min(((deadline - now) / 1_000_000) + 1, MaxDelayMilliseconds);
            await Task.Delay(TimeSpan.FromMilliseconds(ms), token).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until <paramref name="earliest"/>, then returns the indices of the pollables that are ready.</summary>
    public static async Task<uint[]> ReadyAfter(Pollable[] pollables, ulong earliest, CancellationToken token)
    {
        await Until(earliest, token).ConfigureAwait(false);
        return ReadyOf(pollables);
    }

    /// <summary>The indices of the pollables that are ready now (what <c>poll</c> returns).</summary>
    public static uint[] ReadyOf(Pollable[] pollables)
    {
        var now = MonotonicClock.Now();
        var ready = new List<uint>(pollables.Length);
        for (var i = 0; i < pollables.Length; i++)
        {
            if (pollables[i].Deadline <= now)
            {
                ready.Add((uint)i);
            }
        }

        return [.. ready];
    }
}

/// <summary>The monotonic clock of async WASI: <see cref="Stopwatch"/> time in nanoseconds.</summary>
internal static class MonotonicClock
{
    public static ulong Now()
    {
        var ticks = Stopwatch.GetTimestamp();
        return Stopwatch.Frequency == 1_000_000_000 ? (ulong)ticks : (ulong)((Int128)ticks * 1_000_000_000 / Stopwatch.Frequency);
    }

    public static ulong Resolution() => Math.Max(1UL, (ulong)(1_000_000_000 / Stopwatch.Frequency));

    /// <summary>The instant <paramref name="nanoseconds"/> from now (saturating).</summary>
    public static ulong After(ulong nanoseconds)
    {
        var now = Now();
        return nanoseconds > ulong.MaxValue - now ? ulong.MaxValue : now + nanoseconds;
    }
}
