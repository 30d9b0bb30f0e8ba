using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using FluentAssertions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace WasmDynamic.Bindgen.Tests;

/// <summary>Paths of the fixtures linked into the output directory.</summary>
public static class Fixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));
}

/// <summary>Compiles generated sources (and test code using them) with Roslyn in memory and loads the assembly.</summary>
public static class Compiler
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(System.IO.Path.PathSeparator).ToList();
        paths.Add(typeof(ComponentInstance).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    });

    private static int _counter;

    /// <summary>
    /// Compiles <paramref name="generated"/> with warnings as errors and XML docs checked, plus <paramref name="extra"/>
    /// (test code, not held to those rules). Fails the test on any diagnostic in the generated files.
    /// </summary>
    public static Assembly Compile(IReadOnlyDictionary<string, byte[]> generated, params string[] extra)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose);
        var trees = generated.Select(f => CSharpSyntaxTree.ParseText(Encoding.UTF8.GetString(f.Value), parse, path: f.Key, encoding: Encoding.UTF8))
            .Concat(extra.Select((code, i) => CSharpSyntaxTree.ParseText(code, parse, path: $"Extra{i}.cs", encoding: Encoding.UTF8)))
            .ToList();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999);
        var compilation = CSharpCompilation.Create($"Generated{Interlocked.Increment(ref _counter)}", trees, References.Value, options);
        using var pe = new MemoryStream();
        using var xml = new MemoryStream();
        var result = compilation.Emit(pe, xmlDocumentationStream: xml);
        var problems = result.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && generated.ContainsKey(d.Location.SourceTree?.FilePath ?? string.Empty)))
            .Select(d => d.ToString())
            .ToList();
        problems.Should().BeEmpty("the generated code must compile without warnings, XML doc warnings included");
        result.Success.Should().BeTrue();
        return Assembly.Load(pe.ToArray());
    }

    /// <summary>Calls <c>Scenario.{method}</c> of a compiled assembly.</summary>
    public static object? Call(Assembly assembly, string method, params object?[] args)
    {
        try
        {
            return assembly.GetType("Scenario", throwOnError: true)!.GetMethod(method)!.Invoke(null, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}

/// <summary>
/// Renders values of the default type map (what <c>dynamic</c> returns) and of generated types in one canonical
/// text, so results through both can be compared: records as <c>{X=1, Y=2}</c>, variant cases by case class name,
/// enums by name, lists, tuples, options and results structurally.
/// </summary>
public static class Canonical
{
    public static string Render(object? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case string s:
                return '"' + s + '"';
            case bool b:
                return b ? "true" : "false";
            case Rune r:
                return "'" + r + "'";
            case float f:
                return f.ToString("R", CultureInfo.InvariantCulture);
            case double d:
                return d.ToString("R", CultureInfo.InvariantCulture);
            case Enum e:
                return e.ToString();
            case IFormattable n when value.GetType().IsPrimitive:
                return n.ToString(null, CultureInfo.InvariantCulture);
            case ComponentResource:
                return "<resource>";
        }

        var type = value.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Result<,>))
        {
            var ok = (bool)type.GetProperty("IsOk")!.GetValue(value)!;
            return (ok ? "ok(" : "err(") + Render(type.GetProperty(ok ? "Value" : "Error")!.GetValue(value)) + ")";
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Option<>))
        {
            return (bool)type.GetProperty("HasValue")!.GetValue(value)! ? "some(" + Render(type.GetProperty("Value")!.GetValue(value)) + ")" : "none";
        }

        if (value is ITuple tuple && type.FullName!.StartsWith("System.ValueTuple", StringComparison.Ordinal))
        {
            return "(" + string.Join(", ", Enumerable.Range(0, tuple.Length).Select(i => Render(tuple[i]))) + ")";
        }

        if (value is IEnumerable sequence)
        {
            return "[" + string.Join(", ", sequence.Cast<object?>().Select(Render)) + "]";
        }

        if (value is Unit)
        {
            return "()";
        }

        // A variant case: a nested class deriving from its (abstract) declaring class.
        if (type.IsNested && type.BaseType is { IsAbstract: true } variant && type.DeclaringType == variant)
        {
            var payload = type.GetProperty("Value", BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
            return type.Name + (payload is null ? string.Empty : "(" + Render(payload.GetValue(value)) + ")");
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0);
        return "{" + string.Join(", ", properties.Select(p => p.Name + "=" + Render(p.GetValue(value)))) + "}";
    }

    public static string[] RenderAll(IEnumerable<object?> values) => values.Select(Render).ToArray();
}

/// <summary>Runs the CLI in this process, capturing its output.</summary>
public static class Cli
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = WasmDynamic.Cli.Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
