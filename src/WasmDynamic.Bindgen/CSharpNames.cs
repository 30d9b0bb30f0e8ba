using WasmDynamic.Wit;

namespace WasmDynamic.Bindgen;

/// <summary>C# spellings of WIT names: PascalCase types and members, camelCase parameters, keywords escaped with <c>@</c>.</summary>
internal static class CSharpNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>True when <paramref name="name"/> is a reserved C# keyword (which needs <c>@</c> to be an identifier).</summary>
    public static bool IsKeyword(string name) => Keywords.Contains(name);

    /// <summary>
    /// Type names a generated top-level type must not take, because user code sees them unqualified: the public types
    /// of the namespaces that C# implicit usings import (<c>System</c>, <c>System.IO</c>,
    /// <c>System.Collections.Generic</c>, <c>System.Linq</c>, <c>System.Net.Http</c>, <c>System.Threading</c>,
    /// <c>System.Threading.Tasks</c>), as the running BCL has them, and the logging and DI abstractions hosts import
    /// everywhere. A WIT <c>record task</c> becomes <c>TodoTask</c> (owner prefix), an import <c>logger</c> becomes
    /// <c>ILoggerImport</c>, so <c>using</c> the generated namespace next to implicit usings never makes a name
    /// ambiguous (CS0104).
    /// </summary>
    public static IReadOnlyList<string> CommonBclTypes { get; } = BclTypes();

    private static string[] BclTypes()
    {
        var namespaces = new HashSet<string>(StringComparer.Ordinal)
        {
            "System", "System.IO", "System.Collections.Generic", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
        };
        var assemblies = new[]
        {
            typeof(object).Assembly, typeof(Enumerable).Assembly, typeof(Stack<>).Assembly, typeof(System.Net.Http.HttpClient).Assembly,
            typeof(Uri).Assembly, typeof(Console).Assembly,
        };
        var names = assemblies.Distinct()
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => !t.IsNested && t.Namespace is not null && namespaces.Contains(t.Namespace))
            .Select(t => t.IsGenericTypeDefinition && t.Name.IndexOf('`') is > 0 and var tick ? t.Name[..tick] : t.Name);
        string[] hosting = ["ILogger", "ILoggerFactory", "ILoggerProvider", "LogLevel", "EventId", "IServiceCollection", "IHost", "IHostBuilder", "IConfiguration", "IOptions"];
        return names.Concat(hosting).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary><paramref name="name"/>, prefixed with <c>@</c> when it is a keyword.</summary>
    public static string Escape(string name) => IsKeyword(name) ? "@" + name : name;

    /// <summary>The PascalCase name of a kebab-case WIT name (never a keyword: keywords are lower case).</summary>
    public static string Pascal(string wit) => Naming.ToPascalCase(wit);

    /// <summary>The camelCase parameter name of a kebab-case WIT name, without the <c>@</c>.</summary>
    public static string Camel(string wit) => Naming.ToCamelCase(wit);

    /// <summary>A namespace from a user's name: dotted segments kept when they are identifiers, PascalCased otherwise.</summary>
    public static string Namespace(string name)
    {
        var segments = name.Split('.', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => IsIdentifier(s) ? Escape(s) : Pascal(s))
            .ToList();
        if (segments.Count == 0)
        {
            throw new ArgumentException($"'{name}' is not a usable namespace name: give a name such as 'Demo.Calc'.", nameof(name));
        }

        return string.Join(".", segments);
    }

    /// <summary>True for an identifier of ASCII letters, digits and underscores not starting with a digit.</summary>
    public static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Escapes text for XML doc comments.</summary>
    public static string Xml(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>A C# string literal.</summary>
    public static string Literal(string text)
    {
        var sb = new System.Text.StringBuilder("\"");
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }
}
