using System.Diagnostics;

namespace WasmDynamic.Tests;

/// <summary>
/// Runs a scenario of WasmDynamic.TestHost (built with the tests and copied next to them) in its own process, for
/// tests whose failure would kill the test host: a native abort or a stack overflow shows as its exit code.
/// </summary>
public static class ChildProcess
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit code {ExitCode}; stdout: {Output.Trim()}; stderr: {Error.Trim()}";
    }

    public static Result Run(string scenario, TimeSpan? timeout = null)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "WasmDynamic.TestHost.dll");
        var fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "lifecycle.wat");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(host);
        start.ArgumentList.Add(scenario);
        start.ArgumentList.Add(fixture);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new Result(-1, output.Result, "timed out; " + error.Result);
        }

        return new Result(process.ExitCode, output.Result, error.Result);
    }
}
