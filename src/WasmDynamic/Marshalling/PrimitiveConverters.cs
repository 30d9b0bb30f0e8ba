using System.Text;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Marshalling;

internal sealed unsafe class BoolConverter() : ValueConverter<bool>(WitType.Bool)
{
    public override void Lower(bool value, Val* dst, MarshalContext cx)
    {
        dst->Kind = ValKind.Bool;
        dst->Bool = value ? (byte)1 : (byte)0;
    }

    public override bool Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, ValKind.Bool, Wit);
        return src->Bool != 0;
    }
}

/// <summary>A converter whose value is the payload at offset 8 of the native value, of one kind (a record field can be moved in place).</summary>
internal interface IScalarConverter
{
    ValKind Kind { get; }
}

/// <summary>Integers and floats: the value sits at offset 8 of the native value.</summary>
internal sealed unsafe class ScalarConverter<T>(WitType wit, ValKind kind) : ValueConverter<T>(wit), IScalarConverter
    where T : unmanaged
{
    public ValKind Kind { get; } = kind;

    public override void Lower(T value, Val* dst, MarshalContext cx)
    {
        dst->Kind = Kind;
        *(T*)((byte*)dst + 8) = value;
    }

    public override T Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, Kind, Wit);
        return *(T*)((byte*)src + 8);
    }
}

internal sealed unsafe class RuneConverter() : ValueConverter<Rune>(WitType.Char)
{
    public override void Lower(Rune value, Val* dst, MarshalContext cx)
    {
        dst->Kind = ValKind.Char;
        dst->U32 = (uint)value.Value;
    }

    public override Rune Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, ValKind.Char, Wit);
        return new Rune(src->U32);
    }
}

/// <summary>WIT <c>char</c> as a UTF-16 <see cref="char"/>: only scalar values in the BMP fit.</summary>
internal sealed unsafe class CharConverter() : ValueConverter<char>(WitType.Char)
{
    public override void Lower(char value, Val* dst, MarshalContext cx)
    {
        if (char.IsSurrogate(value))
        {
            throw new ComponentArgumentException($"The char U+{(int)value:X4} is a lone UTF-16 surrogate, not a Unicode scalar value; WIT char needs a scalar value (use System.Text.Rune for characters beyond U+FFFF).");
        }

        dst->Kind = ValKind.Char;
        dst->U32 = value;
    }

    public override char Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, ValKind.Char, Wit);
        return src->U32 <= 0xFFFF
            ? (char)src->U32
            : throw new WasmDynamicException($"The component returned U+{src->U32:X}, which does not fit in a System.Char; declare the type as System.Text.Rune.");
    }
}

internal sealed unsafe class StringConverter() : ValueConverter<string>(WitType.String)
{
    public override void Lower(string value, Val* dst, MarshalContext cx) => LowerValue(value, dst, cx);

    public override string Lift(Val* src, MarshalContext cx) => LiftValue(src);

    /// <summary>
    /// <see cref="Lower"/> without the converter: emitted export methods call it for a <c>string</c> parameter taken as
    /// <see cref="string"/> (no static field, converter object or virtual call on the way).
    /// </summary>
    public static void LowerValue(string value, Val* dst, MarshalContext cx)
    {
        if (value is null)
        {
            throw new ComponentArgumentException("A null string was given where WIT 'string' needs a value (use option<string> for an optional string).");
        }

        dst->Kind = ValKind.String;
        cx.WriteString(&dst->Bytes, value);
    }

    /// <summary><see cref="Lift"/> without the converter (kind checked), for an emitted export method's <c>string</c> result.</summary>
    public static string LiftValue(Val* src)
    {
        ExpectKind(src, ValKind.String, WitType.String);
        return LiftFilled(src);
    }

    /// <summary>True when the converter for <paramref name="wit"/> as <paramref name="clr"/> is this one (what the factory builds).</summary>
    public static bool Serves(WitType wit, Type clr) => wit.Kind == WitTypeKind.String && clr == typeof(string);

    /// <summary>
    /// A string slot Wasmtime filled (a host import's argument: Wasmtime type-checks and UTF-8-validates what it
    /// passes), decoded without the kind check or a converter call; emitted host adapters call it directly.
    /// </summary>
    public static string LiftFilled(Val* src) =>
        src->Bytes.Size == 0 ? string.Empty : Encoding.UTF8.GetString(src->Bytes.Data, checked((int)src->Bytes.Size));
}
