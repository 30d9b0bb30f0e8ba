using System.Reflection;
using WasmDynamic.Marshalling;
using WasmDynamic.Wit;

namespace WasmDynamic.Emit;

/// <summary>Matches WIT functions to CLR methods: the default type map, or a user interface checked as a whole.</summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static class MethodPlanner
{
    /// <summary>The .NET method name the default map gives a function.</summary>
    public static string DefaultName(WitFunction f) => f.Kind switch
    {
        WitFunctionKind.Constructor => Naming.ToPascalCase(f.ResourceName!),
        WitFunctionKind.Static => Naming.ToPascalCase(f.ResourceName!) + Naming.ToPascalCase(f.ShortName),
        _ => Naming.ToPascalCase(f.ShortName),
    };

    public static List<MethodPlan> Default(WorldTypes world, WitInterface? iface, IEnumerable<WitFunction> functions, Type? selfType)
    {
        var plans = new List<MethodPlan>();
        foreach (var f in functions)
        {
            try
            {
                var ps = selfType is null ? f.Parameters.ToList() : f.Parameters.Skip(1).ToList();
                var types = ps.Select(p => world.DataTypes.ClrType(p.Type)).ToArray();
                var returnType = f.Result is null ? typeof(void) : world.DataTypes.ClrType(f.Result);
                plans.Add(new MethodPlan(f, DefaultName(f), types, ps.Select(p => Naming.ToCamelCase(p.Name)).ToArray(), returnType, null, selfType));
            }
            catch (NotSupportedException)
            {
                // A function whose types the default map cannot express yet (maps, streams…) is left out of the
                // default proxy rather than failing the whole interface; GetInterface<T> reports it if asked.
            }
        }

        return plans;
    }

    public static List<MethodPlan> ForInterface(WorldTypes world, WitInterface? iface, List<WitFunction> available, Type clr, Type? selfType, string what) =>
        ForInterface(world, iface, available, clr, selfType, what, out _);

    public static List<MethodPlan> ForInterface(WorldTypes world, WitInterface? iface, List<WitFunction> available, Type clr, Type? selfType, string what, out bool trusted)
    {
        trusted = false;
        if (!clr.IsInterface)
        {
            throw new ComponentBindingException($"{clr.Name} must be a C# interface to be bound to {what}.", []);
        }

        if (TrustedPlans(world, iface, available, clr, selfType) is { } trustedPlans)
        {
            trusted = true;
            return trustedPlans;
        }

        var problems = new List<string>();
        var plans = new List<MethodPlan>();
        var methods = clr.GetMethods().Concat(clr.GetInterfaces().Where(i => i != typeof(IDisposable)).SelectMany(i => i.GetMethods())).Where(m => !m.IsSpecialName).ToList();
        foreach (var p in clr.GetProperties().Concat(clr.GetInterfaces().SelectMany(i => i.GetProperties())))
        {
            problems.Add($"{clr.Name}.{p.Name}: properties cannot be bound to component functions; declare a method.");
        }

        var byName = new FunctionNameIndex(available);
        foreach (var m in methods)
        {
            var witName = m.GetCustomAttribute<WitNameAttribute>()?.Name;
            var index = byName.Find(witName ?? m.Name, out var ambiguous);
            var f = index >= 0 ? available[index] : null;
            var clrSig = $"{ConverterFactory.Describe(m.ReturnType)} {m.Name}({string.Join(", ", m.GetParameters().Select(p => ConverterFactory.Describe(p.ParameterType) + " " + p.Name))})";
            if (ambiguous is not null)
            {
                problems.Add($"{clr.Name}.{clrSig}: {FunctionNameIndex.Ambiguity(witName ?? m.Name, ambiguous)} Rename the method or put [WitName(\"…\")] on it.");
                continue;
            }

            if (f is null)
            {
                problems.Add($"{clr.Name}.{clrSig}: {what} has no function named '{witName ?? Naming.ToKebabCase(m.Name)}'. Available: {string.Join(", ", available.Select(x => x.Name))}.");
                continue;
            }

            var where = $"{clr.Name}.{m.Name} ↔ {ProxyEmitter.Qualified(iface, f)} ({f.Signature})";
            var witParams = selfType is null ? f.Parameters.ToList() : f.Parameters.Skip(1).ToList();
            var ps = m.GetParameters();
            if (ps.Length != witParams.Count)
            {
                problems.Add($"{where}: takes {witParams.Count} parameter(s) but the C# method takes {ps.Length}; a fitting C# signature is {Suggest(world, f, m.Name, selfType is not null)}.");
                continue;
            }

            var before = problems.Count;
            var plan = new MethodPlan(f, m.Name, ps.Select(p => p.ParameterType).ToArray(), ps.Select(p => p.Name ?? "arg").ToArray(), m.ReturnType, m, selfType);
            var converters = f.Parameters.Select((p, i) => world.Converters.Create(p.Type, plan.WitParameterClrType(i), problems, i == 0 && selfType is not null ? $"{where}, self" : $"{where}, parameter '{p.Name}'")).ToArray();
            if (f.Result is null)
            {
                if (m.ReturnType != typeof(void))
                {
                    problems.Add($"{where}: returns nothing, so the C# method must return void.");
                }
            }
            else if (m.ReturnType == typeof(void) && f.Result is not WitResult)
            {
                problems.Add($"{where}: returns {f.Result}; the C# method must return {world.Converters.DefaultTypeName(f.Result)}.");
            }
            else
            {
                plan.ResultConverter = world.Converters.Create(f.Result, m.ReturnType, problems, $"{where}, result");
            }

            if (problems.Count > before)
            {
                problems[^1] += $" A fitting C# signature is {Suggest(world, f, m.Name, selfType is not null)}.";
                continue;
            }

            plan.Converters = converters!;
            plans.Add(plan);
        }

        if (problems.Count > 0)
        {
            throw new ComponentBindingException($"{clr.FullName} does not fit {what}:", problems);
        }

        return plans;
    }

    /// <summary>
    /// Plans for a Bindgen interface whose fingerprint matches: methods map by exact WIT name and converters are made
    /// for the declared types directly. Null when the interface is not generated or the component changed.
    /// </summary>
    private static List<MethodPlan>? TrustedPlans(WorldTypes world, WitInterface? iface, List<WitFunction> available, Type clr, Type? selfType)
    {
        var generated = clr.GetCustomAttribute<GeneratedBindingAttribute>();
        var functions = iface is null ? world.World.ExportedFunctions.ToList() : iface.Functions.ToList();
        if (generated is null || selfType is not null || generated.WitName != (iface?.Name ?? string.Empty)
            || generated.Fingerprint != WitFingerprint.Compute(iface?.Name ?? string.Empty, functions))
        {
            return null;
        }

        var plans = new List<MethodPlan>();
        var problems = new List<string>();
        foreach (var m in clr.GetMethods())
        {
            var witName = m.GetCustomAttribute<WitNameAttribute>()?.Name;
            var f = available.FirstOrDefault(x => x.Name == witName);
            if (f is null)
            {
                return null;
            }

            var ps = m.GetParameters();
            var plan = new MethodPlan(f, m.Name, ps.Select(p => p.ParameterType).ToArray(), ps.Select(p => p.Name ?? "arg").ToArray(), m.ReturnType, m, null);
            var where = $"{clr.Name}.{m.Name} ↔ {f.Signature}";
            plan.Converters = f.Parameters.Select((p, i) => world.Converters.Create(p.Type, ps[i].ParameterType, problems, where)!).ToArray();
            if (f.Result is not null)
            {
                plan.ResultConverter = world.Converters.Create(f.Result, m.ReturnType, problems, where);
            }

            plans.Add(plan);
        }

        return problems.Count == 0 ? plans : null;
    }

    private static string Suggest(WorldTypes world, WitFunction f, string name, bool method)
    {
        try
        {
            var rt = f.Result is null ? "void" : world.Converters.DefaultTypeName(f.Result);
            var ps = method ? f.Parameters.Skip(1) : f.Parameters;
            return $"{rt} {name}({string.Join(", ", ps.Select(p => world.Converters.DefaultTypeName(p.Type) + " " + Naming.ToCamelCase(p.Name)))})";
        }
        catch (Exception)
        {
            return f.Signature;
        }
    }
}
