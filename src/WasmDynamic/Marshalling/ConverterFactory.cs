using System.Reflection;
using System.Text;
using WasmDynamic.Binding;
using WasmDynamic.Wit;
using static WasmDynamic.Binding.BindingMessages;

namespace WasmDynamic.Marshalling;

/// <summary>
/// Chooses and builds the converter for a (WIT type, CLR type) pair: the default type map or the user's own types.
/// Every mismatch is reported into a problem list instead of thrown, so a whole interface is checked at once.
/// </summary>
internal sealed class ConverterFactory : IConverterSource<ValueConverter>
{
    private readonly Dictionary<(WitType, Type), ValueConverter> _cache = new();
    private readonly Func<WitType, Type> _defaultType;
    private readonly Func<WitHandle, Type, List<string>, string, ValueConverter?> _handles;

    public ConverterFactory(Func<WitType, Type> defaultType, Func<WitHandle, Type, List<string>, string, ValueConverter?> handles)
    {
        _defaultType = defaultType;
        _handles = handles;
    }

    /// <summary>The CLR type the default map gives <paramref name="wit"/>.</summary>
    public Type DefaultType(WitType wit) => _defaultType(wit);

    public ValueConverter? Create(WitType wit, Type clr, List<string> problems, string where)
    {
        lock (_cache)
        {
            if (_cache.TryGetValue((wit, clr), out var cached))
            {
                return cached;
            }

            var before = problems.Count;
            var converter = Build(wit, clr, problems, where);
            if (converter is not null && problems.Count == before)
            {
                _cache[(wit, clr)] = converter;
            }

            return converter;
        }
    }

    private ValueConverter? Build(WitType wit, Type clr, List<string> problems, string where)
    {
        ValueConverter? Fail(string expected)
        {
            problems.Add($"{where}: WIT '{wit}' cannot be {Describe(clr)}; use {expected}.");
            return null;
        }

        switch (wit.Kind)
        {
            case WitTypeKind.Bool: return clr == typeof(bool) ? new BoolConverter() : Fail("bool");
            case WitTypeKind.Char:
                return clr == typeof(Rune) ? new RuneConverter() : clr == typeof(char) ? new CharConverter() : Fail("System.Text.Rune (or char for the BMP)");
            case WitTypeKind.String: return clr == typeof(string) ? new StringConverter() : Fail("string");
            case var kind when ClrTypeMap.Primitive(kind) is { } p:
                return clr == p.Clr ? (ValueConverter)Activator.CreateInstance(typeof(ScalarConverter<>).MakeGenericType(p.Clr), wit, p.Kind)! : Fail(p.CSharp);
            case WitTypeKind.List: return List((WitList)wit, clr, problems, where) ?? (problems.Count > 0 ? null : Fail("an array, List<T> or IReadOnlyList<T>"));
            case WitTypeKind.Record: return Record(wit, ((WitRecord)wit).Fields.Select(f => (f.Name, f.Type)).ToArray(), clr, tuple: false, problems, where);
            case WitTypeKind.Tuple: return Tuple((WitTuple)wit, clr, problems, where);
            case WitTypeKind.Enum: return Enum((WitEnum)wit, clr, problems, where);
            case WitTypeKind.Flags: return Flags((WitFlags)wit, clr, problems, where);
            case WitTypeKind.Variant: return Variant((WitVariant)wit, clr, problems, where);
            case WitTypeKind.Option: return Option((WitOption)wit, clr, problems, where);
            case WitTypeKind.Result: return Result((WitResult)wit, clr, problems, where);
            case WitTypeKind.Own:
            case WitTypeKind.Borrow:
                return _handles((WitHandle)wit, clr, problems, where);
            default:
                problems.Add($"{where}: WIT '{wit}' ({wit.Kind}) is not supported by this version of WasmDynamic yet.");
                return null;
        }
    }

