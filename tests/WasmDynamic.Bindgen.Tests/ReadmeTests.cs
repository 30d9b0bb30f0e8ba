using System.Text;
using System.Text.RegularExpressions;
using FluentAssertions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace WasmDynamic.Bindgen.Tests;

/// <summary>
/// Every <c>```csharp</c> block of README.md compiles against the real libraries. Each block is compiled on its own,
/// with the implicit usings of a console app plus <c>using WasmDynamic;</c> (the tour's first line); anything else it
/// needs it must say itself. A block that awaits is an async method body. The things a snippet takes for granted — <c>component</c>, <c>instance</c>, a
/// <c>ConsoleLogger</c>, an <c>ICalculator</c> — are declared around it, and generated bindings come from Bindgen.
/// </summary>
public partial class ReadmeTests
{
    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks", "WasmDynamic"];

    /// <summary>Variables a snippet may use without declaring them, and their types.</summary>
    private static readonly (string Name, string Type)[] Ambient =
    [
        ("component", "WasmDynamic.WasmComponent"), ("instance", "WasmDynamic.ComponentInstance"), ("imports", "WasmDynamic.ComponentImports"),
        ("database", "IDatabase"), ("shutdown", "CancellationTokenSource"), ("request", "Request"), ("api", "ILongWork"),
        ("builder", "AppBuilder"), ("services", "IServiceProvider"),
    ];

    private const string AmbientTypes = """
        public sealed class ConsoleLogger { public void Log(byte level, string msg) => System.Console.WriteLine(msg); }
        public sealed class ContainerLogger { public void Log(byte level, string msg) { } }
        public sealed class MyLogger { public void Log(byte level, string msg) { } }
        public interface ICalculator { uint Add(uint a, uint b); }
        public interface IDatabase { }
        public sealed class Blob { public Blob(string init) { } public Blob(IDatabase db, string init) { } }
        public sealed class MyBlob { public MyBlob(string init) { } }
        public sealed class Handle { }
        public sealed class Request { public System.Threading.CancellationToken Token { get; } }
        public interface ILongWork { void LongWork(); }
        public sealed class AppBuilder { public Microsoft.Extensions.DependencyInjection.IServiceCollection Services { get; } = null!; }
        """;

    [Fact]
    public void Every_csharp_block_of_the_README_compiles()
    {
        var readme = File.ReadAllText(Path.Combine(Dotnet.Root, "README.md"));
        var blocks = Block().Matches(readme).Select(m => m.Groups[1].Value).ToList();
        blocks.Should().HaveCountGreaterThan(8);

        var generated = Bindgen.Generate("Demo.Calc", Fixtures.Bytes("compound.wat"));
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var shared = generated.Select(f => CSharpSyntaxTree.ParseText(Encoding.UTF8.GetString(f.Value), parse, path: f.Key))
            .Append(CSharpSyntaxTree.ParseText(AmbientTypes, parse, path: "Ambient.cs"))
            .ToList();

        var failures = new List<string>();
        for (var i = 0; i < blocks.Count; i++)
        {
            var source = Wrap(i, blocks[i]);
            var trees = shared.Append(CSharpSyntaxTree.ParseText(source, parse, path: $"README block {i + 1}")).ToList();
            var compilation = CSharpCompilation.Create($"Readme{i}", trees, References.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0)
            {
                failures.Add($"README block {i + 1}:\n{blocks[i]}\n{string.Join("\n", errors)}");
            }
        }

        failures.Should().BeEmpty();
    }

    /// <summary>
    /// usings first, then the block's statements as a method body (with the ambient variables it uses but does not
    /// declare as parameters), then the types it declares.
    /// </summary>
    private static string Wrap(int index, string block)
    {
        var lines = block.Split('\n');
        var usings = lines.Where(IsUsingDirective).ToList();
        var declarations = lines.Where(l => !IsUsingDirective(l) && (l.StartsWith("public ", StringComparison.Ordinal) || l.StartsWith('['))).ToList();
        var statements = lines.Where(l => !IsUsingDirective(l) && !declarations.Contains(l)).ToList();
        var body = string.Join('\n', statements);
        var parameters = Ambient
            .Where(a => Regex.IsMatch(body, $@"\b{a.Name}\b(?!\s*[:=])") && !Regex.IsMatch(body, $@"\bvar\s+{a.Name}\b"))
            .Select(a => $"{a.Type} {a.Name}");
        return $$"""
            {{string.Join('\n', ImplicitUsings.Select(u => $"using {u};"))}}
            {{string.Join('\n', usings)}}

            namespace ReadmeBlock{{index + 1}}
            {
                public static class Snippet
                {
                    public static {{(Regex.IsMatch(body, @"\bawait\b") ? "async Task" : "void")}} Run({{string.Join(", ", parameters)}})
                    {
            {{body}}
                    }
                }

            {{string.Join('\n', declarations)}}
            }
            """;
    }

    private static bool IsUsingDirective(string line) =>
        line.StartsWith("using ", StringComparison.Ordinal) && !line.StartsWith("using var ", StringComparison.Ordinal) && !line.StartsWith("using (", StringComparison.Ordinal);

    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.Add(typeof(ComponentInstance).Assembly.Location);
        paths.Add(typeof(Bindgen).Assembly.Location);
        paths.Add(typeof(WasmDynamic.Extensions.Hosting.WasmComponentPool).Assembly.Location);
        paths.Add(typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly.Location);
        paths.Add(typeof(Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    });

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();
}
