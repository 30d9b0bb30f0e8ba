using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace WasmDynamic.Marshalling;

/// <summary>
/// The byte encoding of the bulk exports: 7 bits per ASCII character, laid out so that both sides code it with plain
/// 16-byte vector operations (no shuffles). Every block of 112 bytes becomes 128 characters: seven 16-character rows
/// with the low 7 bits of bytes 16k…16k+15, then one row whose character j holds bit 7 of byte 16k+j at bit k. The last
/// n mod 112 bytes go in groups of 7: 7 characters of low bits, then one of high bits (bit i: bit 7 of byte i), a last
/// short group of r bytes as r + 1 characters. ASCII is valid UTF-8, so the text travels through Wasmtime's C API as one
/// string buffer; the bulk-bytes adapter's core module decodes it with the same operations. 8/7 of the bytes, rounded
/// up; the length alone gives the byte count (a tail of 8q + 1 characters never occurs).
/// </summary>
internal static unsafe class Base128
{
    private const int BlockBytes = 112;
    private const int BlockChars = 128;

    /// <summary>The encoded length of <paramref name="count"/> bytes.</summary>
    public static long EncodedLength(int count)
    {
        var tail = count % BlockBytes;
        return ((long)(count / BlockBytes) * BlockChars) + ((tail / 7) * 8) + (tail % 7 == 0 ? 0 : (tail % 7) + 1);
    }

    /// <summary>Encodes <paramref name="count"/> bytes at <paramref name="src"/> into <paramref name="dst"/> (<see cref="EncodedLength"/> bytes).</summary>
    public static void Encode(byte* src, int count, byte* dst)
    {
        var blocks = count / BlockBytes;
        var b = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var low = Vector128.Create((byte)0x7F);
            for (; b < blocks; b++)
            {
                var s = src + (b * BlockBytes);
                var d = dst + (b * BlockChars);
                var high = Vector128<byte>.Zero;
                for (var k = 0; k < 7; k++)
                {
                    var v = Vector128.Load(s + (16 * k));
                    (v & low).Store(d + (16 * k));
                    high |= Vector128.ShiftRightLogical(v, 7 - k) & Vector128.Create((byte)(1 << k));
                }

                high.Store(d + BlockBytes);
            }
        }

        for (; b < blocks; b++)
        {
            EncodeBlockScalar(src + (b * BlockBytes), dst + (b * BlockChars));
        }

        EncodeTail(src + (blocks * BlockBytes), count - (blocks * BlockBytes), dst + (blocks * BlockChars));
    }

    private static void EncodeBlockScalar(byte* s, byte* d)
    {
        for (var j = 0; j < 16; j++)
        {
            var high = 0;
            for (var k = 0; k < 7; k++)
            {
                var x = s[(16 * k) + j];
                d[(16 * k) + j] = (byte)(x & 0x7F);
                high |= (x >> 7) << k;
            }

            d[BlockBytes + j] = (byte)high;
        }
    }

    private static void EncodeTail(byte* s, int m, byte* d)
    {
        for (var g = 0; g * 7 < m; g++)
        {
            var n = Math.Min(7, m - (g * 7));
            var high = 0;
            for (var i = 0; i < n; i++)
            {
                var x = s[(g * 7) + i];
                d[(g * 8) + i] = (byte)(x & 0x7F);
                high |= (x >> 7) << i;
            }

            d[(g * 8) + n] = (byte)high;
        }
    }

    /// <summary>
    /// The byte count of an encoded text, or -1 when it is not one (a length no count encodes to: a bug in the adapter,
    /// never the user's input).
    /// </summary>
    public static int DecodedLength(byte* src, long length)
    {
        _ = src;
        var tail = (int)(length % BlockChars);
        if (length < 0 || tail % 8 == 1)
        {
            return -1;
        }

        var bytes = (length / BlockChars * BlockBytes) + ((tail / 8) * 7) + (tail % 8 == 0 ? 0 : (tail % 8) - 1);
        return bytes <= Array.MaxLength ? (int)bytes : -1;
    }

    /// <summary>Decodes an encoded text into <paramref name="dst"/> (<paramref name="count"/> = <see cref="DecodedLength"/> bytes).</summary>
    public static void Decode(byte* src, int count, byte* dst)
    {
        var blocks = count / BlockBytes;
        var b = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var top = Vector128.Create((byte)0x80);
            for (; b < blocks; b++)
            {
                var s = src + (b * BlockChars);
                var d = dst + (b * BlockBytes);
                var high = Vector128.Load(s + BlockBytes);
                for (var k = 0; k < 7; k++)
                {
                    (Vector128.Load(s + (16 * k)) | (Vector128.ShiftLeft(high, 7 - k) & top)).Store(d + (16 * k));
                }
            }
        }

        for (; b < blocks; b++)
        {
            var s = src + (b * BlockChars);
            var d = dst + (b * BlockBytes);
            for (var j = 0; j < 16; j++)
            {
                var high = s[BlockBytes + j];
                for (var k = 0; k < 7; k++)
                {
                    d[(16 * k) + j] = (byte)(s[(16 * k) + j] | (((high >> k) & 1) << 7));
                }
            }
        }

        DecodeTail(src + (blocks * BlockChars), count - (blocks * BlockBytes), dst + (blocks * BlockBytes));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DecodeTail(byte* s, int m, byte* d)
    {
        for (var g = 0; g * 7 < m; g++)
        {
            var n = Math.Min(7, m - (g * 7));
            var high = s[(g * 8) + n];
            for (var i = 0; i < n; i++)
            {
                d[(g * 7) + i] = (byte)(s[(g * 8) + i] | (((high >> i) & 1) << 7));
            }
        }
    }
}
