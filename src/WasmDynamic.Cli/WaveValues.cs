using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using WasmDynamic.Binding;
using WasmDynamic.Wit;

namespace WasmDynamic.Cli;

/// <summary>
/// Converts WAVE values to the CLR values WasmDynamic's default type map uses for a WIT type (the parameter types of
/// the emitted export proxies), and CLR results back to WAVE text.
/// </summary>
internal static partial class WaveValues
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "true", "false", "some", "none", "ok", "err", "inf", "nan" };

    // ---- WAVE → CLR (CLR → WAVE is in WaveValues.Format.cs) -------------------------------------------------

    /// <summary>The CLR value of <paramref name="node"/> as WIT <paramref name="wit"/>, of CLR type <paramref name="clr"/>.</summary>
    /// <exception cref="WaveException">The value does not fit the type.</exception>
    public static object? ToClr(WaveNode node, WitType wit, Type clr)
    {
        switch (wit.Kind)
        {
            case WitTypeKind.Bool:
                return node is WaveLabel { Escaped: false, Payload: null, Name: "true" or "false" } b ? b.Name == "true" : throw Mismatch(node, wit, "true or false");
            case var kind when ClrTypeMap.Primitive(kind) is { IsInteger: true } integer:
                return Integer(node, wit, integer.Clr);
            case WitTypeKind.F32: return (float)Float(node, wit);
            case WitTypeKind.F64: return Float(node, wit);
            case WitTypeKind.Char:
                if (node is not WaveChar c)
                {
                    throw Mismatch(node, wit, "a char such as 'x'");
                }

                return clr == typeof(char) ? (object)(char)c.Value.Value : c.Value;
            case WitTypeKind.String:
                return node is WaveString s ? s.Value : throw Mismatch(node, wit, "a string such as \"text\"");
            case WitTypeKind.List:
                return List(node, (WitList)wit, clr);
            case WitTypeKind.Tuple:
                return Tuple(node, (WitTuple)wit, clr);
            case WitTypeKind.Record:
                return Record(node, (WitRecord)wit, clr);
            case WitTypeKind.Variant:
                return Variant(node, (WitVariant)wit, clr);
            case WitTypeKind.Enum:
                return Enum(node, (WitEnum)wit, clr);
            case WitTypeKind.Flags:
                return Flags(node, (WitFlags)wit, clr);
            case WitTypeKind.Option:
                return Option(node, (WitOption)wit, clr);
            case WitTypeKind.Result:
                return Result(node, (WitResult)wit, clr);
            case WitTypeKind.Own:
            case WitTypeKind.Borrow:
                throw new WaveException($"WIT '{wit}' is a resource handle, which cannot be written as a WAVE value", node.Position);
            default:
                throw new WaveException($"WIT '{wit}' ({wit.Kind}) cannot be passed from the command line", node.Position);
        }
    }

    private static WaveException Mismatch(WaveNode node, WitType wit, string expected) =>
        new($"expected {expected} for WIT '{wit}', found {Describe(node)}", node.Position);

    private static string Describe(WaveNode node) => node switch
    {
        WaveNumber n => $"the number {n.Text}",
        WaveChar => "a char",
        WaveString => "a string",
        WaveList => "a list",
        WaveTuple => "a tuple",
        WaveRecord => "a record",
        WaveFlags => "flags",
        WaveLabel l => l.Payload is null ? $"the label '{l.Name}'" : $"'{l.Name}(…)'",
        _ => "a value",
    };

    private static readonly MethodInfo IntegerDefinition = typeof(WaveValues).GetMethod(nameof(Integer), 1, BindingFlags.NonPublic | BindingFlags.Static, [typeof(WaveNode), typeof(WitType)])!;

    /// <summary>An integer of the CLR type the policy's type map gives WIT <paramref name="wit"/>.</summary>
    private static object Integer(WaveNode node, WitType wit, Type clr)
    {
        try
        {
            return IntegerDefinition.MakeGenericMethod(clr).Invoke(null, [node, wit])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private static T Integer<T>(WaveNode node, WitType wit)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (node is not WaveNumber n || n.Text.Contains('.') || n.Text.Contains('e') || n.Text.Contains('E') || n.Text.EndsWith("inf", StringComparison.Ordinal))
        {
            throw Mismatch(node, wit, "an integer");
        }

        var value = BigInteger.Parse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (value < BigInteger.CreateTruncating(T.MinValue) || value > BigInteger.CreateTruncating(T.MaxValue))
        {
            throw new WaveException($"{n.Text} is out of range for WIT '{wit}' ({T.MinValue}..{T.MaxValue})", node.Position);
        }

        return T.CreateTruncating(value);
    }

    private static double Float(WaveNode node, WitType wit)
    {
        switch (node)
        {
            case WaveNumber { Text: "-inf" }:
                return double.NegativeInfinity;
            case WaveNumber n:
                return double.Parse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture);
            case WaveLabel { Escaped: false, Payload: null, Name: "nan" }:
                return double.NaN;
            case WaveLabel { Escaped: false, Payload: null, Name: "inf" }:
                return double.PositiveInfinity;
            default:
                throw Mismatch(node, wit, "a number (or nan, inf, -inf)");
        }
    }

    private static object List(WaveNode node, WitList wit, Type clr)
    {
        if (node is not WaveList list)
        {
            throw Mismatch(node, wit, "a list such as [a, b]");
        }

        var element = clr.IsArray ? clr.GetElementType()! : clr.IsGenericType ? clr.GetGenericArguments()[0] : throw new WaveException($"cannot build {clr} for WIT '{wit}'", node.Position);
        var array = Array.CreateInstance(element, list.Items.Count);
        for (var i = 0; i < list.Items.Count; i++)
        {
            array.SetValue(ToClr(list.Items[i], wit.Element, element), i);
        }

        return array;
    }

    private static object Tuple(WaveNode node, WitTuple wit, Type clr)
    {
        if (node is not WaveTuple tuple)
        {
            throw Mismatch(node, wit, $"a tuple of {wit.Types.Count} such as (a, b)");
        }

        if (tuple.Items.Count != wit.Types.Count)
        {
            throw new WaveException($"WIT '{wit}' has {wit.Types.Count} elements, but the tuple has {tuple.Items.Count}", node.Position);
        }

        var args = clr.GetGenericArguments();
        var values = tuple.Items.Select((item, i) => ToClr(item, wit.Types[i], args[i])).ToArray();
        return Activator.CreateInstance(clr, values)!;
    }

    private static object Record(WaveNode node, WitRecord wit, Type clr)
    {
        if (node is not WaveRecord record)
        {
            throw Mismatch(node, wit, $"a record such as {{{string.Join(", ", wit.Fields.Select(f => Label(f.Name) + ": …"))}}}");
        }

        foreach (var (name, value) in record.Fields)
        {
            if (wit.Fields.All(f => f.Name != name))
            {
                throw new WaveException($"record '{wit}' has no field '{name}' (its fields: {string.Join(", ", wit.Fields.Select(f => f.Name))})", value.Position);
            }

            if (record.Fields.Count(f => f.Name == name) > 1)
            {
                throw new WaveException($"field '{name}' is given twice", value.Position);
            }
        }

        var result = Activator.CreateInstance(clr)!;
        foreach (var field in wit.Fields)
        {
            var property = Member(clr, field.Name);
            var given = record.Fields.FirstOrDefault(f => f.Name == field.Name).Value;
            object? value;
            if (given is null)
            {
                if (field.Type.Kind != WitTypeKind.Option)
                {
                    throw new WaveException($"record '{wit}' needs field '{field.Name}: {field.Type}'", node.Position);
                }

                value = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Option<>) ? Activator.CreateInstance(property.PropertyType) : null;
            }
            else
            {
                value = ToClr(given, field.Type, property.PropertyType);
            }

            property.SetValue(result, value);
        }

        return result;
    }

    private static PropertyInfo Member(Type clr, string witName) =>
        clr.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p => p.GetCustomAttribute<WitNameAttribute>()?.Name == witName)
        ?? clr.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p => Naming.Matches(p.Name, witName))
        ?? throw new WaveException($"{clr.Name} has no property for field '{witName}'");

    private static object Variant(WaveNode node, WitVariant wit, Type clr)
    {
        if (node is not WaveLabel label)
        {
            throw Mismatch(node, wit, $"a case of the variant ({string.Join(", ", wit.Cases.Select(c => Label(c.Name) + (c.Payload is null ? string.Empty : "(…)")))})");
        }

        var c = wit.Cases.FirstOrDefault(x => x.Name == label.Name)
            ?? throw new WaveException($"'{label.Name}' is not a case of variant '{wit}' (its cases: {string.Join(", ", wit.Cases.Select(x => x.Name))})", node.Position);
        var caseType = clr.GetNestedTypes().FirstOrDefault(t => t.GetCustomAttribute<WitNameAttribute>()?.Name == c.Name)
            ?? clr.GetNestedTypes().First(t => Naming.Matches(t.Name, c.Name));
        if (c.Payload is null)
        {
            if (label.Payload is not null)
            {
                throw new WaveException($"case '{c.Name}' of variant '{wit}' has no payload; write it as {Label(c.Name)}", node.Position);
            }

            return Activator.CreateInstance(caseType)!;
        }

        if (label.Payload is null)
        {
            throw new WaveException($"case '{c.Name}' of variant '{wit}' needs a payload of type {c.Payload}: {Label(c.Name)}(…)", node.Position);
        }

        var ctor = caseType.GetConstructors().Single(k => k.GetParameters().Length == 1);
        return ctor.Invoke([ToClr(label.Payload, c.Payload, ctor.GetParameters()[0].ParameterType)]);
    }

    private static object Enum(WaveNode node, WitEnum wit, Type clr)
    {
        if (node is not WaveLabel { Payload: null } label)
        {
            throw Mismatch(node, wit, $"one of {string.Join(", ", wit.Cases.Select(Label))}");
        }

        if (!wit.Cases.Contains(label.Name))
        {
            throw new WaveException($"'{label.Name}' is not a case of enum '{wit}' (its cases: {string.Join(", ", wit.Cases)})", node.Position);
        }

        return EnumMember(clr, label.Name).GetValue(null)!;
    }

    private static FieldInfo EnumMember(Type clr, string witName) =>
        clr.GetFields(BindingFlags.Public | BindingFlags.Static).FirstOrDefault(f => f.GetCustomAttribute<WitNameAttribute>()?.Name == witName)
        ?? clr.GetFields(BindingFlags.Public | BindingFlags.Static).First(f => Naming.Matches(f.Name, witName));

    private static object Flags(WaveNode node, WitFlags wit, Type clr)
    {
        var names = node switch
        {
            WaveFlags f => f.Names,
            WaveLabel { Payload: null } l => [l.Name],
            _ => throw Mismatch(node, wit, $"flags such as {{{string.Join(", ", wit.Flags.Take(2).Select(Label))}}} or {{}}"),
        };
        ulong bits = 0;
        foreach (var n in names)
        {
            if (!wit.Flags.Contains(n))
            {
                throw new WaveException($"'{n}' is not a flag of '{wit}' (its flags: {string.Join(", ", wit.Flags)})", node.Position);
            }

            bits |= Convert.ToUInt64(EnumMember(clr, n).GetValue(null), CultureInfo.InvariantCulture);
        }

        return System.Enum.ToObject(clr, bits);
    }

    private static object? Option(WaveNode node, WitOption wit, Type clr)
    {
        var wrapped = clr.IsGenericType && clr.GetGenericTypeDefinition() == typeof(Option<>);
        switch (node)
        {
            case WaveLabel { Escaped: false, Name: "none", Payload: null }:
                return wrapped ? Activator.CreateInstance(clr) : null;
            case WaveLabel { Escaped: false, Name: "some", Payload: { } payload }:
            {
                var inner = wrapped ? clr.GetGenericArguments()[0] : Nullable.GetUnderlyingType(clr) ?? clr;
                var value = ToClr(payload, wit.Inner, inner);
                return wrapped ? clr.GetMethod("Some")!.Invoke(null, [value]) : value;
            }

            default:
                throw Mismatch(node, wit, "some(…) or none");
        }
    }

    private static object Result(WaveNode node, WitResult wit, Type clr)
    {
        if (node is not WaveLabel { Escaped: false, Name: "ok" or "err" } label)
        {
            throw Mismatch(node, wit, "ok(…), ok, err(…) or err");
        }

        var isOk = label.Name == "ok";
        var side = isOk ? wit.Ok : wit.Err;
        var args = clr.GetGenericArguments();
        object? value;
        if (side is null)
        {
            if (label.Payload is not null)
            {
                throw new WaveException($"WIT '{wit}' has no {label.Name} payload; write {label.Name}", node.Position);
            }

            value = default(Unit);
        }
        else
        {
            if (label.Payload is null)
            {
                throw new WaveException($"WIT '{wit}' needs a payload: {label.Name}(…)", node.Position);
            }

            value = ToClr(label.Payload, side, args[isOk ? 0 : 1]);
        }

        return clr.GetMethod(isOk ? "Ok" : "Err", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [value])!;
    }
}
