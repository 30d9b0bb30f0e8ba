using System.Runtime.InteropServices;

namespace WasmDynamic.Native;

/// <summary>WASI configuration (wasi.h); a config is consumed by <c>wasmtime_context_set_wasi</c>.</summary>
internal static unsafe partial class WasiApi
{
    [LibraryImport(WasmtimeLibrary.Name)] public static partial nint wasi_config_new();
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasi_config_delete(nint config);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasi_config_set_argv(nint config, nuint argc, byte** argv);
    [LibraryImport(WasmtimeLibrary.Name)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool wasi_config_set_env(nint config, nuint envc, byte** names, byte** values);
    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasi_config_set_stdin_bytes(nint config, ByteVec* bytes);
    [LibraryImport(WasmtimeLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool wasi_config_preopen_dir(nint config, string hostPath, string guestPath, [MarshalAs(UnmanagedType.U1)] bool mutable);

    [LibraryImport(WasmtimeLibrary.Name)] public static partial void wasi_config_inherit_network(nint config);

    [LibraryImport(WasmtimeLibrary.Name)]
    public static partial void wasi_config_set_stdout_custom(nint config, delegate* unmanaged[Cdecl]<nint, byte*, nuint, nint> callback, nint data, delegate* unmanaged[Cdecl]<nint, void> finalizer);
    [LibraryImport(WasmtimeLibrary.Name)]
    public static partial void wasi_config_set_stderr_custom(nint config, delegate* unmanaged[Cdecl]<nint, byte*, nuint, nint> callback, nint data, delegate* unmanaged[Cdecl]<nint, void> finalizer);
}