    private ValueConverter? List(WitList wit, Type clr, List<string> problems, string where)
    {
        if (clr == typeof(byte[]) && wit.Element.Kind == WitTypeKind.U8)
        {
            return new ByteArrayConverter(wit);
        }

        var elementType = CollectionShapes.ElementType(clr);
        if (elementType is null)
        {
            return null;
        }

        var element = Create(wit.Element, elementType, problems, where + " (list element)");
        if (element is null)
        {
            return null;
        }

        var method = typeof(ConverterFactory).GetMethod(nameof(MakeList), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(elementType, clr);
        return (ValueConverter)method.Invoke(null, [wit, element])!;
    }

    private static ValueConverter MakeList<TElem, TColl>(WitList wit, ValueConverter element)
        where TColl : IEnumerable<TElem> =>
        new ListConverter<TElem, TColl>(wit, (ValueConverter<TElem>)element, CollectionShapes.FromArray<TElem, TColl>());

    private ValueConverter? Record(WitType wit, (string Name, WitType Type)[] fields, Type clr, bool tuple, List<string> problems, string where)
    {
        if (clr.IsPrimitive || clr == typeof(string) || clr.IsAbstract || clr.IsInterface || clr.IsEnum)
        {
            problems.Add($"{where}: WIT '{wit}' is a {(tuple ? "tuple" : "record")}; {Describe(clr)} cannot hold it. Use a class or struct with members {string.Join(", ", fields.Select(f => Naming.ToPascalCase(f.Name)))}.");
            return null;
        }

        var members = clr.GetMembers(BindingFlags.Public | BindingFlags.Instance).Where(m => m is PropertyInfo { CanRead: true } p && p.GetIndexParameters().Length == 0 || m is FieldInfo).ToList();
        var bindings = new List<object>();
        var bad = false;
        var memberList = new List<MemberInfo>();
        for (var i = 0; i < fields.Length; i++)
        {
            var (name, type) = fields[i];
            var member = tuple
                ? members.FirstOrDefault(m => m.Name == "Item" + (i + 1))
                : members.FirstOrDefault(m => m.GetCustomAttribute<WitNameAttribute>()?.Name == name) ?? members.FirstOrDefault(m => Naming.Matches(m.Name, name));
            if (member is null)
            {
                problems.Add($"{where}: {Describe(clr)} has no member for field '{name}: {type}' of WIT '{wit}' (expected a property named {Naming.ToPascalCase(name)}).");
                bad = true;
                continue;
            }

            var memberType = MemberAccess.MemberType(member);
            var conv = Create(type, memberType, problems, $"{where} (field '{name}')");
            if (conv is null)
            {
                bad = true;
                continue;
            }

            memberList.Add(member);
            var bindingType = typeof(MemberBinding<,>).MakeGenericType(clr, memberType);
            bindings.Add(Activator.CreateInstance(bindingType, name, conv, member)!);
        }

        if (bad)
        {
            return null;
        }

        ConstructorInfo? ctor = null;
        var settable = clr.IsValueType ? memberList.All(MemberAccess.IsWritable) : clr.GetConstructor(Type.EmptyTypes) is not null && memberList.All(MemberAccess.IsWritable);
        if (!settable)
        {
            ctor = clr.GetConstructors().FirstOrDefault(c =>
            {
                var ps = c.GetParameters();
                return ps.Length == fields.Length && ps.Select((p, i) => tuple || Naming.Matches(p.Name ?? string.Empty, fields[i].Name)).All(x => x)
                    && ps.Select((p, i) => p.ParameterType == MemberAccess.MemberType(memberList[i])).All(x => x);
            });
            if (ctor is null)
            {
                problems.Add($"{where}: {Describe(clr)} can be read but not created for WIT '{wit}': give it settable properties and a parameterless constructor, or a constructor taking ({string.Join(", ", fields.Select(f => Naming.ToCamelCase(f.Name)))}) in field order.");
                return null;
            }
        }

        var array = Array.CreateInstance(typeof(MemberBinding<>).MakeGenericType(clr), bindings.Count);
        for (var i = 0; i < bindings.Count; i++)
        {
            array.SetValue(bindings[i], i);
        }

        return (ValueConverter)Activator.CreateInstance(typeof(RecordConverter<>).MakeGenericType(clr), wit, array, tuple, ctor)!;
    }

    private ValueConverter? Tuple(WitTuple wit, Type clr, List<string> problems, string where)
    {
        if (!clr.IsValueType || !clr.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal) || clr.GetGenericArguments().Length != wit.Types.Count || wit.Types.Count > 7)
        {
            problems.Add($"{where}: WIT '{wit}' needs a ValueTuple of {wit.Types.Count} elements ({DefaultTypeName(wit)}); got {Describe(clr)}.");
            return null;
        }

        return Record(wit, wit.Types.Select((t, i) => ("item" + (i + 1), t)).ToArray(), clr, tuple: true, problems, where);
    }

    private ValueConverter? Enum(WitEnum wit, Type clr, List<string> problems, string where)
    {
        if (!clr.IsEnum)
        {
            problems.Add($"{where}: WIT enum '{wit}' needs a CLR enum with members {string.Join(", ", wit.Cases.Select(Naming.ToPascalCase))}; got {Describe(clr)}.");
            return null;
        }

        var typed = EnumValues(clr, wit.Cases, "case", wit, problems, where);
        if (typed is null)
        {
            return null;
        }

        return (ValueConverter)Activator.CreateInstance(typeof(EnumConverter<>).MakeGenericType(clr), wit, typed)!;
    }

