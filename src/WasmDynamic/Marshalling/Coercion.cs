using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using WasmDynamic.Wit;

namespace WasmDynamic.Marshalling;

/// <summary>
/// Converts what a <c>dynamic</c> caller passes into the CLR type a converter lowers, the way a C# user expects:
/// in-range integer literals for any integer type, anonymous objects or dictionaries for records, any sequence for
/// lists, names for enums and flags. Failures throw <see cref="ComponentArgumentException"/> naming the parameter.
/// </summary>
public static class Coercion
{
    /// <summary>Converts <paramref name="value"/> for parameter <paramref name="parameter"/> of <paramref name="signature"/>.</summary>
    /// <typeparam name="T">The CLR parameter type.</typeparam>
    /// <exception cref="ComponentArgumentException">The value does not fit.</exception>
    /// <exception cref="OverflowException">A number is out of the parameter's range.</exception>
    public static T To<T>(object? value, string parameter, string signature)
    {
        if (value is T t && (value is not null || default(T) is null))
        {
            return t;
        }

        try
        {
            return (T)Convert(value, typeof(T), parameter)!;
        }
        catch (OverflowException e)
        {
            throw new OverflowException($"Argument '{parameter}' of {signature}: {e.Message}", e);
        }
        catch (ComponentArgumentException e)
        {
            throw new ComponentArgumentException($"Argument '{parameter}' of {signature}: {e.Message}", e);
        }
    }

    internal static object? To(object? value, ValueConverter converter, string parameter) => Convert(value, converter.ClrType, parameter);

    internal static object? Convert(object? value, Type target, string parameter)
    {
        if (value is null)
        {
            if (!target.IsValueType || Nullable.GetUnderlyingType(target) is not null)
            {
                return null;
            }

            if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(Option<>))
            {
                return Activator.CreateInstance(target);
            }

            throw new ComponentArgumentException($"null cannot be passed as {ConverterFactory.Describe(target)}.");
        }

        var source = value.GetType();
        if (target.IsAssignableFrom(source))
        {
            return value;
        }

