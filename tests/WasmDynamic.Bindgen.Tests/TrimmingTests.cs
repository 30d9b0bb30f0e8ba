using FluentAssertions;
using Xunit;

namespace WasmDynamic.Bindgen.Tests;

/// <summary>
/// A trimmed, self-contained app (<c>PublishTrimmed=true</c>, linux-x64) that binds host imports given as a host class
/// (<c>Add&lt;T&gt;</c>), as an anonymous object, and calls an export through <c>GetInterface&lt;T&gt;</c>: what binding
/// reads must survive the trimmer because the parameters say so.
/// </summary>
[Collection(DotnetPackCollection.Name)]
public class TrimmingTests
{
    [Fact]
    public void A_trimmed_app_keeps_what_binding_reads_of_host_classes_anonymous_imports_and_interfaces()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            throw new PlatformNotSupportedException("This test publishes for linux-x64 and runs the result: run it on linux-x64.");
        }

        var work = Directory.CreateTempSubdirectory("wasmdynamic-trim-");
        try
        {
            var app = work.FullName;
            File.Copy(Fixtures.Path("imports.wat"), Path.Combine(app, "imports.wat"));
            File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
                    <SelfContained>true</SelfContained>
                    <PublishTrimmed>true</PublishTrimmed>
                    <!-- The trimmer's own report is checked below instead of failing the publish. -->
                    <WarningsAsErrors />
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{Path.Combine(Dotnet.Root, "src", "WasmDynamic", "WasmDynamic.csproj")}" />
                    <None Include="imports.wat" CopyToOutputDirectory="PreserveNewest" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using System.Diagnostics.CodeAnalysis;
                using WasmDynamic;

                using var runtime = new ComponentRuntime();
                using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "imports.wat"));

                // A host class through Add<T>: its public methods are kept because T says so.
                var lines = new List<string>();
                using (var instance = component.Instantiate(new ComponentImports()
                    .Add("demo:host/logger@0.1.0", new HostLogger(lines))
                    .Add("get-number", (Func<uint>)(() => 41))))
                {
                    var exports = instance.GetInterface<IRunner>("");
                    Console.WriteLine($"class: {exports.Run("hello")} {string.Join(",", lines)}");
                }

                // An anonymous object: its properties are kept (Instantiate<TImports>); the class in it is rooted.
                lines.Clear();
                Anonymous(component, lines);

                // Control: a class used only by reflection, inside an anonymous object, loses its methods to the trimmer.
                try
                {
                    using var instance = component.Instantiate(new { Logger = new PlainLogger(), GetNumber = (Func<uint>)(() => 6) });
                    Console.WriteLine("control: bound");
                }
                catch (ComponentBindingException e)
                {
                    Console.WriteLine($"control: trimmed: {e.Message}");
                }

                [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(RootedLogger))]
                static void Anonymous(WasmComponent component, List<string> lines)
                {
                    using var instance = component.Instantiate(new { Logger = new RootedLogger(lines), GetNumber = (Func<uint>)(() => 6) });
                    Console.WriteLine($"anonymous: {instance.GetInterface<IRunner>("").Run("hi")} {string.Join(",", lines)}");
                }

                public interface IRunner
                {
                    uint Run(string msg);
                }

                public sealed class HostLogger(List<string> lines)
                {
                    public void Log(byte level, string msg) => lines.Add($"{level}:{msg}");
                }

                public sealed class RootedLogger(List<string> lines)
                {
                    public void Log(byte level, string msg) => lines.Add($"{level}:{msg}");
                }

                public sealed class PlainLogger
                {
                    public void Log(byte level, string msg) => Console.WriteLine(msg);
                }
                """);

            var publish = Dotnet.Ok(app, "publish", "-c", "Release", "-o", Path.Combine(app, "out"), "-nologo");
            publish.Should().NotContain("IL2104", "WasmDynamic must not be reported as an assembly with unexplained trim warnings");
            publish.Should().NotContain("WasmDynamic.dll : warning", "the library's own code must be trim-clean");
            File.Exists(Path.Combine(app, "out", "System.Private.CoreLib.dll")).Should().BeTrue("the app is self-contained");

            var (code, output) = RunApp(Path.Combine(app, "out", "App"));
            code.Should().Be(0, output);
            output.Should().Contain("class: 42 2:hello").And.Contain("anonymous: 7 2:hi").And.Contain("control: trimmed: ").And.Contain("PlainLogger has no method for 'demo:host/logger@0.1.0#log'");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static (int Code, string Output) RunApp(string path)
    {
        var start = new System.Diagnostics.ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The trimmed app did not finish in 2 minutes.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
