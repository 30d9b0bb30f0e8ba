using System.Runtime.InteropServices;

namespace WasmDynamic.Native;

/// <summary>
/// How much stack the current thread has left. The thread's lowest usable address is read once per thread from the
/// OS (pthread on Linux and macOS, <c>GetCurrentThreadStackLimits</c> on Windows) and cached; the check itself is
/// the address of a local minus that bound, a few nanoseconds and no allocation.
/// </summary>
internal static unsafe partial class StackBounds
{
    // Kept free above the OS bound: the guard page, and what .NET needs to report its own stack overflow.
    private const nuint Margin = 64 * 1024;

    [ThreadStatic]
    private static nuint _low;

    // The thread's managed id, cached with _low (same thread-static block): the call gate reads both in one go.
    [ThreadStatic]
    private static int _threadId;

    /// <summary>True when the current thread has at least <paramref name="needed"/> bytes of stack left.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool HasRoom(nuint needed) => HasRoom(needed, out _);

    /// <summary>
    /// <see cref="HasRoom(nuint)"/>, and the current thread's managed id (<see cref="Environment.CurrentManagedThreadId"/>)
    /// from the same cached thread-static block, for the call gate's lock.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool HasRoom(nuint needed, out int threadId)
    {
        byte probe;
        var sp = (nuint)(&probe);
        var low = _low;
        if (low == 0)
        {
            low = _low = ReadLow();
            _threadId = Environment.CurrentManagedThreadId;
        }

        threadId = _threadId;
        return sp > low && sp - low >= needed;
    }

    /// <summary>The current thread's managed id, cached (see <see cref="HasRoom(nuint, out int)"/>).</summary>
    public static int ThreadId
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get
        {
            HasRoom(0, out var id);
            return id;
        }
    }

    /// <summary>The current thread's stack left, in bytes (for messages and tests).</summary>
    public static long Remaining()
    {
        byte probe;
        HasRoom(0);
        return (long)((nuint)(&probe) - _low);
    }

    private static nuint ReadLow()
    {
        try
        {
            nuint low = 0;
            if (OperatingSystem.IsLinux())
            {
                low = LinuxLow();
            }
            else if (OperatingSystem.IsWindows())
            {
                nuint lowLimit, highLimit;
                GetCurrentThreadStackLimits(&lowLimit, &highLimit);
                low = lowLimit;
            }
            else if (OperatingSystem.IsMacOS())
            {
                var self = pthread_self();
                low = (nuint)pthread_get_stackaddr_np(self) - pthread_get_stacksize_np(self);
            }

            // Unknown bounds: assume room (1 is below every stack), as before this check existed.
            return low == 0 ? 1 : low + Margin;
        }
        catch (Exception)
        {
            return 1;
        }
    }

    private static nuint LinuxLow()
    {
        // pthread_attr_t is 56 bytes on x64 glibc and 64 on arm64; 256 covers every libc.
        var attr = stackalloc byte[256];
        if (pthread_getattr_np(pthread_self(), attr) != 0)
        {
            return 0;
        }

        try
        {
            nint address;
            nuint size;
            return pthread_attr_getstack(attr, &address, &size) == 0 ? (nuint)address : 0;
        }
        finally
        {
            pthread_attr_destroy(attr);
        }
    }

    [LibraryImport("libc")] private static partial nint pthread_self();
    [LibraryImport("libc")] private static partial int pthread_getattr_np(nint thread, byte* attr);
    [LibraryImport("libc")] private static partial int pthread_attr_getstack(byte* attr, nint* address, nuint* size);
    [LibraryImport("libc")] private static partial int pthread_attr_destroy(byte* attr);
    [LibraryImport("libc")] private static partial nint pthread_get_stackaddr_np(nint thread);
    [LibraryImport("libc")] private static partial nuint pthread_get_stacksize_np(nint thread);
    [LibraryImport("kernel32")] private static partial void GetCurrentThreadStackLimits(nuint* low, nuint* high);
}
