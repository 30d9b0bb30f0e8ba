using System.Reflection;
using WasmDynamic.Emit;
using WasmDynamic.Marshalling;
using WasmDynamic.Wit;

namespace WasmDynamic.Hosting;

/// <summary>
/// Matches host objects and delegates to a world's imports and builds a <see cref="HostFunction"/> per imported
/// function. Reports every missing import and every signature that cannot fit in one exception.
/// </summary>
internal static class HostBinder
{
    public sealed record Definition(string? Instance, string Name, HostFunction Function);

    public static List<Definition> Bind(string componentName, WorldTypes types, ComponentImports imports, StoreState state, bool wasiProvided, bool trapUnknown, out List<string> emptyInstances)
    {
        var world = types.World;
        var problems = new List<string>();
        var definitions = new List<Definition>();
        emptyInstances = new List<string>();
        var used = new HashSet<int>();

        foreach (var iface in world.Imports)
        {
            var entry = FindEntry(imports, iface.Name, iface.ParsedName.WithoutVersion, iface.ShortName, used);
            var functions = iface.Functions.Where(f => f.Kind == WitFunctionKind.Freestanding).ToList();
            if (entry is null)
            {
                if (functions.Count == 0 && iface.Functions.Count == 0)
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

        foreach (var f in world.ImportedFunctions)
        {
            var entry = FindEntry(imports, f.Name, f.Name, f.Name, used);
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

    public static bool IsWasi(string name) => name.StartsWith("wasi:", StringComparison.Ordinal);

    private static object? FindEntry(ComponentImports imports, string full, string withoutVersion, string shortName, HashSet<int> used)
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

        return new HostFunction(state, f, qualified, convs!, result, HostAdapterEmitter.Emit(method, target, convs!, result));
    }

    private static string SuggestMethod(WorldTypes types, WitFunction f)
    {
        var rt = f.Result is null ? "void" : types.Converters.DefaultTypeName(f.Result);
        return $"{rt} {Naming.ToPascalCase(f.ShortName)}({string.Join(", ", f.Parameters.Select(p => types.Converters.DefaultTypeName(p.Type) + " " + Naming.ToCamelCase(p.Name)))})";
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
