// PluginHost: the host defines the contract (wit/plugin.wit), finds plugins in a folder at run time, binds each to its
// own C# interface, gives every call a timeout and every instance a memory limit, logs through ILogger, and keeps
// going whatever a plugin does.
//
//   dotnet run --project examples/PluginHost                  # the plugins next to the program (plugins/)
//   dotnet run --project examples/PluginHost -- DIR [INPUT…]  # the plugins in DIR, and your own inputs
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using WasmDynamic;
using WasmDynamic.Extensions.Hosting;

var folder = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.Combine(AppContext.BaseDirectory, "plugins");
string[] inputs = args.Length > 1 ? args[1..] : ["hello, plugin world", "", "!hog", "!spin", "!crash", "still there?"];
var callTimeout = TimeSpan.FromMilliseconds(500);

// Discovery: every component in the folder is a plugin, named by its file.
var plugins = Directory.Exists(folder)
    ? Directory.EnumerateFiles(folder)
        .Where(f => f.EndsWith(".wasm", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".wat", StringComparison.OrdinalIgnoreCase))
        .Order(StringComparer.Ordinal)
        .ToList()
    : [];

var services = new ServiceCollection();
services.AddLogging(b => b
    .AddSimpleConsole(o =>
    {
        o.SingleLine = true;
        o.ColorBehavior = LoggerColorBehavior.Disabled;
    })
    .SetMinimumLevel(LogLevel.Information));
services.AddWasmDynamic();
foreach (var file in plugins)
{
    var name = Path.GetFileNameWithoutExtension(file);
    services.AddWasmComponent(name, o =>
        {
            o.Path = file;
            o.CallTimeout = callTimeout;          // a call that runs longer is interrupted: ComponentTimeoutException
            o.MaxMemoryBytes = 128L << 20;        // memory.grow past 128 MiB returns -1 in the guest
            o.PoolSize = 1;                       // one instance kept ready; each call below gets a fresh one
        })
        // The host side of the contract, one object per instance, logging under the plugin's name. WASI output
        // (console.log in the JS plugin) goes to the logger "WasmDynamic.Component.<name>", line by line.
        .AddImport("acme:plugins/host@1.0.0", sp => new HostApi(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Plugin." + name)));
}

await using var provider = services.BuildServiceProvider();
var log = provider.GetRequiredService<ILoggerFactory>().CreateLogger("PluginHost");

log.LogInformation("Found {Count} plugin(s) in {Folder}: {Names}", plugins.Count, folder, string.Join(", ", plugins.Select(Path.GetFileName)));
if (!plugins.Any(p => p.EndsWith(".wasm", StringComparison.OrdinalIgnoreCase)))
{
    log.LogInformation("The JavaScript plugin is not built: run examples/PluginHost/js/build.sh (needs node and npm), then run this again to load it too.");
}

var failures = 0;
foreach (var file in plugins)
{
    var name = Path.GetFileNameWithoutExtension(file);
    var pool = provider.GetRequiredKeyedService<WasmComponentPool>(name);
    string title;
    try
    {
        // Loading (compiling, or reading the compiled-component cache), instantiating and binding IPlugin: a
        // component that is not a plugin of this contract fails here, with every mismatch in one message.
        using var lease = pool.Rent();
        title = lease.GetInterface<IPlugin>().Name();
    }
    catch (WasmDynamicException e)
    {
        failures++;
        log.LogError("{File} is not a usable plugin: {Reason}", Path.GetFileName(file), e.Message);
        continue;
    }

    log.LogInformation("Plugin {Name} ({Title}) loaded", name, title);
    foreach (var input in inputs)
    {
        // A fresh instance per call: a plugin that trapped, timed out or grew its memory leaves nothing behind.
        using var lease = pool.Rent();
        var plugin = lease.GetInterface<IPlugin>();
        try
        {
            log.LogInformation("{Title}: \"{Input}\" -> \"{Output}\"", title, input, plugin.Transform(input));
        }
        catch (ComponentErrorException e)
        {
            log.LogWarning("{Title}: \"{Input}\" -> err \"{Error}\"", title, input, e.Payload);
        }
        catch (ComponentTimeoutException)
        {
            log.LogWarning("{Title}: \"{Input}\" -> stopped by the {Timeout} ms call timeout", title, input, callTimeout.TotalMilliseconds);
        }
        catch (ComponentTrapException e)
        {
            log.LogWarning("{Title}: \"{Input}\" -> trapped ({Code}); that instance is discarded", title, input, e.TrapCode);
        }
    }
}

log.LogInformation("Done: {Loaded} plugin(s) ran, {Failed} could not be loaded", plugins.Count - failures, failures);

/// <summary>
/// The contract's exported interface, written by the host: <c>acme:plugins/plugin@1.0.0</c>. The WIT
/// <c>result&lt;string, string&gt;</c> is a plain <see cref="string"/> here; its <c>err</c> becomes a
/// <see cref="ComponentErrorException"/> carrying the message.
/// </summary>
[WitName("acme:plugins/plugin@1.0.0")]
public interface IPlugin
{
    /// <summary>WIT <c>name: func() -> string</c>.</summary>
    string Name();

    /// <summary>WIT <c>transform: func(input: string) -> result&lt;string, string&gt;</c>.</summary>
    string Transform(string input);
}

/// <summary>The contract's imported interface, implemented by the host: <c>acme:plugins/host@1.0.0</c>.</summary>
public sealed class HostApi(ILogger logger)
{
    /// <summary>WIT <c>log: func(level: u8, message: string)</c>.</summary>
    public void Log(byte level, string message) => logger.Log(
        level switch { 0 => LogLevel.Debug, 1 => LogLevel.Information, 2 => LogLevel.Warning, _ => LogLevel.Error },
        "{Message}",
        message);
}
