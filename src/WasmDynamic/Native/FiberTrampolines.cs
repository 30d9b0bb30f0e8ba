using System.Runtime.InteropServices;

namespace WasmDynamic.Native;

/// <summary>
/// Native callbacks for async calls, written in machine code because no managed code may run on a Wasmtime fiber.
/// </summary>
/// <remarks>
/// <para>
/// Measured with Wasmtime 50 and .NET 10 (a spike, 2026-12-01): a managed <c>[UnmanagedCallersOnly]</c> host callback
/// that Wasmtime calls on the fiber of <c>wasmtime_component_func_call_async</c> works until a garbage collection
/// suspends the thread while that callback runs; CoreCLR then cannot walk a thread whose managed frames sit on a
/// foreign stack, and the process dies with SIGSEGV in the collector (4 of 8 runs with a thread forcing collections;
/// 0 of 8 when collections avoided the callback window; 0 when the guest ran pure wasm on the fiber).
/// </para>
/// <para>
/// So the callbacks that Wasmtime calls on the fiber are these routines instead. They only record what happened in
/// native memory and return; the managed side reads the record after <c>wasmtime_call_future_poll</c> returns, on
/// the polling thread's own stack, and resumes the guest by polling again:
/// </para>
/// <list type="bullet">
/// <item><see cref="HostCall"/> (a <c>wasmtime_component_func_async_callback_t</c>): moves the arguments into the
/// store's <see cref="FiberMailbox"/> (replacing them by <c>false</c> so that Wasmtime's drop frees nothing), records
/// the result slots and the import id, and sets the continuation to <see cref="PollDone"/> on the mailbox's done
/// flag. The guest's fiber suspends; the host runs the import (synchronously or awaiting a task), lowers the results
/// into the recorded slots, sets the flag, and polls again. A store without a mailbox, or a call with more arguments
/// than the mailbox holds, gets a Wasmtime error instead (the guest traps with that message).</item>
/// <item><see cref="ResourceDrop"/> (a <c>wasmtime_component_resource_destructor_t</c>): queues (tag, rep) of a
/// dropped host resource in the mailbox; the host disposes it after the poll. A full queue is an error (a trap).</item>
/// <item><see cref="OutputWrite"/> (a WASI custom output callback): appends the bytes to a <see cref="FiberOutputBuffer"/>
/// (growing it with the C library's <c>realloc</c>); the host drains it after each poll.</item>
/// </list>
/// <para>
/// The routines exist for x86-64 with the System V calling convention (Linux, macOS). The source is
/// <c>FiberTrampolines.x64-sysv.s</c> next to this file; <c>assemble-fiber-trampolines.sh</c> regenerates the bytes.
/// </para>
/// </remarks>
internal static unsafe class FiberTrampolines
{
    // Symbol offsets in the code below (nm of the assembled source).
    internal const int HostCallOffset = 0x00;
    internal const int PollDoneOffset = 0xCD;
    internal const int ResourceDropOffset = 0xD1;
    internal const int OutputWriteOffset = 0x124;

    private static readonly Lazy<Code> Shared = new(Code.Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Whether the routines exist for this process's platform.</summary>
    public static bool IsSupported { get; } =
        RuntimeInformation.ProcessArchitecture == Architecture.X64 && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS());

    /// <summary>The <c>wasmtime_component_func_async_callback_t</c> for every host import of an async linker.</summary>
    public static nint HostCall => Shared.Value.Start + HostCallOffset;

    /// <summary>The continuation callback: returns the byte its environment points to.</summary>
    public static nint PollDone => Shared.Value.Start + PollDoneOffset;

    /// <summary>The resource destructor for host resources of an async linker.</summary>
    public static nint ResourceDrop => Shared.Value.Start + ResourceDropOffset;

    /// <summary>The WASI custom output callback of async stores.</summary>
    public static nint OutputWrite => Shared.Value.Start + OutputWriteOffset;

    /// <summary><c>wasmtime_context_get_data</c>, which the routines call to find the store's mailbox.</summary>
    public static nint ContextGetData => Shared.Value.ContextGetData;

    /// <summary><c>wasmtime_error_new</c>, which the routines call to fail a call (no mailbox, too many arguments, a full queue).</summary>
    public static nint ErrorNew => Shared.Value.ErrorNew;

