using System.Reflection.Emit;
using WasmDynamic.Binding;
using WasmDynamic.Marshalling;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Emit;

/// <summary>
/// Reads and writes a scalar (bool, integers, floats, char) in place in a native value slot, for emitted code that
/// skips the converter call: the payload sits 8 bytes after the kind byte, and Wasmtime type-checks every value it
/// passes, so the kind of a slot it filled is known.
/// </summary>
internal static class ScalarSlots
{
    /// <summary>How IL loads and stores each scalar in place; a kind not listed (char: a Rune) is copied as a struct.</summary>
    private static readonly Dictionary<ValKind, (OpCode Load, OpCode Store)> Ops = new()
    {
        [ValKind.Bool] = (OpCodes.Ldind_U1, OpCodes.Stind_I1),
        [ValKind.S8] = (OpCodes.Ldind_I1, OpCodes.Stind_I1),
        [ValKind.U8] = (OpCodes.Ldind_U1, OpCodes.Stind_I1),
        [ValKind.S16] = (OpCodes.Ldind_I2, OpCodes.Stind_I2),
        [ValKind.U16] = (OpCodes.Ldind_U2, OpCodes.Stind_I2),
        [ValKind.S32] = (OpCodes.Ldind_I4, OpCodes.Stind_I4),
        [ValKind.U32] = (OpCodes.Ldind_U4, OpCodes.Stind_I4),
        [ValKind.S64] = (OpCodes.Ldind_I8, OpCodes.Stind_I8),
        [ValKind.U64] = (OpCodes.Ldind_I8, OpCodes.Stind_I8),
        [ValKind.F32] = (OpCodes.Ldind_R4, OpCodes.Stind_R4),
        [ValKind.F64] = (OpCodes.Ldind_R8, OpCodes.Stind_R8),
    };

    /// <summary>The scalar a converter moves when its CLR type is also <paramref name="clr"/> (the exact default type), or null.</summary>
    public static ClrPrimitive? Of(ValueConverter converter, Type clr) =>
        converter.ClrType == clr ? ClrTypeMap.Scalar(converter.Wit, clr) : null;

    /// <summary>stack: slot address → value (the payload at +8).</summary>
    public static void EmitLoad(ILGenerator il, ClrPrimitive p)
    {
        il.Emit(OpCodes.Ldc_I4_8);
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Add);
        EmitLoadPayload(il, p);
    }

    /// <summary>stack: payload address → value.</summary>
    public static void EmitLoadPayload(ILGenerator il, ClrPrimitive p)
    {
        if (Ops.TryGetValue(p.Kind, out var ops))
        {
            il.Emit(ops.Load);
        }
        else
        {
            il.Emit(OpCodes.Ldobj, p.Clr);
        }
    }

    /// <summary>stack: payload address, value → (stored).</summary>
    public static void EmitStorePayload(ILGenerator il, ClrPrimitive p)
    {
        if (Ops.TryGetValue(p.Kind, out var ops))
        {
            il.Emit(ops.Store);
        }
        else
        {
            il.Emit(OpCodes.Stobj, p.Clr);
        }
    }

    /// <summary>Writes local <paramref name="value"/> into the slot whose address argument <paramref name="slotArg"/> holds: kind, then payload.</summary>
    public static void EmitStore(ILGenerator il, ClrPrimitive p, short slotArg, LocalBuilder value)
    {
        il.Emit(OpCodes.Ldarg, slotArg);
        il.Emit(OpCodes.Ldc_I4, (int)p.Kind);
        il.Emit(OpCodes.Stind_I1);
        il.Emit(OpCodes.Ldarg, slotArg);
        il.Emit(OpCodes.Ldc_I4_8);
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Ldloc, value);
        EmitStorePayload(il, p);
    }
}
