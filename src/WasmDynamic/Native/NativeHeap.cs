using System.Runtime.InteropServices;

namespace WasmDynamic.Native;

/// <summary>
/// Keeps the C library's allocator from mapping and unmapping memory for every large bulk transfer.
/// </summary>
/// <remarks>
/// glibc's <c>malloc</c> serves a block of 128 KiB or more with its own <c>mmap</c> and unmaps it on <c>free</c>; it
/// raises that threshold to the size of the largest such block freed (up to 32 MiB), and trims its heap once more than
/// twice that is free at its top. A 1 MiB <c>echo(list&lt;u8&gt;)</c> through the bulk adapter makes Wasmtime allocate
/// and free three ~1.2 MB blocks per call (the string argument, the string result and its C API copy): with the default
/// thresholds each call faults ~900 fresh pages in, half the call's time. The first transfer of
/// <see cref="LargeTransfer"/> or more therefore allocates and frees one untouched <see cref="PrimeSize"/> block, which
/// raises both thresholds as any program's large temporary buffer would: large blocks then come from the heap and are
/// reused. The cost is that the process may keep up to twice <see cref="PrimeSize"/> of freed heap memory instead of
/// returning it to the system. Other C libraries ignore it (the block is mapped and unmapped once).
/// </remarks>
internal static unsafe class NativeHeap
{
    /// <summary>The encoded size from which a bulk transfer primes the allocator.</summary>
    public const nuint LargeTransfer = 256 * 1024;

    /// <summary>The block allocated and freed once.</summary>
    public const nuint PrimeSize = 16 * 1024 * 1024;

    private static int _primed;

    /// <summary>True once the allocator was primed (for tests).</summary>
    public static bool Primed => Volatile.Read(ref _primed) != 0;

    /// <summary>Notes a bulk transfer of <paramref name="bytes"/> encoded bytes; the first large one primes the allocator.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void NoteTransfer(nuint bytes)
    {
        if (bytes >= LargeTransfer && _primed == 0)
        {
            Prime();
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Prime()
    {
        if (Interlocked.Exchange(ref _primed, 1) == 0 && OperatingSystem.IsLinux())
        {
            NativeMemory.Free(NativeMemory.Alloc(PrimeSize));
        }
    }
}
