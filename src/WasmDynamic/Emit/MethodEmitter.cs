// Slightly over 400 lines: one proxy method's IL for sync and async calls, sharing the lowering and lifting emitters.
using System.Reflection;
using System.Reflection.Emit;
using WasmDynamic.Binding;
using WasmDynamic.Marshalling;
using WasmDynamic.Native;

namespace WasmDynamic.Emit;

/// <summary>
/// Emits the body every bound method shares: enter the instance, lower each argument with its typed converter
/// straight into the invoker's native argument slots, call, lift the result, leave.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static class MethodEmitter
{
    private static readonly MethodInfo LowerDefinition = typeof(ValueConverter<>).GetMethod("Lower")!;
    private static readonly MethodInfo LiftDefinition = typeof(ValueConverter<>).GetMethod("Lift")!;
    private static readonly MethodInfo StringLower = typeof(StringConverter).GetMethod(nameof(StringConverter.LowerValue))!;
    private static readonly MethodInfo StringLift = typeof(StringConverter).GetMethod(nameof(StringConverter.LiftValue))!;

    /// <summary>The converter fields a method uses, to be assigned once converters exist.</summary>
    public sealed record Fields(string[] Parameters, string? Result);

    public static (MethodBuilder Method, Fields Fields) Emit(TypeBuilder tb, MethodPlan plan, int index, FieldInfo invokersField)
    {
        var attrs = MethodAttributes.Public | MethodAttributes.HideBySig;
        if (plan.Implements is not null)
        {
            attrs |= MethodAttributes.Virtual | MethodAttributes.Final | MethodAttributes.NewSlot;
        }

        var mb = tb.DefineMethod(plan.Implements is null ? plan.Name : plan.Implements.DeclaringType!.Name + "." + plan.Name, attrs, plan.DeclaredReturnType, plan.DeclaredParameterTypes);
        for (var i = 0; i < plan.ParameterNames.Length; i++)
        {
            mb.DefineParameter(i + 1, ParameterAttributes.None, plan.ParameterNames[i]);
        }

        if (plan.TakesCancellation)
        {
            mb.DefineParameter(plan.ParameterNames.Length + 1, ParameterAttributes.None, "cancellationToken");
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

        if (plan.Await != AwaitKind.None)
        {
            EmitAsync(mb.GetILGenerator(), plan, index, invokersField, fields, resultField, liftType);
            return (mb, new Fields(fields.Select(f => f.Name).ToArray(), resultField?.Name));
        }

        if (AllScalars(plan))
        {
            EmitScalarCall(mb.GetILGenerator(), plan, index, invokersField, fields);
            return (mb, new Fields(fields.Select(f => f.Name).ToArray(), resultField?.Name));
        }

        // C#:
        //   var inv = Invokers[index];
        //   Val* args = inv.Begin();
        //   int current = -1;
        //   try {
        //       try {
        //           current = 0; s_i_0.Lower(a0, args + 0, cx); ...      (a0 is `this` for a resource method; cx = inv.Context, read once after Begin)
        //           Val* r = inv.Call();
        //           result = s_i_r.Lift(r, cx);   (or: lifted and discarded, for a void result<_, E>)
        //       }
        //       catch (ComponentArgumentException e) { throw inv.ArgumentFailed(e, current); }   (names function and parameter)
        //       catch (ComponentErrorException e) { throw inv.ErrorReturned(e); }              (names the function)
        //   } finally { inv.End(); }
        //   return result;
        var il = mb.GetILGenerator();
        var inv = il.DeclareLocal(typeof(ExportCall));
        var args = il.DeclareLocal(typeof(nint));
        var result = plan.ReturnType == typeof(void) ? null : il.DeclareLocal(plan.ReturnType);
        LoadInvoker(il, invokersField, index, inv);
        il.Emit(OpCodes.Ldloc, inv);
        il.Emit(OpCodes.Callvirt, Tokens.InvokerBegin);
        il.Emit(OpCodes.Stloc, args);
        var end = il.DefineLabel();
        var current = il.DeclareLocal(typeof(int));
        il.Emit(OpCodes.Ldc_I4_M1);
        il.Emit(OpCodes.Stloc, current);
        // C#: var cx = inv.Context;   (read once: every converter call of this call takes the same context)
        var cx = il.DeclareLocal(typeof(MarshalContext));
        il.Emit(OpCodes.Ldloc, inv);
        il.Emit(OpCodes.Callvirt, Tokens.InvokerContext);
        il.Emit(OpCodes.Stloc, cx);
        il.BeginExceptionBlock();
        il.BeginExceptionBlock();
        EmitLowering(il, plan, fields, args, current, () => il.Emit(OpCodes.Ldloc, cx));

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
            ScalarSlots.EmitLoadPayload(il, scalarResult);
            il.Emit(OpCodes.Stloc, result);
        }
        else if (resultField is not null && result is not null && StringConverter.Serves(plan.Function.Result!, plan.ReturnType))
        {
            // C#: result = StringConverter.LiftValue(r);   (what the converter's Lift does)
            il.Emit(OpCodes.Call, StringLift);
            il.Emit(OpCodes.Stloc, result);
        }
        else if (resultField is not null)
        {
            // stack: r → converter, r, context → lifted
            var r = il.DeclareLocal(typeof(nint));
            il.Emit(OpCodes.Stloc, r);
            il.Emit(OpCodes.Ldsfld, resultField);
            il.Emit(OpCodes.Ldloc, r);
            il.Emit(OpCodes.Ldloc, cx);
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

    /// <summary>True when every parameter and the result (if any) is a scalar passed as its exact CLR type (written and read in place).</summary>
    private static bool AllScalars(MethodPlan plan)
    {
        for (var i = 0; i < plan.Function.Parameters.Count; i++)
        {
            if (Scalar(plan.Function.Parameters[i].Type, plan.WitParameterClrType(i)) is null)
            {
                return false;
            }
        }

        return plan.Function.Result is null
            ? plan.ReturnType == typeof(void)
            : plan.ReturnType != typeof(void) && Scalar(plan.Function.Result, plan.ReturnType) is not null;
    }

    /// <summary>
    /// The body of a method whose parameters and result are all scalars: the slots live on the caller's stack, and one
    /// call into the invoker enters, calls and leaves (no exception block here: scalars neither fail to lower nor
    /// need freeing; the invoker leaves the instance in its own finally).
    /// </summary>
    private static void EmitScalarCall(ILGenerator il, MethodPlan plan, int index, FieldInfo invokersField, FieldBuilder[] fields)
    {
        // C#:
        //   var inv = Invokers[index];
        //   Val* args = stackalloc Val[n + 1];             (zeroed: the result slot starts as a plain bool)
        //   args[i].Kind = kind_i; *(T_i*)((byte*)&args[i] + 8) = a_i; ...
        //   inv.CallScalars(args, hasResult ? args + n : null);
        //   return *(TR*)((byte*)(args + n) + 8);
        var witCount = plan.Function.Parameters.Count;
        var hasResult = plan.Function.Result is not null;
        var inv = il.DeclareLocal(typeof(ExportCall));
        var args = il.DeclareLocal(typeof(nint));
        var unused = il.DeclareLocal(typeof(int));
        LoadInvoker(il, invokersField, index, inv);
        il.Emit(OpCodes.Ldc_I4, (witCount + 1) * Val.Size);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Localloc);
        il.Emit(OpCodes.Stloc, args);
        EmitLowering(il, plan, fields, args, unused, () => throw new InvalidOperationException("A scalar parameter needs no converter context."));

        // stack: inv, args, result slot (or null)
        il.Emit(OpCodes.Ldloc, inv);
        il.Emit(OpCodes.Ldloc, args);
        if (hasResult)
        {
            il.Emit(OpCodes.Ldloc, args);
            il.Emit(OpCodes.Ldc_I4, witCount * Val.Size);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Add);
        }
        else
        {
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Conv_U);
        }

        il.Emit(OpCodes.Callvirt, Tokens.InvokerCallScalars);
        if (hasResult)
        {
            il.Emit(OpCodes.Ldloc, args);
            il.Emit(OpCodes.Ldc_I4, (witCount * Val.Size) + 8);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Add);
            ScalarSlots.EmitLoadPayload(il, Scalar(plan.Function.Result!, plan.ReturnType)!);
        }

        il.Emit(OpCodes.Ret);
    }

    /// <summary>
    /// Lowers every argument into the slots at local <paramref name="args"/>: scalars written in place, the rest with
    /// their typed converters and the context <paramref name="loadContext"/> pushes; <paramref name="current"/> tracks the
    /// WIT parameter being lowered, for argument errors.
    /// </summary>
    private static void EmitLowering(ILGenerator il, MethodPlan plan, FieldBuilder[] fields, LocalBuilder args, LocalBuilder current, Action loadContext)
    {
        var witCount = plan.Function.Parameters.Count;
        for (var i = 0; i < witCount; i++)
        {
            var argIndex = plan.SelfType is null ? i + 1 : i;
            if (Scalar(plan.Function.Parameters[i].Type, plan.WitParameterClrType(i)) is { } scalar)
            {
                // C#: args[i].Kind = kind; *(T*)((byte*)&args[i] + 8) = a_i;   (no converter call for scalars)
                LoadSlot(il, args, i);

                il.Emit(OpCodes.Ldc_I4, (int)scalar.Kind);
                il.Emit(OpCodes.Stind_I1);
                il.Emit(OpCodes.Ldloc, args);
                il.Emit(OpCodes.Ldc_I4, (i * Val.Size) + 8);
                il.Emit(OpCodes.Conv_I);
                il.Emit(OpCodes.Add);
                il.Emit(OpCodes.Ldarg, argIndex);
                ScalarSlots.EmitStorePayload(il, scalar);
                continue;
            }

            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Stloc, current);
            if (StringConverter.Serves(plan.Function.Parameters[i].Type, plan.WitParameterClrType(i)))
            {
                // C#: StringConverter.LowerValue(a_i, args + i*32, cx);   (what the converter's Lower does)
                il.Emit(OpCodes.Ldarg, argIndex);
                LoadSlot(il, args, i);

                loadContext();
                il.Emit(OpCodes.Call, StringLower);
                continue;
            }

            // stack: converter, value, args + i*32, context
            il.Emit(OpCodes.Ldsfld, fields[i]);
            il.Emit(OpCodes.Ldarg, argIndex);
            LoadSlot(il, args, i);
            loadContext();
            il.Emit(OpCodes.Callvirt, Method(fields[i].FieldType, LowerDefinition));
        }
    }

    /// <summary>Pushes the address of argument slot <paramref name="i"/>: <c>args + i*32</c>.</summary>
    private static void LoadSlot(ILGenerator il, LocalBuilder args, int i)
    {
        il.Emit(OpCodes.Ldloc, args);
        if (i > 0)
        {
            il.Emit(OpCodes.Ldc_I4, i * Val.Size);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Add);
        }
    }

    /// <summary>
    /// The body of an async method (returning <c>Task</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask</c>, <c>ValueTask&lt;T&gt;</c>):
    /// the arguments are lowered into a frame of their own before the call waits for the instance.
    /// </summary>
    private static void EmitAsync(ILGenerator il, MethodPlan plan, int index, FieldInfo invokersField, FieldBuilder[] fields, FieldBuilder? resultField, Type? liftType)
    {
        // C#:
        //   var inv = Invokers[index];
        //   var frame = inv.BeginAsync();
        //   Val* args = frame.Args;
        //   int current = -1;
        //   try { current = 0; s_i_0.Lower(a0, args + 0, frame.Context); ... }
        //   catch (ComponentArgumentException e) { frame.Abandon(); throw inv.ArgumentFailed(e, current); }
        //   catch (Exception) { frame.Abandon(); throw; }
        //   return frame.Run<T>(s_i_r, cancellationToken);   (Run(ct) without a result; RunDiscarding<TOk> for a Task of result<_, E>)
        //   — for ValueTask: return new ValueTask<T>(that task);
        var inv = il.DeclareLocal(typeof(ExportCall));
        var frame = il.DeclareLocal(typeof(AsyncExportFrame));
        var args = il.DeclareLocal(typeof(nint));
        var current = il.DeclareLocal(typeof(int));
        var task = il.DeclareLocal(plan.ReturnType == typeof(void) || plan.Function.Result is null ? typeof(Task) : typeof(Task<>).MakeGenericType(plan.ReturnType));
        LoadInvoker(il, invokersField, index, inv);
        il.Emit(OpCodes.Ldloc, inv);
        il.Emit(OpCodes.Callvirt, Tokens.InvokerBeginAsync);
        il.Emit(OpCodes.Stloc, frame);
        il.Emit(OpCodes.Ldloc, frame);
        il.Emit(OpCodes.Callvirt, Tokens.FrameArgs);
        il.Emit(OpCodes.Stloc, args);
        il.Emit(OpCodes.Ldc_I4_M1);
        il.Emit(OpCodes.Stloc, current);
        var lowered = il.DefineLabel();
        il.BeginExceptionBlock();
        EmitLowering(il, plan, fields, args, current, () =>
        {
            il.Emit(OpCodes.Ldloc, frame);
            il.Emit(OpCodes.Callvirt, Tokens.FrameContext);
        });
        il.Emit(OpCodes.Leave, lowered);

        // stack: e → (inv, e, current) → located exception
        var argumentError = il.DeclareLocal(typeof(ComponentArgumentException));
        il.BeginCatchBlock(typeof(ComponentArgumentException));
        il.Emit(OpCodes.Stloc, argumentError);
        il.Emit(OpCodes.Ldloc, frame);
        il.Emit(OpCodes.Callvirt, Tokens.FrameAbandon);
        il.Emit(OpCodes.Ldloc, inv);
        il.Emit(OpCodes.Ldloc, argumentError);
        il.Emit(OpCodes.Ldloc, current);
        il.Emit(OpCodes.Callvirt, Tokens.InvokerArgumentFailed);
        il.Emit(OpCodes.Throw);
        il.BeginCatchBlock(typeof(Exception));
        il.Emit(OpCodes.Pop);
        il.Emit(OpCodes.Ldloc, frame);
        il.Emit(OpCodes.Callvirt, Tokens.FrameAbandon);
        il.Emit(OpCodes.Rethrow);
        il.EndExceptionBlock();
        il.MarkLabel(lowered);

        // stack: frame, [converter], token → task
        il.Emit(OpCodes.Ldloc, frame);
        if (plan.Function.Result is not null)
        {
            il.Emit(OpCodes.Ldsfld, resultField!);
        }

        if (plan.TakesCancellation)
        {
            il.Emit(OpCodes.Ldarg, (short)(plan.ParameterTypes.Length + 1));
        }
        else
        {
            var none = il.DeclareLocal(typeof(CancellationToken));
            il.Emit(OpCodes.Ldloca, none);
            il.Emit(OpCodes.Initobj, typeof(CancellationToken));
            il.Emit(OpCodes.Ldloc, none);
        }

        if (plan.Function.Result is null)
        {
            il.Emit(OpCodes.Callvirt, Tokens.FrameRun);
        }
        else
        {
            var run = plan.ReturnType == typeof(void) ? Tokens.FrameRunDiscarding : Tokens.FrameRunTyped;
            il.Emit(OpCodes.Callvirt, run.MakeGenericMethod(liftType!));
        }

        if (plan.Await == AwaitKind.ValueTask)
        {
            il.Emit(OpCodes.Stloc, task);
            il.Emit(OpCodes.Ldloc, task);
            il.Emit(OpCodes.Newobj, ValueTaskConstructor(task.LocalType == typeof(Task) ? null : plan.ReturnType));
        }

        il.Emit(OpCodes.Ret);
    }

    /// <summary><c>new ValueTask(Task)</c>, or <c>new ValueTask&lt;T&gt;(Task&lt;T&gt;)</c> (also when T is still being built).</summary>
    private static ConstructorInfo ValueTaskConstructor(Type? result)
    {
        if (result is null)
        {
            return typeof(ValueTask).GetConstructor([typeof(Task)])!;
        }

        var definition = typeof(ValueTask<>).GetConstructors().Single(c => c.GetParameters() is [{ ParameterType.IsGenericType: true } p] && p.ParameterType.GetGenericTypeDefinition() == typeof(Task<>));
        var constructed = typeof(ValueTask<>).MakeGenericType(result);
        return IsBuilding(result) ? TypeBuilder.GetConstructor(constructed, definition) : constructed.GetConstructor([typeof(Task<>).MakeGenericType(result)])!;
    }

    /// <summary>A WIT primitive passed as its exact default CLR type (the policy's table), which IL can write and read in place.</summary>
    private static ClrPrimitive? Scalar(Wit.WitType wit, Type clr) => ClrTypeMap.Scalar(wit, clr);

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

    /// <summary>Emits <c>inv = this.invokers[index];</c> (the proxy's invoker of this method).</summary>
    private static void LoadInvoker(ILGenerator il, FieldInfo invokersField, int index, LocalBuilder inv)
    {
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, invokersField);
        il.Emit(OpCodes.Ldc_I4, index);
        il.Emit(OpCodes.Ldelem_Ref);
        il.Emit(OpCodes.Stloc, inv);
    }
}
