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
        //   int current = -1;
        //   try {
        //       try {
        //           current = 0; s_i_0.Lower(a0, args + 0, inv.Context); ...      (a0 is `this` for a resource method)
        //           Val* r = inv.Call();
        //           result = s_i_r.Lift(r, inv.Context);   (or: lifted and discarded, for a void result<_, E>)
        //       }
        //       catch (ComponentArgumentException e) { throw inv.ArgumentFailed(e, current); }   (names function and parameter)
        //       catch (ComponentErrorException e) { throw inv.ErrorReturned(e); }              (names the function)
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
        var current = il.DeclareLocal(typeof(int));
        il.Emit(OpCodes.Ldc_I4_M1);
        il.Emit(OpCodes.Stloc, current);
        il.BeginExceptionBlock();
        il.BeginExceptionBlock();
        for (var i = 0; i < witCount; i++)
        {
            var argIndex = plan.SelfType is null ? i + 1 : i;
            if (Scalar(plan.Function.Parameters[i].Type, plan.WitParameterClrType(i)) is { } scalar)
            {
                // C#: args[i].Kind = kind; *(T*)((byte*)&args[i] + 8) = a_i;   (no converter call for scalars)
                il.Emit(OpCodes.Ldloc, args);
                if (i > 0)
                {
                    il.Emit(OpCodes.Ldc_I4, i * Val.Size);
                    il.Emit(OpCodes.Conv_I);
                    il.Emit(OpCodes.Add);
                }

                il.Emit(OpCodes.Ldc_I4, (int)scalar.Kind);
                il.Emit(OpCodes.Stind_I1);
                il.Emit(OpCodes.Ldloc, args);
                il.Emit(OpCodes.Ldc_I4, (i * Val.Size) + 8);
                il.Emit(OpCodes.Conv_I);
                il.Emit(OpCodes.Add);
                il.Emit(OpCodes.Ldarg, argIndex);
                EmitStore(il, scalar);
                continue;
            }

            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Stloc, current);

            // stack: converter, value, args + i*32, context
            il.Emit(OpCodes.Ldsfld, fields[i]);
            il.Emit(OpCodes.Ldarg, argIndex);
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

        il.Emit(OpCodes.Ldc_I4_M1);
        il.Emit(OpCodes.Stloc, current);
        il.Emit(OpCodes.Ldloc, inv);
        il.Emit(OpCodes.Callvirt, Tokens.InvokerCall);
        if (resultField is not null && result is not null && Scalar(plan.Function.Result!, plan.ReturnType) is { } scalarResult)
        {
            // C#: result = *(T*)((byte*)r + 8);   (Wasmtime type-checks results, so the kind is known)
            il.Emit(OpCodes.Ldc_I4_8);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Add);
            EmitLoad(il, scalarResult);
            il.Emit(OpCodes.Stloc, result);
        }
        else if (resultField is not null)
        {
            // stack: r → converter, r, context → lifted
            var r = il.DeclareLocal(typeof(nint));
            il.Emit(OpCodes.Stloc, r);
            il.Emit(OpCodes.Ldsfld, resultField);
            il.Emit(OpCodes.Ldloc, r);
            il.Emit(OpCodes.Ldloc, inv);
            il.Emit(OpCodes.Callvirt, Tokens.InvokerContext);
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

        // stack: e → (inv, e, current) → located exception
        var argumentError = il.DeclareLocal(typeof(ComponentArgumentException));
        il.BeginCatchBlock(typeof(ComponentArgumentException));
        il.Emit(OpCodes.Stloc, argumentError);
        il.Emit(OpCodes.Ldloc, inv);
        il.Emit(OpCodes.Ldloc, argumentError);
        il.Emit(OpCodes.Ldloc, current);
        il.Emit(OpCodes.Callvirt, Tokens.InvokerArgumentFailed);
        il.Emit(OpCodes.Throw);
        var returnedError = il.DeclareLocal(typeof(ComponentErrorException));
        il.BeginCatchBlock(typeof(ComponentErrorException));
        il.Emit(OpCodes.Stloc, returnedError);
        il.Emit(OpCodes.Ldloc, inv);
        il.Emit(OpCodes.Ldloc, returnedError);
        il.Emit(OpCodes.Callvirt, Tokens.InvokerErrorReturned);
        il.Emit(OpCodes.Throw);
        il.EndExceptionBlock();
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

    /// <summary>A WIT primitive passed as its exact default CLR type, which IL can write and read in place.</summary>
    private sealed record ScalarInfo(ValKind Kind, Type Type);

    private static ScalarInfo? Scalar(Wit.WitType wit, Type clr)
    {
        (Wit.WitTypeKind Wit, Type Clr, ValKind Kind)[] table =
        [
            (Wit.WitTypeKind.Bool, typeof(bool), ValKind.Bool), (Wit.WitTypeKind.S8, typeof(sbyte), ValKind.S8), (Wit.WitTypeKind.U8, typeof(byte), ValKind.U8),
            (Wit.WitTypeKind.S16, typeof(short), ValKind.S16), (Wit.WitTypeKind.U16, typeof(ushort), ValKind.U16), (Wit.WitTypeKind.S32, typeof(int), ValKind.S32),
            (Wit.WitTypeKind.U32, typeof(uint), ValKind.U32), (Wit.WitTypeKind.S64, typeof(long), ValKind.S64), (Wit.WitTypeKind.U64, typeof(ulong), ValKind.U64),
            (Wit.WitTypeKind.F32, typeof(float), ValKind.F32), (Wit.WitTypeKind.F64, typeof(double), ValKind.F64), (Wit.WitTypeKind.Char, typeof(System.Text.Rune), ValKind.Char),
        ];
        foreach (var (w, c, k) in table)
        {
            if (wit is Wit.WitPrimitive && wit.Kind == w && clr == c)
            {
                return new ScalarInfo(k, c);
            }
        }

        return null;
    }

    private static void EmitStore(ILGenerator il, ScalarInfo s)
    {
        switch (s.Kind)
        {
            case ValKind.Bool or ValKind.S8 or ValKind.U8: il.Emit(OpCodes.Stind_I1); break;
            case ValKind.S16 or ValKind.U16: il.Emit(OpCodes.Stind_I2); break;
            case ValKind.S32 or ValKind.U32: il.Emit(OpCodes.Stind_I4); break;
            case ValKind.S64 or ValKind.U64: il.Emit(OpCodes.Stind_I8); break;
            case ValKind.F32: il.Emit(OpCodes.Stind_R4); break;
            case ValKind.F64: il.Emit(OpCodes.Stind_R8); break;
            default: il.Emit(OpCodes.Stobj, s.Type); break;
        }
    }

    private static void EmitLoad(ILGenerator il, ScalarInfo s)
    {
        switch (s.Kind)
        {
            case ValKind.Bool or ValKind.U8: il.Emit(OpCodes.Ldind_U1); break;
            case ValKind.S8: il.Emit(OpCodes.Ldind_I1); break;
            case ValKind.S16: il.Emit(OpCodes.Ldind_I2); break;
            case ValKind.U16: il.Emit(OpCodes.Ldind_U2); break;
            case ValKind.S32: il.Emit(OpCodes.Ldind_I4); break;
            case ValKind.U32: il.Emit(OpCodes.Ldind_U4); break;
            case ValKind.S64 or ValKind.U64: il.Emit(OpCodes.Ldind_I8); break;
            case ValKind.F32: il.Emit(OpCodes.Ldind_R4); break;
            case ValKind.F64: il.Emit(OpCodes.Ldind_R8); break;
            default: il.Emit(OpCodes.Ldobj, s.Type); break;
        }
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
