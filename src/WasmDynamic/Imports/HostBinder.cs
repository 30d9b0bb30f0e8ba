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
internal static class HostBinder
{
    private static readonly ConditionalWeakTable<WorldTypes, WorldPlans> Plans = new();

    public sealed record Definition(string? Instance, string Name, HostFunction Function);

    /// <summary>A host resource type to define in the linker: its instance (null: the root), name and tag.</summary>
    public sealed record ResourceDefinition(string? Instance, string Name, uint Tag);

    /// <summary>How many import plans were built (validated, adapters emitted) for <paramref name="types"/>' world; a cached plan adds none.</summary>
    internal static int PlansBuilt(WorldTypes types) => Plans.TryGetValue(types, out var plans) ? Volatile.Read(ref plans.Built) : 0;

    public static List<Definition> Bind(string componentName, WorldTypes types, ComponentImports imports, StoreState state, bool wasiProvided, bool trapUnknown, out List<string> emptyInstances, out List<ResourceDefinition> resources)
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

        emptyInstances = plan.EmptyInstances;
        resources = plan.Resources;
        return plan.Functions
            .Select(p => new Definition(p.Instance, p.Function.Name, new HostFunction(state, p.Function, p.Qualified, p.Parameters, p.Result, p.Adapter, p.Target?.Resolve(imports))))
            .ToList();
    }

    /// <summary>Validates the imports given against the world and builds the plan; every problem is reported at once.</summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    private sealed class Planner(WorldTypes types, ComponentImports imports, bool wasiProvided, bool trapUnknown)
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

        /// <summary>Binds the resources of an imported interface to the .NET classes that implement them.</summary>
        private void BindResources(WitInterface iface, (int Index, object Implementation)? entry)
        {
            foreach (var resource in iface.Resources.Where(r => r.Owner == iface.Name))
            {
                var instance = iface.Name.Length == 0 ? null : iface.Name;
                _resources.Add(new ResourceDefinition(instance, resource.Name!, types.HostTag(resource)));
                var members = iface.Functions.Where(f => f.Kind != WitFunctionKind.Freestanding && f.ResourceName == resource.Name).ToList();

                // With no members there is nothing to bind, but a class supplied for it is not "matching no import": the
                // guest can still hold and drop handles of the resource (its destructor disposes the object).
                var (type, factory) = FindResourceClass(iface, resource, entry?.Implementation);
                if (members.Count == 0)
                {
                    continue;
                }

                if (type is null)
                {
                    if (!trapUnknown)
                    {
                        var of = instance is null ? "imported at the world level" : $"of import '{iface.Name}'";
                        _problems.Add($"resource '{resource.Name}' {of} has no implementation. Supply a class with {string.Join("; ", members.Select(m => BindingMessages.HostMember(m, TypeName) + "  // " + m.Signature))}; e.g. imports.AddResource<My{Naming.ToPascalCase(resource.Name!)}>(\"{iface.Name}\", \"{resource.Name}\").");
                    }

                    continue;
                }

                foreach (var f in members)
                {
                    var qualified = instance is null ? f.Name : $"{iface.Name}#{f.Name}";
                    BindResourceMember(instance, type, f.Kind == WitFunctionKind.Constructor ? factory : null, f, qualified);
                }
            }
        }

        /// <summary>The class implementing <paramref name="resource"/>, and where its factory is if one was given.</summary>
        private (Type? Type, (TargetSource Source, Type DelegateType)? Factory) FindResourceClass(WitInterface iface, WitResource resource, object? entry)
        {
            var keys = new[] { $"{iface.Name}#{resource.Name}", $"{iface.ParsedName.WithoutVersion}#{resource.Name}", $"{iface.ShortName}#{resource.Name}" };
            for (var i = 0; i < imports.Entries.Count; i++)
            {
                var (name, implementation) = imports.Entries[i];
                var matches = keys.Contains(name) || (iface.Name.Length == 0 && (name == resource.Name || Naming.Matches(name, resource.Name!)));
                if (matches && implementation is Type t)
                {
                    _used.Add(i);
                    return (t, null);
                }

                if (matches && implementation is ComponentImports.ResourceFactory rf)
                {
                    _used.Add(i);
                    if (!rf.Untyped)
                    {
                        return (rf.Type, (new TargetSource(i, null, null), rf.Create.GetType()));
                    }

                    return Typed(iface, resource, rf) is { } typed ? (rf.Type, (new TargetSource(i, null, typed.Wrap), typed.DelegateType)) : (rf.Type, null);
                }
            }

            // Convention: a nested class of the interface's implementation named after the resource.
            return (entry?.GetType().GetNestedTypes().FirstOrDefault(t => BindingNames.Designates(t, resource.Name!)), null);
        }

        /// <summary>
        /// For an <c>object?[]</c> factory, a wrapper making a delegate typed like the WIT constructor (default type map):
        /// <c>create =&gt; (P0 a0, P1 a1) =&gt; (T)create(new object?[] { a0, a1 })</c>, compiled once with the plan.
        /// </summary>
        private (Func<Delegate, Delegate> Wrap, Type DelegateType)? Typed(WitInterface iface, WitResource resource, ComponentImports.ResourceFactory factory)
        {
            var ctor = iface.Functions.FirstOrDefault(f => f.Kind == WitFunctionKind.Constructor && f.ResourceName == resource.Name);
            if (ctor is null)
            {
                return null;
            }

            var create = Expression.Parameter(factory.Create.GetType(), "create");
            var ps = ctor.Parameters.Select(p => Expression.Parameter(types.DataTypes.ClrType(p.Type), Naming.ToCamelCase(p.Name))).ToArray();
            var args = Expression.NewArrayInit(typeof(object), ps.Select(p => Expression.Convert(p, typeof(object))));
            var delegateType = Expression.GetFuncType([.. ps.Select(p => p.Type), factory.Type]);
            var typed = Expression.Lambda(delegateType, Expression.Convert(Expression.Invoke(create, args), factory.Type), ps);
            var untyped = Expression.Parameter(typeof(Delegate), "untyped");
            var wrap = Expression.Lambda<Func<Delegate, Delegate>>(
                Expression.Invoke(Expression.Lambda(typed, create), Expression.Convert(untyped, create.Type)), untyped).Compile();
            return (wrap, delegateType);
        }

        private void BindResourceMember(string? instance, Type type, (TargetSource Source, Type DelegateType)? factory, WitFunction f, string qualified)
        {
            MethodBase? member;
            TargetSource? target = null;
            var witParams = f.Kind == WitFunctionKind.Method ? f.Parameters.Skip(1).ToList() : f.Parameters.ToList();
            if (factory is { } given)
            {
                // A factory serves [constructor]: its parameters are the WIT constructor's, its result the host object.
                var invoke = given.DelegateType.GetMethod("Invoke")!;
                if (invoke.GetParameters().Length != witParams.Count || !type.IsAssignableFrom(invoke.ReturnType))
                {
                    _problems.Add($"the factory for '{qualified}' ({f.Signature}) is {BindingMessages.Describe(given.DelegateType)}; it must take the constructor's {witParams.Count} parameter(s) and return {type.Name}: {BindingMessages.Factory(f, TypeName, type.Name)}.");
                    return;
                }

                member = invoke;
                target = given.Source;
            }
            else if (f.Kind == WitFunctionKind.Constructor)
            {
                member = type.GetConstructors().FirstOrDefault(c => c.GetParameters().Length == witParams.Count);
            }
            else
            {
                var isStatic = f.Kind == WitFunctionKind.Static;
                member = type.GetMethods(BindingFlags.Public | (isStatic ? BindingFlags.Static : BindingFlags.Instance))
                    .Where(m => BindingNames.Designates(m, f.ShortName))
                    .FirstOrDefault(m => m.GetParameters().Length == witParams.Count);
            }

            if (member is null)
            {
                _problems.Add($"{type.Name} has no {(f.Kind == WitFunctionKind.Constructor ? "constructor" : f.Kind == WitFunctionKind.Static ? "static method" : "method")} for '{qualified}' ({f.Signature}); write {BindingMessages.HostMember(f, TypeName)}.");
                return;
            }

            var where = $"{type.Name}.{(member is ConstructorInfo ? "ctor" : member.Name)} for '{qualified}' ({f.Signature})";
            var ps = member.GetParameters();
            var clrTypes = (f.Kind == WitFunctionKind.Method ? [type] : Array.Empty<Type>()).Concat(ps.Select(p => p.ParameterType)).ToArray();
            var self = f.Kind == WitFunctionKind.Method ? 1 : 0;
            var returnType = member is MethodInfo mi ? mi.ReturnType : type;
            var matched = SignatureMatcher.Match(types.Converters, f, clrTypes, returnType, BindingDirection.Import, where, i => i < self ? "self" : $"parameter '{ps[i - self].Name}'", _problems);
            if (matched is null)
            {
                return;
            }

            var adapter = HostAdapterEmitter.Emit(member, selfFromArguments: f.Kind == WitFunctionKind.Method, matched.Parameters, matched.Result);
            _functions.Add(new FunctionPlan(instance, f, qualified, matched.Parameters, matched.Result, adapter, target));
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
                if (d.Method.GetParameters().Length != f.Parameters.Count)
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
            var method = candidates.FirstOrDefault(m => m.GetParameters().Length == f.Parameters.Count);
            if (method is null)
            {
                // A property holding a delegate (anonymous objects: new { Log = (Action<byte, string>)(...) }).
                var prop = type.GetProperties().FirstOrDefault(p => typeof(Delegate).IsAssignableFrom(p.PropertyType) && Naming.Matches(p.Name, f.ShortName));
                if (prop?.GetValue(entry.Implementation) is Delegate del)
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
            var where = $"host method {method.DeclaringType?.Name}.{method.Name} for '{qualified}' ({f.Signature})";
            var ps = method.GetParameters();
            var matched = SignatureMatcher.Match(types.Converters, f, ps.Select(p => p.ParameterType).ToArray(), method.ReturnType, BindingDirection.Import, where, i => $"parameter '{ps[i].Name}'", _problems);
            if (matched is null)
            {
                _problems[^1] += $" A fitting method is {SuggestMethod(f)}.";
                return;
            }

            _functions.Add(new FunctionPlan(instance, f, qualified, matched.Parameters, matched.Result, HostAdapterEmitter.Emit(method, selfFromArguments: false, matched.Parameters, matched.Result), target));
        }

        private string SuggestMethod(WitFunction f) => BindingMessages.Method(f, Naming.ToPascalCase(f.ShortName), TypeName);

        /// <summary>A C# type name for messages; a host resource is named after the class that implements it.</summary>
        private string TypeName(WitType t) =>
            t is WitHandle h && BindingNames.IsHostResource(h.Resource) ? Naming.ToPascalCase(h.Resource.Name!) : types.Converters.DefaultTypeName(t);
    }
}
