using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace WasmDynamic.Marshalling;

/// <summary>
/// The byte encoding of the bulk exports: every 7 bytes (a 56-bit little-endian number) become 8 ASCII characters of
/// 7 bits each, then one character says how many padding bytes the last group has (0–6). ASCII is valid UTF-8, so the
/// text travels through Wasmtime's C API as one string buffer; the bulk-bytes adapter's core module decodes it with
/// the same shifts. 8/7 of the bytes plus one.
/// </summary>
internal static unsafe class Base128
{
    // Bytes 0–6 and 7–13 of 14 into the low 7 bytes of two 64-bit lanes (index 0x80: zero), and back.
    private static readonly Vector128<byte> SpreadLanes = Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 0x80, 7, 8, 9, 10, 11, 12, 13, 0x80);
    private static readonly Vector128<byte> PackLanes = Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 0x80, 0x80);

    /// <summary>The encoded length of <paramref name="count"/> bytes.</summary>
    public static long EncodedLength(int count) => (((long)count + 6) / 7 * 8) + 1;

    /// <summary>Encodes <paramref name="count"/> bytes at <paramref name="src"/> into <paramref name="dst"/> (<see cref="EncodedLength"/> bytes).</summary>
    public static void Encode(byte* src, int count, byte* dst)
    {
        var groups = (count + 6) / 7;

        // Two groups per 16-byte vector while a 16-byte read stays inside the input.
        var g0 = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            for (; (g0 * 7) + 16 <= count; g0 += 2)
            {
                var v = Vector128.Shuffle(Vector128.LoadUnsafe(ref src[g0 * 7]), SpreadLanes).AsUInt64();
                v = (v & Vector128.Create(0x0FFF_FFFFUL)) | ((v << 4) & Vector128.Create(0x0FFF_FFFF_0000_0000UL));
                v = (v & Vector128.Create(0x0000_3FFF_0000_3FFFUL)) | ((v << 2) & Vector128.Create(0x3FFF_0000_3FFF_0000UL));
                v = (v & Vector128.Create(0x007F_007F_007F_007FUL)) | ((v << 1) & Vector128.Create(0x7F00_7F00_7F00_7F00UL));
                v.StoreUnsafe(ref *(ulong*)(dst + (g0 * 8)));
            }
        }

        // Whole 8-byte reads stay inside the input for every group but the last one or two.
        var fast = count >= 8 ? ((count - 8) / 7) + 1 : 0;
        for (var g = g0; g < fast; g++)
        {
            *(ulong*)(dst + (g * 8)) = Spread(Unsafe.ReadUnaligned<ulong>(src + (g * 7)));
        }

        ulong tail = 0;
        for (var g = Math.Max(fast, g0); g < groups; g++)
        {
            var n = Math.Min(7, count - (g * 7));
            tail = 0;
            Buffer.MemoryCopy(src + (g * 7), &tail, 8, n);
            *(ulong*)(dst + (g * 8)) = Spread(tail);
        }

        dst[groups * 8] = (byte)((groups * 7) - count);
    }

    /// <summary>
    /// The byte count of an encoded text, or -1 when it is not one (a wrong length or padding: a bug in the adapter,
    /// never the user's input).
    /// </summary>
    public static int DecodedLength(byte* src, long length)
    {
        if (length < 1 || (length - 1) % 8 != 0 || src[length - 1] > 6)
        {
            return -1;
        }

        var bytes = ((length - 1) / 8 * 7) - src[length - 1];
        return bytes >= 0 && bytes <= Array.MaxLength ? (int)bytes : -1;
    }

    /// <summary>Decodes an encoded text into <paramref name="dst"/> (<paramref name="count"/> = <see cref="DecodedLength"/> bytes).</summary>
    public static void Decode(byte* src, int count, byte* dst)
    {
        var groups = (count + 6) / 7;

        // Two groups per 16-byte vector while its 16-byte store stays inside the output.
        var g0 = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            for (; (g0 * 7) + 16 <= count; g0 += 2)
            {
                var v = Vector128.LoadUnsafe(ref *(ulong*)(src + (g0 * 8)));
                v = (v & Vector128.Create(0x007F_007F_007F_007FUL)) | ((v >> 1) & Vector128.Create(0x3F80_3F80_3F80_3F80UL));
                v = (v & Vector128.Create(0x0000_3FFF_0000_3FFFUL)) | ((v >> 2) & Vector128.Create(0x0FFF_C000_0FFF_C000UL));
                v = (v & Vector128.Create(0x0000_0000_0FFF_FFFFUL)) | ((v >> 4) & Vector128.Create(0x00FF_FFFF_F000_0000UL));
                Vector128.Shuffle(v.AsByte(), PackLanes).StoreUnsafe(ref dst[g0 * 7]);
            }
        }

        // An 8-byte store writes one byte past its group: the last group or two go through a temporary.
        var fast = count >= 8 ? ((count - 8) / 7) + 1 : 0;
        for (var g = g0; g < fast; g++)
        {
            Unsafe.WriteUnaligned(dst + (g * 7), Pack(*(ulong*)(src + (g * 8))));
        }

        for (var g = Math.Max(fast, g0); g < groups; g++)
        {
            var n = Math.Min(7, count - (g * 7));
            var x = Pack(Unsafe.ReadUnaligned<ulong>(src + (g * 8)));
            Buffer.MemoryCopy(&x, dst + (g * 7), n, n);
        }
    }

    /// <summary>56 bits into eight 7-bit bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Spread(ulong x)
    {
        x &= 0x00FF_FFFF_FFFF_FFFFUL;
        x = (x & 0x0FFF_FFFFUL) | ((x << 4) & 0x0FFF_FFFF_0000_0000UL);
        x = (x & 0x0000_3FFF_0000_3FFFUL) | ((x << 2) & 0x3FFF_0000_3FFF_0000UL);
        return (x & 0x007F_007F_007F_007FUL) | ((x << 1) & 0x7F00_7F00_7F00_7F00UL);
    }

    /// <summary>Eight 7-bit bytes into 56 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Pack(ulong x)
    {
        x = (x & 0x007F_007F_007F_007FUL) | ((x >> 1) & 0x3F80_3F80_3F80_3F80UL);
        x = (x & 0x0000_3FFF_0000_3FFFUL) | ((x >> 2) & 0x0FFF_C000_0FFF_C000UL);
        return (x & 0x0000_0000_0FFF_FFFFUL) | ((x >> 4) & 0x00FF_FFFF_F000_0000UL);
    }
}
