using WasmDynamic.Native;

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
        var buffer = (byte*)cx.Arena.Alloc((nuint)length);
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
            var bytes = count == 0 ? [] : GC.AllocateUninitializedArray<byte>(count);
            for (var k = 0; k < count; k++)
            {
                bytes[k] = items[k].U8;
            }

            Lower(bytes, args + i, cx);
        }
    }
}
