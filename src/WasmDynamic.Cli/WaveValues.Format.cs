// WaveValues: CLR results back to WAVE text.
using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using WasmDynamic.Binding;
using WasmDynamic.Wit;

namespace WasmDynamic.Cli;

internal static partial class WaveValues
{
    // ---- CLR → WAVE -------------------------------------------------------------------------------------------

    /// <summary>WAVE text for <paramref name="value"/>, a value of WIT type <paramref name="wit"/> in the default type map.</summary>
    public static string Format(object? value, WitType wit)
    {
        var sb = new StringBuilder();
        Write(sb, value, wit);
        return sb.ToString();
    }

    /// <summary>A label, with <c>%</c> when it would read as a WAVE keyword.</summary>
    public static string Label(string name) => Keywords.Contains(name) ? "%" + name : name;

    private static void Write(StringBuilder sb, object? value, WitType wit)
    {
        switch (wit.Kind)
        {
            case WitTypeKind.Bool:
                sb.Append((bool)value! ? "true" : "false");
                return;
            case var kind when ClrTypeMap.Primitive(kind) is { IsInteger: true }:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
            case WitTypeKind.F32:
                sb.Append(FormatFloat((float)value!));
                return;
            case WitTypeKind.F64:
                sb.Append(FormatFloat((double)value!));
                return;
            case WitTypeKind.Char:
                sb.Append('\'');
                Escape(sb, value is char ch ? new Rune(ch) : (Rune)value!);
                sb.Append('\'');
                return;
            case WitTypeKind.String:
                sb.Append('"');
                foreach (var r in ((string)value!).EnumerateRunes())
                {
                    Escape(sb, r);
                }

                sb.Append('"');
                return;
            case WitTypeKind.List:
            {
                var element = ((WitList)wit).Element;
                sb.Append('[');
                var first = true;
                foreach (var item in (System.Collections.IEnumerable)value!)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    Write(sb, item, element);
                }

                sb.Append(']');
                return;
            }

            case WitTypeKind.Tuple:
            {
                var types = ((WitTuple)wit).Types;
                var tuple = (ITuple)value!;
                sb.Append('(');
                for (var i = 0; i < types.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    Write(sb, tuple[i], types[i]);
                }

                sb.Append(')');
                return;
            }

            case WitTypeKind.Record:
            {
                // As wasm-wave writes records: fields holding none are left out, and an empty record is {:}.
                var fields = ((WitRecord)wit).Fields;
                sb.Append('{');
                var first = true;
                foreach (var field in fields)
                {
                    var fieldValue = Member(value!.GetType(), field.Name).GetValue(value);
                    if (field.Type.Kind == WitTypeKind.Option && IsNone(fieldValue))
                    {
                        continue;
                    }

                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    sb.Append(field.Name).Append(": ");
                    Write(sb, fieldValue, field.Type);
                }

                sb.Append(first ? ":}" : "}");
                return;
            }

            case WitTypeKind.Variant:
            {
                var variant = (ComponentVariant)value!;
                var c = ((WitVariant)wit).Cases.First(x => x.Name == variant.Case);
                sb.Append(Label(c.Name));
                if (c.Payload is not null)
                {
                    sb.Append('(');
                    Write(sb, variant.Payload, c.Payload);
                    sb.Append(')');
                }

                return;
            }

            case WitTypeKind.Enum:
            {
                var field = value!.GetType().GetFields(BindingFlags.Public | BindingFlags.Static).First(f => Equals(f.GetValue(null), value));
                var name = field.GetCustomAttribute<WitNameAttribute>()?.Name ?? ((WitEnum)wit).Cases.First(c => Naming.Matches(field.Name, c));
                sb.Append(Label(name));
                return;
            }

            case WitTypeKind.Flags:
            {
                var bits = Convert.ToUInt64(value, CultureInfo.InvariantCulture);
                var set = ((WitFlags)wit).Flags.Where(f => (bits & Convert.ToUInt64(EnumMember(value!.GetType(), f).GetValue(null), CultureInfo.InvariantCulture)) != 0);
                sb.Append('{').Append(string.Join(", ", set)).Append('}');
                return;
            }

            case WitTypeKind.Option:
            {
                var inner = ((WitOption)wit).Inner;
                if (value is not null && value.GetType().IsGenericType && value.GetType().GetGenericTypeDefinition() == typeof(Option<>))
                {
                    var has = (bool)value.GetType().GetProperty("HasValue")!.GetValue(value)!;
                    value = has ? new Some(value.GetType().GetProperty("Value")!.GetValue(value)) : null;
                }
                else if (value is not null)
                {
                    value = new Some(value);
                }

                if (value is Some some)
                {
                    sb.Append("some(");
                    Write(sb, some.Value, inner);
                    sb.Append(')');
                }
                else
                {
                    sb.Append("none");
                }

                return;
            }

            case WitTypeKind.Result:
            {
                var r = (WitResult)wit;
                var type = value!.GetType();
                var ok = (bool)type.GetProperty("IsOk")!.GetValue(value)!;
                var side = ok ? r.Ok : r.Err;
                sb.Append(ok ? "ok" : "err");
                if (side is not null)
                {
                    sb.Append('(');
                    Write(sb, type.GetProperty(ok ? "Value" : "Error")!.GetValue(value), side);
                    sb.Append(')');
                }

                return;
            }

            case WitTypeKind.Own:
            case WitTypeKind.Borrow:
                sb.Append($"<resource {((WitHandle)wit).Resource.Name}>");
                return;
            default:
                sb.Append($"<{wit}>");
                return;
        }
    }

    private sealed record Some(object? Value);

    private static bool IsNone(object? value) =>
        value is null || (value.GetType().IsGenericType && value.GetType().GetGenericTypeDefinition() == typeof(Option<>) && !(bool)value.GetType().GetProperty("HasValue")!.GetValue(value)!);

    private static string FormatFloat(double d) =>
        double.IsNaN(d) ? "nan" : double.IsPositiveInfinity(d) ? "inf" : double.IsNegativeInfinity(d) ? "-inf" : Fix(d.ToString("R", CultureInfo.InvariantCulture));

    private static string FormatFloat(float f) =>
        float.IsNaN(f) ? "nan" : float.IsPositiveInfinity(f) ? "inf" : float.IsNegativeInfinity(f) ? "-inf" : Fix(f.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>
    /// The shortest round-trip digits in plain decimal notation, as wasm-wave writes floats (Rust's <c>Display</c>):
    /// <c>1.5</c>, <c>12</c>, <c>0.0001</c>, never an exponent.
    /// </summary>
    private static string Fix(string s)
    {
        var e = s.IndexOf('E');
        if (e < 0)
        {
            return s;
        }

        var negative = s[0] == '-';
        var mantissa = s[(negative ? 1 : 0)..e];
        var exponent = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.');
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;
        string plain;
        if (point <= 0)
        {
            plain = "0." + new string('0', -point) + digits;
        }
        else if (point >= digits.Length)
        {
            plain = digits + new string('0', point - digits.Length);
        }
        else
        {
            plain = digits[..point] + "." + digits[point..];
        }

        return (negative ? "-" : string.Empty) + plain;
    }

    private static void Escape(StringBuilder sb, Rune r)
    {
        switch (r.Value)
        {
            case '\\': sb.Append("\\\\"); return;
            case '\'': sb.Append("\\'"); return;
            case '"': sb.Append("\\\""); return;
            case '\n': sb.Append("\\n"); return;
            case '\r': sb.Append("\\r"); return;
            case '\t': sb.Append("\\t"); return;
        }

        if (Rune.IsControl(r))
        {
            sb.Append("\\u{").Append(r.Value.ToString("x", CultureInfo.InvariantCulture)).Append('}');
        }
        else
        {
            sb.Append(r.ToString());
        }
    }
}
