using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
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

    [Fact]
    public async Task PluginHost_Web_serves_plugin_calls_over_HTTP_and_keeps_serving_after_a_timeout_and_a_trap()
    {
        var project = Path.Combine(Dotnet.Root, "examples", "PluginHost.Web");
        Dotnet.Ok(Dotnet.Root, "build", Path.Combine(project, "PluginHost.Web.csproj"), "-c", "Debug", "-nologo");
        var url = $"http://127.0.0.1:{FreeLoopbackPort()}";

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Dotnet.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(project, "bin", "Debug", "net10.0", "PluginHost.Web.dll"), "--urls", url, "--callTimeoutMs", "500" })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        var output = new StringBuilder();
        using var server = Process.Start(start)!;
        server.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        server.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
            var plugins = await WaitUntilServing(http, server, output);
            plugins.Should().Contain("\"name\":\"shout\"").And.Contain("\"title\":\"shout (WAT)\"");

            async Task<(HttpStatusCode Status, string Body)> Transform(string plugin, string input)
            {
                using var response = await http.PostAsync($"/plugins/{plugin}/transform", new StringContent(input));
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            }

            (await Transform("shout", "hello, web")).Should().Be((HttpStatusCode.OK, "HELLO, WEB"));

            var err = await Transform("shout", "");
            err.Status.Should().Be((HttpStatusCode)422);
            err.Body.Should().Contain("\"detail\":\"empty input\"", "the guest's err text is the problem's detail");

            var hog = await Transform("shout", "!hog");
            hog.Status.Should().Be((HttpStatusCode)422);
            hog.Body.Should().Contain("the host refused 256 MiB more memory", "the memory limit makes memory.grow fail");

            var spin = await Transform("shout", "!spin");
            spin.Status.Should().Be(HttpStatusCode.GatewayTimeout);
            spin.Body.Should().Contain("500 ms call timeout");

            var crash = await Transform("shout", "!crash");
            crash.Status.Should().Be(HttpStatusCode.InternalServerError);
            crash.Body.Should().Contain("trapped (Unreachable)").And.Contain("\"status\":500", "a trap is a problem-details 500");

            (await Transform("shout", "still there?")).Should().Be((HttpStatusCode.OK, "STILL THERE?"), "a fresh instance serves the call after the trap");

            var missing = await Transform("nope", "x");
            missing.Status.Should().Be(HttpStatusCode.NotFound);
            missing.Body.Should().Contain("There is no plugin 'nope'");

            server.HasExited.Should().BeFalse("the host keeps serving whatever a plugin does");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }

        string log;
        lock (output)
        {
            log = output.ToString();
        }

        log.Should().Contain("Plugin shout (shout (WAT)) loaded")
            .And.Contain("Now listening on: " + url, "--urls is respected")
            .And.Contain("Plugin.shout[0]").And.Contain("shouting a text", "the async host import logs through ILogger under the plugin's name");
    }

    /// <summary>Polls <c>GET /plugins</c> until the server answers; fails with its output if it exits or takes a minute.</summary>
    private static async Task<string> WaitUntilServing(HttpClient http, Process server, StringBuilder output)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("/plugins");
                response.StatusCode.Should().Be(HttpStatusCode.OK);
                return await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException) when (!server.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            catch (HttpRequestException e)
            {
                lock (output)
                {
                    throw new Xunit.Sdk.XunitException($"PluginHost.Web did not start serving ({e.Message}):\n{output}");
                }
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string BuildPluginHost()
    {
        Dotnet.Ok(Dotnet.Root, "build", Path.Combine(PluginHost, "PluginHost.csproj"), "-c", "Debug", "-nologo");
        return Path.Combine(PluginHost, "bin", "Debug", "net10.0", "PluginHost.dll");
    }
}
