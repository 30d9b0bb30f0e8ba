// Sections and items here; extern descriptors, sorts and names in ComponentParser.Externs.cs, types in
// ComponentParser.Types.cs, core types in ComponentParser.CoreTypes.cs (partial).
using System.Text;

namespace WasmDynamic.Wit.Binary;

/// <summary>
/// Parses a component binary into a <see cref="ComponentAst"/>: the preamble, then at every nesting level the sections
/// that fill the component-level index spaces. Every read is bounds-checked; nesting (components in components, types
/// in types) is limited to <see cref="MaxDepth"/>; counts are checked against the bytes left before anything is
/// allocated. Malformed input throws <see cref="ComponentFormatException"/> with the section and byte offset.
/// </summary>
internal ref partial struct ComponentParser
{
    /// <summary>How deep components and instance/component types may nest.</summary>
    public const int MaxDepth = 64;

    /// <summary>The component binary encoding version (bytes 4..6 of the preamble).</summary>
    public const int Version = 0x0d;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private int _pos;
    private int _end;
    private string _section;
    private int _depth;

    private ComponentParser(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
        _end = data.Length;
        _section = "preamble";
        _depth = 0;
    }

    /// <summary>Parses a whole component binary.</summary>
    public static ComponentAst Parse(ReadOnlySpan<byte> data)
    {
        var parser = new ComponentParser(data);
        return parser.ParseComponent(data.Length);
    }

    private ComponentAst ParseComponent(int end)
    {
        var start = _pos;
        var outerSection = _section;
        _section = "preamble";
        if (end - _pos < 8)
        {
            throw Error($"the preamble needs 8 bytes, {end - _pos} are left");
        }

        if (_data[_pos] != 0 || _data[_pos + 1] != (byte)'a' || _data[_pos + 2] != (byte)'s' || _data[_pos + 3] != (byte)'m')
        {
            throw Error("the \\0asm magic is missing");
        }

        var version = _data[_pos + 4] | (_data[_pos + 5] << 8);
        var layer = _data[_pos + 6] | (_data[_pos + 7] << 8);
        if (layer != 1)
        {
            throw Error(layer == 0 ? "this is a core module (layer 0), not a component (layer 1)" : $"unknown layer {layer}");
        }

        if (version != Version)
        {
            throw Error($"unknown component encoding version 0x{version:x2} (expected 0x{Version:x2})");
        }

        _pos += 8;
        var items = new List<Item>();
        while (_pos < end)
        {
            _section = "section header";
            var id = ReadByte(end);
            var declared = ReadU32(end);
            if (declared > (uint)(end - _pos))
            {
                throw Error($"section {id} declares {declared} bytes, but only {end - _pos} are left");
            }

            var size = (int)declared;

            var sectionEnd = _pos + size;
            _section = SectionName(id);
            var saved = _end;
            _end = sectionEnd;
            ParseSection(id, sectionEnd, items);
            _end = saved;
            if (_pos != sectionEnd)
            {
                throw Error($"the section's entries end at byte {_pos}, but the section ends at byte {sectionEnd}");
            }
        }

        _section = outerSection;
        return new ComponentAst(items, start);
    }

    private static string SectionName(byte id) => id switch
    {
        0 => "custom section",
        1 => "core module section",
        2 => "core instance section",
        3 => "core type section",
        4 => "component section",
        5 => "instance section",
        6 => "alias section",
        7 => "type section",
        8 => "canon section",
        9 => "start section",
        10 => "import section",
        11 => "export section",
        12 => "value section",
        _ => $"section {id}",
    };

    private void ParseSection(byte id, int end, List<Item> items)
    {
        switch (id)
        {
            case 0:
                // A custom section: its name, then bytes we do not need (component-name, producers, package-docs…).
                ReadString(end);
                _pos = end;
                break;
            case 1:
                // A core module fills only the core module space, which WIT never reaches; counted for generators
                // that append to the component (BulkAdapter.LiftTrace).
                items.Add(new CoreCountItem(_pos, Sort.CoreModule, 1));
                _pos = end;
                break;
            case 2:
            {
                var at = _pos;
                items.Add(new CoreCountItem(at, Sort.CoreInstance, ReadCount(end)));
                _pos = end;
                break;
            }

            case 3:
            case 9:
            case 12:
                // Core types fill only the core type space; a start function and values do not name types. Their bytes
                // are inside the section bounds.
                _pos = end;
                break;
            case 4:
                if (++_depth > MaxDepth)
                {
                    throw Error($"components nest deeper than {MaxDepth} levels");
                }

                var offset = _pos;
                items.Add(new NestedComponentItem(offset, ParseComponent(end)));
                _depth--;
                break;
            case 5:
                ReadVec(end, items, static (ref ComponentParser p, int e) => p.ParseInstance(e));
                break;
            case 6:
                ReadVec(end, items, static (ref ComponentParser p, int e) => p.ParseAlias(e));
                break;
            case 7:
                ReadVec(end, items, static (ref ComponentParser p, int e) => new TypeItem(p._pos, p.ParseDefType(e)));
                break;
            case 8:
            {
                var at = _pos;
                var count = ReadCount(end);
                var coreFuncs = 0;
                for (var n = 0; n < count; n++)
                {
                    if (ParseCanon(end) is { } lift)
                    {
                        items.Add(lift);
                    }
                    else
                    {
                        coreFuncs++;
                    }
                }

                if (coreFuncs > 0)
                {
                    items.Add(new CoreCountItem(at, Sort.CoreFunc, coreFuncs));
                }

                break;
            }
            case 10:
                ReadVec(end, items, static (ref ComponentParser p, int e) =>
                {
                    var at = p._pos;
                    var name = p.ReadExternName(e);
                    return new ImportItem(at, name, p.ParseExternDesc(e));
                });
                break;
            case 11:
                ReadVec(end, items, static (ref ComponentParser p, int e) => p.ParseExport(e));
                break;
            default:
                throw Error($"unknown section id {id}");
        }
    }

    private delegate Item? ItemParser(ref ComponentParser parser, int end);

    private void ReadVec(int end, List<Item> items, ItemParser parse)
    {
        var count = ReadCount(end);
        for (var n = 0; n < count; n++)
        {
            var item = parse(ref this, end);
            if (item is not null)
            {
                items.Add(item);
            }
        }
    }

    private Item ParseInstance(int end)
    {
        var at = _pos;
        switch (ReadByte(end))
        {
            case 0x00:
            {
                var component = ReadU32(end);
                var count = ReadCount(end);
                var args = new SortRef[count];
                for (var n = 0; n < count; n++)
                {
                    var name = ReadString(end);
                    var sort = ReadSort(end);
                    args[n] = new SortRef(name, sort, ReadU32(end));
                }

                return new InstanceItem(at, component, args);
            }

            case 0x01:
            {
                var count = ReadCount(end);
                var exports = new SortRef[count];
                for (var n = 0; n < count; n++)
                {
                    var name = ReadExternName(end);
                    var sort = ReadSort(end);
                    exports[n] = new SortRef(name, sort, ReadU32(end));
                }

                return new InstanceItem(at, null, exports);
            }

            case var b:
                throw Error($"unknown instance kind 0x{b:x2}", at);
        }
    }

    private AliasItem ParseAlias(int end)
    {
        var at = _pos;
        var b1 = ReadByte(end);
        byte? b2 = b1 == 0x00 ? ReadByte(end) : null;
        var target = ReadByte(end);
        switch (target)
        {
            case 0x00:
            {
                var sort = ToSort(b1, b2, at);
                var instance = ReadU32(end);
                return new AliasItem(at, sort, AliasTarget.InstanceExport, instance, 0, ReadString(end));
            }

            case 0x01:
            {
                if (b2 is null)
                {
                    throw Error($"a core export alias needs a core sort, not 0x{b1:x2}", at);
                }

                var sort = ToSort(b1, b2, at);
                var instance = ReadU32(end);
                return new AliasItem(at, sort, AliasTarget.CoreInstanceExport, instance, 0, ReadString(end));
            }

            case 0x02:
            {
                var sort = ToSort(b1, b2, at);
                if (sort is not (Sort.Type or Sort.Component or Sort.CoreType or Sort.CoreModule))
                {
                    throw Error($"an outer alias cannot refer to a {sort}", at);
                }

                var count = ReadU32(end);
                return new AliasItem(at, sort, AliasTarget.Outer, count, ReadU32(end), string.Empty);
            }

            default:
                throw Error($"unknown alias target 0x{target:x2}", at);
        }
    }

    private LiftItem? ParseCanon(int end)
    {
        var at = _pos;
        var op = ReadByte(end);
        switch (op)
        {
            case 0x00:
            {
                var sub = ReadByte(end);
                if (sub != 0x00)
                {
                    throw Error($"unknown canon lift encoding 0x{sub:x2}", at);
                }

                var coreFunc = ReadU32(end);
                var options = SkipOptions(end);
                return new LiftItem(at, ReadU32(end)) { CoreFunc = coreFunc, Options = options };
            }

            case 0x01:
            {
                var sub = ReadByte(end);
                if (sub != 0x00)
                {
                    throw Error($"unknown canon lower encoding 0x{sub:x2}", at);
                }

                ReadU32(end);
                SkipOptions(end);
                return null;
            }

            // Everything else defines a core function, which WIT never sees; read just enough to skip it.
            case 0x02 or 0x03 or 0x04 or 0x0e or 0x13 or 0x14 or 0x15 or 0x1a or 0x1b or 0x40:
                ReadU32(end);
                return null;
            case 0x05 or 0x0d or 0x1e or 0x1f or 0x22 or 0x23 or 0x24 or 0x25 or 0x26 or 0x28 or 0x42:
                return null;
            case 0x06 or 0x0c or 0x29 or 0x2a or 0x2b or 0x2c or 0x2d:
                ReadBool(end);
                return null;
            case 0x09:
                ReadResultList(end);
                SkipOptions(end);
                return null;
            case 0x0a or 0x0b:
                ReadCoreValType(end);
                ReadU32(end);
                return null;
            case 0x0f or 0x10 or 0x16 or 0x17:
                ReadU32(end);
                SkipOptions(end);
                return null;
            case 0x11 or 0x12 or 0x18 or 0x19:
                ReadU32(end);
                ReadBool(end);
                return null;
            case 0x1c or 0x1d:
                SkipOptions(end);
                return null;
            case 0x20 or 0x21:
                ReadBool(end);
                ReadU32(end);
                return null;
            case 0x27 or 0x41:
                ReadU32(end);
                ReadU32(end);
                return null;
            default:
                throw Error($"unknown canonical function 0x{op:x2}", at);
        }
    }

    private CanonOptions SkipOptions(int end)
    {
        var options = default(CanonOptions);
        var count = ReadCount(end);
        for (var n = 0; n < count; n++)
        {
            var at = _pos;
            switch (ReadByte(end))
            {
                case var b and (0x00 or 0x01 or 0x02):
                    options = options with { StringEncoding = b };
                    break;
                case 0x06 or 0x09:
                    options = options with { Other = true };
                    break;
                case 0x03:
                    options = options with { Memory = ReadU32(end) };
                    break;
                case 0x04:
                    options = options with { Realloc = ReadU32(end) };
                    break;
                case 0x05:
                    options = options with { PostReturn = ReadU32(end) };
                    break;
                case 0x07 or 0x08:
                    ReadU32(end);
                    options = options with { Other = true };
                    break;
                case var b:
                    throw Error($"unknown canonical option 0x{b:x2}", at);
            }
        }

        return options;
    }

    private ExportItem ParseExport(int end)
    {
        var at = _pos;
        var name = ReadExternName(end);
        var sort = ReadSort(end);
        var index = ReadU32(end);
        ExternDesc? ascribed = ReadByte(end) switch
        {
            0x00 => null,
            0x01 => ParseExternDesc(end),
            var b => throw Error($"unknown export type-ascription marker 0x{b:x2}", _pos - 1),
        };
        return new ExportItem(at, name, sort, index, ascribed);
    }
}
