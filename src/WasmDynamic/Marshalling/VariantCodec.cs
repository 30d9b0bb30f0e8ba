using System.Reflection;
using System.Reflection.Emit;
using WasmDynamic.Native;

namespace WasmDynamic.Marshalling;

/// <summary>Lowers a variant value whose class is one of the cases; false for any other class (the caller reports it).</summary>
internal unsafe delegate bool VariantLowerer<T>(T value, Val* dst, MarshalContext cx);

/// <summary>Lifts a variant value of a known case with its payload; false otherwise (the caller reports it).</summary>
internal unsafe delegate bool VariantLifter<T>(Val* src, MarshalContext cx, out T value);

/// <summary>What the emitted variant methods read: each case's native name and payload converter.</summary>
internal sealed class VariantCodecState(NativeName[] names, ValueConverter?[] converters)
{
    public readonly NativeName[] Names = names;
    public readonly ValueConverter?[] Converters = converters;
}

/// <summary>
/// A variant's cases lowered and lifted by one emitted method each, straight-line: the case found by comparing the
/// value's exact class with each case class (lowering) or the case name's bytes (lifting), the payload read from or
/// passed to the case class's member and constructor directly, its converter called directly. It replaces, per call,
/// the virtual calls into case objects and their two compiled delegates (<see cref="PayloadVariantCase{T, TPayload}"/>),
/// which in the converter's shared generic code also see every variant's cases at one call site. Anything else (not a
/// case class, a name no case has, a payload missing) returns false and the converter's generic path reports it.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static unsafe class VariantCodec<T>
{
    private static readonly FieldInfo NamesField = typeof(VariantCodecState).GetField(nameof(VariantCodecState.Names))!;
    private static readonly FieldInfo ConvertersField = typeof(VariantCodecState).GetField(nameof(VariantCodecState.Converters))!;
    private static readonly MethodInfo GetTypeMethod = typeof(object).GetMethod(nameof(GetType))!;
    private static readonly MethodInfo TypeFromHandle = typeof(Type).GetMethod(nameof(Type.GetTypeFromHandle))!;
    private static readonly MethodInfo TypeEquals = typeof(Type).GetMethod("op_Equality", [typeof(Type), typeof(Type)])!;
    private static readonly MethodInfo WriteName = typeof(MarshalContext).GetMethod(nameof(MarshalContext.WriteName))!;
    private static readonly MethodInfo BeginBox = typeof(MarshalContext).GetMethod(nameof(MarshalContext.BeginBox))!;
    private static readonly MethodInfo FinishBox = typeof(MarshalContext).GetMethod(nameof(MarshalContext.FinishBox))!;
    private static readonly MethodInfo Matches = typeof(NativeName).GetMethod(nameof(NativeName.Matches))!;

    // Val: kind @0, the case name (a wasm_name_t) @8, the payload pointer @24.
    private const int NameOffset = 8;
    private const int PayloadOffset = 24;

    /// <summary>The two methods for <paramref name="cases"/>, or null when a case's constructor does not take its member's type.</summary>
    public static (VariantLowerer<T> Lower, VariantLifter<T> Lift)? TryCreate(VariantCase<T>[] cases)
    {
        if (typeof(T).IsValueType)
        {
            return null;
        }

        foreach (var c in cases)
        {
            if (c.PayloadMember is { } member && (c.Constructor.GetParameters() is not [var p] || p.ParameterType != MemberAccess.MemberType(member) || c.PayloadConverter is null))
            {
                return null;
            }
        }

        var state = new VariantCodecState(cases.Select(c => c.Name).ToArray(), cases.Select(c => c.PayloadConverter).ToArray());
        return (EmitLower(cases).CreateDelegate<VariantLowerer<T>>(state), EmitLift(cases).CreateDelegate<VariantLifter<T>>(state));
    }

    private static DynamicMethod EmitLower(VariantCase<T>[] cases)
    {
        // args: state, value, dst, cx
        var method = new DynamicMethod("LowerCase_" + typeof(T).Name, typeof(bool), [typeof(VariantCodecState), typeof(T), typeof(Val*), typeof(MarshalContext)], typeof(VariantCodec<T>).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        var type = il.DeclareLocal(typeof(Type));
        var slot = il.DeclareLocal(typeof(Val*));
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Callvirt, GetTypeMethod);
        il.Emit(OpCodes.Stloc, type);
        for (var k = 0; k < cases.Length; k++)
        {
            var c = cases[k];
            var next = il.DefineLabel();

            // C#: if (type == typeof(Case_k)) { dst->Kind = Variant; cx.WriteName(&dst->Bytes, names[k]); dst->VariantPayload = null; ... return true; }
            il.Emit(OpCodes.Ldloc, type);
            il.Emit(OpCodes.Ldtoken, c.CaseType);
            il.Emit(OpCodes.Call, TypeFromHandle);
            il.Emit(OpCodes.Call, TypeEquals);
            il.Emit(OpCodes.Brfalse, next);
            il.Emit(OpCodes.Ldarg_2);
            il.Emit(OpCodes.Ldc_I4, (int)ValKind.Variant);
            il.Emit(OpCodes.Stind_I1);
            il.Emit(OpCodes.Ldarg_3);
            CodecIL.Pointer(il, 2, NameOffset);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, NamesField);
            il.Emit(OpCodes.Ldc_I4, k);
            il.Emit(OpCodes.Ldelem, typeof(NativeName));
            il.Emit(OpCodes.Callvirt, WriteName);
            CodecIL.Pointer(il, 2, PayloadOffset);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Conv_U);
            il.Emit(OpCodes.Stind_I);
            if (c.PayloadMember is { } member)
            {
                // C#: var slot = cx.BeginBox(); converter_k.Lower(((Case_k)value).Member, slot, cx); dst->VariantPayload = cx.FinishBox(slot);
                var payloadType = MemberAccess.MemberType(member);
                il.Emit(OpCodes.Ldarg_3);
                il.Emit(OpCodes.Callvirt, BeginBox);
                il.Emit(OpCodes.Stloc, slot);
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldfld, ConvertersField);
                CodecIL.Converter(il, k, payloadType);
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Castclass, c.CaseType);
                CodecIL.Get(il, member, ownerIsStruct: false);
                il.Emit(OpCodes.Ldloc, slot);
                il.Emit(OpCodes.Ldarg_3);
                il.Emit(OpCodes.Callvirt, CodecIL.Method(payloadType, nameof(ValueConverter<int>.Lower)));
                CodecIL.Pointer(il, 2, PayloadOffset);
                il.Emit(OpCodes.Ldarg_3);
                il.Emit(OpCodes.Ldloc, slot);
                il.Emit(OpCodes.Callvirt, FinishBox);
                il.Emit(OpCodes.Stind_I);
            }

            il.Emit(OpCodes.Ldc_I4_1);
            il.Emit(OpCodes.Ret);
            il.MarkLabel(next);
        }

        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Ret);
        return method;
    }

    private static DynamicMethod EmitLift(VariantCase<T>[] cases)
    {
        // args: state, src, cx, out value
        var method = new DynamicMethod("LiftCase_" + typeof(T).Name, typeof(bool), [typeof(VariantCodecState), typeof(Val*), typeof(MarshalContext), typeof(T).MakeByRefType()], typeof(VariantCodec<T>).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        var payload = il.DeclareLocal(typeof(Val*));
        var fail = il.DefineLabel();
        for (var k = 0; k < cases.Length; k++)
        {
            var c = cases[k];
            var next = il.DefineLabel();

            // C#: if (names[k].Matches(&src->Bytes)) { value = new Case_k(...); return true; }
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, NamesField);
            il.Emit(OpCodes.Ldc_I4, k);
            il.Emit(OpCodes.Ldelema, typeof(NativeName));
            CodecIL.Pointer(il, 1, NameOffset);
            il.Emit(OpCodes.Call, Matches);
            il.Emit(OpCodes.Brfalse, next);
            if (c.PayloadMember is not { } member)
            {
                il.Emit(OpCodes.Ldarg_3);
            }
            else
            {
                // C#: var payload = src->VariantPayload; if (payload == null) return false; value = new Case_k(converter_k.Lift(payload, cx));
                var payloadType = MemberAccess.MemberType(member);
                CodecIL.Pointer(il, 1, PayloadOffset);
                il.Emit(OpCodes.Ldind_I);
                il.Emit(OpCodes.Stloc, payload);
                il.Emit(OpCodes.Ldloc, payload);
                il.Emit(OpCodes.Brfalse, fail);
                il.Emit(OpCodes.Ldarg_3);
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldfld, ConvertersField);
                CodecIL.Converter(il, k, payloadType);
                il.Emit(OpCodes.Ldloc, payload);
                il.Emit(OpCodes.Ldarg_2);
                il.Emit(OpCodes.Callvirt, CodecIL.Method(payloadType, nameof(ValueConverter<int>.Lift)));
            }

            il.Emit(OpCodes.Newobj, c.Constructor);
            il.Emit(OpCodes.Stind_Ref);
            il.Emit(OpCodes.Ldc_I4_1);
            il.Emit(OpCodes.Ret);
            il.MarkLabel(next);
        }

        // The out value must be assigned on every path: default, and false.
        il.MarkLabel(fail);
        il.Emit(OpCodes.Ldarg_3);
        il.Emit(OpCodes.Ldnull);
        il.Emit(OpCodes.Stind_Ref);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Ret);
        return method;
    }
}
