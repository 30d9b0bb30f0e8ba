using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Marshalling;

/// <summary>A WIT enum to and from a CLR enum whose members match the cases by name.</summary>
internal sealed unsafe class EnumConverter<T> : ValueConverter<T>
    where T : struct, Enum
{
    private readonly NativeName[] _names;
    private readonly T[] _values;
    private readonly Dictionary<T, int> _index = new();

    public EnumConverter(WitEnum wit, T[] valuesByCase)
        : base(wit)
    {
        _names = wit.Cases.Select(NativeName.Get).ToArray();
        _values = valuesByCase;
        for (var i = 0; i < valuesByCase.Length; i++)
        {
            _index[valuesByCase[i]] = i;
        }
    }

    public override void Lower(T value, Val* dst, MarshalContext cx)
    {
        if (!_index.TryGetValue(value, out var i))
        {
            throw new ComponentArgumentException($"{typeof(T).Name}.{value} is not one of the cases of WIT enum '{Wit}' ({string.Join(", ", ((WitEnum)Wit).Cases)}).");
        }

        dst->Kind = ValKind.Enum;
        cx.WriteName(&dst->Bytes, _names[i]);
    }

    public override T Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, ValKind.Enum, Wit);
        for (var i = 0; i < _names.Length; i++)
        {
            if (_names[i].Matches(&src->Bytes))
            {
                return _values[i];
            }
        }

        throw new WasmDynamicException($"Wasmtime produced the unknown case '{src->Bytes.ToUtf8String()}' for WIT enum '{Wit}'.");
    }
}

/// <summary>WIT flags to and from a CLR <c>[Flags]</c> enum whose members match the flags by name.</summary>
internal sealed unsafe class FlagsEnumConverter<T> : ValueConverter<T>
    where T : struct, Enum
{
    private readonly NativeName[] _names;
    private readonly ulong[] _bits;

    public FlagsEnumConverter(WitFlags wit, T[] valuesByFlag)
        : base(wit)
    {
        _names = wit.Flags.Select(NativeName.Get).ToArray();
        _bits = valuesByFlag.Select(v => Convert.ToUInt64(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    public override void Lower(T value, Val* dst, MarshalContext cx)
    {
        var bits = Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        var count = 0;
        var known = 0UL;
        for (var i = 0; i < _bits.Length; i++)
        {
            known |= _bits[i];
            if ((bits & _bits[i]) == _bits[i])
            {
                count++;
            }
        }

        if ((bits & ~known) != 0)
        {
            throw new ComponentArgumentException($"{typeof(T).Name} value {value} sets bits that are not flags of WIT '{Wit}'.");
        }

        dst->Kind = ValKind.Flags;
        var names = cx.AllocNames(&dst->Flags, count);
        var n = 0;
        for (var i = 0; i < _bits.Length; i++)
        {
            if ((bits & _bits[i]) == _bits[i])
            {
                cx.WriteName(names + n++, _names[i]);
            }
        }
    }

    public override T Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, ValKind.Flags, Wit);
        ulong bits = 0;
        for (nuint k = 0; k < src->Flags.Size; k++)
        {
            var name = src->Flags.Data + k;
            var found = false;
            for (var i = 0; i < _names.Length; i++)
            {
                if (_names[i].Matches(name))
                {
                    bits |= _bits[i];
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                throw new WasmDynamicException($"Wasmtime produced the unknown flag '{name->ToUtf8String()}' for WIT '{Wit}'.");
            }
        }

        return (T)Enum.ToObject(typeof(T), bits);
    }
}

/// <summary>WIT flags as a set of flag names (any number of flags; the fallback beyond 64).</summary>
internal sealed unsafe class FlagsSetConverter<TSet> : ValueConverter<TSet>
    where TSet : IEnumerable<string>
{
    private readonly WitFlags _flags;
    private readonly Dictionary<string, NativeName> _names;

    public FlagsSetConverter(WitFlags wit)
        : base(wit)
    {
        _flags = wit;
        _names = wit.Flags.ToDictionary(f => f, NativeName.Get);
    }

    public override void Lower(TSet value, Val* dst, MarshalContext cx)
    {
        var set = value as IReadOnlyCollection<string> ?? value.ToList();
        foreach (var name in set)
        {
            if (!_names.ContainsKey(name))
            {
                throw new ComponentArgumentException($"'{name}' is not a flag of WIT '{Wit}' ({string.Join(", ", _flags.Flags)}).");
            }
        }

        dst->Kind = ValKind.Flags;
        var distinct = set.Distinct().ToList();
        var names = cx.AllocNames(&dst->Flags, distinct.Count);
        for (var i = 0; i < distinct.Count; i++)
        {
            cx.WriteName(names + i, _names[distinct[i]]);
        }
    }

    public override TSet Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, ValKind.Flags, Wit);
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (nuint k = 0; k < src->Flags.Size; k++)
        {
            set.Add(src->Flags.Data[k].ToUtf8String());
        }

        return (TSet)(object)set;
    }
}
