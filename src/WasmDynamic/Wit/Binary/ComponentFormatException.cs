namespace WasmDynamic.Wit.Binary;

/// <summary>
/// Malformed or unsupported input found by the component reader, with the section and byte offset; turned into a
/// <see cref="ComponentLoadException"/> at the reader's entry point.
/// </summary>
internal sealed class ComponentFormatException(string message, string section, long offset) : Exception(message)
{
    public string Section { get; } = section;

    public long Offset { get; } = offset;

    /// <summary>The message for a <see cref="ComponentLoadException"/>: the cause, where, then what to do.</summary>
    public string Describe() =>
        $"the component binary is malformed or uses a construct this reader does not support: {Message} (in the {Section} at byte offset {Offset}). "
        + "Check that the file is a complete component produced by a component toolchain (wasm-tools, jco, componentize-js, cargo component); "
        + "if Wasmtime accepts it, report the construct.";
}
