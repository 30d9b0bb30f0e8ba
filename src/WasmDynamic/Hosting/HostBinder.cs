using System.Reflection;
using WasmDynamic.Emit;
using WasmDynamic.Marshalling;
using WasmDynamic.Wit;

namespace WasmDynamic.Hosting;

/// <summary>
/// Matches host objects and delegates to a world's imports and builds a <see cref="HostFunction"/> per imported
/// function. Reports every missing import and every signature that cannot fit in one exception.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static class HostBinder
{
    public sealed record Definition(string? Instance, string Name, HostFunction Function);

    /// <summary>A host resource type to define in the linker: its instance (null: the root), name and tag.</summary>
    public sealed record ResourceDefinition(string? Instance, string Name, uint Tag);

    public static List<Definition> Bind(string componentName, WorldTypes types, ComponentImports imports, StoreState state, bool wasiProvided, bool trapUnknown, out List<string> emptyInstances, out List<ResourceDefinition> resources)
    {
        resources = new List<ResourceDefinition>();
        var world = types.World;
        var problems = new List<string>();
        var definitions = new List<Definition>();
        emptyInstances = new List<string>();
        var used = new HashSet<int>();

        foreach (var iface in world.Imports)
        {
            var entry = FindEntry(imports, iface.Name, iface.ParsedName.WithoutVersion, iface.ShortName, used, world, problems);
            var functions = iface.Functions.Where(f => f.Kind == WitFunctionKind.Freestanding).ToList();
            if (!(wasiProvided && IsWasi(iface.Name)))
            {
                BindResources(types, state, imports, iface, entry, used, definitions, resources, problems, trapUnknown);
            }

            if (entry is null)
            {
                if (functions.Count == 0)
                {
                    if (!(wasiProvided && IsWasi(iface.Name)))
                    {
                        emptyInstances.Add(iface.Name);
                    }

                    continue;
                }

                if ((wasiProvided && IsWasi(iface.Name)) || trapUnknown)
                {
                    continue;
                }

                if (functions.Count == 0)
                {
                    continue;
                }

                problems.Add($"import '{iface.Name}' has no implementation. Supply an object with these methods: {string.Join("; ", functions.Select(f => SuggestMethod(types, f) + "  // " + f.Signature))}; e.g. imports.Add(\"{iface.Name}\", new My{Naming.ToPascalCase(iface.ShortName)}()).");
                continue;
            }

            foreach (var f in functions)
            {
                var fn = BindMethod(types, state, entry, f, $"{iface.Name}#{f.Name}", problems);
                if (fn is not null)
                {
                    definitions.Add(new Definition(iface.Name, f.Name, fn));
                }
            }
        }

        // Resources imported at the world level (`import r: resource` style, no interface): registered under the empty
        // interface name, AddResource<R>("", "r"), or as a Type under the resource's name.
        var root = new WitInterface(string.Empty, world.ImportedTypes, world.ImportedFunctions);
        BindResources(types, state, imports, root, entry: null, used, definitions, resources, problems, trapUnknown);

        foreach (var f in world.ImportedFunctions.Where(f => f.Kind == WitFunctionKind.Freestanding))
        {
            var entry = FindEntry(imports, f.Name, f.Name, f.Name, used, world, problems);
            if (entry is null)
            {
                if (!trapUnknown)
                {
                    problems.Add($"import '{f.Signature}' has no implementation. Supply a delegate: imports.Add(\"{f.Name}\", ({DelegateType(types, f)})(...)).");
                }

                continue;
            }

            var fn = BindMethod(types, state, entry, f, f.Name, problems);
            if (fn is not null)
            {
                definitions.Add(new Definition(null, f.Name, fn));
            }
        }

        for (var i = 0; i < imports.Entries.Count; i++)
        {
            if (!used.Contains(i))
            {
                problems.Add($"'{imports.Entries[i].Name}' matches no import of the component. Its imports are: {string.Join(", ", world.Imports.Select(x => x.Name).Concat(world.ImportedFunctions.Select(x => x.Name)))}.");
            }
        }

        if (problems.Count > 0)
        {
            throw new ComponentBindingException($"The imports given do not fit component '{componentName}':", problems);
        }

        return definitions;
    }

    /// <summary>Binds the resources of an imported interface to the .NET classes that implement them.</summary>
    private static void BindResources(WorldTypes types, StoreState state, ComponentImports imports, WitInterface iface, object? entry, HashSet<int> used, List<Definition> definitions, List<ResourceDefinition> resources, List<string> problems, bool trapUnknown)
    {
        foreach (var resource in iface.Resources.Where(r => r.Owner == iface.Name))
        {
            var tag = types.HostTag(resource);
            var instance = iface.Name.Length == 0 ? null : iface.Name;
            resources.Add(new ResourceDefinition(instance, resource.Name!, tag));
            var members = iface.Functions.Where(f => f.Kind != WitFunctionKind.Freestanding && f.ResourceName == resource.Name).ToList();
            if (members.Count == 0)
            {
                // Nothing to bind, but a class supplied for it is not "matching no import": the guest can still hold
                // and drop handles of the resource (its destructor disposes the object).
                FindResourceClass(types, imports, iface, resource, entry, used);
                continue;
            }

            var (type, factory) = FindResourceClass(types, imports, iface, resource, entry, used);
            if (type is null)
            {
                if (!trapUnknown)
                {
                    var of = instance is null ? "imported at the world level" : $"of import '{iface.Name}'";
                    problems.Add($"resource '{resource.Name}' {of} has no implementation. Supply a class with {string.Join("; ", members.Select(m => SuggestResourceMember(types, m) + "  // " + m.Signature))}; e.g. imports.AddResource<My{Naming.ToPascalCase(resource.Name!)}>(\"{iface.Name}\", \"{resource.Name}\").");
                }

                continue;
            }

            foreach (var f in members)
            {
                var qualified = instance is null ? f.Name : $"{iface.Name}#{f.Name}";
                var fn = BindResourceMember(types, state, type, f.Kind == WitFunctionKind.Constructor ? factory : null, f, qualified, problems);
                if (fn is not null)
                {
                    definitions.Add(new Definition(instance, f.Name, fn));
                }
            }
        }
    }

    /// <summary>The class implementing <paramref name="resource"/>, and the factory that creates its objects if one was given.</summary>
    private static (Type? Type, Delegate? Factory) FindResourceClass(WorldTypes types, ComponentImports imports, WitInterface iface, WitResource resource, object? entry, HashSet<int> used)
    {
        var keys = new[] { $"{iface.Name}#{resource.Name}", $"{iface.ParsedName.WithoutVersion}#{resource.Name}", $"{iface.ShortName}#{resource.Name}" };
        for (var i = 0; i < imports.Entries.Count; i++)
        {
            var (name, implementation) = imports.Entries[i];
            var matches = keys.Contains(name) || (iface.Name.Length == 0 && (name == resource.Name || Naming.Matches(name, resource.Name!)));
            if (matches && implementation is Type t)
            {
                used.Add(i);
                return (t, null);
            }

            if (matches && implementation is ComponentImports.ResourceFactory rf)
            {
                used.Add(i);
                return (rf.Type, rf.Untyped ? Typed(types, iface, resource, rf) : rf.Create);
            }
        }

        // Convention: a nested class of the interface's implementation named after the resource.
        return (entry?.GetType().GetNestedTypes().FirstOrDefault(t => t.GetCustomAttribute<WitNameAttribute>()?.Name == resource.Name || Naming.Matches(t.Name, resource.Name!)), null);
    }

    /// <summary>
    /// Wraps an <c>object?[]</c> factory in a delegate typed like the WIT constructor (default type map):
    /// <c>(P0 a0, P1 a1) =&gt; create(new object?[] { a0, a1 })</c>.
    /// </summary>
    private static Delegate? Typed(WorldTypes types, WitInterface iface, WitResource resource, ComponentImports.ResourceFactory factory)
    {
        var ctor = iface.Functions.FirstOrDefault(f => f.Kind == WitFunctionKind.Constructor && f.ResourceName == resource.Name);
        if (ctor is null)
        {
            return null;
        }

        var ps = ctor.Parameters.Select(p => System.Linq.Expressions.Expression.Parameter(types.DataTypes.ClrType(p.Type), Naming.ToCamelCase(p.Name))).ToArray();
        var args = System.Linq.Expressions.Expression.NewArrayInit(typeof(object), ps.Select(p => System.Linq.Expressions.Expression.Convert(p, typeof(object))));
        var call = System.Linq.Expressions.Expression.Invoke(System.Linq.Expressions.Expression.Constant(factory.Create), args);
        var delegateType = System.Linq.Expressions.Expression.GetFuncType([.. ps.Select(p => p.Type), factory.Type]);
        return System.Linq.Expressions.Expression.Lambda(delegateType, System.Linq.Expressions.Expression.Convert(call, factory.Type), ps).Compile();
    }

    private static HostFunction? BindResourceMember(WorldTypes types, StoreState state, Type type, Delegate? factory, WitFunction f, string qualified, List<string> problems)
    {
        var before = problems.Count;
        MethodBase? member;
        object? target = null;
        var witParams = f.Kind == WitFunctionKind.Method ? f.Parameters.Skip(1).ToList() : f.Parameters.ToList();
        if (factory is not null)
        {
            // A factory serves [constructor]: its parameters are the WIT constructor's, its result the host object.
            var invoke = factory.GetType().GetMethod("Invoke")!;
            if (invoke.GetParameters().Length != witParams.Count || !type.IsAssignableFrom(invoke.ReturnType))
            {
                problems.Add($"the factory for '{qualified}' ({f.Signature}) is {ConverterFactory.Describe(factory.GetType())}; it must take the constructor's {witParams.Count} parameter(s) and return {type.Name}: {SuggestFactory(types, f, type)}.");
                return null;
            }

            member = invoke;
            target = factory;
        }
        else if (f.Kind == WitFunctionKind.Constructor)
        {
            member = type.GetConstructors().FirstOrDefault(c => c.GetParameters().Length == witParams.Count);
        }
        else
        {
            var isStatic = f.Kind == WitFunctionKind.Static;
            member = type.GetMethods(BindingFlags.Public | (isStatic ? BindingFlags.Static : BindingFlags.Instance))
                .Where(m => m.GetCustomAttribute<WitNameAttribute>()?.Name == f.ShortName || Naming.Matches(m.Name, f.ShortName))
                .FirstOrDefault(m => m.GetParameters().Length == witParams.Count);
        }

        if (member is null)
        {
            problems.Add($"{type.Name} has no {(f.Kind == WitFunctionKind.Constructor ? "constructor" : f.Kind == WitFunctionKind.Static ? "static method" : "method")} for '{qualified}' ({f.Signature}); write {SuggestResourceMember(types, f)}.");
            return null;
        }

        var where = $"{type.Name}.{(member is ConstructorInfo ? "ctor" : member.Name)} for '{qualified}' ({f.Signature})";
        var convs = new List<ValueConverter?>();
        if (f.Kind == WitFunctionKind.Method)
        {
            convs.Add(types.Converters.Create(f.Parameters[0].Type, type, problems, $"{where}, self"));
        }

        var ps = member.GetParameters();
        convs.AddRange(ps.Select((p, i) => types.Converters.Create(witParams[i].Type, p.ParameterType, problems, $"{where}, parameter '{p.Name}'")));
        ValueConverter? result = null;
        var returnType = member is MethodInfo mi ? mi.ReturnType : type;
        if (f.Result is null)
        {
            if (returnType != typeof(void))
            {
                problems.Add($"{where}: the import returns nothing; the method must return void.");
            }
        }
        else if (returnType == typeof(void) && f.Result is not WitResult)
        {
            problems.Add($"{where}: the import returns {f.Result}; the method must return {types.Converters.DefaultTypeName(f.Result)}.");
        }
        else
        {
            result = types.Converters.Create(f.Result, returnType, problems, $"{where}, result");
        }

        if (problems.Count > before)
        {
            return null;
        }

        var adapter = HostAdapterEmitter.Emit(member, target, selfFromArguments: f.Kind == WitFunctionKind.Method, convs.ToArray()!, result);
        return new HostFunction(state, f, qualified, convs.ToArray()!, result, adapter);
    }

    private static string SuggestFactory(WorldTypes types, WitFunction f, Type type)
    {
        var ps = f.Parameters.Select(p => TypeName(types, p.Type) + " " + Naming.ToCamelCase(p.Name));
        return $"({string.Join(", ", ps)}) => new {type.Name}(…)";
    }

    private static string SuggestResourceMember(WorldTypes types, WitFunction f)
    {
        var ps = (f.Kind == WitFunctionKind.Method ? f.Parameters.Skip(1) : f.Parameters).Select(p => TypeName(types, p.Type) + " " + Naming.ToCamelCase(p.Name));
        var name = Naming.ToPascalCase(f.ResourceName!);
        var result = f.Result is null ? "void" : TypeName(types, f.Result);
        return f.Kind switch
        {
            WitFunctionKind.Constructor => $"public {name}({string.Join(", ", ps)})",
            WitFunctionKind.Static => $"public static {result} {Naming.ToPascalCase(f.ShortName)}({string.Join(", ", ps)})",
            _ => $"public {result} {Naming.ToPascalCase(f.ShortName)}({string.Join(", ", ps)})",
        };
    }

    /// <summary>A C# type name for messages; a host resource is named after the class that implements it.</summary>
    private static string TypeName(WorldTypes types, WitType t) =>
        t is WitHandle h && WorldTypes.IsHostResource(h.Resource) ? Naming.ToPascalCase(h.Resource.Name!) : types.Converters.DefaultTypeName(t);

    public static bool IsWasi(string name) => name.StartsWith("wasi:", StringComparison.Ordinal);

    /// <summary>
    /// The entry for one import: an exact name wins over a name without version, which wins over a short name. A short
    /// name that fits several imports is refused with the candidates, never bound to the first.
    /// </summary>
    private static object? FindEntry(ComponentImports imports, string full, string withoutVersion, string shortName, HashSet<int> used, WitWorld world, List<string> problems)
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
                var name = entries[index].Name;
                var fits = world.Imports.Where(i => i.ShortName == name || Naming.Matches(name, i.ShortName)).Select(i => i.Name)
                    .Concat(world.ImportedFunctions.Where(f => f.Name == name || Naming.Matches(name, f.Name)).Select(f => f.Name))
                    .ToList();
                if (fits.Count > 1)
                {
                    if (used.Add(index))
                    {
                        problems.Add($"'{name}' fits {fits.Count} imports ({string.Join(", ", fits)}); supply each under its full name, e.g. imports.Add(\"{fits[0]}\", …).");
                    }

                    return null;
                }
            }
        }

        if (index < 0)
        {
            return null;
        }

        used.Add(index);
        return entries[index].Implementation;
    }

    private static HostFunction? BindMethod(WorldTypes types, StoreState state, object implementation, WitFunction f, string qualified, List<string> problems)
    {
        MethodInfo? method;
        object? target;
        if (implementation is Delegate d)
        {
            method = d.Method;
            target = d.Target;
            if (method.GetParameters().Length != f.Parameters.Count)
            {
                problems.Add($"the delegate for '{qualified}' ({f.Signature}) takes {method.GetParameters().Length} parameter(s); it needs {f.Parameters.Count}: {DelegateType(types, f)}.");
                return null;
            }

            var invoke = d.GetType().GetMethod("Invoke")!;
            return Build(types, state, f, qualified, invoke, d, problems);
        }

        var type = implementation.GetType();
        var candidates = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.DeclaringType != typeof(object))
            .Where(m => m.GetCustomAttribute<WitNameAttribute>()?.Name == f.ShortName || Naming.Matches(m.Name, f.ShortName))
            .ToList();
        method = candidates.FirstOrDefault(m => m.GetParameters().Length == f.Parameters.Count);
        target = method is { IsStatic: true } ? null : implementation;
        if (method is null)
        {
            // A property holding a delegate (anonymous objects: new { Log = (Action<byte, string>)(...) }).
            var prop = type.GetProperties().FirstOrDefault(p => typeof(Delegate).IsAssignableFrom(p.PropertyType) && Naming.Matches(p.Name, f.ShortName));
            if (prop?.GetValue(implementation) is Delegate del)
            {
                return BindMethod(types, state, del, f, qualified, problems);
            }

            problems.Add(candidates.Count > 0
                ? $"{type.Name}.{candidates[0].Name} takes {candidates[0].GetParameters().Length} parameter(s), but '{qualified}' ({f.Signature}) has {f.Parameters.Count}; write {SuggestMethod(types, f)}."
                : $"{type.Name} has no method for '{qualified}' ({f.Signature}); write {SuggestMethod(types, f)}.");
            return null;
        }

        return Build(types, state, f, qualified, method, target, problems);
    }

    private static HostFunction? Build(WorldTypes types, StoreState state, WitFunction f, string qualified, MethodInfo method, object? target, List<string> problems)
    {
        var before = problems.Count;
        var where = $"host method {method.DeclaringType?.Name}.{method.Name} for '{qualified}' ({f.Signature})";
        var ps = method.GetParameters();
        var convs = ps.Select((p, i) => types.Converters.Create(f.Parameters[i].Type, p.ParameterType, problems, $"{where}, parameter '{p.Name}'")).ToArray();
        ValueConverter? result = null;
        if (f.Result is null)
        {
            if (method.ReturnType != typeof(void))
            {
                problems.Add($"{where}: the import returns nothing; the method must return void.");
            }
        }
        else if (method.ReturnType == typeof(void) && f.Result is not WitResult)
        {
            problems.Add($"{where}: the import returns {f.Result}; the method must return {types.Converters.DefaultTypeName(f.Result)}.");
        }
        else
        {
            result = types.Converters.Create(f.Result, method.ReturnType, problems, $"{where}, result");
        }

        if (problems.Count > before)
        {
            problems[^1] += $" A fitting method is {SuggestMethod(types, f)}.";
            return null;
        }

        return new HostFunction(state, f, qualified, convs!, result, HostAdapterEmitter.Emit(method, target, selfFromArguments: false, convs!, result));
    }

    private static string SuggestMethod(WorldTypes types, WitFunction f)
    {
        var rt = f.Result is null ? "void" : TypeName(types, f.Result);
        return $"{rt} {Naming.ToPascalCase(f.ShortName)}({string.Join(", ", f.Parameters.Select(p => TypeName(types, p.Type) + " " + Naming.ToCamelCase(p.Name)))})";
    }

    private static string DelegateType(WorldTypes types, WitFunction f)
    {
        var ps = f.Parameters.Select(p => types.Converters.DefaultTypeName(p.Type)).ToList();
        if (f.Result is null)
        {
            return ps.Count == 0 ? "Action" : $"Action<{string.Join(", ", ps)}>";
        }

        ps.Add(types.Converters.DefaultTypeName(f.Result));
        return $"Func<{string.Join(", ", ps)}>";
    }
}
