using System.IO.Compression;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Bindgen.Tests;

/// <summary>
/// WasmDynamic.Build as a consumer gets it: packed into a local feed, referenced by a new console app that declares
/// <c>&lt;WitBindings Include="shapes.wasm" Namespace="Acme.Shapes" /&gt;</c> and calls the component through the
/// generated interfaces.
/// </summary>
[Collection(DotnetPackCollection.Name)]
public class BuildIntegrationTests
{
    [Fact]
    public void WitBindings_generates_code_at_build_time_incrementally_and_the_app_runs_it()
    {
        var work = Directory.CreateTempSubdirectory("wasmdynamic-build-");
        var version = $"0.2.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            Dotnet.Pack(feed, version, "src/WasmDynamic", "src/WasmDynamic.Build");
            using (var package = ZipFile.OpenRead(Path.Combine(feed, $"WasmDynamic.Build.{version}.nupkg")))
            {
                var entries = package.Entries.Select(e => e.FullName).ToList();
                entries.Should().Contain(["build/WasmDynamic.Build.props", "build/WasmDynamic.Build.targets", "tools/net10.0/WasmDynamic.Build.dll",
                    "tools/net10.0/WasmDynamic.Build.runtimeconfig.json", "tools/net10.0/WasmDynamic.Bindgen.dll", "tools/net10.0/WasmDynamic.dll", "lib/net10.0/_._"]);
                entries.Should().NotContain(e => e.Contains("wasmtime", StringComparison.OrdinalIgnoreCase), "the generator reads binaries without Wasmtime");
            }


            var app = Path.Combine(work.FullName, "app");
            Directory.CreateDirectory(app);
            Dotnet.WriteNugetConfig(app, feed);
            File.WriteAllBytes(Path.Combine(app, "shapes.wasm"), WasmDynamic.Native.ComponentLoader.Wat2Wasm(Fixtures.Bytes("compound.wat"), "compound.wat"));
            File.Copy(Fixtures.Path("compound.wat"), Path.Combine(app, "shapes.wat"));
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
                    <PackageReference Include="WasmDynamic.Build" Version="{version}" />
                    <WitBindings Include="shapes.wasm" Namespace="Acme.Shapes" Async="$(AsyncShapes)" />
                    <WitBindings Include="shapes.wat" Namespace="Acme.Text" Condition="'$(TryWat)' == 'true'" />
                    <None Include="shapes.wasm" CopyToOutputDirectory="PreserveNewest" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using Acme.Shapes;
                using WasmDynamic;

                using var runtime = new ComponentRuntime();
                using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "shapes.wasm"));
                using var instance = component.Instantiate();
                var exports = WitBindings.Bind(instance);
                Point p = exports.Shapes.MakePoint(2, 3);
                Console.WriteLine($"{p.X},{p.Y} {exports.Shapes.Area(new Shape.Rect(new Point(3, 4)))}");
                """);

            Dotnet.Ok(app, "build", "-c", "Debug", "-nologo");
            var generated = Path.Combine(app, "obj", "Debug", "net10.0", "WitBindings", "shapes.wasm");
            var shapes = Path.Combine(generated, "IShapes.g.cs");
            var stamp = Path.Combine(app, "obj", "Debug", "net10.0", "WitBindings", "shapes.wasm.stamp");
            File.ReadAllText(shapes).Should().Contain("namespace Acme.Shapes;").And.Contain("Point MakePoint(int x, int y);");
            var (generatedAt, stampedAt) = (File.GetLastWriteTimeUtc(shapes), File.GetLastWriteTimeUtc(stamp));

            var second = Dotnet.Ok(app, "build", "-c", "Debug", "-nologo", "-v:n");
            second.Should().Contain("Skipping target \"WasmDynamicGenerateBindings\"", "nothing changed since the first build");
            File.GetLastWriteTimeUtc(shapes).Should().Be(generatedAt);
            File.GetLastWriteTimeUtc(stamp).Should().Be(stampedAt);

            Dotnet.Ok(app, "run", "--no-build", "-nologo").Trim().Split('\n').Last().Trim().Should().Be("2,3 12");

            // A newer component runs the generator again; identical output leaves the files (and the compile) alone.
            File.SetLastWriteTimeUtc(Path.Combine(app, "shapes.wasm"), DateTime.UtcNow.AddSeconds(2));
            var third = Dotnet.Ok(app, "build", "-c", "Debug", "-nologo", "-v:n");
            third.Should().Contain("WitBindings: shapes.wasm").And.Contain("(0 of the files changed)");
            File.GetLastWriteTimeUtc(stamp).Should().BeAfter(stampedAt);
            File.GetLastWriteTimeUtc(shapes).Should().Be(generatedAt);

            // WAT text is refused with an error against the file, not a crash.
            var (code, output) = Dotnet.Run(app, "build", "-c", "Debug", "-nologo", "-p:TryWat=true");
            code.Should().NotBe(0);
            output.Should().Contain("shapes.wat : error WDB0001: WitBindings reads component binaries (.wasm)");

            // Async="true" is an input of the generation: it runs again and adds the Task-returning twins.
            var asyncBuild = Dotnet.Ok(app, "build", "-c", "Debug", "-nologo", "-v:n", "-p:AsyncShapes=true");
            asyncBuild.Should().Contain("WitBindings: shapes.wasm");
            File.ReadAllText(shapes).Should().Contain("Point MakePoint(int x, int y);")
                .And.Contain("global::System.Threading.Tasks.Task<Point> MakePointAsync(int x, int y, global::System.Threading.CancellationToken cancellationToken = default);");
        }
        finally
        {
            work.Delete(recursive: true);
            Dotnet.ForgetPackages(version, "WasmDynamic", "WasmDynamic.Build");
        }
    }
}
