using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using WasmDynamic.Binding;
using WasmDynamic.Emit;
using WasmDynamic.Marshalling;
using WasmDynamic.Wit;

namespace WasmDynamic.Imports;

/// <summary>
/// Matches host objects and delegates to a world's imports and builds a <see cref="HostFunction"/> per imported
/// function. Reports every missing import and every signature that cannot fit in one exception.
/// </summary>
/// <remarks>
/// Binds once: the plan (which member serves which import, its converters and its emitted adapter) is cached per world
/// and per <see cref="ImportShape"/> — the names, kinds and CLR types of the entries given, not the objects — so a
/// second instance with the same host types, and every recreation after a trap, validates and emits nothing; it only
/// reads each adapter's target from the imports given. The cache lives as long as the world's emitted types and grows
/// with the number of distinct host type shapes instantiated against it.
/// </remarks>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static partial class HostBinder
{
    private static readonly ConditionalWeakTable<WorldTypes, WorldPlans> Plans = new();

    /// <summary>A host resource type to define in the linker: its instance (null: the root), name and tag.</summary>
    public sealed record ResourceDefinition(string? Instance, string Name, uint Tag);

    /// <summary>How many import plans were built (validated, adapters emitted) for <paramref name="types"/>' world; a cached plan adds none.</summary>
    internal static int PlansBuilt(WorldTypes types) => Plans.TryGetValue(types, out var plans) ? Volatile.Read(ref plans.Built) : 0;

    /// <summary>The plan for <paramref name="imports"/>' shape: cached, or validated and emitted now.</summary>
    public static ImportPlan Plan(string componentName, WorldTypes types, ComponentImports imports, bool wasiProvided, bool trapUnknown)
    {
        var shape = new ImportShape(imports, wasiProvided, trapUnknown);
        var plans = Plans.GetValue(types, _ => new WorldPlans());
        ImportPlan? plan;
        lock (plans)
        {
            plans.Cache.TryGetValue(shape, out plan);
        }

        if (plan is null)
        {
            // Built outside the lock (it may emit); a concurrent twin is discarded, and a failure is not cached.
            plan = new Planner(types, imports, wasiProvided, trapUnknown).Run(componentName);
            Interlocked.Increment(ref plans.Built);
            lock (plans)
            {
                plan = plans.Cache.TryAdd(shape, plan) ? plan : plans.Cache[shape];
            }
        }

        return plan;
    }

    /// <summary>Each planned function's target in <paramref name="imports"/>, in plan order (null for static methods).</summary>
    public static object?[] Targets(ImportPlan plan, ComponentImports imports)
    {
        var targets = new object?[plan.Functions.Count];
        for (var i = 0; i < targets.Length; i++)
        {
            targets[i] = plan.Functions[i].Target?.Resolve(imports);
        }

        return targets;
    }

    /// <summary>
    /// One store's host functions, in plan order: the prepared linker's callbacks find them by index through the
    /// store's data, so each call reaches this store's host objects and never another instance's.
    /// </summary>
    public static HostFunction[] Functions(ImportPlan plan, object?[] targets, StoreState state)
    {
        var functions = new HostFunction[plan.Functions.Count];
        for (var i = 0; i < functions.Length; i++)
        {
            var p = plan.Functions[i];
            functions[i] = new HostFunction(state, p.Function, p.Qualified, p.Parameters, p.Result, p.Adapter, targets[i], p.Async);
        }

        return functions;
    }

    /// <summary>Validates the imports given against the world and builds the plan; every problem is reported at once.</summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    private sealed partial class Planner(WorldTypes types, ComponentImports imports, bool wasiProvided, bool trapUnknown)
    {
        private readonly List<string> _problems = new();
        private readonly List<FunctionPlan> _functions = new();
        private readonly List<ResourceDefinition> _resources = new();
        private readonly List<string> _emptyInstances = new();
        private readonly HashSet<int> _used = new();

        public ImportPlan Run(string componentName)
        {
            var world = types.World;
            foreach (var iface in world.Imports)
            {
                var entry = FindEntry(iface.Name, iface.ParsedName.WithoutVersion, iface.ShortName);
                var functions = iface.Functions.Where(f => f.Kind == WitFunctionKind.Freestanding).ToList();
                var wasi = wasiProvided && BindingNames.IsWasi(iface.Name);
                if (!wasi)
                {
                    BindResources(iface, entry);
                }

                if (entry is null)
                {
                    if (functions.Count == 0)
                    {
                        if (!wasi)
                        {
                            _emptyInstances.Add(iface.Name);
                        }

                        continue;
                    }

                    if (wasi || trapUnknown)
                    {
                        continue;
                    }

                    _problems.Add($"import '{iface.Name}' has no implementation. Supply an object with these methods: {string.Join("; ", functions.Select(f => SuggestMethod(f) + "  // " + f.Signature))}; e.g. imports.Add(\"{iface.Name}\", new My{Naming.ToPascalCase(iface.ShortName)}()).");
                    continue;
                }

                foreach (var f in functions)
                {
                    BindMethod(iface.Name, entry.Value, f, $"{iface.Name}#{f.Name}");
                }
            }

            // Resources imported at the world level (`import r: resource` style, no interface): registered under the
            // empty interface name, AddResource<R>("", "r"), or as a Type under the resource's name.
            BindResources(new WitInterface(string.Empty, world.ImportedTypes, world.ImportedFunctions), entry: null);

            foreach (var f in world.ImportedFunctions.Where(f => f.Kind == WitFunctionKind.Freestanding))
            {
                var entry = FindEntry(f.Name, f.Name, f.Name);
                if (entry is null)
                {
                    if (!trapUnknown)
                    {
                        _problems.Add($"import '{f.Signature}' has no implementation. Supply a delegate: imports.Add(\"{f.Name}\", ({BindingMessages.Delegate(f, types.Converters.DefaultTypeName)})(...)).");
                    }

                    continue;
                }

                BindMethod(null, entry.Value, f, f.Name);
            }

            for (var i = 0; i < imports.Entries.Count; i++)
            {
                if (!_used.Contains(i))
                {
                    _problems.Add($"'{imports.Entries[i].Name}' matches no import of the component. Its imports are: {string.Join(", ", world.Imports.Select(x => x.Name).Concat(world.ImportedFunctions.Select(x => x.Name)))}.");
                }
            }

            if (_problems.Count > 0)
            {
                throw new ComponentBindingException($"The imports given do not fit component '{componentName}':", _problems);
            }

            return new ImportPlan(_functions, _resources, _emptyInstances);
        }

        /// <summary>
        /// The entry for one import: an exact name wins over a name without version, which wins over a short name. A
        /// short name that fits several imports is refused with the candidates, never bound to the first.
        /// </summary>
        private (int Index, object Implementation)? FindEntry(string full, string withoutVersion, string shortName)
        {
            var entries = imports.Entries;
            int Match(Func<string, bool> predicate)
            {
                for (var i = 0; i < entries.Count; i++)
                {
                    if (predicate(entries[i].Name))
                    {
                        return i;
                    }
                }

                return -1;
            }

            var index = Match(n => n == full);
            if (index < 0)
            {
                index = Match(n => n == withoutVersion);
            }

            if (index < 0)
            {
                index = Match(n => n == shortName || Naming.Matches(n, shortName));
                if (index >= 0)
                {
                    var world = types.World;
                    var name = entries[index].Name;
                    var fits = world.Imports.Where(i => i.ShortName == name || Naming.Matches(name, i.ShortName)).Select(i => i.Name)
                        .Concat(world.ImportedFunctions.Where(f => f.Name == name || Naming.Matches(name, f.Name)).Select(f => f.Name))
                        .ToList();
                    if (fits.Count > 1)
                    {
                        if (_used.Add(index))
                        {
                            _problems.Add($"'{name}' fits {fits.Count} imports ({string.Join(", ", fits)}); supply each under its full name, e.g. imports.Add(\"{fits[0]}\", …).");
                        }

                        return null;
                    }
                }
            }

            if (index < 0)
            {
                return null;
            }

            _used.Add(index);
            return (index, entries[index].Implementation);
        }

        private void BindMethod(string? instance, (int Index, object Implementation) entry, WitFunction f, string qualified, PropertyInfo? property = null)
        {
            if (entry.Implementation is Delegate d)
            {
                if (SignatureMatcher.WitParameterCount(d.GetType().GetMethod("Invoke")!) != f.Parameters.Count)
                {
                    _problems.Add($"the delegate for '{qualified}' ({f.Signature}) takes {d.Method.GetParameters().Length} parameter(s); it needs {f.Parameters.Count}: {BindingMessages.Delegate(f, types.Converters.DefaultTypeName)}.");
                    return;
                }

                Build(instance, f, qualified, d.GetType().GetMethod("Invoke")!, new TargetSource(entry.Index, property, null));
                return;
            }

            var type = entry.Implementation.GetType();
            var candidates = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
                .Where(m => m.DeclaringType != typeof(object))
                .Where(m => BindingNames.Designates(m, f.ShortName))
                .ToList();
            var method = candidates.FirstOrDefault(m => SignatureMatcher.WitParameterCount(m) == f.Parameters.Count);
            if (method is null)
            {
                // A property holding a delegate (anonymous objects: new { Log = (Action<byte, string>)(...) }).
                var prop = type.GetProperties().FirstOrDefault(p => typeof(Delegate).IsAssignableFrom(p.PropertyType) && Naming.Matches(p.Name, f.ShortName));
                if (prop is not null && ComponentImports.ReadHostProperty(prop, entry.Implementation, qualified) is Delegate del)
                {
                    BindMethod(instance, (entry.Index, del), f, qualified, prop);
                    return;
                }

                _problems.Add(candidates.Count > 0
                    ? $"{type.Name}.{candidates[0].Name} takes {candidates[0].GetParameters().Length} parameter(s), but '{qualified}' ({f.Signature}) has {f.Parameters.Count}; write {SuggestMethod(f)}."
                    : $"{type.Name} has no method for '{qualified}' ({f.Signature}); write {SuggestMethod(f)}.");
                return;
            }

            Build(instance, f, qualified, method, method.IsStatic ? null : new TargetSource(entry.Index, null, null));
        }

        private void Build(string? instance, WitFunction f, string qualified, MethodInfo method, TargetSource? target)
        {
            // A delegate is named the C# way (the delegate Func<string>), not by its Invoke method (Func`1.Invoke).
            var where = method.DeclaringType is { } declaring && declaring.IsSubclassOf(typeof(Delegate))
                ? $"the delegate {BindingMessages.Describe(declaring)} for '{qualified}' ({f.Signature})"
                : $"host method {method.DeclaringType?.Name}.{method.Name} for '{qualified}' ({f.Signature})";
            // An async method (Task, ValueTask) is matched by the type it completes with; a trailing CancellationToken is not a WIT parameter.
            var ps = method.GetParameters().Take(SignatureMatcher.WitParameterCount(method)).ToArray();
            SignatureMatcher.Awaited(method.ReturnType, out var awaited);
            var matched = SignatureMatcher.Match(types.Converters, f, ps.Select(p => p.ParameterType).ToArray(), awaited, BindingDirection.Import, where, i => $"parameter '{ps[i].Name}'", _problems);
            if (matched is null)
            {
                _problems[^1] += $" A fitting method is {SuggestMethod(f)}.";
                return;
            }

            _functions.Add(new FunctionPlan(instance, f, qualified, matched.Parameters, matched.Result, HostAdapterEmitter.Emit(method, selfFromArguments: false, matched.Parameters, matched.Result), target, SignatureMatcher.Awaited(method.ReturnType, out _) != AwaitKind.None));
        }

        private string SuggestMethod(WitFunction f) => BindingMessages.Method(f, Naming.ToPascalCase(f.ShortName), TypeName);

        /// <summary>A C# type name for messages; a host resource is named after the class that implements it.</summary>
        private string TypeName(WitType t) =>
            t is WitHandle h && BindingNames.IsHostResource(h.Resource) ? Naming.ToPascalCase(h.Resource.Name!) : types.Converters.DefaultTypeName(t);
    }
}
