namespace WasmDynamic.BulkAdapter;

/// <summary>
/// The canonical-ABI checks the flat twin makes on the original's behalf. Each failed check calls its own trap
/// function in the decoder module (named <c>abi-…</c>), so that the trap can be told apart from a guest's
/// <c>unreachable</c> and reported in the words Wasmtime uses for the same violation on the plain path.
/// </summary>
internal static class AbiViolations
{
    /// <summary>The original's realloc returned a pointer that is not aligned as asked.</summary>
    public const string ReallocNotAligned = "abi-realloc-not-aligned";

    /// <summary>The original's realloc returned a block that does not lie inside its memory.</summary>
    public const string ReallocBeyondEnd = "abi-realloc-beyond-end";

    /// <summary>The original returned a pointer to its return area that is not 4-aligned.</summary>
    public const string ReturnNotAligned = "abi-return-not-aligned";

    /// <summary>A list the original returned starts at a pointer not aligned for its elements.</summary>
    public const string ListNotAligned = "abi-list-not-aligned";

    /// <summary>A list the original returned does not lie inside its memory (or its byte length overflows).</summary>
    public const string ListOutOfBounds = "abi-list-out-of-bounds";

    /// <summary>A string the original returned does not lie inside its memory.</summary>
    public const string StringOutOfBounds = "abi-string-out-of-bounds";

    /// <summary>Every check, with the words Wasmtime's own lift uses for it.</summary>
    public static readonly IReadOnlyDictionary<string, string> Wording = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ReallocNotAligned] = "realloc return: result not aligned",
        [ReallocBeyondEnd] = "realloc return: beyond end of memory",
        [ReturnNotAligned] = "return pointer not aligned",
        [ListNotAligned] = "list pointer is not aligned",
        [ListOutOfBounds] = "list pointer/length out of bounds of memory",
        [StringOutOfBounds] = "string pointer/length out of bounds of memory",
    };

    /// <summary>The decoder's trap functions, one per check (WAT text).</summary>
    public static string Functions()
    {
        var s = new System.Text.StringBuilder();
        s.Append("  ;; One trap function per canonical-ABI check, so a trap names the check that failed.\n");
        foreach (var name in Wording.Keys)
        {
            s.Append("  (func $").Append(name).Append(" unreachable)\n");
        }

        return s.ToString();
    }

    /// <summary>A call of the trap function for <paramref name="check"/> (WAT text).</summary>
    public static string Trap(string check) => "(call $" + check + ")";

    /// <summary>
    /// The check whose trap function is the innermost of <paramref name="frames"/> (Wasmtime's frame lines, innermost
    /// first), or null when the trap came from elsewhere.
    /// </summary>
    public static string? Failed(IReadOnlyList<string> frames)
    {
        if (frames.Count == 0)
        {
            return null;
        }

        var at = frames[0].IndexOf(WrapperGenerator.ModuleName + "!", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var name = frames[0][(at + WrapperGenerator.ModuleName.Length + 1)..].Trim();
        return Wording.ContainsKey(name) ? name : null;
    }
}
