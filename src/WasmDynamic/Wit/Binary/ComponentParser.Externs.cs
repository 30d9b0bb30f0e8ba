namespace WasmDynamic.Wit.Binary;

/// <summary>Extern descriptors, sorts and extern names of <see cref="ComponentParser"/> (imports, exports, aliases).</summary>
internal ref partial struct ComponentParser
{
    private ExternDesc ParseExternDesc(int end)
    {
        var at = _pos;
        var sort = ReadSort(end);
        switch (sort)
        {
            case Sort.CoreModule:
            case Sort.Func:
            case Sort.Component:
            case Sort.Instance:
                return new ExternDesc(sort, ReadU32(end), false);
            case Sort.Type:
                return ReadByte(end) switch
                {
                    0x00 => new ExternDesc(sort, ReadU32(end), false),
                    0x01 => new ExternDesc(sort, 0, true),
                    var b => throw Error($"unknown type bound 0x{b:x2}", _pos - 1),
                };
            case Sort.Value:
                switch (ReadByte(end))
                {
                    case 0x00:
                        return new ExternDesc(sort, ReadU32(end), false);
                    case 0x01:
                        ReadValType(end);
                        return new ExternDesc(sort, 0, false);
                    case var b:
                        throw Error($"unknown value bound 0x{b:x2}", _pos - 1);
                }

            default:
                throw Error($"an import or export cannot be a {sort}", at);
        }
    }

    private Sort ReadSort(int end)
    {
        var at = _pos;
        var b1 = ReadByte(end);
        byte? b2 = b1 == 0x00 ? ReadByte(end) : null;
        var sort = ToSort(b1, b2, at);
        if (sort < Sort.Func && sort != Sort.CoreModule)
        {
            throw Error($"a {sort} cannot be imported, exported or passed to a component", at);
        }

        return sort;
    }

    private Sort ToSort(byte b1, byte? b2, int at) => (b1, b2) switch
    {
        (0x00, 0x00) => Sort.CoreFunc,
        (0x00, 0x01) => Sort.CoreTable,
        (0x00, 0x02) => Sort.CoreMemory,
        (0x00, 0x03) => Sort.CoreGlobal,
        (0x00, 0x04) => Sort.CoreTag,
        (0x00, 0x10) => Sort.CoreType,
        (0x00, 0x11) => Sort.CoreModule,
        (0x00, 0x12) => Sort.CoreInstance,
        (0x01, _) => Sort.Func,
        (0x02, _) => Sort.Value,
        (0x03, _) => Sort.Type,
        (0x04, _) => Sort.Component,
        (0x05, _) => Sort.Instance,
        (0x00, { } core) => throw Error($"unknown core sort 0x{core:x2}", at),
        _ => throw Error($"unknown sort 0x{b1:x2}", at),
    };

    /// <summary>A name of an import or export: <c>0x00</c> or <c>0x01</c>, then the string (0x02 adds name options).</summary>
    private string ReadExternName(int end)
    {
        var at = _pos;
        switch (ReadByte(end))
        {
            case 0x00:
            case 0x01:
                return ReadString(end);
            case 0x02:
            {
                var name = ReadString(end);
                var count = ReadCount(end);
                for (var n = 0; n < count; n++)
                {
                    var opt = _pos;
                    if (ReadByte(end) > 0x02)
                    {
                        throw Error("unknown name option", opt);
                    }

                    ReadString(end);
                }

                return name;
            }

            case var b:
                throw Error($"unknown name kind 0x{b:x2}", at);
        }
    }
}
