using WasmDynamic.Native;

namespace WasmDynamic.Imports;

/// <summary>Gives a store its WASI context as <see cref="WasiOptions"/> describe it (sandboxed unless opened up).</summary>
internal static unsafe class WasiSetup
{
    public static void Configure(nint context, WasiOptions wasi)
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
