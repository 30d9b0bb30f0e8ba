using System.Text;

namespace WasmDynamic.Wit.Binary;

/// <summary>
/// Parses a component binary into a <see cref="ComponentAst"/>: the preamble, then at every nesting level the sections
/// that fill the component-level index spaces. Every read is bounds-checked; nesting (components in components, types
/// in types) is limited to <see cref="MaxDepth"/>; counts are checked against the bytes left before anything is
/// allocated. Malformed input throws <see cref="ComponentFormatException"/> with the section and byte offset.
/// </summary>
internal ref struct ComponentParser
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
            case 2:
            case 3:
            case 9:
            case 12:
                // Core modules, core instances and core types fill only core index spaces, which WIT never reaches;
                // a start function and values do not name types. Their bytes are inside the section bounds.
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
                ReadVec(end, items, static (ref ComponentParser p, int e) => p.ParseCanon(e));
                break;
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

    private Item? ParseCanon(int end)
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

                ReadU32(end);
                SkipOptions(end);
                return new LiftItem(at, ReadU32(end));
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

    private void SkipOptions(int end)
    {
        var count = ReadCount(end);
        for (var n = 0; n < count; n++)
        {
            var at = _pos;
            switch (ReadByte(end))
            {
                case 0x00 or 0x01 or 0x02 or 0x06 or 0x09:
                    break;
                case 0x03 or 0x04 or 0x05 or 0x07 or 0x08:
                    ReadU32(end);
                    break;
                case var b:
                    throw Error($"unknown canonical option 0x{b:x2}", at);
            }
        }
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

    private TypeDef ParseDefType(int end)
    {
        var at = _pos;
        var b = ReadByte(end);
        switch (b)
        {
            case 0x3f:
                ReadCoreValType(end);
                switch (ReadByte(end))
                {
                    case 0x00:
                        break;
                    case 0x01:
                        ReadU32(end);
                        break;
                    case var d:
                        throw Error($"unknown resource destructor marker 0x{d:x2}", _pos - 1);
                }

                return new ResourceTypeDef();
            case 0x40:
            case 0x43:
            {
                var count = ReadCount(end);
                var names = new string[count];
                var types = new ValRef[count];
                for (var n = 0; n < count; n++)
                {
                    names[n] = ReadString(end);
                    types[n] = ReadValType(end);
                }

                return new FuncTypeDef(names, types, ReadResultList(end), b == 0x43);
            }

            case 0x41:
            case 0x42:
                return ParseDeclaredType(end, b == 0x41, at);
            default:
                if (Primitive(b) is { } prim)
                {
                    return new ValueTypeDef(prim);
                }

                return ParseDefinedValueType(b, end, at);
        }
    }

    private DeclaredTypeDef ParseDeclaredType(int end, bool isComponent, int at)
    {
        if (++_depth > MaxDepth)
        {
            throw Error($"types nest deeper than {MaxDepth} levels", at);
        }

        var count = ReadCount(end);
        var decls = new List<Item>(Math.Min(count, 1024));
        for (var n = 0; n < count; n++)
        {
            var declAt = _pos;
            switch (ReadByte(end))
            {
                case 0x00:
                    SkipCoreType(end);
                    break;
                case 0x01:
                    decls.Add(new TypeItem(declAt, ParseDefType(end)));
                    break;
                case 0x02:
                    decls.Add(ParseAlias(end));
                    break;
                case 0x03 when isComponent:
                {
                    var name = ReadExternName(end);
                    decls.Add(new ImportItem(declAt, name, ParseExternDesc(end)));
                    break;
                }

                case 0x04:
                {
                    var name = ReadExternName(end);
                    decls.Add(new ExportDeclItem(declAt, name, ParseExternDesc(end)));
                    break;
                }

                case var d:
                    throw Error($"unknown {(isComponent ? "component" : "instance")} type declaration 0x{d:x2}", declAt);
            }
        }

        _depth--;
        return new DeclaredTypeDef(isComponent, decls);
    }

    private ValueTypeDef ParseDefinedValueType(byte b, int end, int at)
    {
        switch (b)
        {
            case 0x72:
            {
                var count = ReadCount(end);
                var labels = new string[count];
                var items = new ValRef?[count];
                for (var n = 0; n < count; n++)
                {
                    labels[n] = ReadString(end);
                    items[n] = ReadValType(end);
                }

                return new ValueTypeDef(WitTypeKind.Record) { Labels = labels, Items = items };
            }

            case 0x71:
            {
                var count = ReadCount(end);
                var labels = new string[count];
                var items = new ValRef?[count];
                for (var n = 0; n < count; n++)
                {
                    labels[n] = ReadString(end);
                    items[n] = ReadOptionalValType(end);
                    var refines = _pos;
                    if (ReadByte(end) != 0x00)
                    {
                        throw Error("a variant case must end with 0x00 (refinements are not supported)", refines);
                    }
                }

                return new ValueTypeDef(WitTypeKind.Variant) { Labels = labels, Items = items };
            }

            case 0x70:
                return new ValueTypeDef(WitTypeKind.List) { Items = [ReadValType(end)] };
            case 0x67:
            {
                var element = ReadValType(end);
                return new ValueTypeDef(WitTypeKind.FixedSizeList) { Items = [element], Length = ReadU32(end) };
            }

            case 0x63:
            {
                var key = ReadValType(end);
                return new ValueTypeDef(WitTypeKind.Map) { Items = [key, ReadValType(end)] };
            }

            case 0x6f:
            {
                var count = ReadCount(end);
                var items = new ValRef?[count];
                for (var n = 0; n < count; n++)
                {
                    items[n] = ReadValType(end);
                }

                return new ValueTypeDef(WitTypeKind.Tuple) { Items = items };
            }

            case 0x6e:
            case 0x6d:
            {
                var count = ReadCount(end);
                var labels = new string[count];
                for (var n = 0; n < count; n++)
                {
                    labels[n] = ReadString(end);
                }

                return new ValueTypeDef(b == 0x6e ? WitTypeKind.Flags : WitTypeKind.Enum) { Labels = labels };
            }

            case 0x6b:
                return new ValueTypeDef(WitTypeKind.Option) { Items = [ReadValType(end)] };
            case 0x6a:
            {
                var ok = ReadOptionalValType(end);
                return new ValueTypeDef(WitTypeKind.Result) { Items = [ok, ReadOptionalValType(end)] };
            }

            case 0x69:
                return new ValueTypeDef(WitTypeKind.Own) { Resource = ReadU32(end) };
            case 0x68:
                return new ValueTypeDef(WitTypeKind.Borrow) { Resource = ReadU32(end) };
            case 0x66:
                return new ValueTypeDef(WitTypeKind.Stream) { Items = [ReadOptionalValType(end)] };
            case 0x65:
                return new ValueTypeDef(WitTypeKind.Future) { Items = [ReadOptionalValType(end)] };
            default:
                throw Error($"unknown type definition 0x{b:x2}", at);
        }
    }

    private ValRef? ReadResultList(int end)
    {
        var at = _pos;
        switch (ReadByte(end))
        {
            case 0x00:
                return ReadValType(end);
            case 0x01:
                if (ReadByte(end) != 0x00)
                {
                    throw Error("a function has at most one result", at);
                }

                return null;
            case var b:
                throw Error($"unknown result list marker 0x{b:x2}", at);
        }
    }

    private ValRef? ReadOptionalValType(int end)
    {
        var at = _pos;
        return ReadByte(end) switch
        {
            0x00 => null,
            0x01 => ReadValType(end),
            var b => throw Error($"unknown optional-type marker 0x{b:x2}", at),
        };
    }

    private ValRef ReadValType(int end)
    {
        if (_pos >= end)
        {
            throw Error("unexpected end of the section (a value type was expected)");
        }

        if (Primitive(_data[_pos]) is { } prim)
        {
            _pos++;
            return ValRef.Of(prim);
        }

        var at = _pos;
        var index = ReadS33(end);
        if (index < 0)
        {
            throw Error($"unknown value type 0x{_data[at]:x2}", at);
        }

        if (index > uint.MaxValue)
        {
            throw Error("a type index does not fit 32 bits", at);
        }

        return new ValRef(null, (uint)index);
    }

    private static WitTypeKind? Primitive(byte b) => b switch
    {
        0x7f => WitTypeKind.Bool,
        0x7e => WitTypeKind.S8,
        0x7d => WitTypeKind.U8,
        0x7c => WitTypeKind.S16,
        0x7b => WitTypeKind.U16,
        0x7a => WitTypeKind.S32,
        0x79 => WitTypeKind.U32,
        0x78 => WitTypeKind.S64,
        0x77 => WitTypeKind.U64,
        0x76 => WitTypeKind.F32,
        0x75 => WitTypeKind.F64,
        0x74 => WitTypeKind.Char,
        0x73 => WitTypeKind.String,
        0x64 => WitTypeKind.ErrorContext,
        _ => null,
    };

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
