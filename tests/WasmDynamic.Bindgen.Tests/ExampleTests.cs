using FluentAssertions;
using Xunit;

namespace WasmDynamic.Bindgen.Tests;

/// <summary>The examples under <c>examples/</c>, built and run as a user runs them, their output checked.</summary>
[Collection(DotnetPackCollection.Name)]
public class ExampleTests
{
    private static readonly string PluginHost = Path.Combine(Dotnet.Root, "examples", "PluginHost");

    [Fact]
    public void QuickStart_prints_the_world_and_the_results_of_dynamic_and_typed_calls()
    {
        var output = Dotnet.Ok(Dotnet.Root, "run", "--project", Path.Combine(Dotnet.Root, "examples", "QuickStart"), "-c", "Debug", "-nologo");
        output.Should().Contain("export add: func(a: u32, b: u32) -> u32;")
            .And.Contain("dynamic: add(40, 2) = 42; shout = \"HELLO, COMPONENTS\"; manhattan = 7")
            .And.Contain("typed:   add(1, 2) = 3; shout = \"TYPED\"; manhattan = 7")
            .And.Contain("[guest log, level 1] hello, components");
    }

    [Fact]
    public void PluginHost_runs_the_WAT_plugin_through_its_limits_and_keeps_going_after_each_failure()
    {
        var host = BuildPluginHost();

        // As shipped: the plugins folder next to the program. (A JS plugin built locally is loaded too; its lines are
        // not checked here, since CI has no npm to build it.)
        var output = Dotnet.Ok(Dotnet.Root, host);
        output.Should().Contain("Plugin shout (shout (WAT)) loaded")
            .And.Contain("shout (WAT): \"hello, plugin world\" -> \"HELLO, PLUGIN WORLD\"")
            .And.Contain("shout (WAT): \"\" -> err \"empty input\"")
            .And.Contain("shout (WAT): \"!hog\" -> err \"the host refused 256 MiB more memory\"", "MaxMemoryBytes makes memory.grow fail")
            .And.Contain("shout (WAT): \"!spin\" -> stopped by the 500 ms call timeout")
            .And.Contain("shout (WAT): \"!crash\" -> trapped (Unreachable); that instance is discarded")
            .And.Contain("shout (WAT): \"still there?\" -> \"STILL THERE?\"", "a fresh instance serves the call after the trap")
            .And.Contain("info: Plugin.shout[0] shouting a text", "the host import logs through ILogger under the plugin's name");
        output.Should().MatchRegex(@"Done: [12] plugin\(s\) ran, 0 could not be loaded");
    }

    [Fact]
    public void PluginHost_reports_a_folder_without_the_JS_plugin_and_skips_components_that_are_not_plugins()
    {
        var host = BuildPluginHost();
        var folder = Directory.CreateTempSubdirectory("wasmdynamic-plugins-");
        try
        {
            File.Copy(Path.Combine(PluginHost, "plugins", "shout.wat"), Path.Combine(folder.FullName, "shout.wat"));
            File.WriteAllText(Path.Combine(folder.FullName, "broken.wat"), "(component (func oops");
            File.Copy(Path.Combine(Dotnet.Root, "examples", "QuickStart", "calculator.wat"), Path.Combine(folder.FullName, "calculator.wat"));

            var output = Dotnet.Ok(Dotnet.Root, host, folder.FullName, "abc", "!crash", "def");
            output.Should().Contain("Found 3 plugin(s)")
                .And.Contain("The JavaScript plugin is not built: run examples/PluginHost/js/build.sh")
                .And.Contain("broken.wat is not a usable plugin: ")
                .And.Contain("calculator.wat is not a usable plugin: ")
                .And.Contain("shout (WAT): \"abc\" -> \"ABC\"")
                .And.Contain("shout (WAT): \"!crash\" -> trapped (Unreachable)")
                .And.Contain("shout (WAT): \"def\" -> \"DEF\"")
                .And.Contain("Done: 1 plugin(s) ran, 2 could not be loaded");
            output.Should().MatchRegex("calculator.wat is not a usable plugin: .*demo:calc/logger", "the missing import is named");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string BuildPluginHost()
    {
        Dotnet.Ok(Dotnet.Root, "build", Path.Combine(PluginHost, "PluginHost.csproj"), "-c", "Debug", "-nologo");
        return Path.Combine(PluginHost, "bin", "Debug", "net10.0", "PluginHost.dll");
    }
}
