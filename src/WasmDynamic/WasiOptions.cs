using System.Text.RegularExpressions;

namespace WasmDynamic;

/// <summary>
/// The WASI 0.2 environment given to a component that imports <c>wasi:*</c>. The defaults are a sandbox: no
/// environment variables, no arguments, no preopened directories, empty stdin, no network; stdout and stderr are
/// written to the host's console. A record: <c>wasi with { StandardOutput = … }</c> copies every other setting.
/// </summary>
/// <example>
/// <code>
/// new WasiOptions
/// {
///     StandardOutput = new StringWriter(),                          // or a Stream, or WasiOutput.To(text =&gt; ...)
///     StandardInput = "line 1\n",                                    // or a Stream or bytes
///     Environment = new Dictionary&lt;string, string&gt; { ["MODE"] = "test" },
///     InheritEnvironment = WasiOptions.AllExcept("SECRET_*", "TOKEN_*"),
///     Arguments = ["app", "--verbose"],
///     Directories = [new WasiDirectory("/srv/data", "/data", ReadOnly: true)],
/// }
/// </code>
/// </example>
public sealed record WasiOptions
{
    /// <summary>Where the guest's stdout goes (default: the host's <see cref="Console.Out"/>).</summary>
    public WasiOutput StandardOutput { get; init; } = WasiOutput.Console;

    /// <summary>Where the guest's stderr goes (default: the host's <see cref="Console.Error"/>).</summary>
    public WasiOutput StandardError { get; init; } = WasiOutput.Console;

    /// <summary>What the guest reads from stdin (default: nothing).</summary>
    public WasiInput StandardInput { get; init; } = WasiInput.Empty;

    /// <summary>Environment variables the guest sees, added after any inherited ones (none by default).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Which of the host process's environment variables the guest inherits, by name; null (the default) inherits none.
    /// See <see cref="AllExcept"/>.
    /// </summary>
    public Func<string, bool>? InheritEnvironment { get; init; }

    /// <summary>Command-line arguments the guest sees (none by default).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Host directories the guest may open (none by default).</summary>
    public IReadOnlyList<WasiDirectory> Directories { get; init; } = [];

    /// <summary>Lets the guest use the host's network through wasi:sockets (off by default).</summary>
    public bool AllowNetwork { get; init; }

    /// <summary>
    /// A filter for <see cref="InheritEnvironment"/> that passes every variable except those matching a pattern,
    /// where <c>*</c> matches any run of characters (case-insensitive): <c>AllExcept("SECRET_*", "TOKEN_*")</c>.
    /// </summary>
    public static Func<string, bool> AllExcept(params string[] patterns)
    {
        var regexes = patterns.Select(p => new Regex("^" + Regex.Escape(p).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)).ToArray();
        return name => !regexes.Any(r => r.IsMatch(name));
    }

    private static readonly List<KeyValuePair<string, string>> NoVariables = [];

    /// <summary>The variables the guest will see: inherited (filtered), then <see cref="Environment"/>; not to be changed by the caller.</summary>
    internal List<KeyValuePair<string, string>> EffectiveEnvironment()
    {
        if (InheritEnvironment is null && Environment.Count == 0)
        {
            // The common case, once per instance: nothing to merge.
            return NoVariables;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (InheritEnvironment is not null)
        {
            foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            {
                var name = (string)e.Key;
                if (InheritEnvironment(name))
                {
                    result[name] = (string?)e.Value ?? string.Empty;
                }
            }
        }

        foreach (var (k, v) in Environment)
        {
            result[k] = v;
        }

        return result.ToList();
    }
}

/// <summary>A host directory preopened for the guest.</summary>
/// <param name="HostPath">The directory on the host.</param>
/// <param name="GuestPath">The path the guest sees (e.g. <c>/data</c>).</param>
/// <param name="ReadOnly">True to forbid creating, writing and deleting files.</param>
public sealed record WasiDirectory(string HostPath, string GuestPath, bool ReadOnly = true);

/// <summary>Where a guest's stdout or stderr goes: the console, a <see cref="TextWriter"/>, a <see cref="Stream"/> or a callback.</summary>
public sealed class WasiOutput
{
    private WasiOutput(TextWriter? writer, Stream? stream, Action<string>? callback, bool discard, bool lines = false)
    {
        Writer = writer;
        Stream = stream;
        Callback = callback;
        Discard = discard;
        ByLine = lines;
    }

