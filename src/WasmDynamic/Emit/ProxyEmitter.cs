using System.Reflection;
using System.Reflection.Emit;
using WasmDynamic.Marshalling;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Emit;

/// <summary>
/// Emits proxy classes deriving from <see cref="ComponentProxy"/>: with the default type map (one class for the root
/// functions and one per exported interface), or implementing a user interface for <c>GetInterface&lt;T&gt;</c>.
/// The user interface is validated completely before anything is emitted; all mismatches are reported together.
/// </summary>
internal static class ProxyEmitter
{
    private sealed record Plan(WitFunction Function, string Name, Type[] ParameterTypes, string[] ParameterNames, Type ReturnType, MethodInfo? Implements, ValueConverter[] Parameters, ValueConverter? Result);

    public static ProxyTypeInfo Emit(WorldTypes world, WitInterface? iface, Type? clrInterface)
    {
        var functions = iface is null ? world.World.ExportedFunctions : iface.Functions;
        var plans = clrInterface is null ? DefaultPlans(world, iface, functions) : InterfacePlans(world, iface, functions, clrInterface);

        var scope = world.Scope;
        var baseName = iface is null ? "RootExports" : Naming.ToPascalCase(iface.ShortName) + "Exports";
        var name = scope.UniqueName("WasmDynamic.Emitted.Proxies", clrInterface is null ? baseName : clrInterface.Name.TrimStart('I') + "Proxy");
        var tb = scope.Module.DefineType(name, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class, typeof(ComponentProxy), clrInterface is null ? Type.EmptyTypes : [clrInterface]);

        // C#: public XExports(object binding) : base(binding) { }
        var ctor = tb.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, [typeof(object)]);
        var cil = ctor.GetILGenerator();
        cil.Emit(OpCodes.Ldarg_0);
        cil.Emit(OpCodes.Ldarg_1);
        cil.Emit(OpCodes.Call, Tokens.ProxyCtor);
        cil.Emit(OpCodes.Ret);

        var staticFields = new List<(string Field, ValueConverter Converter)>();
        var methods = new List<MethodBuilder>();
        for (var k = 0; k < plans.Count; k++)
        {
            methods.Add(EmitMethod(tb, plans[k], k, staticFields));
        }

        var type = tb.CreateType();
        foreach (var (field, converter) in staticFields)
        {
            type.GetField(field, BindingFlags.NonPublic | BindingFlags.Static)!.SetValue(null, converter);
        }

