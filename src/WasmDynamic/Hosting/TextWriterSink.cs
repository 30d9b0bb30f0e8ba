using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace WasmDynamic.Hosting;

/// <summary>Receives a guest's stdout/stderr bytes from WASI and passes them on as <see cref="WasiOutput"/> says.</summary>
internal sealed unsafe class TextWriterSink
{
    private readonly WasiOutput _output;
    private readonly bool _error;
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private char[] _chars = new char[1024];

    public TextWriterSink(WasiOutput output, bool error)
    {
        _output = output;
        _error = error;
        Handle = GCHandle.ToIntPtr(GCHandle.Alloc(this));
    }

    /// <summary>A GCHandle owned by Wasmtime from now on; freed by <see cref="Release"/>.</summary>
    public nint Handle { get; }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_output.Discard)
        {
            return;
        }

        if (_output.Stream is { } stream)
        {
            stream.Write(bytes);
            stream.Flush();
            return;
        }

        var needed = _decoder.GetCharCount(bytes, flush: false);
        if (needed > _chars.Length)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        var count = _decoder.GetChars(bytes, _chars, flush: false);
        if (_output.Callback is { } callback)
        {
            callback(new string(_chars, 0, count));
            return;
        }

        var writer = _output.Writer ?? (_error ? Console.Error : Console.Out);
        lock (writer)
        {
            writer.Write(_chars, 0, count);
            writer.Flush();
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static nint Write(nint data, byte* buffer, nuint length)
    {
        try
        {
            var sink = (TextWriterSink)GCHandle.FromIntPtr(data).Target!;
            lock (sink)
            {
                sink.Append(new ReadOnlySpan<byte>(buffer, checked((int)length)));
            }

            return (nint)length;
        }
        catch (Exception)
        {
            return -1;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void Release(nint data)
    {
        try
        {
            GCHandle.FromIntPtr(data).Free();
        }
        catch (Exception)
        {
            // Nothing may unwind into native code.
        }
    }
}
