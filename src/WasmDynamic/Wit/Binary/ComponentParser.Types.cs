namespace WasmDynamic.Wit.Binary;

/// <summary>The type section of <see cref="ComponentParser"/>: defined and declared types, value types, result lists.</summary>
internal ref partial struct ComponentParser
{
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
                if (PrimValTypes.Kind(b) is { } prim)
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

        if (PrimValTypes.Kind(_data[_pos]) is { } prim)
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
}
