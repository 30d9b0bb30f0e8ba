using System.Text;
using System.Text.RegularExpressions;

namespace WasmDynamic.Native;

/// <summary>
/// Reads, converts and compiles component bytes and WAT text, turning every failure (I/O, WAT syntax, malformed or
/// invalid binaries) into a <see cref="ComponentLoadException"/> whose message says what is wrong and where.
/// </summary>
internal static unsafe partial class ComponentLoader
{
    /// <summary>The component binary encoding version Wasmtime 50 reads (bytes 4..6 of the header).</summary>
    private const int ComponentVersion = 0x0d;

    /// <summary>Longest source line kept in a WAT error snippet; longer lines are cut around the error column.</summary>
    private const int SnippetWidth = 160;

    /// <summary>Reads a component file, with a message per failure (missing, directory, permissions, I/O).</summary>
    public static byte[] ReadFile(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ComponentLoadException(path, "the path is empty. Pass the path of a component file (.wasm or .wat).");
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            throw new ComponentLoadException(path, DescribeReadFailure(path, e), e);
        }
    }

    private static string DescribeReadFailure(string path, Exception e)
    {
        var full = TryGetFullPath(path);
        var where = full is null || full == path ? string.Empty : $" (resolved to '{full}' from the current directory '{Environment.CurrentDirectory}')";
        if (path.Contains("://", StringComparison.Ordinal))
        {
            return $"the file cannot be read ({e.Message}). Load takes a local file path, not a URL; download the component first, or pass its bytes to Load(byte[]).";
        }

        if (Directory.Exists(path))
        {
            return $"the path is a directory{where}, not a file. Pass the path of a component file (.wasm or .wat) inside it.";
        }

        return e switch
        {
            FileNotFoundException => $"the file does not exist{where}.",
            DirectoryNotFoundException => $"the file does not exist: its directory '{Path.GetDirectoryName(full ?? path)}' does not exist{(where.Length == 0 ? string.Empty : " (the path was relative to '" + Environment.CurrentDirectory + "')")}.",
            UnauthorizedAccessException => $"permission to read the file is denied{where} ({e.Message}). Check its permissions.",
            PathTooLongException => $"the path is too long ({e.Message}).",
            ArgumentException or NotSupportedException => $"the path is not valid ({e.Message}).",
            _ => $"the file cannot be read{where}: {e.Message}",
        };
    }

    private static string? TryGetFullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
        {
            return null;
        }
    }

    /// <summary>
    /// Text with a UTF-16 byte order mark (as Windows PowerShell's <c>&gt;</c> writes it), converted to UTF-8;
    /// null when <paramref name="bytes"/> has no UTF-16 mark.
    /// </summary>
    public static byte[]? Utf16ToUtf8(ReadOnlySpan<byte> bytes)
    {
        Encoding? encoding = bytes switch
        {
            [0xFF, 0xFE, ..] => Encoding.Unicode,
            [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode,
            _ => null,
        };

        return encoding is null ? null : Encoding.UTF8.GetBytes(encoding.GetString(bytes[2..]));
    }

    /// <summary>Says what unrecognized input looks like, for the "neither binary nor WAT" message.</summary>
    public static string DescribeUnrecognized(ReadOnlySpan<byte> bytes)
    {
        var head = Convert.ToHexString(bytes[..Math.Min(bytes.Length, 8)]);
        var start = bytes.TrimStart(" \t\r\n\uFEFF"u8);
        var guess = start switch
        {
            [(byte)'<', ..] => "It looks like HTML or XML: a download may have saved a web page (an error or login page) instead of the .wasm file.",
            [(byte)'A', (byte)'G', (byte)'F', (byte)'z', (byte)'b', (byte)'Q', ..] => "It looks like base64 text of a WebAssembly binary (\"AGFzbQ\" is base64 for \"\\0asm\"): decode it first.",
            [(byte)'{', ..] or [(byte)'[', ..] => "It looks like JSON, not a component.",
            [0x1F, 0x8B, ..] => "It is gzip-compressed: decompress it first.",
            [(byte)'P', (byte)'K', 0x03, 0x04, ..] => "It is a zip archive: extract the .wasm file from it first.",
            [0x7F, (byte)'E', (byte)'L', (byte)'F', ..] => "It is an ELF native executable or library, not WebAssembly.",
            [(byte)'M', (byte)'Z', ..] => "It is a Windows native executable or DLL, not WebAssembly.",
            _ => null,
        };

        return $"it is neither a WebAssembly binary (it starts with 0x{head}, not the \\0asm magic 0x0061736D) nor WAT text (which starts with '(' or a ';;' comment). "
            + (guess is null ? string.Empty : guess + " ")
            + "Pass a component produced by a component toolchain (wasm-tools, jco, componentize-js, cargo component), or its WAT text.";
    }

    /// <summary>Converts WAT text (UTF-8) to a binary component; the result is checked to be a component, not a core module.</summary>
    public static byte[] Wat2Wasm(ReadOnlySpan<byte> text, string name)
    {
        // wat2wasm rejects a byte order mark as "unexpected character '\u{feff}'"; editors on Windows like to add one.
        if (text.StartsWith("\uFEFF"u8))
        {
            text = text[3..];
        }

        ByteVec wasm = default;
        nint error;
        fixed (byte* p = text)
        {
            error = WasmtimeApi.wasmtime_wat2wasm(p, (nuint)text.Length, &wasm);
        }

        if (error != 0)
        {
            throw new ComponentLoadException(name, DescribeWatError(NativeError.TakeMessage(error), name, text));
        }

        byte[] binary;
        try
        {
            binary = new ReadOnlySpan<byte>(wasm.Data, checked((int)wasm.Size)).ToArray();
        }
        finally
        {
            WasmtimeApi.wasm_byte_vec_delete(&wasm);
        }

        if (binary.Length >= 8 && (binary[6] | (binary[7] << 8)) == 0)
        {
            throw new ComponentLoadException(name, "the WAT text defines a core WebAssembly module `(module ...)`, not a component `(component ...)`. "
                + "Wrap the module into a component: `(component (core module $m ...) (core instance $i (instantiate $m)) (func (export \"f\") ... (canon lift (core func $i \"f\"))))`, "
                + "or convert its binary with `wasm-tools component new`.");
        }

        return binary;
    }

    /// <summary>Rejects truncated headers, core modules and unknown layers before Wasmtime sees them, with a message that says why.</summary>
    public static void CheckHeader(ReadOnlySpan<byte> binary, string name)
    {
        if (binary.Length < 8)
        {
            throw new ComponentLoadException(name, $"the binary is truncated: it has {binary.Length} bytes, but the header of a WebAssembly binary alone is 8 (the \\0asm magic, a 16-bit version and a 16-bit layer).");
        }

        // Bytes 4..8: a 16-bit version and a 16-bit layer. Core modules are layer 0, components layer 1.
        var layer = binary[6] | (binary[7] << 8);
        if (layer == 0)
        {
            throw new ComponentLoadException(name, "this is a core WebAssembly module, not a component. Wrap it into a component first (for example `wasm-tools component new` or `jco new`), or build it with a component toolchain.");
        }

        if (layer != 1)
        {
            throw new ComponentLoadException(name, $"the header has unknown layer {layer} (bytes 6..8); expected 0 (core module) or 1 (component). The file is corrupt or not WebAssembly.");
        }
    }

    /// <summary>Compiles a component binary.</summary>
    public static ComponentHandle Compile(EngineHandle engine, ReadOnlySpan<byte> binary, string name)
    {
        nint component = 0;
        nint error;
        var added = false;
        engine.DangerousAddRef(ref added);
        try
        {
            fixed (byte* p = binary)
            {
                error = ComponentApi.wasmtime_component_new(engine.Pointer, p, (nuint)binary.Length, &component);
            }
        }
        finally
        {
            if (added)
            {
                engine.DangerousRelease();
            }
        }

        if (error != 0)
        {
            throw new ComponentLoadException(name, DescribeCompileError(NativeError.TakeMessage(error), binary));
        }

        return new ComponentHandle(component);
    }

    /// <summary>
    /// Wasmtime's compile error (an anyhow chain: a headline, then "Caused by:" and numbered causes, where the
    /// useful reason is the last cause) as one line that keeps every cause, plus a hint for common failures.
    /// </summary>
    internal static string DescribeCompileError(string message, ReadOnlySpan<byte> binary)
    {
        var text = "Wasmtime rejected it: " + FlattenCauses(message);
        if (!text.EndsWith('.'))
        {
            text += ".";
        }

        if (message.Contains("unexpected end-of-file", StringComparison.Ordinal))
        {
            text += $" The input ({binary.Length} bytes) ends before the data it declares: the binary is truncated (an incomplete download or copy?) or a size field in it is corrupt.";
        }
        else if (message.Contains("unknown binary version", StringComparison.Ordinal) && binary.Length >= 6)
        {
            var version = binary[4] | (binary[5] << 8);
            text += $" The header declares encoding version 0x{version:x2}; Wasmtime 50 reads components encoded with version 0x{ComponentVersion:x2}. Re-encode it with a wasm-tools release that matches, or the file is corrupt.";
        }
        else if (message.Contains("pooling allocator", StringComparison.Ordinal))
        {
            text += " The component needs more than the runtime's pooling allocator gives one instance: raise the limit named above in ComponentRuntimeOptions.PoolingAllocator (PoolingAllocatorOptions.MaxMemoryBytes for a memory), or load it in a runtime without the pooling allocator.";
        }

        return text;
    }

    /// <summary>"headline\n\nCaused by:\n    0: a\n    1: b" → "headline: a: b"; other text is returned trimmed.</summary>
    internal static string FlattenCauses(string message)
    {
        var marker = message.IndexOf("Caused by:", StringComparison.Ordinal);
        if (marker < 0)
        {
            return message.Trim();
        }

        var parts = new List<string> { message[..marker].Trim() };
        var inCause = false;
        foreach (var raw in message[(marker + "Caused by:".Length)..].Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var numbered = NumberedCause().Match(line);
            if (numbered.Success)
            {
                parts.Add(numbered.Groups[1].Value);
                inCause = true;
            }
            else if (!inCause || parts.Count == 1)
            {
                parts.Add(line);
                inCause = true;
            }
            else
            {
                // A cause whose text spans several lines: keep its lines together.
                parts[^1] += " " + line;
            }
        }

        return string.Join(": ", parts.Where(p => p.Length > 0));
    }

    /// <summary>
    /// A wat2wasm error: wast names the input <c>&lt;anon&gt;</c>; we put the source name and the line:column in the
    /// headline, keep the source snippet, and cut very long lines (minified text) around the column.
    /// </summary>
    internal static string DescribeWatError(string message, string name, ReadOnlySpan<byte> source)
    {
        if (message.Contains("not valid utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return $"the WAT text is invalid: {message.Trim()}. Save the text as UTF-8; if the input is meant to be a binary component, it is not one (it lacks the \\0asm header).";
        }

        // Only the location markers ("--> <anon>:3:5", "at <anon>:1:610"), never the quoted source line.
        message = AnonLocation().Replace(message.TrimEnd(), m => m.Groups[1].Value + name + ":");
        var lines = message.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var headline = lines[0];
        var location = new Regex(@"(?:-->\s*|\bat )" + Regex.Escape(name) + @":(?<line>\d+):(?<column>\d+)").Match(message);
        if (!location.Success)
        {
            return "the WAT text is invalid: " + FlattenCauses(message);
        }

        var line = location.Groups["line"].Value;
        var column = int.Parse(location.Groups["column"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var at = $"{name}:{line}:{column}";

        // "item nesting too deep at calc.wat:1:610": the location is already in the headline; say it once.
        headline = headline.Replace(" at " + at, string.Empty, StringComparison.Ordinal);
        var snippet = lines.Count > 1 ? lines.Skip(1).ToList() : Snippet(source, name, int.Parse(line, System.Globalization.CultureInfo.InvariantCulture), column);
        snippet = snippet.Select(l => CutSnippetLine(l, column)).ToList();
        var text = $"the WAT text is invalid at line {line}, column {column} ({at}): {headline}";
        return snippet.Count == 0 ? text : text + Environment.NewLine + string.Join(Environment.NewLine, snippet);
    }

    /// <summary>wast's snippet layout, for the errors it reports without one ("expected `(` at &lt;anon&gt;:1:1713").</summary>
    private static List<string> Snippet(ReadOnlySpan<byte> source, string name, int line, int column)
    {
        var lines = Encoding.UTF8.GetString(source).Split('\n');
        if (line < 1 || line > lines.Length)
        {
            return [];
        }

        var number = line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pad = new string(' ', number.Length + 1);
        var text = lines[line - 1].TrimEnd('\r');
        return
        [
            $"{pad}--> {name}:{line}:{column}",
            $"{pad} |",
            $" {number} | {text}",
            $"{pad} | {new string(' ', Math.Clamp(column - 1, 0, text.Length))}^",
        ];
    }

    /// <summary>Cuts a gutter line of the snippet (<c>"  3 | text"</c> or <c>"    |    ^"</c>) to a window around the column.</summary>
    private static string CutSnippetLine(string line, int column)
    {
        var gutter = line.IndexOf("| ", StringComparison.Ordinal);
        if (gutter < 0 || line.Length - gutter - 2 <= SnippetWidth)
        {
            return line;
        }

        var content = line[(gutter + 2)..];
        var start = Math.Clamp(column - 1 - (SnippetWidth / 2), 0, content.Length);
        var length = Math.Min(SnippetWidth, content.Length - start);
        return line[..(gutter + 2)] + (start > 0 ? "…" : string.Empty) + content.Substring(start, length) + (start + length < content.Length ? "…" : string.Empty);
    }

    [GeneratedRegex(@"^\d+: (.*)$")]
    private static partial Regex NumberedCause();

    [GeneratedRegex(@"(-->\s*|\bat )<anon>:(?=\d+:\d+)")]
    private static partial Regex AnonLocation();
}
