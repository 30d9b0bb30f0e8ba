// PluginHost.Web: the PluginHost example as an ASP.NET Core minimal API. The same contract (../PluginHost/wit) and the
// same plugins folder (../PluginHost/plugins, linked into the output); every request gets its own async instance, so
// requests run in parallel, a call that traps or times out leaves nothing behind, and the host keeps serving.
//
//   dotnet run --project examples/PluginHost.Web -- --urls http://127.0.0.1:5080 [--plugins DIR] [--callTimeoutMs 500]
//   curl http://127.0.0.1:5080/plugins
//   curl -d 'hello' http://127.0.0.1:5080/plugins/shout/transform      # 200 HELLO
//   curl -d '' ...    -> 422 (the plugin's err)   -d '!spin' -> 504 (call timeout)   -d '!crash' -> 500 (a trap)
using System.Threading.Channels;
using WasmDynamic;

// Content root = the program's folder, so appsettings.json is found wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var folder = Path.GetFullPath(builder.Configuration["plugins"] ?? Path.Combine(AppContext.BaseDirectory, "plugins"));
var limits = new PluginLimits(
    CallTimeout: TimeSpan.FromMilliseconds(builder.Configuration.GetValue("callTimeoutMs", 500)),
    MaxMemoryBytes: 128L << 20);

builder.Services.AddProblemDetails();
builder.Services.AddSingleton(Channel.CreateBounded<PluginLogEntry>(new BoundedChannelOptions(1024) { SingleReader = true }));
builder.Services.AddHostedService<PluginLogWriter>();
builder.Services.AddSingleton(sp => new PluginCatalog(
    new ComponentRuntime(), // the compiled-component cache is on: a restart loads the JS plugin in milliseconds
    sp.GetRequiredService<Channel<PluginLogEntry>>().Writer,
    sp.GetRequiredService<ILoggerFactory>(),
    limits));

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();

var catalog = app.Services.GetRequiredService<PluginCatalog>();
await catalog.LoadFolderAsync(folder, app.Lifetime.ApplicationStopping);

app.MapGet("/plugins", () => catalog.Plugins.Select(p => new { p.Name, p.Title }));

app.MapPost("/plugins/{name}/transform", async (string name, HttpRequest request, CancellationToken requestAborted) =>
{
    if (!catalog.TryGet(name, out var plugin))
    {
        return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such plugin",
            detail: $"There is no plugin '{name}'; GET /plugins lists them ({string.Join(", ", catalog.Plugins.Select(p => p.Name))}).");
    }

    using var reader = new StreamReader(request.Body);
    var input = await reader.ReadToEndAsync(requestAborted);
    try
    {
        return Results.Text(await plugin.TransformAsync(input, requestAborted));
    }
    catch (ComponentErrorException e)
    {
        return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: $"{plugin.Title} refused the input", detail: e.Payload as string);
    }
    catch (ComponentTimeoutException e)
    {
        return Results.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: $"{plugin.Title} did not answer in time",
            detail: $"The call was stopped by the {e.Timeout.TotalMilliseconds} ms call timeout.");
    }
    catch (ComponentCanceledException) when (requestAborted.IsCancellationRequested)
    {
        // The client went away: the call was stopped, and nobody is left to read an answer.
        return Results.Empty;
    }
    catch (ComponentTrapException e)
    {
        app.Logger.LogWarning("Plugin {Name} trapped ({Code}); its instance is discarded: {Reason}", name, e.TrapCode, e.Message);
        return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: $"{plugin.Title} failed",
            detail: $"The plugin trapped ({e.TrapCode}); that instance was discarded, the next call gets a fresh one.");
    }
});

app.Run();

/// <summary>The limits every plugin call runs under.</summary>
/// <param name="CallTimeout">A call that runs longer is interrupted (<see cref="ComponentTimeoutException"/>).</param>
/// <param name="MaxMemoryBytes">The guest's <c>memory.grow</c> past this returns -1.</param>
internal sealed record PluginLimits(TimeSpan CallTimeout, long MaxMemoryBytes);

/// <summary>
/// The plugins found in a folder: each file loaded (compiled, or read from the compiled-component cache) and prepared
/// once, checked by binding <see cref="IPlugin"/> and calling <c>name</c>; every call then gets a fresh async instance.
/// </summary>
internal sealed class PluginCatalog(ComponentRuntime runtime, ChannelWriter<PluginLogEntry> log, ILoggerFactory loggers, PluginLimits limits) : IDisposable
{
    private readonly Dictionary<string, Plugin> _plugins = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger("PluginHost.Web");

    /// <summary>The plugins that loaded, by name.</summary>
    public IEnumerable<Plugin> Plugins => _plugins.Values.OrderBy(p => p.Name, StringComparer.Ordinal);

