using System.Reflection;
using System.Reflection.Emit;
using WasmDynamic.Marshalling;
using WasmDynamic.Native;

namespace WasmDynamic.Emit;

/// <summary>What an emitted host adapter reads: the converters, typed by the IL that uses them.</summary>
internal sealed class HostAdapterClosure(ValueConverter[] parameters, ValueConverter? result)
{
    public readonly ValueConverter[] Parameters = parameters;

    public readonly ValueConverter? Result = result;
}

/// <summary>
/// Calls a host method on <paramref name="target"/> (the host object or delegate; null for a static method, a
/// constructor or a resource method, whose object is <c>self</c>) with arguments lifted from native values, and lowers
/// its result. The target is an argument, so one adapter serves every instance bound with the same host types.
/// Returns null when the result is lowered, or, for an async host method, the <see cref="HostPending"/> task whose value
/// the async driver lowers once it completed.
/// </summary>
internal unsafe delegate HostPending? HostAdapter(object? target, Val* args, Val* results, MarshalContext cx);

/// <summary>
/// Emits, per imported function, an adapter that lifts each argument with its typed converter straight into the host
/// method's CLR parameter type, calls the method, and lowers the result — no boxing, no reflection per call.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static class HostAdapterEmitter
{

    private static readonly FieldInfo ParametersField = typeof(HostAdapterClosure).GetField(nameof(HostAdapterClosure.Parameters))!;
    private static readonly FieldInfo ResultField = typeof(HostAdapterClosure).GetField(nameof(HostAdapterClosure.Result))!;

    /// <summary>
    /// Emits the adapter for <paramref name="method"/>: a method on the adapter's target, a static method, a
    /// constructor (a resource's <c>[constructor]</c>), or, with <paramref name="selfFromArguments"/>, an instance
    /// method called on the host object that the guest's first argument (<c>self</c>) designates.
    /// </summary>
    public static HostAdapter Emit(MethodBase method, bool selfFromArguments, ValueConverter[] parameters, ValueConverter? result)
    {
        // args: 0 closure, 1 target, 2 args, 3 results, 4 cx
        var dm = new DynamicMethod($"host_{method.Name}", typeof(HostPending), [typeof(HostAdapterClosure), typeof(object), typeof(Val*), typeof(Val*), typeof(MarshalContext)], typeof(HostAdapterEmitter).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        var declaredReturn = method is MethodInfo mi ? mi.ReturnType : method.DeclaringType!;
        var awaitKind = Binding.SignatureMatcher.Awaited(declaredReturn, out var awaited);
        var takesToken = Binding.SignatureMatcher.TakesCancellation(method, awaitKind);
        var returnType = awaited;

        // C#: ((TTarget)target).Method(((ValueConverter<P0>)closure.Parameters[0]).Lift(args + 0, cx), ...)
        //     or: ((ValueConverter<TSelf>)closure.Parameters[0]).Lift(args + 0, cx).Method(... args + 1 ...)
        //     or: new TResource(...)
        var first = 0;
        if (selfFromArguments)
        {
            LiftArgument(il, 0, typeof(ValueConverter<>).MakeGenericType(parameters[0].ClrType));
            il.Emit(OpCodes.Castclass, method.DeclaringType!);
            first = 1;
        }
        else if (!method.IsStatic && method is MethodInfo)
        {
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Castclass, method.DeclaringType!);
        }

        var ps = method.GetParameters();
        var witCount = ps.Length - (takesToken ? 1 : 0);
        for (var i = 0; i < witCount; i++)
        {
            if (ScalarSlots.Of(parameters[first + i], ps[i].ParameterType) is { } scalar)
            {
                // C#: *(T*)((byte*)(args + i) + 8)   (Wasmtime passes the import's own types: no converter call)
                il.Emit(OpCodes.Ldarg_2);
                if (first + i > 0)
                {
                    il.Emit(OpCodes.Ldc_I4, (first + i) * Val.Size);
                    il.Emit(OpCodes.Conv_I);
                    il.Emit(OpCodes.Add);
                }

                ScalarSlots.EmitLoad(il, scalar);
                continue;
            }

            if (parameters[first + i] is StringConverter && ps[i].ParameterType == typeof(string))
            {
                // C#: StringConverter.LiftFilled(args + i)   (no converter lookup, cast or virtual call)
                il.Emit(OpCodes.Ldarg_2);
                if (first + i > 0)
                {
                    il.Emit(OpCodes.Ldc_I4, (first + i) * Val.Size);
                    il.Emit(OpCodes.Conv_I);
                    il.Emit(OpCodes.Add);
                }

                il.Emit(OpCodes.Call, LiftFilledString);
                continue;
            }

            LiftArgument(il, first + i, typeof(ValueConverter<>).MakeGenericType(ps[i].ParameterType));
        }

        if (takesToken)
        {
            // C#: ..., HostPending.CurrentToken)   — the token of the export call this import runs for
            il.Emit(OpCodes.Call, CurrentToken);
        }

        if (method is ConstructorInfo ctor)
        {
            il.Emit(OpCodes.Newobj, ctor);
        }
        else
        {
            il.Emit(method.IsStatic ? OpCodes.Call : OpCodes.Callvirt, (MethodInfo)method);
        }

        if (awaitKind != Binding.AwaitKind.None)
        {
            // C#: return HostPending.FromTask<TR>(task, (ValueConverter<TR>)closure.Result);   (FromValueTask, FromTask for no value)
            EmitPending(il, awaitKind, returnType, result);
            il.Emit(OpCodes.Ret);
            return (HostAdapter)dm.CreateDelegate(typeof(HostAdapter), new HostAdapterClosure(parameters, result));
        }

        // C#: ((ValueConverter<TR>)closure.Result).Lower(returned, results, cx);   — or drop the value
        if (returnType != typeof(void))
        {
            if (result is null)
            {
                il.Emit(OpCodes.Pop);
            }
            else if (ScalarSlots.Of(result, returnType) is { } scalar)
            {
                // C#: results->Kind = kind; *(TR*)((byte*)results + 8) = returned;   (no converter call)
                var returned = il.DeclareLocal(returnType);
                il.Emit(OpCodes.Stloc, returned);
                ScalarSlots.EmitStore(il, scalar, 3, returned);
            }
            else
            {
                var convType = typeof(ValueConverter<>).MakeGenericType(result.ClrType);
                var returned = il.DeclareLocal(returnType);
                il.Emit(OpCodes.Stloc, returned);
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldfld, ResultField);
                il.Emit(OpCodes.Castclass, convType);
                il.Emit(OpCodes.Ldloc, returned);
                il.Emit(OpCodes.Ldarg_3);
                il.Emit(OpCodes.Ldarg_S, (byte)4);
                il.Emit(OpCodes.Callvirt, Tokens.Lower(convType));
            }
        }
        else if (result is not null)
        {
            // A void host method for result<_, E>: returning normally is ok.
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, ResultField);
            il.Emit(OpCodes.Ldarg_3);
            il.Emit(OpCodes.Ldarg_S, (byte)4);
            il.Emit(OpCodes.Call, typeof(HostAdapterEmitter).GetMethod(nameof(LowerOk), BindingFlags.NonPublic | BindingFlags.Static)!);
        }

        // C#: return null;   (lowered already)
        il.Emit(OpCodes.Ldnull);
        il.Emit(OpCodes.Ret);
        return (HostAdapter)dm.CreateDelegate(typeof(HostAdapter), new HostAdapterClosure(parameters, result));
    }

    private static readonly MethodInfo LiftFilledString = typeof(StringConverter).GetMethod(nameof(StringConverter.LiftFilled))!;

    private static readonly MethodInfo CurrentToken = typeof(HostPending).GetProperty(nameof(HostPending.CurrentToken))!.GetMethod!;

    /// <summary>stack: task → HostPending, made with the result converter (typed for a value; untyped, or null, without).</summary>
    private static void EmitPending(ILGenerator il, Binding.AwaitKind kind, Type awaited, ValueConverter? result)
    {
        var valueTask = kind == Binding.AwaitKind.ValueTask;
        if (awaited == typeof(void))
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, ResultField);
            il.Emit(OpCodes.Call, typeof(HostPending).GetMethod(valueTask ? nameof(HostPending.FromValueTask) : nameof(HostPending.FromTask), 0, [valueTask ? typeof(ValueTask) : typeof(Task), typeof(ValueConverter)])!);
            return;
        }

        var convType = typeof(ValueConverter<>).MakeGenericType(awaited);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, ResultField);
        il.Emit(OpCodes.Castclass, convType);
        var factory = typeof(HostPending).GetMethods()
            .Single(m => m.Name == (valueTask ? nameof(HostPending.FromValueTask) : nameof(HostPending.FromTask)) && m.IsGenericMethodDefinition)
            .MakeGenericMethod(awaited);
        il.Emit(OpCodes.Call, factory);
    }

    private static void LiftArgument(ILGenerator il, int index, Type convType)
    {
        // stack: → converter, args + index*32, cx → lifted value
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, ParametersField);
        il.Emit(OpCodes.Ldc_I4, index);
        il.Emit(OpCodes.Ldelem_Ref);
        il.Emit(OpCodes.Castclass, convType);
        il.Emit(OpCodes.Ldarg_2);
        if (index > 0)
        {
            il.Emit(OpCodes.Ldc_I4, index * Val.Size);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Add);
        }

        il.Emit(OpCodes.Ldarg_S, (byte)4);
        il.Emit(OpCodes.Callvirt, Tokens.Lift(convType));
    }

    private static unsafe void LowerOk(ValueConverter converter, Val* results, MarshalContext cx) => converter.LowerBoxed(Unit.Value, results, cx);
}
