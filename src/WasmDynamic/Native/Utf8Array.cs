using System.Runtime.InteropServices;
using System.Text;

namespace WasmDynamic.Native;

/// <summary>An array of NUL-terminated UTF-8 strings in native memory (argv-style), freed on dispose.</summary>
internal sealed unsafe class Utf8Array : IDisposable
{
    private readonly int _count;

    public Utf8Array(IReadOnlyList<string> items)
    {
        _count = items.Count;
        Pointers = (byte**)NativeMemory.AllocZeroed((nuint)Math.Max(_count, 1), (nuint)sizeof(byte*));
        for (var i = 0; i < _count; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(items[i]);
            var p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
            bytes.CopyTo(new Span<byte>(p, bytes.Length));
            p[bytes.Length] = 0;
            Pointers[i] = p;
        }
    }

    public byte** Pointers { get; }

    public void Dispose()
    {
        for (var i = 0; i < _count; i++)
        {
            NativeMemory.Free(Pointers[i]);
        }

        NativeMemory.Free(Pointers);
    }
}
