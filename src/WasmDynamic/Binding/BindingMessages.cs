using WasmDynamic.Wit;

namespace WasmDynamic.Binding;

/// <summary>
/// The one builder of "the C# you should write": the signatures binding errors suggest (exports onto a user interface,
/// host objects, delegates, resource classes and factories) and the signatures bindgen prints, all from a WIT function
/// and a speller of its types, plus the C# spelling of a CLR type for messages.
/// </summary>
internal static class BindingMessages
{
    /// <summary>The parameters C# declares for <paramref name="f"/>: all of WIT's, less <c>self</c> of a method.</summary>
    public static IEnumerable<WitParameter> ClrParameters(WitFunction f) => f.Kind == WitFunctionKind.Method ? f.Parameters.Skip(1) : f.Parameters;

    /// <summary><c>uint a, string b</c>: each parameter's type and (camelCase, or <paramref name="parameterName"/>'s) name.</summary>
    public static string Parameters(WitFunction f, Func<WitType, string> typeName, Func<string, string>? parameterName = null) =>
        string.Join(", ", ClrParameters(f).Select(p => typeName(p.Type) + " " + (parameterName ?? Naming.ToCamelCase)(p.Name)));

    /// <summary>The C# return type of <paramref name="f"/>: <c>void</c> when WIT returns nothing.</summary>
    public static string ReturnType(WitFunction f, Func<WitType, string> typeName) => f.Result is null ? "void" : typeName(f.Result);

    /// <summary><c>{modifiers}uint Add(uint a, uint b)</c>.</summary>
    public static string Method(WitFunction f, string name, Func<WitType, string> typeName, string modifiers = "", Func<string, string>? parameterName = null) =>
        $"{modifiers}{ReturnType(f, typeName)} {name}({Parameters(f, typeName, parameterName)})";

    /// <summary>
    /// The public member a host class writes for a resource function: <c>public Blob(string init)</c>,
    /// <c>public static Blob Concat(Blob a, Blob b)</c>, <c>public void Append(string s)</c>.
    /// </summary>
    public static string HostMember(WitFunction f, Func<WitType, string> typeName) => f.Kind switch
    {
        WitFunctionKind.Constructor => $"public {Naming.ToPascalCase(f.ResourceName!)}({Parameters(f, typeName)})",
        WitFunctionKind.Static => Method(f, Naming.ToPascalCase(f.ShortName), typeName, "public static "),
        _ => Method(f, Naming.ToPascalCase(f.ShortName), typeName, "public "),
    };

    /// <summary>A factory for a resource constructor: <c>(string init) =&gt; new Blob(…)</c>.</summary>
    public static string Factory(WitFunction f, Func<WitType, string> typeName, string className) =>
        $"({Parameters(f, typeName)}) => new {className}(…)";

    /// <summary>The delegate type of <paramref name="f"/>: <c>Action&lt;byte, string&gt;</c>, <c>Func&lt;uint&gt;</c>; <paramref name="qualifier"/> prefixes <c>Action</c>/<c>Func</c>.</summary>
    public static string Delegate(WitFunction f, Func<WitType, string> typeName, string qualifier = "")
    {
        var ps = ClrParameters(f).Select(p => typeName(p.Type)).ToList();
        if (f.Result is null)
        {
            return ps.Count == 0 ? qualifier + "Action" : $"{qualifier}Action<{string.Join(", ", ps)}>";
        }

        ps.Add(typeName(f.Result));
        return $"{qualifier}Func<{string.Join(", ", ps)}>";
    }

    /// <summary>The C# signature of an existing CLR method: <c>uint Add(uint a, uint b)</c>.</summary>
    public static string Signature(System.Reflection.MethodInfo m) =>
        $"{Describe(m.ReturnType)} {m.Name}({string.Join(", ", m.GetParameters().Select(p => Describe(p.ParameterType) + " " + p.Name))})";

    /// <summary>A C# spelling of a CLR type: <c>List&lt;int&gt;</c>, <c>uint?</c>.</summary>
    public static string Describe(Type t)
    {
        if (t == typeof(void))
        {
            return "void";
        }

        var u = Nullable.GetUnderlyingType(t);
        if (u is not null)
        {
            return Describe(u) + "?";
        }

        if (t.IsArray)
        {
            return Describe(t.GetElementType()!) + "[]";
        }

        if (t == typeof(object))
        {
            return "object";
        }

        if (t != typeof(System.Text.Rune) && ClrTypeMap.Primitive(t) is { } primitive)
        {
            return primitive.CSharp;
        }

        if (t == typeof(char))
        {
            return "char";
        }

        if (t.IsGenericType)
        {
            if (t.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) == true)
            {
                return "(" + string.Join(", ", t.GetGenericArguments().Select(Describe)) + ")";
            }

            var name = t.Name[..t.Name.IndexOf('`')];
            return name + "<" + string.Join(", ", t.GetGenericArguments().Select(Describe)) + ">";
        }

        return t.Name;
    }
}
