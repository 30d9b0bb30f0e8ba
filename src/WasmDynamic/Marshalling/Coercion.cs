using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using WasmDynamic.Binding;
using WasmDynamic.Wit;

namespace WasmDynamic.Marshalling;

/// <summary>
/// Converts what a <c>dynamic</c> caller passes into the CLR type a converter lowers, the way a C# user expects:
/// in-range integer literals for any integer type, anonymous objects or dictionaries for records, any sequence for
/// lists, names for enums and flags. Failures throw <see cref="ComponentArgumentException"/> naming the parameter.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static class Coercion
{
    /// <summary>Converts <paramref name="value"/> for parameter <paramref name="parameter"/> of <paramref name="signature"/>.</summary>
    /// <typeparam name="T">The CLR parameter type.</typeparam>
    /// <exception cref="ComponentArgumentException">The value does not fit (a number out of range included).</exception>
    public static T To<T>(object? value, string parameter, string signature)
    {
        var colon = signature.IndexOf(':', StringComparison.Ordinal);
        return To<T>(value, parameter, colon > 0 ? signature[..colon] : signature, signature);
    }

    /// <summary>Converts an argument of <paramref name="function"/>; the path of a bad value inside it is reported.</summary>
    internal static T To<T>(object? value, string parameter, string function, string signature)
    {
        // value.GetType(), not t.GetType(): the latter boxes a value-type T a second time (an argument of a dynamic call).
        if (value is T t && (typeof(T).IsValueType || !Reinterprets(value.GetType(), typeof(T))))
        {
            return t;
        }

        try
        {
            return (T)Convert(value, typeof(T), string.Empty)!;
        }
        catch (ComponentArgumentException e)
        {
            throw e.At(function, signature, parameter);
        }
    }

    internal static object? To(object? value, ValueConverter converter, string parameter) => Convert(value, converter.ClrType, string.Empty);

    /// <summary>
    /// True when a CLR array would pass for <paramref name="target"/> only through array covariance between
    /// different element types (an <c>int[]</c> is a <c>uint[]</c> to the runtime): its elements must be converted.
    /// </summary>
    internal static bool Reinterprets(Type source, Type target)
    {
        if (!source.IsArray)
        {
            return false;
        }

        var element = CollectionShapes.ElementType(target);
        var sourceElement = source.GetElementType()!;
        return element is not null && element != sourceElement && (sourceElement.IsValueType || element.IsValueType || Reinterprets(sourceElement, element));
    }

    private static readonly MethodInfo ImmutableCreate = typeof(System.Collections.Immutable.ImmutableArray).GetMethods()
        .Single(m => m.Name == nameof(System.Collections.Immutable.ImmutableArray.Create) && m.GetParameters() is [{ ParameterType.IsArray: true }]);

    internal static ComponentArgumentException Fail(string cause, string path, Exception? inner = null) => new(cause, inner) { Path = path };

    /// <summary>Steps the user's collection; its own exception becomes an argument error located at <paramref name="path"/>.</summary>
    private static bool MoveNext(IEnumerator enumerator, object collection, string path)
    {
        try
        {
            return enumerator.MoveNext();
        }
        catch (Exception e) when (e is not WasmDynamicException)
        {
            throw Fail($"enumerating the {collection.GetType().Name} given for a list threw {e.GetType().Name}: {e.Message} (pass a collection that can be enumerated, e.g. an array or a List).", path, e);
        }
    }

    /// <summary>Converts <paramref name="value"/> to <paramref name="target"/>; <paramref name="path"/> locates it inside the argument.</summary>
    internal static object? Convert(object? value, Type target, string path)
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

            throw Fail($"null cannot be passed as {BindingMessages.Describe(target)}.", path);
        }

        var source = value.GetType();
        if (target.IsAssignableFrom(source) && !Reinterprets(source, target))
        {
            return value;
        }

        var underlying = Nullable.GetUnderlyingType(target);
        if (underlying is not null)
        {
            return Convert(value, underlying, path);
        }

        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(Option<>))
        {
            var inner = Convert(value, target.GetGenericArguments()[0], path);
            return target.GetMethod("Some")!.Invoke(null, [inner]);
        }

        if (IsInteger(target) && (IsInteger(source) || source.IsEnum))
        {
            var number = ToDecimalChecked(value);
            try
            {
                return System.Convert.ChangeType(number, target, CultureInfo.InvariantCulture);
            }
            catch (OverflowException e)
            {
                throw Fail($"{number} is out of range for {IntegerName(target)}.", path, e);
            }
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
                _ => throw Fail($"{Show(value)} is not a single Unicode scalar value (pass a Rune, a char or a one-character string).", path),
            };
        }

        if (target.IsEnum)
        {
            if (value is string name)
            {
                var field = EnumField(target, name);
                if (field is not null)
                {
                    return field.GetValue(null);
                }

                if (target.IsDefined(typeof(FlagsAttribute)))
                {
                    return FlagsFromNames(target, name.Split(new[] { ',', '|', ' ' }, StringSplitOptions.RemoveEmptyEntries), path);
                }

                throw Fail($"'{name}' is not a case of enum {WitTypeName(target)} ({string.Join(", ", WitNames(target))}).", path);
            }

            if (value is IEnumerable<string> names && target.IsDefined(typeof(FlagsAttribute)))
            {
                return FlagsFromNames(target, names, path);
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

        var element = target == typeof(byte[]) ? typeof(byte) : CollectionShapes.ElementType(target);
        if (element is not null && value is IEnumerable seq and not string)
        {
            var items = new List<object?>();
            var enumerator = seq.GetEnumerator();
            while (MoveNext(enumerator, value, path))
            {
                items.Add(Convert(enumerator.Current, element, path + "[" + items.Count.ToString(CultureInfo.InvariantCulture) + "]"));
            }

            (enumerator as IDisposable)?.Dispose();

            var array = Array.CreateInstance(element, items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                array.SetValue(items[i], i);
            }

            if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>))
            {
                return ImmutableCreate.MakeGenericMethod(element).Invoke(null, [array]);
            }

            return target.IsArray || target.IsInterface ? array : Activator.CreateInstance(target, array);
        }

        if (target.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) == true && value is System.Runtime.CompilerServices.ITuple tuple)
        {
            var args = target.GetGenericArguments();
            if (tuple.Length != args.Length)
            {
                throw Fail($"a tuple of {tuple.Length} elements was given where {args.Length} are needed.", path);
            }

            var converted = args.Select((a, i) => Convert(tuple[i], a, path + "." + i.ToString(CultureInfo.InvariantCulture))).ToArray();
            return Activator.CreateInstance(target, converted);
        }

        if (target.IsSubclassOf(typeof(ComponentRecord)) || (target.IsClass && !target.IsAbstract && target != typeof(string) && HasSettableMembers(target)))
        {
            return RecordFrom(value, target, path);
        }

        if (target.IsSubclassOf(typeof(ComponentVariant)) && target.IsAbstract)
        {
            return VariantFrom(value, target, path);
        }

        throw Fail($"{Show(value)} ({BindingMessages.Describe(source)}) cannot be converted to {BindingMessages.Describe(target)}.", path);
    }

    private static object RecordFrom(object value, Type target, string path)
    {
        // A class with settable members, or (a positional record) a constructor taking every field.
        var ctor = target.GetConstructor(Type.EmptyTypes) is null
            ? target.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            : null;
        var members = ctor is not null
            ? ctor.GetParameters().Select(p => (Name: p.Name!, Type: p.ParameterType, Wit: target.GetProperty(p.Name!, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.GetCustomAttribute<WitNameAttribute>()?.Name)).ToList()
            : target.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => (Name: p.Name, Type: p.PropertyType, Wit: p.GetCustomAttribute<WitNameAttribute>()?.Name)).ToList();
        var witNames = members.Select(m => m.Wit ?? Naming.ToKebabCase(m.Name)).ToList();
        var read = ReadMembers(value, path);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var values = new object?[members.Count];
        for (var i = 0; i < members.Count; i++)
        {
            var (name, type, _) = members[i];
            var key = read.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase) || Naming.Matches(k, witNames[i]));
            if (key is null)
            {
                throw Fail($"the value for record {WitTypeName(target)} has no '{witNames[i]}' (give every field: {string.Join(", ", witNames)}).", path);
            }

            used.Add(key);
            values[i] = Convert(read[key], type, path + "." + witNames[i]);
        }

        object record;
        if (ctor is not null)
        {
            record = Construct(ctor, values, path);
        }
        else
        {
            record = Activator.CreateInstance(target)!;
            for (var i = 0; i < members.Count; i++)
            {
                target.GetProperty(members[i].Name)!.SetValue(record, values[i]);
            }
        }

        var extra = read.Keys.Where(k => !used.Contains(k)).ToList();
        if (extra.Count > 0)
        {
            throw Fail($"the value for record {WitTypeName(target)} has {(extra.Count == 1 ? "a member" : "members")} {string.Join(", ", extra.Select(k => "'" + k + "'"))} that the record does not have (its fields: {string.Join(", ", witNames)}).", path);
        }

        return record;
    }

    private static object VariantFrom(object value, Type target, string path)
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
            var read = ReadMembers(value, path);
            name = read.FirstOrDefault(kv => kv.Key.Equals("case", StringComparison.OrdinalIgnoreCase) || kv.Key.Equals("tag", StringComparison.OrdinalIgnoreCase)).Value as string;
            payload = read.FirstOrDefault(kv => kv.Key.Equals("value", StringComparison.OrdinalIgnoreCase) || kv.Key.Equals("payload", StringComparison.OrdinalIgnoreCase)).Value;
        }

        var cases = target.GetNestedTypes().Where(t => t.IsSubclassOf(target)).ToList();
        string CaseName(Type t) => t.GetCustomAttribute<WitNameAttribute>()?.Name ?? Naming.ToKebabCase(t.Name);
        var caseType = cases.FirstOrDefault(t => name is not null && (Naming.Matches(name, CaseName(t)) || Naming.Matches(t.Name, name)))
            ?? throw Fail($"{Show(value)} names no case of variant {WitTypeName(target)} ({string.Join(", ", cases.Select(CaseName))}); pass an instance of a case class or new {{ Case = \"name\", Value = payload }}.", path);
        var ctor = caseType.GetConstructors().Single();
        var ps = ctor.GetParameters();
        return ps.Length == 0 ? Construct(ctor, null, path) : Construct(ctor, [Convert(payload, ps[0].ParameterType, path + "." + CaseName(caseType))], path);
    }

    /// <summary>
    /// The members of a record- or variant-shaped argument, by name (case-insensitive): a dictionary's entries or an
    /// object's public properties. A property hidden with <c>new</c> gives way to the most derived one, as C# name
    /// lookup does; a throwing getter and two names that differ only in case are reported as argument errors.
    /// </summary>
    private static Dictionary<string, object?> ReadMembers(object value, string path)
    {
        var r = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        void Add(string key, object? item)
        {
            if (r.Keys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) is { } other)
            {
                throw Fail($"the dictionary passed has the keys '{other}' and '{key}', which differ only in case and so name the same member; keep one of them.", path);
            }

            r.Add(key, item);
        }

        if (value is IDictionary<string, object?> d)
        {
            foreach (var (k, v) in d)
            {
                Add(k, v);
            }

            return r;
        }

        if (value is IDictionary nd)
        {
            foreach (DictionaryEntry e in nd)
            {
                Add(e.Key.ToString()!, e.Value);
            }

            return r;
        }

        var type = value.GetType();
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.OrderByDescending(p => Depth(p.DeclaringType)).First());
        foreach (var p in properties)
        {
            object? item;
            try
            {
                item = p.GetValue(value);
            }
            catch (TargetInvocationException e) when (e.InnerException is { } inner)
            {
                throw Fail($"reading property '{p.Name}' of {type.Name} threw {inner.GetType().Name}: {inner.Message} Fix the getter or pass a plain object or dictionary.", path, inner);
            }

            r[p.Name] = item;
        }

        return r;
    }

    /// <summary>How many base types <paramref name="t"/> has: the larger, the more derived.</summary>
    private static int Depth(Type? t)
    {
        var n = 0;
        for (; t is not null; t = t.BaseType)
        {
            n++;
        }

        return n;
    }

    /// <summary>Runs a constructor of the user's record or variant case type, reporting an exception it throws as an argument error.</summary>
    private static object Construct(ConstructorInfo ctor, object?[]? args, string path)
    {
        try
        {
            return ctor.Invoke(args);
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            throw Fail($"the constructor of {ctor.DeclaringType!.Name} threw {inner.GetType().Name}: {inner.Message} Fix the constructor or pass a value it accepts.", path, inner);
        }
    }

    private static object FlagsFromNames(Type target, IEnumerable<string> names, string path)
    {
        ulong bits = 0;
        foreach (var n in names)
        {
            var field = EnumField(target, n.Trim())
                ?? throw Fail($"'{n}' is not a flag of {WitTypeName(target)} ({string.Join(", ", WitNames(target))}).", path);
            bits |= System.Convert.ToUInt64(field.GetValue(null), CultureInfo.InvariantCulture);
        }

        return System.Enum.ToObject(target, bits);
    }

    /// <summary>The member of a CLR enum that a name designates: its WIT name (<c>[WitName]</c>) first, then its .NET name.</summary>
    private static FieldInfo? EnumField(Type target, string name)
    {
        var fields = target.GetFields(BindingFlags.Public | BindingFlags.Static);
        return fields.FirstOrDefault(f => f.GetCustomAttribute<WitNameAttribute>()?.Name == name)
            ?? fields.FirstOrDefault(f => Naming.Matches(f.Name, name) || (f.GetCustomAttribute<WitNameAttribute>() is { } w && Naming.Matches(name, w.Name)));
    }

    private static IEnumerable<string> WitNames(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => System.Convert.ToUInt64(f.GetValue(null), CultureInfo.InvariantCulture) != 0 || !enumType.IsDefined(typeof(FlagsAttribute)))
            .Select(f => f.GetCustomAttribute<WitNameAttribute>()?.Name ?? Naming.ToKebabCase(f.Name));

    private static string WitTypeName(Type t) => t.GetCustomAttribute<WitNameAttribute>()?.Name ?? Naming.ToKebabCase(t.Name);

    /// <summary><c>u8 (0..255)</c>: the WIT integer the policy maps to <paramref name="t"/>, with its range.</summary>
    private static string IntegerName(Type t) =>
        $"{ClrTypeMap.Primitive(t)!.WitName} ({System.Convert.ToString(t.GetField(nameof(int.MinValue))!.GetValue(null), CultureInfo.InvariantCulture)}..{System.Convert.ToString(t.GetField(nameof(int.MaxValue))!.GetValue(null), CultureInfo.InvariantCulture)})";

    private static bool HasSettableMembers(Type t) =>
        (t.GetConstructor(Type.EmptyTypes) is not null && t.GetProperties().Any(p => p.CanWrite))
        || !typeof(IEnumerable).IsAssignableFrom(t) && t.GetConstructors().Any(c => c.GetParameters().Length > 0 && c.GetParameters().All(p => p.Name is { } name && t.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is not null));

    private static decimal ToDecimalChecked(object value) => value switch
    {
        Enum e => System.Convert.ToDecimal(System.Convert.ToInt64(e, CultureInfo.InvariantCulture)),
        _ => System.Convert.ToDecimal(value, CultureInfo.InvariantCulture),
    };

    private static bool IsInteger(Type t) => ClrTypeMap.Primitive(t) is { IsInteger: true };

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => '"' + s + '"',
        _ => value.ToString() ?? value.GetType().Name,
    };
}
