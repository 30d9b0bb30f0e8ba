using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using WasmDynamic.Native;

namespace WasmDynamic.Marshalling;

/// <summary>Writes every field of a record into its native values (the names are written by the caller).</summary>
internal unsafe delegate void FieldsLowerer<T>(T value, byte* fields, MarshalContext cx, int* current);

/// <summary>Reads every field of a record from its native values and creates the record.</summary>
internal unsafe delegate T FieldsLifter<T>(byte* fields, MarshalContext cx);

/// <summary>
/// A record's (or tuple's) fields lowered and lifted by one emitted method each, straight-line: a scalar field is read
/// from the member and written in place (and back, when the kind matches), every other field calls its converter
/// directly, and the record is created first and its members set in field order, or created by its constructor taking
/// every field without boxing. A field of the wrong kind goes to its converter, which reports it.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static unsafe class RecordCodec<T>
{
    private static readonly MethodInfo WriteDefinition = typeof(Unsafe).GetMethods().Single(m => m.Name == nameof(Unsafe.Write) && m.GetParameters()[0].ParameterType == typeof(void*));
    private static readonly MethodInfo ReadDefinition = typeof(Unsafe).GetMethods().Single(m => m.Name == nameof(Unsafe.Read) && m.GetParameters()[0].ParameterType == typeof(void*));

    /// <summary>
    /// The two methods for <paramref name="members"/>, whose native values sit <paramref name="stride"/> bytes apart,
    /// the first <paramref name="offset"/> bytes in; null when the type cannot be created that way (binding refuses such types).
    /// </summary>
    public static (FieldsLowerer<T> Lower, FieldsLifter<T> Lift)? TryCreate(MemberBinding<T>[] members, ConstructorInfo? constructor, int stride, int offset)
    {
        if (constructor is null && (!typeof(T).IsValueType && typeof(T).GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes) is null || members.Any(m => !m.Writable)))
        {
            return null;
        }

        if (constructor is not null && constructor.GetParameters().Select(p => p.ParameterType).Where((t, i) => t != MemberAccess.MemberType(members[i].Member)).Any())
        {
            return null;
        }

        var converters = members.Select(m => m.Converter).ToArray();
        return (EmitLower(members, stride, offset).CreateDelegate<FieldsLowerer<T>>(converters),
            EmitLift(members, constructor, stride, offset).CreateDelegate<FieldsLifter<T>>(converters));
    }

    private static DynamicMethod EmitLower(MemberBinding<T>[] members, int stride, int offset)
    {
        var method = new DynamicMethod("Lower_" + typeof(T).Name, typeof(void), [typeof(ValueConverter[]), typeof(T), typeof(byte*), typeof(MarshalContext), typeof(int*)], typeof(RecordCodec<T>).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        for (var i = 0; i < members.Length; i++)
        {
            var member = members[i].Member;
            var fieldType = MemberAccess.MemberType(member);
            var at = (i * stride) + offset;

            // C#: *current = i;   (an argument error, even from a member's getter, is located at this field)
            il.Emit(OpCodes.Ldarg_S, (byte)4);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Stind_I4);
            if (members[i].ScalarKind is { } kind)
            {
                // C#: fields[at] = kind; Unsafe.Write(fields + at + 8, value.Member);
                Address(il, at);
                il.Emit(OpCodes.Ldc_I4, (int)kind);
                il.Emit(OpCodes.Stind_I1);
                Address(il, at + 8);
                LoadMember(il, member);
                il.Emit(OpCodes.Call, WriteDefinition.MakeGenericMethod(fieldType));
                continue;
            }

            // C#: ((ValueConverter<TField>)converters[i]).Lower(value.Member, (Val*)(fields + at), cx);
            LoadConverter(il, i, fieldType);
            LoadMember(il, member);
            Address(il, at);
            il.Emit(OpCodes.Ldarg_3);
            il.Emit(OpCodes.Callvirt, CodecIL.Method(fieldType, nameof(ValueConverter<int>.Lower)));
        }

        il.Emit(OpCodes.Ret);
        return method;
    }

    private static DynamicMethod EmitLift(MemberBinding<T>[] members, ConstructorInfo? constructor, int stride, int offset)
    {
        var method = new DynamicMethod("Lift_" + typeof(T).Name, typeof(T), [typeof(ValueConverter[]), typeof(byte*), typeof(MarshalContext)], typeof(RecordCodec<T>).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        if (constructor is not null)
        {
            // C#: return new T(lift_0, lift_1, ...);   (every field lifted in order, then the constructor, as before)
            for (var i = 0; i < members.Length; i++)
            {
                LiftField(il, members[i], i, (i * stride) + offset);
            }

            il.Emit(OpCodes.Newobj, constructor);
            il.Emit(OpCodes.Ret);
            return method;
        }

        // C#: var record = new T(); record.M_0 = lift_0; record.M_1 = lift_1; ...   (created first, each field set as lifted, as before)
        var record = il.DeclareLocal(typeof(T));
        if (typeof(T).IsValueType)
        {
            il.Emit(OpCodes.Ldloca, record);
            il.Emit(OpCodes.Initobj, typeof(T));
        }
        else
        {
            il.Emit(OpCodes.Newobj, typeof(T).GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes)!);
            il.Emit(OpCodes.Stloc, record);
        }

        for (var i = 0; i < members.Length; i++)
        {
            var value = il.DeclareLocal(MemberAccess.MemberType(members[i].Member));
            LiftField(il, members[i], i, (i * stride) + offset);
            il.Emit(OpCodes.Stloc, value);
            il.Emit(typeof(T).IsValueType ? OpCodes.Ldloca : OpCodes.Ldloc, record);
            il.Emit(OpCodes.Ldloc, value);
            CodecIL.Set(il, members[i].Member, typeof(T).IsValueType);
        }

        il.Emit(OpCodes.Ldloc, record);
        il.Emit(OpCodes.Ret);
        return method;
    }

    // stack: → the field's value: read in place when it is a scalar of the expected kind, else from its converter
    // (which reports a wrong kind).
    private static void LiftField(ILGenerator il, MemberBinding<T> member, int i, int at)
    {
        var fieldType = MemberAccess.MemberType(member.Member);
        if (member.ScalarKind is not { } kind)
        {
            LiftWithConverter(il, i, fieldType, at);
            return;
        }

        // C#: fields[at] == kind ? Unsafe.Read<TField>(fields + at + 8) : converter.Lift(...)
        var slow = il.DefineLabel();
        var done = il.DefineLabel();
        Address(il, at, lift: true);
        il.Emit(OpCodes.Ldind_U1);
        il.Emit(OpCodes.Ldc_I4, (int)kind);
        il.Emit(OpCodes.Bne_Un, slow);
        Address(il, at + 8, lift: true);
        il.Emit(OpCodes.Call, ReadDefinition.MakeGenericMethod(fieldType));
        il.Emit(OpCodes.Br, done);
        il.MarkLabel(slow);
        LiftWithConverter(il, i, fieldType, at);
        il.MarkLabel(done);
    }

    // C#: ((ValueConverter<TField>)converters[i]).Lift((Val*)(fields + at), cx)
    private static void LiftWithConverter(ILGenerator il, int i, Type fieldType, int at)
    {
        LoadConverter(il, i, fieldType);
        Address(il, at, lift: true);
        il.Emit(OpCodes.Ldarg_2);
        il.Emit(OpCodes.Callvirt, CodecIL.Method(fieldType, nameof(ValueConverter<int>.Lift)));
    }

    // The native pointer argument (the lowerer's 2, the lifter's 1) plus a constant offset.
    private static void Address(ILGenerator il, int at, bool lift = false) => CodecIL.Pointer(il, lift ? (short)1 : (short)2, at);

    private static void LoadConverter(ILGenerator il, int i, Type fieldType)
    {
        il.Emit(OpCodes.Ldarg_0);
        CodecIL.Converter(il, i, fieldType);
    }

    // The lowerer's value argument (1), a member read: for a struct through its address.
    private static void LoadMember(ILGenerator il, MemberInfo member)
    {
        il.Emit(typeof(T).IsValueType ? OpCodes.Ldarga_S : OpCodes.Ldarg_S, (byte)1);
        CodecIL.Get(il, member, typeof(T).IsValueType);
    }

}
