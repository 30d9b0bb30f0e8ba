namespace WasmDynamic;

/// <summary>
/// The WASI 0.2 environment given to a component. The defaults are a sandbox: no environment variables, no
/// arguments, no preopened directories, empty stdin; stdout and stderr are written to the host's console.
/// </summary>
public sealed class WasiOptions
{
    /// <summary>Where the guest's stdout goes; null means the host's <see cref="Console.Out"/>.</summary>
    public TextWriter? StandardOutput { get; init; }

    /// <summary>Where the guest's stderr goes; null means the host's <see cref="Console.Error"/>.</summary>
    public TextWriter? StandardError { get; init; }

    /// <summary>What the guest reads from stdin (UTF-8); empty by default.</summary>
    public string? StandardInput { get; init; }

    /// <summary>Environment variables the guest sees (none by default).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Command-line arguments the guest sees (none by default).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}
