using System.Reflection;
using System.Reflection.Emit;

namespace WasmDynamic.Marshalling;

/// <summary>IL pieces the emitted record and variant codecs share.</summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static class CodecIL
{
    /// <summary>stack: converters (a <c>ValueConverter[]</c>) → <c>(ValueConverter&lt;TField&gt;)converters[index]</c>.</summary>
    public static void Converter(ILGenerator il, int index, Type fieldType)
    {
        il.Emit(OpCodes.Ldc_I4, index);
        il.Emit(OpCodes.Ldelem_Ref);
        il.Emit(OpCodes.Castclass, ConverterType(fieldType));
    }

    /// <summary>stack: the owner (its address for a struct) → the member's value.</summary>
    public static void Get(ILGenerator il, MemberInfo member, bool ownerIsStruct)
    {
        switch (member)
        {
            case PropertyInfo p:
                il.Emit(ownerIsStruct ? OpCodes.Call : OpCodes.Callvirt, p.GetGetMethod(nonPublic: true)!);
                break;
            case FieldInfo f:
                il.Emit(OpCodes.Ldfld, f);
                break;
        }
    }

    /// <summary>stack: the owner (its address for a struct), the value → (assigned).</summary>
    public static void Set(ILGenerator il, MemberInfo member, bool ownerIsStruct)
    {
        switch (member)
        {
            case PropertyInfo p:
                il.Emit(ownerIsStruct ? OpCodes.Call : OpCodes.Callvirt, p.GetSetMethod(nonPublic: true)!);
                break;
            case FieldInfo f:
                il.Emit(OpCodes.Stfld, f);
                break;
        }
    }

    /// <summary>stack: → argument <paramref name="arg"/> (a native pointer) plus <paramref name="offset"/> bytes.</summary>
    public static void Pointer(ILGenerator il, short arg, int offset)
    {
        il.Emit(OpCodes.Ldarg, arg);
        if (offset != 0)
        {
            il.Emit(OpCodes.Ldc_I4, offset);
            il.Emit(OpCodes.Add);
        }
    }

    /// <summary><c>ValueConverter&lt;TField&gt;</c>.</summary>
    public static Type ConverterType(Type fieldType) => typeof(ValueConverter<>).MakeGenericType(fieldType);

    /// <summary><c>ValueConverter&lt;TField&gt;.Lower</c> or <c>.Lift</c>.</summary>
    public static MethodInfo Method(Type fieldType, string name) => ConverterType(fieldType).GetMethod(name)!;
}