    /// <summary>Finds a plugin by name (its file name without the extension).</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Plugin? plugin) => _plugins.TryGetValue(name, out plugin);

    /// <summary>Loads every <c>.wasm</c> and <c>.wat</c> in <paramref name="folder"/>; one that is not a plugin of this contract is logged and skipped.</summary>
    public async Task LoadFolderAsync(string folder, CancellationToken cancellationToken)
    {
        var files = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder)
                .Where(f => f.EndsWith(".wasm", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".wat", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
        _logger.LogInformation("Found {Count} plugin(s) in {Folder}", files.Count, folder);
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            try
            {
                var component = runtime.Load(file);
                var prepared = component.Prepare(new InstanceOptions
                {
                    Imports = new ComponentImports().Add("acme:plugins/host@1.0.0", new HostApi(name, log)),
                    CallTimeout = limits.CallTimeout,
                    MaxMemoryBytes = limits.MaxMemoryBytes,
                    // console.log of the JS plugin, line by line, under the plugin's own category.
                    Wasi = new WasiOptions { StandardOutput = WasiOutput.Lines(line => log.TryWrite(new PluginLogEntry(name, 1, line))) },
                });
                await using var probe = await prepared.InstantiateAsync(cancellationToken);
                var title = await probe.GetInterface<IPlugin>().NameAsync(cancellationToken);
                _plugins.Add(name, new Plugin(name, title, prepared));
                _logger.LogInformation("Plugin {Name} ({Title}) loaded", name, title);
            }
            catch (WasmDynamicException e)
            {
                _logger.LogError("{File} is not a usable plugin: {Reason}", Path.GetFileName(file), e.Message);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => runtime.Dispose();
}

/// <summary>One plugin: its name (the file's), its title (what <c>name()</c> returned) and its prepared binding.</summary>
internal sealed class Plugin(string name, string title, PreparedComponent prepared)
{
    /// <summary>The file name without the extension: the URL segment.</summary>
    public string Name { get; } = name;

    /// <summary>What the plugin calls itself.</summary>
    public string Title { get; } = title;

    /// <summary>
    /// Runs <c>transform</c> on a fresh async instance: one call at a time per instance, so one instance per request;
    /// instantiating a prepared component is a store and Wasmtime's instantiate, tens of microseconds.
    /// </summary>
    public async Task<string> TransformAsync(string input, CancellationToken cancellationToken)
    {
        await using var instance = await prepared.InstantiateAsync(cancellationToken);
        return await instance.GetInterface<IPlugin>().TransformAsync(input, cancellationToken);
    }
}

/// <summary>
/// The contract's exported interface, <c>acme:plugins/plugin@1.0.0</c>, called asynchronously: <c>XAsync</c> binds to
/// WIT <c>x</c>, the trailing token cancels the call. The WIT <c>result&lt;string, string&gt;</c> is a plain
/// <see cref="string"/>; its <c>err</c> becomes a <see cref="ComponentErrorException"/> carrying the message.
/// </summary>
[WitName("acme:plugins/plugin@1.0.0")]
public interface IPlugin
{
    /// <summary>WIT <c>name: func() -> string</c>.</summary>
    Task<string> NameAsync(CancellationToken cancellationToken = default);

    /// <summary>WIT <c>transform: func(input: string) -> result&lt;string, string&gt;</c>.</summary>
    Task<string> TransformAsync(string input, CancellationToken cancellationToken = default);
}

/// <summary>A line a plugin logged, on its way to <see cref="ILogger"/>.</summary>
public readonly record struct PluginLogEntry(string Plugin, byte Level, string Message);

/// <summary>
/// The contract's imported interface, <c>acme:plugins/host@1.0.0</c>, implemented asynchronously: <c>log</c> queues
/// the line in a bounded channel and, when the channel is full, the guest's fiber waits for room without holding a
/// thread. The token is cancelled when the call is (a timeout, the client going away).
/// </summary>
public sealed class HostApi(string plugin, ChannelWriter<PluginLogEntry> log)
{
    /// <summary>WIT <c>log: func(level: u8, message: string)</c>.</summary>
    public ValueTask Log(byte level, string message, CancellationToken cancellationToken) =>
        log.WriteAsync(new PluginLogEntry(plugin, level, message), cancellationToken);
}

/// <summary>Drains the plugins' log lines into <see cref="ILogger"/>, category <c>Plugin.&lt;name&gt;</c>.</summary>
internal sealed class PluginLogWriter(Channel<PluginLogEntry> log, ILoggerFactory loggers) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var entry in log.Reader.ReadAllAsync(stoppingToken))
        {
            loggers.CreateLogger("Plugin." + entry.Plugin).Log(
                entry.Level switch { 0 => LogLevel.Debug, 1 => LogLevel.Information, 2 => LogLevel.Warning, _ => LogLevel.Error },
                "{Message}",
                entry.Message);
        }
    }
}
