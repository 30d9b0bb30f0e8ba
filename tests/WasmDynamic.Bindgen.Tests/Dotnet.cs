using System.Diagnostics;

namespace WasmDynamic.Bindgen.Tests;

/// <summary>Runs <c>dotnet</c> (pack, build, run, publish) in a child process, as a user would from a shell.</summary>
public static class Dotnet
{
    /// <summary>The repository root (where WasmDynamic.sln is).</summary>
    public static readonly string Root = FindRoot();

    /// <summary>Runs <c>dotnet args…</c> in <paramref name="directory"/>; returns the exit code and stdout+stderr.</summary>
    public static (int Code, string Output) Run(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // A build node left running by one test must not serve another test's build from a different folder.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in 8 minutes.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Runs <c>dotnet args…</c> and fails the test unless it exits with 0; returns its output.</summary>
    public static string Ok(string directory, params string[] args)
    {
        var (code, output) = Run(directory, args);
        if (code != 0)
        {
            throw new Xunit.Sdk.XunitException($"dotnet {string.Join(' ', args)} exited with {code}:\n{output}");
        }

        return output;
    }

    /// <summary>Packs <paramref name="projects"/> (paths under the root) in Release into <paramref name="feed"/>.</summary>
    public static void Pack(string feed, string version, params string[] projects)
    {
        foreach (var project in projects)
        {
            Ok(Root, "pack", Path.Combine(Root, project), "-c", "Release", "-o", feed, $"-p:Version={version}", "-nologo");
        }
    }

    /// <summary>A nuget.config that adds <paramref name="feed"/> to the sources.</summary>
    public static void WriteNugetConfig(string directory, string feed) =>
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);

    /// <summary>Removes a test version of packages from the user's package folder, so test runs do not pile them up.</summary>
    public static void ForgetPackages(string version, params string[] ids)
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in ids)
        {
            var folder = Path.Combine(packages, id.ToLowerInvariant(), version.ToLowerInvariant());
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WasmDynamic.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (WasmDynamic.sln) was not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Tests that pack and build in Release share bin/obj folders: they run one at a time.</summary>
[Xunit.CollectionDefinition(Name)]
public sealed class DotnetPackCollection
{
    public const string Name = "dotnet pack";
}