        var underlying = Nullable.GetUnderlyingType(target);
        if (underlying is not null)
        {
            return Convert(value, underlying, parameter);
        }

        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(Option<>))
        {
            var inner = Convert(value, target.GetGenericArguments()[0], parameter);
            return target.GetMethod("Some")!.Invoke(null, [inner]);
        }

        if (IsInteger(target) && (IsInteger(source) || source.IsEnum))
        {
            return System.Convert.ChangeType(ToDecimalChecked(value), target, CultureInfo.InvariantCulture);
        }

        if ((target == typeof(float) || target == typeof(double)) && (IsInteger(source) || source == typeof(float) || source == typeof(double) || source == typeof(decimal)))
        {
            return System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }

        if (target == typeof(Rune))
        {
            return value switch
            {
                char c when !char.IsSurrogate(c) => new Rune(c),
                string s when Rune.DecodeFromUtf16(s, out var r, out var used) == System.Buffers.OperationStatus.Done && used == s.Length => r,
                int i when Rune.IsValid(i) => new Rune(i),
                _ => throw new ComponentArgumentException($"{Show(value)} is not a single Unicode scalar value (pass a Rune, a char or a one-character string)."),
            };
        }

        if (target.IsEnum)
        {
            if (value is string name)
            {
                var field = target.GetFields(BindingFlags.Public | BindingFlags.Static).FirstOrDefault(f => Naming.Matches(f.Name, name));
                if (field is not null)
                {
                    return field.GetValue(null);
                }

                if (target.IsDefined(typeof(FlagsAttribute)))
                {
                    return FlagsFromNames(target, name.Split(new[] { ',', '|', ' ' }, StringSplitOptions.RemoveEmptyEntries));
                }

                throw new ComponentArgumentException($"'{name}' is not one of {string.Join(", ", System.Enum.GetNames(target))}.");
            }

            if (value is IEnumerable<string> names && target.IsDefined(typeof(FlagsAttribute)))
            {
                return FlagsFromNames(target, names);
            }

            if (source.IsEnum || IsInteger(source))
            {
                return System.Enum.ToObject(target, System.Convert.ToInt64(value, CultureInfo.InvariantCulture));
            }
        }

        if (target == typeof(HashSet<string>) && value is IEnumerable<string> flagNames)
        {
            return new HashSet<string>(flagNames);
        }

        if (target == typeof(byte[]) && value is IEnumerable bytes and not string)
        {
            return bytes.Cast<object?>().Select(b => (byte)Convert(b, typeof(byte), parameter)!).ToArray();
        }

        var element = CollectionShapes.ElementType(target);
        if (element is not null && value is IEnumerable seq and not string)
        {
            var items = seq.Cast<object?>().Select(x => Convert(x, element, parameter)).ToList();
            var array = Array.CreateInstance(element, items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                array.SetValue(items[i], i);
            }

            return target.IsArray || target.IsInterface ? array : Activator.CreateInstance(target, array);
        }

        if (target.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) == true && value is System.Runtime.CompilerServices.ITuple tuple)
        {
            var args = target.GetGenericArguments();
            if (tuple.Length != args.Length)
            {
                throw new ComponentArgumentException($"a tuple of {tuple.Length} elements was given where {args.Length} are needed.");
            }

            var converted = args.Select((a, i) => Convert(tuple[i], a, parameter)).ToArray();
            return Activator.CreateInstance(target, converted);
        }

        if (target.IsSubclassOf(typeof(ComponentRecord)) || (target.IsClass && !target.IsAbstract && target != typeof(string) && HasSettableMembers(target)))
        {
            return RecordFrom(value, target, parameter);
        }

        if (target.IsSubclassOf(typeof(ComponentVariant)) && target.IsAbstract)
        {
            return VariantFrom(value, target, parameter);
        }

        throw new ComponentArgumentException($"{Show(value)} ({ConverterFactory.Describe(source)}) cannot be converted to {ConverterFactory.Describe(target)}.");
    }

    private static object RecordFrom(object value, Type target, string parameter)
    {
        var props = target.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        var record = Activator.CreateInstance(target)!;
        var read = ReadMembers(value);
        foreach (var p in props)
        {
            var key = read.Keys.FirstOrDefault(k => string.Equals(k, p.Name, StringComparison.OrdinalIgnoreCase) || Naming.Matches(p.Name, k));
            if (key is null)
            {
                throw new ComponentArgumentException($"the value for record {target.Name} has no '{p.Name}' (give every field: {string.Join(", ", props.Select(x => x.Name))}).");
            }

            p.SetValue(record, Convert(read[key], p.PropertyType, parameter + "." + p.Name));
        }

        return record;
    }

    private static object VariantFrom(object value, Type target, string parameter)
    {
        // { Case = "circle", Value = 2.0 }, ("circle", 2.0) or "none".
        string? name;
        object? payload = null;
        if (value is string s)
        {
            name = s;
        }
        else
        {
            var read = ReadMembers(value);
            name = read.FirstOrDefault(kv => kv.Key.Equals("case", StringComparison.OrdinalIgnoreCase) || kv.Key.Equals("tag", StringComparison.OrdinalIgnoreCase)).Value as string;
            payload = read.FirstOrDefault(kv => kv.Key.Equals("value", StringComparison.OrdinalIgnoreCase) || kv.Key.Equals("payload", StringComparison.OrdinalIgnoreCase)).Value;
        }

        var caseType = target.GetNestedTypes().FirstOrDefault(t => t.IsSubclassOf(target) && name is not null && Naming.Matches(t.Name, name))
            ?? throw new ComponentArgumentException($"{Show(value)} names no case of {target.Name} ({string.Join(", ", target.GetNestedTypes().Select(t => t.Name))}); pass an instance of a case class or new {{ Case = \"name\", Value = payload }}.");
        var ctor = caseType.GetConstructors().Single();
        var ps = ctor.GetParameters();
        return ps.Length == 0 ? ctor.Invoke(null) : ctor.Invoke([Convert(payload, ps[0].ParameterType, parameter)]);
    }

    private static Dictionary<string, object?> ReadMembers(object value)
    {
        if (value is IDictionary<string, object?> d)
        {
            return new Dictionary<string, object?>(d, StringComparer.OrdinalIgnoreCase);
        }

        if (value is IDictionary nd)
        {
            var r = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry e in nd)
            {
                r[e.Key.ToString()!] = e.Value;
            }

            return r;
        }

        return value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, p => p.GetValue(value), StringComparer.OrdinalIgnoreCase);
    }

    private static object FlagsFromNames(Type target, IEnumerable<string> names)
    {
        ulong bits = 0;
        foreach (var n in names)
        {
            var field = target.GetFields(BindingFlags.Public | BindingFlags.Static).FirstOrDefault(f => Naming.Matches(f.Name, n.Trim()))
                ?? throw new ComponentArgumentException($"'{n}' is not a flag of {target.Name} ({string.Join(", ", System.Enum.GetNames(target))}).");
            bits |= System.Convert.ToUInt64(field.GetValue(null), CultureInfo.InvariantCulture);
        }

        return System.Enum.ToObject(target, bits);
    }

    private static bool HasSettableMembers(Type t) => t.GetConstructor(Type.EmptyTypes) is not null && t.GetProperties().Any(p => p.CanWrite);

    private static decimal ToDecimalChecked(object value) => value switch
    {
        Enum e => System.Convert.ToDecimal(System.Convert.ToInt64(e, CultureInfo.InvariantCulture)),
        _ => System.Convert.ToDecimal(value, CultureInfo.InvariantCulture),
    };

    private static bool IsInteger(Type t) => t == typeof(int) || t == typeof(uint) || t == typeof(long) || t == typeof(ulong) || t == typeof(short)
        || t == typeof(ushort) || t == typeof(byte) || t == typeof(sbyte);

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => '"' + s + '"',
        _ => value.ToString() ?? value.GetType().Name,
    };
}