    /// <summary>The C library's <c>realloc</c>, which <see cref="OutputWrite"/> calls to grow its buffer.</summary>
    public static nint Realloc => Shared.Value.Realloc;

    /// <summary>The machine code (x86-64, System V), assembled from <c>FiberTrampolines.x64-sysv.s</c>.</summary>
    internal static ReadOnlySpan<byte> X64SysV =>
    [
        0x53, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57, 0x48, 0x89, 0xFB, 0x49, 0x89, 0xCC, 0x4D,
        0x89, 0xC5, 0x4D, 0x89, 0xCE, 0x48, 0x89, 0xF7, 0xFF, 0x13, 0x48, 0x85, 0xC0, 0x0F, 0x84, 0x8B,
        0x00, 0x00, 0x00, 0x49, 0x89, 0xC7, 0x4D, 0x3B, 0x6F, 0x30, 0x0F, 0x87, 0x84, 0x00, 0x00, 0x00,
        0x48, 0x8B, 0x43, 0x08, 0x49, 0x89, 0x47, 0x08, 0x4D, 0x89, 0x77, 0x10, 0x48, 0x8B, 0x44, 0x24,
        0x30, 0x49, 0x89, 0x47, 0x18, 0x4D, 0x89, 0x6F, 0x20, 0x41, 0xC6, 0x47, 0x38, 0x00, 0x49, 0x8B,
        0x7F, 0x28, 0x48, 0x31, 0xC9, 0x4C, 0x39, 0xE9, 0x73, 0x2F, 0x48, 0x89, 0xC8, 0x48, 0xC1, 0xE0,
        0x05, 0xF3, 0x41, 0x0F, 0x6F, 0x04, 0x04, 0xF3, 0x41, 0x0F, 0x6F, 0x4C, 0x04, 0x10, 0xF3, 0x0F,
        0x7F, 0x04, 0x07, 0xF3, 0x0F, 0x7F, 0x4C, 0x07, 0x10, 0x41, 0xC6, 0x04, 0x04, 0x00, 0x41, 0xC6,
        0x44, 0x04, 0x08, 0x00, 0x48, 0xFF, 0xC1, 0xEB, 0xCC, 0x49, 0xC7, 0x07, 0x01, 0x00, 0x00, 0x00,
        0x48, 0x8B, 0x44, 0x24, 0x40, 0x48, 0x8B, 0x53, 0x10, 0x48, 0x89, 0x10, 0x49, 0x8D, 0x57, 0x38,
        0x48, 0x89, 0x50, 0x08, 0x48, 0xC7, 0x40, 0x10, 0x00, 0x00, 0x00, 0x00, 0xEB, 0x15, 0x48, 0x8B,
        0x7B, 0x20, 0xEB, 0x04, 0x48, 0x8B, 0x7B, 0x28, 0xFF, 0x53, 0x18, 0x48, 0x8B, 0x54, 0x24, 0x38,
        0x48, 0x89, 0x02, 0x41, 0x5F, 0x41, 0x5E, 0x41, 0x5D, 0x41, 0x5C, 0x5B, 0xC3, 0x0F, 0xB6, 0x07,
        0xC3, 0x53, 0x41, 0x54, 0x41, 0x55, 0x48, 0x89, 0xFB, 0x41, 0x89, 0xD4, 0x48, 0x89, 0xF7, 0xFF,
        0x13, 0x48, 0x85, 0xC0, 0x74, 0x31, 0x48, 0x8B, 0x48, 0x48, 0x48, 0x3B, 0x48, 0x50, 0x73, 0x1E,
        0x48, 0x8B, 0x50, 0x40, 0x4C, 0x8B, 0x6B, 0x08, 0x49, 0xC1, 0xE5, 0x20, 0x4D, 0x09, 0xE5, 0x4C,
        0x89, 0x2C, 0xCA, 0x48, 0xFF, 0xC1, 0x48, 0x89, 0x48, 0x48, 0x31, 0xC0, 0xEB, 0x10, 0x48, 0x8B,
        0x7B, 0x18, 0xFF, 0x53, 0x10, 0xEB, 0x07, 0x48, 0x8B, 0x7B, 0x20, 0xFF, 0x53, 0x10, 0x41, 0x5D,
        0x41, 0x5C, 0x5B, 0xC3, 0x53, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x48, 0x83, 0xEC, 0x08, 0x48,
        0x89, 0xFB, 0x49, 0x89, 0xF4, 0x49, 0x89, 0xD5, 0x48, 0x8B, 0x43, 0x08, 0x4C, 0x01, 0xE8, 0x48,
        0x3B, 0x43, 0x10, 0x76, 0x24, 0x4C, 0x8B, 0x73, 0x10, 0x4D, 0x01, 0xF6, 0x49, 0x39, 0xC6, 0x73,
        0x03, 0x49, 0x89, 0xC6, 0x48, 0x8B, 0x3B, 0x4C, 0x89, 0xF6, 0xFF, 0x53, 0x18, 0x48, 0x85, 0xC0,
        0x74, 0x1F, 0x48, 0x89, 0x03, 0x4C, 0x89, 0x73, 0x10, 0x48, 0x8B, 0x3B, 0x48, 0x03, 0x7B, 0x08,
        0x4C, 0x89, 0xE6, 0x4C, 0x89, 0xE9, 0xF3, 0xA4, 0x4C, 0x01, 0x6B, 0x08, 0x4C, 0x89, 0xE8, 0xEB,
        0x07, 0x48, 0xC7, 0xC0, 0xFF, 0xFF, 0xFF, 0xFF, 0x48, 0x83, 0xC4, 0x08, 0x41, 0x5E, 0x41, 0x5D,
        0x41, 0x5C, 0x5B, 0xC3,
    ];

