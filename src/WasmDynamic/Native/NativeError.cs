namespace WasmDynamic.Native;

/// <summary>Turns an owned <c>wasmtime_error_t*</c> into text, always freeing it.</summary>
internal static unsafe class NativeError
{
    /// <summary>Reads the message of <paramref name="error"/> and deletes the error.</summary>
    public static string TakeMessage(nint error)
    {
        try
        {
            ByteVec message = default;
            WasmtimeApi.wasmtime_error_message(error, &message);
            try
            {
                return message.ToUtf8String();
            }
            finally
            {
                WasmtimeApi.wasm_byte_vec_delete(&message);
            }
        }
        finally
        {
            WasmtimeApi.wasmtime_error_delete(error);
        }
    }

    /// <summary>Creates a new owned error carrying <paramref name="message"/> (for returning from host callbacks).</summary>
    public static nint Create(string message)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(message + "\0");
        fixed (byte* p = bytes)
        {
            return WasmtimeApi.wasmtime_error_new(p);
        }
    }
}
