using System.Reflection;
using System.Text;
using WasmDynamic.Binding;
using WasmDynamic.Wit;
using static WasmDynamic.Binding.BindingMessages;

namespace WasmDynamic.Marshalling;

/// <summary>The converters of the WIT types with cases: enums, flags, variants, options and results.</summary>
internal sealed partial class ConverterFactory
{
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
}
