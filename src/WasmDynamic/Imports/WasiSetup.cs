using WasmDynamic.Native;

namespace WasmDynamic.Imports;

/// <summary>Gives a store its WASI context as <see cref="WasiOptions"/> describe it (sandboxed unless opened up).</summary>
internal static unsafe class WasiSetup
{
    /// <param name="context">The store's context.</param>
    /// <param name="wasi">What the guest may see and where its output goes.</param>
    /// <param name="fiber">
    /// The async side of an async store: the guest's output is then appended to native buffers by a fiber callback and
    /// passed on between polls (a managed output callback would run on the guest's fiber).
    /// </param>
    public static void Configure(nint context, WasiOptions wasi, FiberStore? fiber = null)
    {
        var config = WasiApi.wasi_config_new();
        try
        {
            if (wasi.Arguments.Count > 0)
            {
                using var argv = new Utf8Array(wasi.Arguments);
                WasiApi.wasi_config_set_argv(config, (nuint)wasi.Arguments.Count, argv.Pointers);
            }

            var environment = wasi.EffectiveEnvironment();
            if (environment.Count > 0)
            {
                using var names = new Utf8Array(environment.Select(e => e.Key).ToList());
                using var values = new Utf8Array(environment.Select(e => e.Value).ToList());
                WasiApi.wasi_config_set_env(config, (nuint)environment.Count, names.Pointers, values.Pointers);
            }

            // An empty stdin is WASI's default: no copy to make.
            var stdin = wasi.StandardInput.Bytes;
            if (stdin.Length > 0)
            {
                ByteVec vec;
                WasmtimeApi.wasm_byte_vec_new_uninitialized(&vec, (nuint)stdin.Length);
                stdin.CopyTo(new Span<byte>(vec.Data, stdin.Length));
                WasiApi.wasi_config_set_stdin_bytes(config, &vec);
            }

            if (fiber is not null)
            {
                // Async store: a machine-code routine appends to native buffers; the driver passes them on between polls.
                fiber.UseOutput(wasi);
                var write = (delegate* unmanaged[Cdecl]<nint, byte*, nuint, nint>)FiberTrampolines.OutputWrite;
                WasiApi.wasi_config_set_stdout_custom(config, write, fiber.Stdout!.Pointer, null);
                WasiApi.wasi_config_set_stderr_custom(config, write, fiber.Stderr!.Pointer, null);
            }
            else
            {
                // WasiOutput.Null needs no sink: a WASI context without one discards the guest's output.
                if (!wasi.StandardOutput.Discard)
                {
                    var stdout = new TextWriterSink(wasi.StandardOutput, error: false);
                    WasiApi.wasi_config_set_stdout_custom(config, &TextWriterSink.Write, stdout.Handle, &TextWriterSink.Release);
                }

                if (!wasi.StandardError.Discard)
                {
                    var stderr = new TextWriterSink(wasi.StandardError, error: true);
                    WasiApi.wasi_config_set_stderr_custom(config, &TextWriterSink.Write, stderr.Handle, &TextWriterSink.Release);
                }
            }

            foreach (var dir in wasi.Directories)
            {
                // Since Wasmtime 49 the C API takes one "mutable" flag instead of directory and file permission bits.
                if (!Directory.Exists(dir.HostPath) || !WasiApi.wasi_config_preopen_dir(config, dir.HostPath, dir.GuestPath, !dir.ReadOnly))
                {
                    throw new WasmDynamicException($"Cannot give the guest the directory '{dir.HostPath}' as '{dir.GuestPath}': it does not exist or cannot be opened.");
                }
            }

            if (wasi.AllowNetwork)
            {
                WasiApi.wasi_config_inherit_network(config);
            }
        }
        catch
        {
            WasiApi.wasi_config_delete(config);
            throw;
        }

        // The context takes ownership of the config, even when it reports an error.
        var error = WasmtimeApi.wasmtime_context_set_wasi(context, config);
        if (error != 0)
        {
            throw new WasmDynamicException("Wasmtime rejected the WASI configuration: " + NativeError.TakeMessage(error));
        }
    }
}
