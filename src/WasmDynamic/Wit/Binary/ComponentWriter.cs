using System.Text;

namespace WasmDynamic.Wit.Binary;

/// <summary>
/// Writes the component binary format: LEB128 numbers, names and length-prefixed sections. It knows the encoding,
/// not what is encoded: callers write the entries of each section in the order the format defines.
/// </summary>
internal sealed class ComponentWriter
{
    private readonly MemoryStream _out = new();

    /// <summary>A writer that starts with the component preamble (<c>\0asm</c>, version, layer 1).</summary>
    public static ComponentWriter Component()
    {
        var w = new ComponentWriter();
        w.Bytes([0x00, 0x61, 0x73, 0x6d, (byte)ComponentParser.Version, 0x00, 0x01, 0x00]);
        return w;
    }

    /// <summary>A writer for the payload of one section (no preamble).</summary>
    public static ComponentWriter Payload() => new();

    public byte[] ToArray() => _out.ToArray();

    /// <summary>The bytes written so far.</summary>
    public int Length => checked((int)_out.Length);

    public ComponentWriter Byte(byte b)
    {
        _out.WriteByte(b);
        return this;
    }

    public ComponentWriter Bytes(ReadOnlySpan<byte> bytes)
    {
        _out.Write(bytes);
        return this;
    }

    /// <summary>An unsigned LEB128 number.</summary>
    public ComponentWriter U32(uint value)
    {
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            _out.WriteByte(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
        return this;
    }

    /// <summary>A length-prefixed UTF-8 string.</summary>
    public ComponentWriter Name(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        U32((uint)bytes.Length);
        return Bytes(bytes);
    }

    /// <summary>An import or export name of the plain kind (<c>0x00</c>).</summary>
    public ComponentWriter ExternName(string name) => Byte(0x00).Name(name);

    /// <summary>A <c>sort</c>: one byte for component sorts, <c>0x00</c> and a core sort byte for core ones.</summary>
    public ComponentWriter Sort(Sort sort)
    {
        return sort switch
        {
            Binary.Sort.CoreFunc => Byte(0x00).Byte(0x00),
            Binary.Sort.CoreTable => Byte(0x00).Byte(0x01),
            Binary.Sort.CoreMemory => Byte(0x00).Byte(0x02),
            Binary.Sort.CoreGlobal => Byte(0x00).Byte(0x03),
            Binary.Sort.CoreTag => Byte(0x00).Byte(0x04),
            Binary.Sort.CoreType => Byte(0x00).Byte(0x10),
            Binary.Sort.CoreModule => Byte(0x00).Byte(0x11),
            Binary.Sort.CoreInstance => Byte(0x00).Byte(0x12),
            Binary.Sort.Func => Byte(0x01),
            Binary.Sort.Value => Byte(0x02),
            Binary.Sort.Type => Byte(0x03),
            Binary.Sort.Component => Byte(0x04),
            _ => Byte(0x05),
        };
    }

    /// <summary>A section: its id, its payload's length, its payload.</summary>
    public ComponentWriter Section(byte id, ComponentWriter payload)
    {
        var bytes = payload.ToArray();
        Byte(id).U32((uint)bytes.Length);
        return Bytes(bytes);
    }

    /// <summary>A section of <paramref name="count"/> entries written by <paramref name="entries"/>.</summary>
    public ComponentWriter Section(byte id, int count, Action<ComponentWriter> entries)
    {
        var payload = Payload().U32((uint)count);
        entries(payload);
        return Section(id, payload);
    }
}

/// <summary>The top-level sections of a component binary, as (id, start, end) byte ranges, without parsing them.</summary>
internal static class ComponentSections
{
    /// <summary>The sections after the preamble; null when the framing is broken (the parser reports why).</summary>
    public static List<(byte Id, int Start, int End)>? Scan(ReadOnlySpan<byte> data)
    {
        var sections = new List<(byte, int, int)>();
        var pos = 8;
        if (data.Length < 8)
        {
            return null;
        }

        while (pos < data.Length)
        {
            var start = pos;
            var id = data[pos++];
            uint size = 0;
            var shift = 0;
            while (true)
            {
                if (pos >= data.Length || shift > 28)
                {
                    return null;
                }

                var b = data[pos++];
                size |= (uint)(b & 0x7f) << shift;
                shift += 7;
                if ((b & 0x80) == 0)
                {
                    break;
                }
            }

            if (size > (uint)(data.Length - pos))
            {
                return null;
            }

            pos += (int)size;
            sections.Add((id, start, pos));
        }

        return sections;
    }
}
