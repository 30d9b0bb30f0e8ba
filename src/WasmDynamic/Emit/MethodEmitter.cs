using System.Reflection;
using System.Reflection.Emit;
using WasmDynamic.Hosting;
using WasmDynamic.Marshalling;
using WasmDynamic.Native;

namespace WasmDynamic.Emit;

/// <summary>
/// Emits the body every bound method shares: enter the instance, lower each argument with its typed converter
/// straight into the invoker's native argument slots, call, lift the result, leave.
/// </summary>
internal static class MethodEmitter
{
    private static readonly MethodInfo LowerDefinition = typeof(ValueConverter<>).GetMethod("Lower")!;
    private static readonly MethodInfo LiftDefinition = typeof(ValueConverter<>).GetMethod("Lift")!;

    /// <summary>The converter fields a method uses, to be assigned once converters exist.</summary>
    public sealed record Fields(string[] Parameters, string? Result);

    public static (MethodBuilder Method, Fields Fields) Emit(TypeBuilder tb, MethodPlan plan, int index, FieldInfo invokersField)
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

        var witCount = plan.Function.Parameters.Count;
        var fields = new FieldBuilder[witCount];
        for (var i = 0; i < witCount; i++)
        {
            fields[i] = tb.DefineField($"s_{index}_{i}", typeof(ValueConverter<>).MakeGenericType(plan.WitParameterClrType(i)), FieldAttributes.Assembly | FieldAttributes.Static);
        }

        FieldBuilder? resultField = null;
        var liftType = plan.Function.Result is null ? null : plan.ReturnType == typeof(void) ? plan.ResultConverter?.ClrType ?? typeof(Unit) : plan.ReturnType;
        if (liftType is not null)
        {
            resultField = tb.DefineField($"s_{index}_r", typeof(ValueConverter<>).MakeGenericType(liftType), FieldAttributes.Assembly | FieldAttributes.Static);
        }

        // C#:
        //   var inv = Invokers[index];
        //   Val* args = inv.Begin();
        //   try {
        //       s_i_0.Lower(a0, args + 0, inv.Context); ...      (a0 is `this` for a resource method)
        //       Val* r = inv.Call();
        //       result = s_i_r.Lift(r);          (or: lifted and discarded, for a void result<_, E>)
        //   } finally { inv.End(); }
        //   return result;
        var il = mb.GetILGenerator();
        var inv = il.DeclareLocal(typeof(FunctionInvoker));
        var args = il.DeclareLocal(typeof(nint));
        var result = plan.ReturnType == typeof(void) ? null : il.DeclareLocal(plan.ReturnType);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, invokersField);
        il.Emit(OpCodes.Ldc_I4, index);
        il.Emit(OpCodes.Ldelem_Ref);
        il.Emit(OpCodes.Stloc, inv);
        il.Emit(OpCodes.Ldloc, inv);
        il.Emit(OpCodes.Callvirt, Tokens.InvokerBegin);
        il.Emit(OpCodes.Stloc, args);
        var end = il.DefineLabel();
        il.BeginExceptionBlock();
        for (var i = 0; i < witCount; i++)
        {
            // stack: converter, value, args + i*32, context
            il.Emit(OpCodes.Ldsfld, fields[i]);
            il.Emit(OpCodes.Ldarg, plan.SelfType is null ? i + 1 : i);
            il.Emit(OpCodes.Ldloc, args);
            if (i > 0)
            {
                il.Emit(OpCodes.Ldc_I4, i * Val.Size);
                il.Emit(OpCodes.Conv_I);
                il.Emit(OpCodes.Add);
            }

            il.Emit(OpCodes.Ldloc, inv);
            il.Emit(OpCodes.Callvirt, Tokens.InvokerContext);
            il.Emit(OpCodes.Callvirt, Method(fields[i].FieldType, LowerDefinition));
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
            il.Emit(OpCodes.Callvirt, Method(resultField.FieldType, LiftDefinition));
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
        return (mb, new Fields(fields.Select(f => f.Name).ToArray(), resultField?.Name));
    }

    /// <summary>Assigns a method's converters to its static fields on the created type.</summary>
    public static void Assign(Type created, Fields fields, MethodPlan plan)
    {
        for (var i = 0; i < fields.Parameters.Length; i++)
        {
            created.GetField(fields.Parameters[i], BindingFlags.NonPublic | BindingFlags.Static)!.SetValue(null, plan.Converters![i]);
        }

        if (fields.Result is not null)
        {
            created.GetField(fields.Result, BindingFlags.NonPublic | BindingFlags.Static)!.SetValue(null, plan.ResultConverter);
        }
    }

    /// <summary>A method of <c>ValueConverter&lt;T&gt;</c>, also when T is a type still being built.</summary>
    private static MethodInfo Method(Type converterType, MethodInfo definition)
    {
        var t = converterType.GetGenericArguments()[0];
        return IsBuilding(t) ? TypeBuilder.GetMethod(converterType, definition) : converterType.GetMethod(definition.Name)!;
    }

    private static bool IsBuilding(Type t) =>
        t is TypeBuilder || (t.HasElementType && IsBuilding(t.GetElementType()!)) || (t.IsGenericType && t.GetGenericArguments().Any(IsBuilding)) || t.GetType().Name == "TypeBuilderInstantiation";
}