    /// <summary>The members of enum <paramref name="clr"/> for each WIT name, as a typed array; null (with problems) if any is missing.</summary>
    private static Array? EnumValues(Type clr, IReadOnlyList<string> names, string what, WitType wit, List<string> problems, string where)
    {
        var typed = Array.CreateInstance(clr, names.Count);
        var complete = true;
        for (var i = 0; i < names.Count; i++)
        {
            var field = FindEnumMember(clr, names[i]);
            if (field is null)
            {
                problems.Add($"{where}: enum {clr.Name} has no member for {what} '{names[i]}' of WIT {wit.Kind.ToString().ToLowerInvariant()} '{wit}' (expected {Naming.ToPascalCase(names[i])}).");
                complete = false;
                continue;
            }

            typed.SetValue(field.GetValue(null), i);
        }

        return complete ? typed : null;
    }

    private static FieldInfo? FindEnumMember(Type clr, string witName) =>
        clr.GetFields(BindingFlags.Public | BindingFlags.Static).FirstOrDefault(f => f.GetCustomAttribute<WitNameAttribute>()?.Name == witName)
        ?? clr.GetFields(BindingFlags.Public | BindingFlags.Static).FirstOrDefault(f => Naming.Matches(f.Name, witName));

    private ValueConverter? Flags(WitFlags wit, Type clr, List<string> problems, string where)
    {
        if (clr == typeof(HashSet<string>) || clr == typeof(IReadOnlySet<string>) || clr == typeof(ISet<string>) || clr == typeof(IReadOnlyCollection<string>))
        {
            return (ValueConverter)Activator.CreateInstance(typeof(FlagsSetConverter<>).MakeGenericType(clr), wit)!;
        }

        if (!clr.IsEnum)
        {
            problems.Add($"{where}: WIT flags '{wit}' needs a [Flags] enum with members {string.Join(", ", wit.Flags.Select(Naming.ToPascalCase))} (or HashSet<string>); got {Describe(clr)}.");
            return null;
        }

        var typed = EnumValues(clr, wit.Flags, "flag", wit, problems, where);
        if (typed is null)
        {
            return null;
        }

        return (ValueConverter)Activator.CreateInstance(typeof(FlagsEnumConverter<>).MakeGenericType(clr), wit, typed)!;
    }

    private ValueConverter? Variant(WitVariant wit, Type clr, List<string> problems, string where)
    {
        if (!clr.IsClass || !clr.IsAbstract)
        {
            problems.Add($"{where}: WIT variant '{wit}' needs an abstract class with one derived class per case ({string.Join(", ", wit.Cases.Select(c => Naming.ToPascalCase(c.Name)))}); got {Describe(clr)}.");
            return null;
        }

        var candidates = clr.GetNestedTypes(BindingFlags.Public).Concat(clr.Assembly.IsDynamic ? [] : clr.Assembly.GetTypes()).Where(t => t.IsSubclassOf(clr) && !t.IsAbstract).Distinct().ToList();
        var cases = new List<object>();
        foreach (var c in wit.Cases)
        {
            var caseType = candidates.FirstOrDefault(t => t.GetCustomAttribute<WitNameAttribute>()?.Name == c.Name) ?? candidates.FirstOrDefault(t => Naming.Matches(t.Name, c.Name));
            if (caseType is null)
            {
                problems.Add($"{where}: no class derived from {clr.Name} for case '{c.Name}' of WIT variant '{wit}' (expected {clr.Name}.{Naming.ToPascalCase(c.Name)}).");
                continue;
            }

            if (c.Payload is null)
            {
                if (caseType.GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes) is null)
                {
                    problems.Add($"{where}: case class {caseType.Name} needs a parameterless constructor (case '{c.Name}' has no payload).");
                    continue;
                }

                cases.Add(Activator.CreateInstance(typeof(EmptyVariantCase<>).MakeGenericType(clr), c.Name, caseType)!);
                continue;
            }

            var ctor = caseType.GetConstructors().FirstOrDefault(k => k.GetParameters().Length == 1);
            var member = (MemberInfo?)caseType.GetProperty("Value") ?? caseType.GetProperties().FirstOrDefault(p => p.DeclaringType == caseType && p.GetIndexParameters().Length == 0);
            if (ctor is null || member is null)
            {
                problems.Add($"{where}: case class {caseType.Name} for '{c.Name}({c.Payload})' needs a one-parameter constructor and a Value property.");
                continue;
            }

            var payloadType = MemberAccess.MemberType(member);
            var conv = Create(c.Payload, payloadType, problems, $"{where} (case '{c.Name}')");
            if (conv is null)
            {
                continue;
            }

            cases.Add(Activator.CreateInstance(typeof(PayloadVariantCase<,>).MakeGenericType(clr, payloadType), c.Name, caseType, conv, member, ctor)!);
        }

