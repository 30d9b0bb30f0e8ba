using System.Text;

namespace WasmDynamic.Wit.Binary;

/// <summary>Core types inside instance and component type declarations (<see cref="ComponentParser"/>), read to be skipped.</summary>
internal ref partial struct ComponentParser
{
    // Core types appear inside instance and component type declarations: function and module types (and GC types,
    // which are read to be skipped). Nothing of them reaches WIT.
    private void SkipCoreType(int end)
    {
        var at = _pos;
        if (_pos >= end)
        {
            throw Error("unexpected end of the section (a core type was expected)");
        }

        if (_data[_pos] == 0x50)
        {
            _pos++;
            if (++_depth > MaxDepth)
            {
                throw Error($"types nest deeper than {MaxDepth} levels", at);
            }

            var count = ReadCount(end);
            for (var n = 0; n < count; n++)
            {
                var declAt = _pos;
                switch (ReadByte(end))
                {
                    case 0x00:
                        ReadString(end);
                        ReadString(end);
                        SkipCoreTypeRef(end);
                        break;
                    case 0x01:
                        SkipSubType(end);
                        break;
                    case 0x02:
                        if (ReadByte(end) != 0x10 || ReadByte(end) != 0x01)
                        {
                            throw Error("a module type may only alias outer core types", declAt);
                        }

                        ReadU32(end);
                        ReadU32(end);
                        break;
                    case 0x03:
                        ReadString(end);
                        SkipCoreTypeRef(end);
                        break;
                    case var d:
                        throw Error($"unknown module type declaration 0x{d:x2}", declAt);
                }
            }

            _depth--;
            return;
        }

        if (_data[_pos] == 0x00)
        {
            _pos++;
        }

        if (_pos < end && _data[_pos] == 0x4e)
        {
            _pos++;
            var count = ReadCount(end);
            for (var n = 0; n < count; n++)
            {
                SkipSubType(end);
            }

            return;
        }

        SkipSubType(end);
    }

    private void SkipSubType(int end)
    {
        var at = _pos;
        var b = ReadByte(end);
        if (b is 0x50 or 0x4f)
        {
            var count = ReadCount(end);
            for (var n = 0; n < count; n++)
            {
                ReadU32(end);
            }

            b = ReadByte(end);
        }

        switch (b)
        {
            case 0x60:
            {
                var parameters = ReadCount(end);
                for (var n = 0; n < parameters; n++)
                {
                    ReadCoreValType(end);
                }

                var results = ReadCount(end);
                for (var n = 0; n < results; n++)
                {
                    ReadCoreValType(end);
                }

                break;
            }

            case 0x5f:
            {
                var fields = ReadCount(end);
                for (var n = 0; n < fields; n++)
                {
                    ReadCoreStorageType(end);
                    ReadByte(end);
                }

                break;
            }

            case 0x5e:
                ReadCoreStorageType(end);
                ReadByte(end);
                break;
            default:
                throw Error($"unknown core type 0x{b:x2}", at);
        }
    }

    private void ReadCoreStorageType(int end)
    {
        if (_pos < end && _data[_pos] is 0x78 or 0x77)
        {
            _pos++;
            return;
        }

        ReadCoreValType(end);
    }

    private void SkipCoreTypeRef(int end)
    {
        var at = _pos;
        switch (ReadByte(end))
        {
            case 0x00:
            case 0x20:
                ReadU32(end);
                break;
            case 0x01:
                ReadCoreValType(end);
                SkipLimits(end);
                break;
            case 0x02:
                SkipLimits(end);
                break;
            case 0x03:
                ReadCoreValType(end);
                ReadByte(end);
                break;
            case 0x04:
                ReadByte(end);
                ReadU32(end);
                break;
            case var b:
                throw Error($"unknown core import kind 0x{b:x2}", at);
        }
    }

    private void SkipLimits(int end)
    {
        var flags = ReadByte(end);
        ReadU64(end);
        if ((flags & 0x01) != 0)
        {
            ReadU64(end);
        }

        if ((flags & 0x08) != 0)
        {
            ReadU32(end);
        }
    }

    private void ReadCoreValType(int end)
    {
        var at = _pos;
        var b = ReadByte(end);
        switch (b)
        {
            case >= 0x7b and <= 0x7f:
                return;
            case >= 0x69 and <= 0x75:
                return;
            case 0x63 or 0x64:
                if (_pos < end && _data[_pos] == 0x65)
                {
                    _pos++;
                }

                if (_pos < end && _data[_pos] is >= 0x69 and <= 0x75)
                {
                    _pos++;
                    return;
                }

                if (ReadS33(end) < 0)
                {
                    throw Error("unknown heap type", at);
                }

                return;
            default:
                throw Error($"unknown core value type 0x{b:x2}", at);
        }
    }

    private bool ReadBool(int end)
    {
        var at = _pos;
        return ReadByte(end) switch
        {
            0 => false,
            1 => true,
            var b => throw Error($"invalid boolean 0x{b:x2}", at),
        };
    }

    private byte ReadByte(int end)
    {
        if (_pos >= end)
        {
            throw Error("unexpected end of the section");
        }

        return _data[_pos++];
    }

    private uint ReadU32(int end)
    {
        var at = _pos;
        uint result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte(end);
            if (shift == 28 && (b & 0x70) != 0)
            {
                throw Error("an integer does not fit 32 bits", at);
            }

            result |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }

            if (shift == 28)
            {
                throw Error("an integer is longer than 5 bytes", at);
            }
        }
    }

    private ulong ReadU64(int end)
    {
        var at = _pos;
        ulong result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte(end);
            if (shift == 63 && (b & 0x7e) != 0)
            {
                throw Error("an integer does not fit 64 bits", at);
            }

            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }

            if (shift == 63)
            {
                throw Error("an integer is longer than 10 bytes", at);
            }
        }
    }

    private long ReadS33(int end)
    {
        var at = _pos;
        long result = 0;
        var shift = 0;
        byte b;
        do
        {
            if (shift > 28)
            {
                throw Error("a 33-bit integer is longer than 5 bytes", at);
            }

            b = ReadByte(end);
            result |= (long)(b & 0x7f) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);

        if (shift < 64 && (b & 0x40) != 0)
        {
            result |= -1L << shift;
        }

        return result;
    }

    /// <summary>A count of entries that follow; each takes at least one byte, so it cannot exceed the bytes left.</summary>
    private int ReadCount(int end)
    {
        var at = _pos;
        var count = ReadU32(end);
        if (count > (uint)(end - _pos))
        {
            throw Error($"a count of {count} entries exceeds the {end - _pos} bytes left", at);
        }

        return (int)count;
    }

    private string ReadString(int end)
    {
        var at = _pos;
        var length = ReadU32(end);
        if (length > (uint)(end - _pos))
        {
            throw Error($"a string of {length} bytes exceeds the {end - _pos} bytes left", at);
        }

        try
        {
            var s = StrictUtf8.GetString(_data.Slice(_pos, (int)length));
            _pos += (int)length;
            return s;
        }
        catch (DecoderFallbackException)
        {
            throw Error("a name is not valid UTF-8", at);
        }
    }

    private readonly ComponentFormatException Error(string message) => Error(message, _pos);

    private readonly ComponentFormatException Error(string message, int offset) => new(message, _section, offset);
}
