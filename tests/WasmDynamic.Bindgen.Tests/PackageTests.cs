using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Bindgen.Tests;

/// <summary>
/// The packages as a consumer gets them: <c>dotnet pack</c> into a local feed, the .nuspec read back, and a new console
/// app restoring WasmDynamic from that feed and calling a component.
/// </summary>
[Collection(DotnetPackCollection.Name)]
public class PackageTests
{
    private static readonly string Root = Dotnet.Root;

    [Fact]
    public void Packages_carry_their_metadata_and_a_fresh_app_restores_and_runs_them_from_a_local_feed()
    {
        var work = Directory.CreateTempSubdirectory("wasmdynamic-pack-");
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            var version = $"0.2.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
            foreach (var project in new[] { "src/WasmDynamic", "src/WasmDynamic.Bindgen", "src/WasmDynamic.Cli", "src/WasmDynamic.Extensions.Hosting", "src/WasmDynamic.Build" })
            {
                Dotnet.Ok(Root, "pack", Path.Combine(Root, project), "-c", "Release", "-o", feed, $"-p:Version={version}", "-nologo");
            }

            Directory.GetFiles(feed).Select(Path.GetFileName).Should().BeEquivalentTo(
                $"WasmDynamic.{version}.nupkg", $"WasmDynamic.{version}.snupkg",
                $"WasmDynamic.Bindgen.{version}.nupkg", $"WasmDynamic.Bindgen.{version}.snupkg",
                $"WasmDynamic.Cli.{version}.nupkg", $"WasmDynamic.Cli.{version}.snupkg",
                $"WasmDynamic.Extensions.Hosting.{version}.nupkg", $"WasmDynamic.Extensions.Hosting.{version}.snupkg",
                $"WasmDynamic.Build.{version}.nupkg");

            foreach (var id in new[] { "WasmDynamic", "WasmDynamic.Bindgen", "WasmDynamic.Cli", "WasmDynamic.Extensions.Hosting", "WasmDynamic.Build" })
            {
                using var package = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.nupkg"));
                package.Entries.Select(e => e.FullName).Should().Contain(["README.md", "LICENSE"], id);
                var metadata = Nuspec(package).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
                string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
                Field("id").Should().Be(id);
                Field("version").Should().Be(version);
                Field("description").Should().NotBeNullOrWhiteSpace().And.NotBe("Package Description");
                Field("authors").Should().NotBe(id, "authors default to the package id when nobody sets them");
                Field("license").Should().Be("Apache-2.0");
                Field("readme").Should().Be("README.md");
                Field("tags").Should().Contain("webassembly");
                Field("releaseNotes").Should().NotBeNullOrWhiteSpace();
            }

            using (var core = ZipFile.OpenRead(Path.Combine(feed, $"WasmDynamic.{version}.nupkg")))
            {
                var wasmtime = Nuspec(core).Descendants().Single(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "Wasmtime");
                ((string?)wasmtime.Attribute("version")).Should().Be("[50.0.1, 51.0.0)", "the P/Invoke layer is written against Wasmtime 50's C API");
                ((string?)wasmtime.Attribute("exclude")).Should().Contain("Compile", "Wasmtime.Dotnet's own types must not reach the consumer's compilation");
            }

            var app = Path.Combine(work.FullName, "app");
            Directory.CreateDirectory(app);
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="WasmDynamic" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """"
                using WasmDynamic;

                using var runtime = new ComponentRuntime();
                using var component = runtime.LoadText("""
                    (component
                      (core module $m (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
                      (core instance $i (instantiate $m))
                      (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add"))))
                    """);
                ComponentInstance instance = component.Instantiate();
                uint sum = instance.Exports.Add(40, 2);
                Console.WriteLine(sum);
                instance.Dispose();
                """");
            var output = Dotnet.Ok(app, "run", "-nologo");
            output.Trim().Split('\n').Last().Trim().Should().Be("42");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public void Only_the_libraries_and_the_tool_are_packable()
    {
        var solution = File.ReadAllLines(Path.Combine(Root, "WasmDynamic.sln"))
            .Where(l => l.StartsWith("Project(", StringComparison.Ordinal) && l.Contains(".csproj", StringComparison.Ordinal))
            .Select(l => l.Split('"')[5].Replace('\\', '/'))
            .ToList();
        solution.Should().NotBeEmpty();
        var packable = solution.Where(p => Dotnet.Ok(Root, "msbuild", Path.Combine(Root, p), "-getProperty:IsPackable", "-nologo").Trim() == "true").ToList();
        packable.Should().BeEquivalentTo(
            "src/WasmDynamic/WasmDynamic.csproj", "src/WasmDynamic.Bindgen/WasmDynamic.Bindgen.csproj", "src/WasmDynamic.Cli/WasmDynamic.Cli.csproj",
            "src/WasmDynamic.Extensions.Hosting/WasmDynamic.Extensions.Hosting.csproj", "src/WasmDynamic.Build/WasmDynamic.Build.csproj");
    }

    private static XDocument Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }
}
