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
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed partial class ConverterFactory : IConverterSource<ValueConverter>
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
            bindings.Add(Activator.CreateInstance(typeof(MemberBinding<>).MakeGenericType(clr), name, conv, member)!);
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