        if (cases.Count != wit.Cases.Count)
        {
            return null;
        }

        var array = Array.CreateInstance(typeof(VariantCase<>).MakeGenericType(clr), cases.Count);
        for (var i = 0; i < cases.Count; i++)
        {
            array.SetValue(cases[i], i);
        }

        return (ValueConverter)Activator.CreateInstance(typeof(VariantConverter<>).MakeGenericType(clr), wit, array)!;
    }

    private ValueConverter? Option(WitOption wit, Type clr, List<string> problems, string where)
    {
        if (clr.IsGenericType && clr.GetGenericTypeDefinition() == typeof(Option<>))
        {
            var inner = Create(wit.Inner, clr.GetGenericArguments()[0], problems, where);
            return inner is null ? null : (ValueConverter)Activator.CreateInstance(typeof(OptionConverter<>).MakeGenericType(clr.GetGenericArguments()[0]), wit, inner)!;
        }

        if (wit.Inner.Kind == WitTypeKind.Option)
        {
            problems.Add($"{where}: WIT '{wit}' nests options, so null would be ambiguous; use Option<{DefaultTypeName(wit.Inner)}>.");
            return null;
        }

        var underlying = Nullable.GetUnderlyingType(clr);
        if (underlying is not null)
        {
            var inner = Create(wit.Inner, underlying, problems, where);
            return inner is null ? null : (ValueConverter)Activator.CreateInstance(typeof(NullableOptionConverter<>).MakeGenericType(underlying), wit, inner)!;
        }

        if (!clr.IsValueType)
        {
            var inner = Create(wit.Inner, clr, problems, where);
            return inner is null ? null : (ValueConverter)Activator.CreateInstance(typeof(ReferenceOptionConverter<>).MakeGenericType(clr), wit, inner)!;
        }

        problems.Add($"{where}: WIT '{wit}' needs a nullable type ({Describe(clr)}? ) or Option<{Describe(clr)}>.");
        return null;
    }

    private ValueConverter? Result(WitResult wit, Type clr, List<string> problems, string where)
    {
        if (clr.IsGenericType && clr.GetGenericTypeDefinition() == typeof(Result<,>))
        {
            var args = clr.GetGenericArguments();
            var ok = Side(wit.Ok, args[0], problems, where + " (ok)");
            var err = Side(wit.Err, args[1], problems, where + " (err)");
            if ((wit.Ok is not null && ok is null) || (wit.Err is not null && err is null) || (wit.Ok is null && args[0] != typeof(Unit)) || (wit.Err is null && args[1] != typeof(Unit)))
            {
                if (problems.Count == 0 || !problems[^1].StartsWith(where, StringComparison.Ordinal))
                {
                    problems.Add($"{where}: WIT '{wit}' needs {DefaultTypeName(wit)}; got {Describe(clr)}.");
                }

                return null;
            }

            return (ValueConverter)Activator.CreateInstance(typeof(ResultConverter<,>).MakeGenericType(args), wit, ok, err)!;
        }

        // Plain T: the ok value, with err thrown as ComponentErrorException.
        var okType = clr == typeof(void) ? typeof(Unit) : clr;
        var okConv = Side(wit.Ok, okType, problems, where + " (ok)");
        if (wit.Ok is not null && okConv is null)
        {
            return null;
        }

        if (wit.Ok is null && okType != typeof(Unit))
        {
            problems.Add($"{where}: WIT '{wit}' has no ok value; use void (errors throw ComponentErrorException) or {DefaultTypeName(wit)}.");
            return null;
        }

        var errType = wit.Err is null ? typeof(Unit) : DefaultType(wit.Err);
        var errConv = Side(wit.Err, errType, problems, where + " (err)");
        return (ValueConverter)Activator.CreateInstance(typeof(UnwrapResultConverter<,>).MakeGenericType(okType, errType), wit, okConv, errConv)!;
    }

    private ValueConverter? Side(WitType? wit, Type clr, List<string> problems, string where) => wit is null ? null : Create(wit, clr, problems, where);

    /// <summary>A C# spelling of the default CLR type for <paramref name="wit"/>, for messages.</summary>
    public string DefaultTypeName(WitType wit)
    {
        try
        {
            return Describe(DefaultType(wit));
        }
        catch (Exception)
        {
            return wit.ToString();
        }
    }
}
