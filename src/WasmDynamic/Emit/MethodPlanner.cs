using System.Reflection;
using WasmDynamic.Binding;
using WasmDynamic.Marshalling;
using WasmDynamic.Wit;

namespace WasmDynamic.Emit;

/// <summary>
/// Plans emitted methods: the default type map (names from <see cref="BindingNames"/>), or a user interface checked as
/// a whole with the policy's <see cref="SignatureMatcher"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static class MethodPlanner
{
    /// <param name="world">The world's types.</param>
    /// <param name="functions">The functions of one interface or resource, in the component's order.</param>
    /// <param name="selfType">The class of <c>this</c> for resource methods; null for an interface's functions.</param>
    /// <param name="reserved">Names the members must not take (a resource class's <c>Dispose</c>).</param>
    public static List<MethodPlan> Default(WorldTypes world, IEnumerable<WitFunction> functions, Type? selfType, params string[] reserved)
    {
        // A function whose types the default map cannot express yet (maps, streams…) is left out of the default proxy
        // rather than failing the whole interface; GetInterface<T> reports it if asked.
        var bound = functions.Where(f => Marshallable.WhyNot(f, BindingProfile.Dynamic) is null).ToList();
        var names = BindingNames.MemberNames(bound, reserved);
        var plans = new List<MethodPlan>();
        for (var k = 0; k < bound.Count; k++)
        {
            var f = bound[k];
            var ps = BindingMessages.ClrParameters(f).ToList();
            var types = ps.Select(p => world.DataTypes.ClrType(p.Type)).ToArray();
            var returnType = f.Result is null ? typeof(void) : world.DataTypes.ClrType(f.Result);
            plans.Add(new MethodPlan(f, names[k], types, ps.Select(p => Naming.ToCamelCase(p.Name)).ToArray(), returnType, null, selfType));
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
        var methods = clr.GetMethods().Concat(clr.GetInterfaces().Where(i => i != typeof(IDisposable) && i != typeof(IAsyncDisposable)).SelectMany(i => i.GetMethods())).Where(m => !m.IsSpecialName).ToList();
        foreach (var p in clr.GetProperties().Concat(clr.GetInterfaces().SelectMany(i => i.GetProperties())))
        {
            problems.Add($"{clr.Name}.{p.Name}: properties cannot be bound to component functions; declare a method.");
        }

        var byName = new FunctionNameIndex(available);
        foreach (var m in methods)
        {
            var witName = m.GetCustomAttribute<WitNameAttribute>()?.Name;
            var awaitKind = SignatureMatcher.Awaited(m.ReturnType, out var awaited);
            var index = byName.Find(witName ?? m.Name, out var ambiguous);
            if (witName is null && BindingNames.AsyncName(m) is { } stripped && byName.Find(stripped, out var strippedAmbiguous) is var async && (async >= 0 || strippedAmbiguous is not null))
            {
                // VersionAsync() returning a task is WIT `version` (before `version-async`).
                (index, ambiguous) = (async, strippedAmbiguous);
            }

            var f = index >= 0 ? available[index] : null;
            var clrSig = BindingMessages.Signature(m);
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
            var takesToken = SignatureMatcher.TakesCancellation(m, awaitKind);
            var ps = m.GetParameters().Take(SignatureMatcher.WitParameterCount(m)).ToArray();
            if (ps.Length != witParams.Count)
            {
                problems.Add($"{where}: takes {witParams.Count} parameter(s) but the C# method takes {ps.Length}; a fitting C# signature is {Suggest(world, f, m.Name)}.");
                continue;
            }

            var plan = new MethodPlan(f, m.Name, ps.Select(p => p.ParameterType).ToArray(), ps.Select(p => p.Name ?? "arg").ToArray(), awaited, m, selfType, awaitKind, takesToken);
            var types = f.Parameters.Select((_, i) => plan.WitParameterClrType(i)).ToArray();
            var matched = SignatureMatcher.Match(world.Converters, f, types, awaited, BindingDirection.Export, where, i => i == 0 && selfType is not null ? "self" : $"parameter '{f.Parameters[i].Name}'", problems);
            if (matched is null)
            {
                problems[^1] += $" A fitting C# signature is {Suggest(world, f, m.Name)}.";
                continue;
            }

            plan.Converters = matched.Parameters;
            plan.ResultConverter = matched.Result;
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

            var awaitKind = SignatureMatcher.Awaited(m.ReturnType, out var awaited);
            var ps = m.GetParameters().Take(SignatureMatcher.WitParameterCount(m)).ToArray();
            var plan = new MethodPlan(f, m.Name, ps.Select(p => p.ParameterType).ToArray(), ps.Select(p => p.Name ?? "arg").ToArray(), awaited, m, null, awaitKind, SignatureMatcher.TakesCancellation(m, awaitKind));
            var matched = SignatureMatcher.Match(world.Converters, f, ps.Select(p => p.ParameterType).ToArray(), awaited, BindingDirection.Export, $"{clr.Name}.{m.Name} ↔ {f.Signature}", i => $"parameter '{f.Parameters[i].Name}'", problems);
            if (matched is null)
            {
                return null;
            }

            plan.Converters = matched.Parameters;
            plan.ResultConverter = matched.Result;
            plans.Add(plan);
        }

        return problems.Count == 0 ? plans : null;
    }

    private static string Suggest(WorldTypes world, WitFunction f, string name)
    {
        try
        {
            return BindingMessages.Method(f, name, world.Converters.DefaultTypeName);
        }
        catch (Exception)
        {
            return f.Signature;
        }
    }
}
