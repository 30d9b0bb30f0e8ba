using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Marshalling;

/// <summary>
/// Byte lists as the hidden twins take them: a <see cref="Base128"/> string value instead of one 32-byte value per
/// byte. Converters of <c>list&lt;u8&gt;</c> call these for the argument slots the invoker marked, and when a result
/// arrives as a string.
/// </summary>
internal static unsafe class BulkValues
{
    /// <summary>
    /// The fewest bytes in one argument for which a call of a function that returns no byte list takes its twin:
    /// below it, the plain export is called (one native value per byte costs less than the twin's fixed cost there).
    /// Measured with the paired benchmark, twin ÷ plain time for <c>sum</c>: 1.26 at 16 B, 1.03 at 32 B, 0.81 at 64 B,
    /// 0.58 at 128 B (see benchmarks/RESULTS.md, "Bulk bytes on by default").
    /// </summary>
    public const int TwinThreshold = 64;

    /// <summary>True when a marked argument slot holds a string: a byte list lowered for the twin.</summary>
    public static bool AnyEncoded(Val* args, ulong mask)
    {
        for (var i = 0; mask >> i != 0; i++)
        {
            if (((mask >> i) & 1) != 0 && args[i].Kind == ValKind.String)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes <paramref name="bytes"/> into <paramref name="dst"/> as an encoded string (arena memory).</summary>
    public static void Lower(ReadOnlySpan<byte> bytes, Val* dst, MarshalContext cx)
    {
        var length = Base128.EncodedLength(bytes.Length);
        NativeHeap.NoteTransfer((nuint)length);
        var buffer = cx.AllocBulk((nuint)length);
        fixed (byte* src = bytes)
        {
            Base128.Encode(src, bytes.Length, buffer);
        }

        dst->Kind = ValKind.String;
        dst->Bytes.Data = buffer;
        dst->Bytes.Size = (nuint)length;
    }

    /// <summary>The bytes of an encoded string result.</summary>
    public static byte[] Lift(Val* src)
    {
        NativeHeap.NoteTransfer(src->Bytes.Size);
        var count = Base128.DecodedLength(src->Bytes.Data, (long)src->Bytes.Size);
        if (count < 0)
        {
            throw new WasmDynamicException($"The bulk-bytes adapter returned {src->Bytes.Size} bytes that are not its encoding of a list<u8>. This is a bug in WasmDynamic; turn ComponentRuntimeOptions.BulkByteAdapter off to work around it.");
        }

        if (count == 0)
        {
            return [];
        }

        var result = GC.AllocateUninitializedArray<byte>(count);
        fixed (byte* dst = result)
        {
            Base128.Decode(src->Bytes.Data, count, dst);
        }

        return result;
    }

    /// <summary>The CLR element type whose bytes are a number list's elements as the canonical ABI stores them, or null.</summary>
    public static Type? ClrTypeOf(WitTypeKind kind) => kind switch
    {
        WitTypeKind.U8 => typeof(byte),
        WitTypeKind.S8 => typeof(sbyte),
        WitTypeKind.U16 => typeof(ushort),
        WitTypeKind.S16 => typeof(short),
        WitTypeKind.U32 => typeof(uint),
        WitTypeKind.S32 => typeof(int),
        WitTypeKind.U64 => typeof(ulong),
        WitTypeKind.S64 => typeof(long),
        WitTypeKind.F32 => typeof(float),
        WitTypeKind.F64 => typeof(double),
        _ => null,
    };

    /// <summary>The elements of an encoded string result of a number list (elements of 1 &lt;&lt; <paramref name="shift"/> bytes).</summary>
    public static T[] LiftArray<T>(Val* src, int shift)
    {
        NativeHeap.NoteTransfer(src->Bytes.Size);
        var count = Base128.DecodedLength(src->Bytes.Data, (long)src->Bytes.Size);
        if (count < 0 || (count & ((1 << shift) - 1)) != 0)
        {
            throw new WasmDynamicException($"The bulk-bytes adapter returned {src->Bytes.Size} bytes that are not its encoding of a list of {typeof(T).Name}. This is a bug in WasmDynamic; turn ComponentRuntimeOptions.BulkByteAdapter off to work around it.");
        }

        if (count == 0)
        {
            return [];
        }

        var result = GC.AllocateUninitializedArray<T>(count >> shift);
        fixed (byte* dst = &System.Runtime.CompilerServices.Unsafe.As<T, byte>(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(result)))
        {
            Base128.Decode(src->Bytes.Data, count, dst);
        }

        return result;
    }

    /// <summary>
    /// Re-encodes marked argument slots that a converter wrote as a list of <c>u8</c> values (one that does not know
    /// the twin's form), so that every marked slot holds a string when the twin is called.
    /// </summary>
    public static void FixArguments(Val* args, ulong mask, MarshalContext cx)
    {
        for (var i = 0; mask >> i != 0; i++)
        {
            if (((mask >> i) & 1) == 0 || args[i].Kind != ValKind.List)
            {
                continue;
            }

            var count = checked((int)args[i].Vec.Size);
            var items = args[i].Vec.Data;

            // Each element's number sits little-endian at the start of the value's payload.
            var size = count == 0 ? 1 : 1 << BulkAdapter.BulkPlan.ElementShift(ElementKind(items[0].Kind));
            var bytes = count == 0 ? [] : GC.AllocateUninitializedArray<byte>(checked(count * size));
            fixed (byte* b = bytes)
            {
                for (var k = 0; k < count; k++)
                {
                    Buffer.MemoryCopy(&items[k].U8, b + (k * size), size, size);
                }
            }

            Lower(bytes, args + i, cx);
        }
    }

    private static Wit.WitTypeKind ElementKind(ValKind kind) => kind switch
    {
        ValKind.U8 => Wit.WitTypeKind.U8,
        ValKind.S8 => Wit.WitTypeKind.S8,
        ValKind.U16 => Wit.WitTypeKind.U16,
        ValKind.S16 => Wit.WitTypeKind.S16,
        ValKind.U32 => Wit.WitTypeKind.U32,
        ValKind.S32 => Wit.WitTypeKind.S32,
        ValKind.U64 => Wit.WitTypeKind.U64,
        ValKind.S64 => Wit.WitTypeKind.S64,
        ValKind.F32 => Wit.WitTypeKind.F32,
        ValKind.F64 => Wit.WitTypeKind.F64,
        _ => throw new WasmDynamicException($"A bulk list argument held a {kind} value. This is a bug in WasmDynamic; turn ComponentRuntimeOptions.BulkByteAdapter off to work around it."),
    };
}