    private sealed class Code
    {
        private Code(nint start, nint contextGetData, nint errorNew, nint realloc)
        {
            Start = start;
            ContextGetData = contextGetData;
            ErrorNew = errorNew;
            Realloc = realloc;
        }

        public nint Start { get; }

        public nint ContextGetData { get; }

        public nint ErrorNew { get; }

        public nint Realloc { get; }

        public static Code Create()
        {
            if (!IsSupported)
            {
                throw new PlatformNotSupportedException($"Async component calls need native fiber callbacks, which exist for x86-64 Linux and macOS only; this process is {RuntimeInformation.OSDescription} on {RuntimeInformation.ProcessArchitecture}. Use the synchronous calls.");
            }

            var wasmtime = NativeLibrary.Load(WasmtimeLibrary.Name, typeof(FiberTrampolines).Assembly, null);
            var libc = LoadLibc();
            var realloc = NativeLibrary.GetExport(libc, "realloc");
            var page = ExecutableMemory.Allocate(X64SysV);
            return new Code(page, NativeLibrary.GetExport(wasmtime, "wasmtime_context_get_data"), NativeLibrary.GetExport(wasmtime, "wasmtime_error_new"), realloc);
        }

        private static nint LoadLibc()
        {
            foreach (var name in new[] { "libc.so.6", "libc.dylib", "libc" })
            {
                if (NativeLibrary.TryLoad(name, out var handle))
                {
                    return handle;
                }
            }

            throw new PlatformNotSupportedException("The C library (libc.so.6 / libc.dylib) could not be loaded; async component calls need its realloc.");
        }
    }
}

/// <summary>Maps machine code into memory that can run (read+write to copy, then read+execute).</summary>
internal static unsafe partial class ExecutableMemory
{
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;

    public static nint Allocate(ReadOnlySpan<byte> code)
    {
        var size = (nuint)Math.Max(4096, (code.Length + 4095) / 4096 * 4096);
        var flags = OperatingSystem.IsMacOS() ? 0x1002 /* MAP_PRIVATE | MAP_ANON */ : 0x22 /* MAP_PRIVATE | MAP_ANONYMOUS */;
        var page = mmap(0, size, ProtRead | ProtWrite, flags, -1, 0);
        if (page == -1 || page == 0)
        {
            throw new InvalidOperationException($"mmap of {size} bytes for the fiber callbacks failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        code.CopyTo(new Span<byte>((void*)page, code.Length));
        if (mprotect(page, size, ProtRead | ProtExec) != 0)
        {
            throw new InvalidOperationException($"mprotect of the fiber callbacks failed (errno {Marshal.GetLastPInvokeError()}); the platform may forbid executable memory.");
        }

        return page;
    }

    [LibraryImport("libc", SetLastError = true)] private static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);
    [LibraryImport("libc", SetLastError = true)] private static partial int mprotect(nint address, nuint length, int protection);
}
