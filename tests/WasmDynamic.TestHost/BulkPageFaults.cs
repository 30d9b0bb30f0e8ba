using System.Runtime.InteropServices;
using WasmDynamic;

/// <summary>
/// How many pages a 1 MiB <c>echo(list&lt;u8&gt;)</c> through the bulk adapter faults in per call once warm, in a
/// process of its own (no other test's allocations): large native blocks must be reused, not mapped afresh per call.
/// </summary>
internal static unsafe class BulkPageFaults
{
    public static string Run(ComponentRuntime runtime, string stringsWat)
    {
        using var component = runtime.Load(stringsWat);
        using var instance = component.Instantiate();
        var exports = instance.Exports;
        var data = new byte[1 << 20];
        new Random(7).NextBytes(data);
        for (var i = 0; i < 5; i++)
        {
            Check((byte[])exports.RoundtripListU8(data), data);
        }

        const int Calls = 20;
        var before = MinorFaults();
        for (var i = 0; i < Calls; i++)
        {
            Check((byte[])exports.RoundtripListU8(data), data);
        }

        var perCall = (MinorFaults() - before) / Calls;
        return $"{perCall} minor page faults per 1 MiB echo";
    }

    private static void Check(byte[] back, byte[] data)
    {
        if (!back.AsSpan().SequenceEqual(data))
        {
            throw new InvalidOperationException("the echo returned other bytes");
        }
    }

    private static long MinorFaults()
    {
        var usage = stackalloc long[18];
        if (getrusage(0, usage) != 0)
        {
            throw new InvalidOperationException("getrusage failed");
        }

        // struct rusage (Linux x86-64): ru_utime, ru_stime (two timevals, 4 longs), then ru_maxrss, ru_ixrss, ru_idrss,
        // ru_isrss, ru_minflt.
        return usage[8];
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int getrusage(int who, long* usage);
}
