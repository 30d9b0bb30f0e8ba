namespace WasmDynamic.Native;

/// <summary>Compiles component bytes and WAT text, turning every native failure into a <see cref="ComponentLoadException"/>.</summary>
internal static unsafe class ComponentLoader
{
    public static byte[] Wat2Wasm(ReadOnlySpan<byte> text, string name)
    {
        ByteVec wasm = default;
        nint error;
        fixed (byte* p = text)
        {
            error = WasmtimeApi.wasmtime_wat2wasm(p, (nuint)text.Length, &wasm);
        }

        if (error != 0)
        {
            throw new ComponentLoadException(name, "the WAT text is invalid: " + NativeError.TakeMessage(error));
        }

        try
        {
            return new ReadOnlySpan<byte>(wasm.Data, checked((int)wasm.Size)).ToArray();
        }
        finally
        {
            WasmtimeApi.wasm_byte_vec_delete(&wasm);
        }
    }

    /// <summary>Rejects core modules and unknown versions before Wasmtime sees them, with a message that says why.</summary>
    public static void CheckHeader(ReadOnlySpan<byte> binary, string name)
    {
        if (binary.Length < 8)
        {
            throw new ComponentLoadException(name, $"the binary is truncated ({binary.Length} bytes; a component header alone is 8).");
        }

        // Bytes 4..8: a 16-bit version and a 16-bit layer. Core modules are layer 0, components layer 1.
        var layer = binary[6] | (binary[7] << 8);
        if (layer == 0)
        {
            throw new ComponentLoadException(name, "this is a core WebAssembly module, not a component. Wrap it into a component first (for example `wasm-tools component new` or `jco new`), or build it with a component toolchain.");
        }

        if (layer != 1)
        {
            throw new ComponentLoadException(name, $"the header has unknown layer {layer}; expected 1 (component).");
        }
    }

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
            throw new ComponentLoadException(name, "Wasmtime rejected it: " + NativeError.TakeMessage(error));
        }

        return new ComponentHandle(component);
    }
}
