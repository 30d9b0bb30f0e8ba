using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace WasmDynamic.BulkAdapter;

/// <summary>
/// Makes a trap's message read as it would without the wrapper: Wasmtime's backtrace names the adapter's frames and
/// gives code offsets relative to the outermost binary, in which the original component starts a few hundred bytes in.
/// </summary>
internal static partial class Backtraces
{
    /// <summary>
    /// Drops the outermost frames of the adapter's core module and the fused-adapter frame Wasmtime puts between it
    /// and the original function, and moves the offsets that lie inside the original's bytes back by
    /// the original's offset in the wrapper (frames of synthesized code keep theirs). A message of a component that is
    /// not wrapped (<paramref name="wrapped"/> null) is returned as it is.
    /// </summary>
    public static string Rewrite(string message, BulkPlan? wrapped)
    {
        if (wrapped is null || !message.Contains(" - ", StringComparison.Ordinal))
        {
            return message;
        }

        var originalOffset = wrapped.OriginalOffset;
        var originalLength = wrapped.OriginalLength;

        var lines = message.Split('\n').ToList();
        var frames = new List<int>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (Frame().IsMatch(lines[i]))
            {
                frames.Add(i);
            }
        }

        var drop = new HashSet<int>();
        var k = frames.Count - 1;
        while (k >= 0 && lines[frames[k]].Contains(WrapperGenerator.ModuleName + "!", StringComparison.Ordinal))
        {
            drop.Add(frames[k--]);
        }

        // The nested form has a fused-adapter frame between the adapter and the original; the flat form calls it directly.
        if (!wrapped.Flat && drop.Count > 0 && k >= 0 && k < frames.Count - 1)
        {
            drop.Add(frames[k]);
        }

        var s = new StringBuilder(message.Length);
        for (var i = 0; i < lines.Count; i++)
        {
            if (drop.Contains(i))
            {
                continue;
            }

            var line = lines[i];
            var m = Frame().Match(line);
            if (m.Success && long.TryParse(m.Groups["off"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var offset)
                && offset >= originalOffset + 8 && offset < originalOffset + originalLength)
            {
                var hex = "0x" + (offset - originalOffset).ToString("x", CultureInfo.InvariantCulture);
                // The offset is right-aligned in a fixed width; an offset wider than it had no padding.
                var field = m.Groups["field"].Value;
                var width = field.StartsWith(' ') ? field.Length : 8;
                line = m.Groups["head"].Value + hex.PadLeft(width) + m.Groups["tail"].Value;
            }

            if (s.Length > 0)
            {
                s.Append('\n');
            }

            s.Append(line);
        }

        return s.ToString();
    }

    // A frame line: "    0:    0xa6a - main!<wasm function 40>".
    [GeneratedRegex(@"^(?<head>\s*\d+: )(?<field>\s*0x(?<off>[0-9a-f]+))(?<tail> - .*)$")]
    private static partial Regex Frame();
}