    /// <summary>The longest line <see cref="Lines"/> passes on whole; a longer one arrives in pieces of this many characters.</summary>
    public const int MaxLineLength = 16 * 1024;

    /// <summary>The host's console (<see cref="System.Console.Out"/> or <see cref="System.Console.Error"/>, read at each write).</summary>
    public static WasiOutput Console { get; } = new(null, null, null, false);

    /// <summary>Drops everything the guest writes.</summary>
    public static WasiOutput Null { get; } = new(null, null, null, true);

    internal TextWriter? Writer { get; }

    internal Stream? Stream { get; }

    internal Action<string>? Callback { get; }

    internal bool Discard { get; }

    internal bool ByLine { get; }

    /// <summary>Decodes the guest's bytes as UTF-8 into <paramref name="writer"/>.</summary>
    public static WasiOutput To(TextWriter writer) => new(writer ?? throw new ArgumentNullException(nameof(writer)), null, null, false);

    /// <summary>Copies the guest's bytes unchanged into <paramref name="stream"/>.</summary>
    public static WasiOutput To(Stream stream) => new(null, stream ?? throw new ArgumentNullException(nameof(stream)), null, false);

    /// <summary>Calls <paramref name="callback"/> with each piece of text the guest writes (UTF-8 decoded).</summary>
    public static WasiOutput To(Action<string> callback) => new(null, null, callback ?? throw new ArgumentNullException(nameof(callback)), false);

    /// <summary>
    /// Calls <paramref name="line"/> once per line the guest writes (UTF-8 decoded, without its <c>\n</c> or
    /// <c>\r\n</c>), however the guest splits its writes: the shape a logger wants
    /// (<c>WasiOutput.Lines(l =&gt; logger.LogInformation("{Line}", l))</c>). A last line without a newline arrives when the
    /// instance is disposed; a line longer than <see cref="MaxLineLength"/> characters arrives in pieces of that length,
    /// so a guest that never writes a newline cannot make the host buffer without bound.
    /// </summary>
    /// <param name="line">Called with each line, on the thread of the call that wrote it.</param>
    public static WasiOutput Lines(Action<string> line) => new(null, null, line ?? throw new ArgumentNullException(nameof(line)), false, lines: true);

    /// <summary>Writes to <paramref name="writer"/>.</summary>
    public static implicit operator WasiOutput(TextWriter writer) => To(writer);

    /// <summary>Writes to <paramref name="stream"/>.</summary>
    public static implicit operator WasiOutput(Stream stream) => To(stream);
}

/// <summary>What a guest reads from stdin: nothing, text (UTF-8), bytes, or a stream read when the instance is created.</summary>
public sealed class WasiInput
{
    private WasiInput(byte[] bytes) => Bytes = bytes;

    /// <summary>No input: the guest sees end-of-file.</summary>
    public static WasiInput Empty { get; } = new([]);

    internal byte[] Bytes { get; }

    /// <summary>UTF-8 text.</summary>
    public static WasiInput From(string text) => new(System.Text.Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))));

    /// <summary>Bytes, as given.</summary>
    public static WasiInput From(byte[] bytes) => new((byte[])(bytes ?? throw new ArgumentNullException(nameof(bytes))).Clone());

    /// <summary>The rest of <paramref name="stream"/>, read now.</summary>
    public static WasiInput From(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return new(buffer.ToArray());
    }

    /// <summary>UTF-8 text.</summary>
    public static implicit operator WasiInput(string text) => From(text);

    /// <summary>Bytes.</summary>
    public static implicit operator WasiInput(byte[] bytes) => From(bytes);
}