        var bound = plans.Select((p, k) => new BoundFunction(p.Function, type.GetMethod(methods[k].Name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, p.ParameterTypes)!, p.Parameters, p.Result)).ToArray();
        return new ProxyTypeInfo(type, iface, bound);
    }

    private static List<Plan> DefaultPlans(WorldTypes world, WitInterface? iface, IEnumerable<WitFunction> functions)
    {
        var plans = new List<Plan>();
        var problems = new List<string>();
        foreach (var f in functions.Where(f => f.Kind == WitFunctionKind.Freestanding))
        {
            var where = $"{Qualified(iface, f)} ({f.Signature})";
            try
            {
                var pts = f.Parameters.Select(p => world.Converters.DefaultType(p.Type)).ToArray();
                var rt = f.Result is null ? typeof(void) : world.Converters.DefaultType(f.Result);
                var ps = f.Parameters.Select((p, i) => world.Converters.Create(p.Type, pts[i], problems, where)).ToArray();
                var r = f.Result is null ? null : world.Converters.Create(f.Result, rt, problems, where);
                if (ps.All(c => c is not null) && (f.Result is null || r is not null))
                {
                    plans.Add(new Plan(f, Naming.ToPascalCase(f.ShortName), pts, f.Parameters.Select(p => Naming.ToCamelCase(p.Name)).ToArray(), rt, null, ps!, r));
                }
            }
            catch (NotSupportedException)
            {
                // A function whose types the default map cannot express yet (resources, maps, streams…) is left out
                // of the default proxy rather than failing the whole interface; GetInterface<T> reports it if asked.
            }
        }

        if (problems.Count > 0)
        {
            // The default map always fits itself; a problem here is a bug in WasmDynamic, not in the user's code.
            throw new ComponentBindingException("WasmDynamic could not bind its own default type map (please report this):", problems);
        }

        return plans;
    }

    private static List<Plan> InterfacePlans(WorldTypes world, WitInterface? iface, EquatableArray<WitFunction> functions, Type clr)
    {
        if (!clr.IsInterface)
        {
            throw new ComponentBindingException($"GetInterface<{clr.Name}>() needs a C# interface type.", []);
        }

        var problems = new List<string>();
        var plans = new List<Plan>();
        var available = functions.Where(f => f.Kind == WitFunctionKind.Freestanding).ToList();
        var methods = clr.GetMethods().Concat(clr.GetInterfaces().SelectMany(i => i.GetMethods())).Where(m => !m.IsSpecialName).ToList();
        foreach (var p in clr.GetProperties().Concat(clr.GetInterfaces().SelectMany(i => i.GetProperties())))
        {
            problems.Add($"{clr.Name}.{p.Name}: properties cannot be bound to component functions; declare a method.");
        }

        foreach (var m in methods)
        {
            var witName = m.GetCustomAttribute<WitNameAttribute>()?.Name;
            var f = witName is not null ? available.FirstOrDefault(x => x.ShortName == witName || x.Name == witName) : available.FirstOrDefault(x => Naming.Matches(m.Name, x.ShortName));
            var clrSig = $"{ConverterFactory.Describe(m.ReturnType)} {m.Name}({string.Join(", ", m.GetParameters().Select(p => ConverterFactory.Describe(p.ParameterType) + " " + p.Name))})";
            if (f is null)
            {
                problems.Add($"{clr.Name}.{clrSig}: the {(iface is null ? "component's root exports have" : $"interface '{iface.Name}' has")} no function named '{witName ?? Naming.ToKebabCase(m.Name)}'. Available: {string.Join(", ", available.Select(x => x.Name))}.");
                continue;
            }

            var where = $"{clr.Name}.{m.Name} ↔ {Qualified(iface, f)} ({f.Signature})";
            var ps = m.GetParameters();
            if (ps.Length != f.Parameters.Count)
            {
                problems.Add($"{where}: takes {f.Parameters.Count} parameter(s) but the C# method takes {ps.Length}; a fitting C# signature is {Suggest(world, f, m.Name)}.");
                continue;
            }

            var before = problems.Count;
            var convs = ps.Select((p, i) => world.Converters.Create(f.Parameters[i].Type, p.ParameterType, problems, $"{where}, parameter '{p.Name}'")).ToArray();
            ValueConverter? result = null;
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
                result = world.Converters.Create(f.Result, m.ReturnType, problems, $"{where}, result");
            }

            if (problems.Count > before)
            {
                problems[^1] += $" A fitting C# signature is {Suggest(world, f, m.Name)}.";
                continue;
            }

            plans.Add(new Plan(f, m.Name, ps.Select(p => p.ParameterType).ToArray(), ps.Select(p => p.Name ?? "arg").ToArray(), m.ReturnType, m, convs!, result));
        }

        if (problems.Count > 0)
        {
            throw new ComponentBindingException(
                $"{clr.FullName} does not fit {(iface is null ? "the component's root exports" : $"the exported interface '{iface.Name}'")}:", problems);
        }

        return plans;
    }

    private static string Suggest(WorldTypes world, WitFunction f, string name)
    {
        try
        {
            var rt = f.Result is null ? "void" : world.Converters.DefaultTypeName(f.Result);
            return $"{rt} {name}({string.Join(", ", f.Parameters.Select(p => world.Converters.DefaultTypeName(p.Type) + " " + Naming.ToCamelCase(p.Name)))})";
        }
        catch (Exception)
        {
            return f.Signature;
        }
    }

    internal static string Qualified(WitInterface? iface, WitFunction f) => iface is null ? f.Name : $"{iface.Name}#{f.Name}";

    private static unsafe MethodBuilder EmitMethod(TypeBuilder tb, Plan plan, int index, List<(string, ValueConverter)> staticFields)
    {
        var attrs = MethodAttributes.Public | MethodAttributes.HideBySig;
        if (plan.Implements is not null)
        {
            attrs |= MethodAttributes.Virtual | MethodAttributes.Final | MethodAttributes.NewSlot;
        }

        var mb = tb.DefineMethod(plan.Implements is null ? plan.Name : plan.Implements.DeclaringType!.Name + "." + plan.Name, attrs, plan.ReturnType, plan.ParameterTypes);
        for (var i = 0; i < plan.ParameterNames.Length; i++)
        {
            mb.DefineParameter(i + 1, ParameterAttributes.None, plan.ParameterNames[i]);
        }

        mb.SetCustomAttribute(new CustomAttributeBuilder(Tokens.WitNameCtor, [plan.Function.Name]));
        if (plan.Implements is not null)
        {
            tb.DefineMethodOverride(mb, plan.Implements);
        }

        var fields = new FieldBuilder[plan.Parameters.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            var convType = typeof(ValueConverter<>).MakeGenericType(plan.ParameterTypes[i]);
            fields[i] = tb.DefineField($"s_{index}_{i}", convType, FieldAttributes.Private | FieldAttributes.Static);
            staticFields.Add((fields[i].Name, plan.Parameters[i]));
        }

        FieldBuilder? resultField = null;
        if (plan.Result is not null)
        {
            var liftType = plan.ReturnType == typeof(void) ? plan.Result.ClrType : plan.ReturnType;
            resultField = tb.DefineField($"s_{index}_r", typeof(ValueConverter<>).MakeGenericType(liftType), FieldAttributes.Private | FieldAttributes.Static);
            staticFields.Add((resultField.Name, plan.Result));
        }

        // C#:
        //   var inv = Invokers[index];
        //   Val* args = inv.Begin();
        //   try {
        //       s_i_0.Lower(a0, args + 0, inv.Context); ...
        //       Val* r = inv.Call();
        //       result = s_i_r.Lift(r);          (or: s_i_r.Lift(r) discarded, for a void result<_, E>)
        //   } finally { inv.End(); }
        //   return result;
        var il = mb.GetILGenerator();
        var inv = il.DeclareLocal(typeof(Hosting.FunctionInvoker));
        var args = il.DeclareLocal(typeof(nint));
        var result = plan.ReturnType == typeof(void) ? null : il.DeclareLocal(plan.ReturnType);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, Tokens.ProxyInvokers);
        il.Emit(OpCodes.Ldc_I4, index);
        il.Emit(OpCodes.Ldelem_Ref);
        il.Emit(OpCodes.Stloc, inv);
        il.Emit(OpCodes.Ldloc, inv);
        il.Emit(OpCodes.Callvirt, Tokens.InvokerBegin);
        il.Emit(OpCodes.Stloc, args);
        var end = il.DefineLabel();
        il.BeginExceptionBlock();
        for (var i = 0; i < fields.Length; i++)
        {
            // stack: converter, value, args + i*32, context
            il.Emit(OpCodes.Ldsfld, fields[i]);
            il.Emit(OpCodes.Ldarg, i + 1);
            il.Emit(OpCodes.Ldloc, args);
            if (i > 0)
            {
                il.Emit(OpCodes.Ldc_I4, i * Val.Size);
                il.Emit(OpCodes.Conv_I);
                il.Emit(OpCodes.Add);
            }

            il.Emit(OpCodes.Ldloc, inv);
            il.Emit(OpCodes.Callvirt, Tokens.InvokerContext);
            il.Emit(OpCodes.Callvirt, Tokens.Lower(fields[i].FieldType));
        }

        il.Emit(OpCodes.Ldloc, inv);
        il.Emit(OpCodes.Callvirt, Tokens.InvokerCall);
        if (resultField is not null)
        {
            // stack: r → converter, r → lifted
            var r = il.DeclareLocal(typeof(nint));
            il.Emit(OpCodes.Stloc, r);
            il.Emit(OpCodes.Ldsfld, resultField);
            il.Emit(OpCodes.Ldloc, r);
            il.Emit(OpCodes.Callvirt, Tokens.Lift(resultField.FieldType));
            if (result is not null)
            {
                il.Emit(OpCodes.Stloc, result);
            }
            else
            {
                il.Emit(OpCodes.Pop);
            }
        }
        else
        {
            il.Emit(OpCodes.Pop);
        }

        il.Emit(OpCodes.Leave, end);
        il.BeginFinallyBlock();
        il.Emit(OpCodes.Ldloc, inv);
        il.Emit(OpCodes.Callvirt, Tokens.InvokerEnd);
        il.EndExceptionBlock();
        il.MarkLabel(end);
        if (result is not null)
        {
            il.Emit(OpCodes.Ldloc, result);
        }

        il.Emit(OpCodes.Ret);
        return mb;
    }
}
