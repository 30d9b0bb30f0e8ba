namespace WasmDynamic.Native;

/// <summary>
/// Everything Wasmtime reported in one <c>wasmtime_error_t*</c>, read once: the message, the WASI exit status, the
/// trap code and the guest's frames (innermost first).
/// </summary>
internal sealed record NativeFailure(string Message, int? ExitStatus, ComponentTrapCode? TrapCode, IReadOnlyList<string> Frames)
{
    /// <summary>The trap code Wasmtime gave, else what its message says (errors that are not traps carry no code).</summary>
    public ComponentTrapCode Code => TrapCode ?? ComponentTrapException.Classify(Message, null);
}

/// <summary>
/// The one path from an owned <c>wasmtime_error_t*</c> to managed code (wasmtime-dotnet's <c>FromOwnedError</c>):
/// <see cref="Take"/> reads it and always frees it; <see cref="Trap"/> turns a failed call into the exception.
/// </summary>
internal static unsafe class NativeError
{
    /// <summary>Reads <paramref name="error"/> (message, exit status, trap code, frames) and deletes it.</summary>
    public static NativeFailure Take(nint error)
    {
        try
        {
            int status;
            int? exit = WasmtimeApi.wasmtime_error_exit_status(error, &status) ? status : null;
            byte code;
            var trap = WasmtimeApi.wasmtime_trap_code(error, &code) ? TrapCodeOf(code) : null;
            return new NativeFailure(MessageOf(error), exit, trap, FramesOf(error));
        }
        finally
        {
            WasmtimeApi.wasmtime_error_delete(error);
        }
    }

    /// <summary>Reads only the message of <paramref name="error"/> and deletes it.</summary>
    public static string TakeMessage(nint error) => Take(error).Message;

    /// <summary>Creates a new owned error carrying <paramref name="message"/> (for returning from host callbacks).</summary>
    public static nint Create(string message)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(message + "\0");
        fixed (byte* p = bytes)
        {
            return WasmtimeApi.wasmtime_error_new(p);
        }
    }

    /// <summary>
    /// The exception for a call of <paramref name="function"/> that Wasmtime failed with <paramref name="failure"/>;
    /// <paramref name="hostException"/> is what a host import threw during it (the trap's cause), when one did.
    /// </summary>
    public static ComponentTrapException Trap(string function, string signature, NativeFailure failure, Exception? hostException = null, string? reason = null)
    {
        var text = reason ?? failure.Message;
        var code = hostException is not null ? ComponentTrapCode.HostError : failure.Code;
        return new ComponentTrapException(function, signature, text, code, null, hostException, failure.Frames, failure.ExitStatus);
    }

    private static string MessageOf(nint error)
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

    private static IReadOnlyList<string> FramesOf(nint error)
    {
        NativeVec frames = default;
        WasmtimeApi.wasmtime_error_wasm_trace(error, &frames);
        try
        {
            if (frames.Size == 0)
            {
                return [];
            }

            var list = new List<string>((int)frames.Size);
            for (nuint i = 0; i < frames.Size; i++)
            {
                var frame = frames.Data[i];
                var module = WasmtimeApi.wasmtime_frame_module_name(frame);
                var func = WasmtimeApi.wasmtime_frame_func_name(frame);
                var moduleName = module == null ? "<unknown>" : module->ToUtf8String();
                var funcName = func == null ? $"<wasm function {WasmtimeApi.wasm_frame_func_index(frame)}>" : func->ToUtf8String();
                list.Add($"{i}: 0x{(ulong)WasmtimeApi.wasm_frame_module_offset(frame):x} - {moduleName}!{funcName}");
            }

            return list;
        }
        finally
        {
            WasmtimeApi.wasm_frame_vec_delete(&frames);
        }
    }

    /// <summary>Wasmtime's <c>wasmtime_trap_code_t</c> values (stable since Wasmtime 20); newer codes fall back to the message.</summary>
    private static ComponentTrapCode? TrapCodeOf(byte code) => code switch
    {
        0 => ComponentTrapCode.StackOverflow,
        1 => ComponentTrapCode.MemoryOutOfBounds,
        2 => ComponentTrapCode.MemoryOutOfBounds,
        3 => ComponentTrapCode.TableOutOfBounds,
        4 => ComponentTrapCode.TableOutOfBounds,
        5 => ComponentTrapCode.BadSignature,
        6 => ComponentTrapCode.IntegerOverflow,
        7 => ComponentTrapCode.IntegerDivisionByZero,
        8 => ComponentTrapCode.IntegerOverflow,
        9 => ComponentTrapCode.Unreachable,
        10 => ComponentTrapCode.Interrupted,
        11 => ComponentTrapCode.OutOfFuel,
        _ => null,
    };
}
