using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using WasmDynamic.Native;

namespace WasmDynamic.Imports;

/// <summary>Receives a guest's stdout/stderr bytes from WASI and passes them on as <see cref="WasiOutput"/> says.</summary>
internal sealed unsafe class TextWriterSink
{
    private readonly WasiOutput _output;
    private readonly bool _error;
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private char[] _chars = new char[1024];

    public TextWriterSink(WasiOutput output, bool error, bool handle = true)
    {
        _output = output;
        _error = error;
        Handle = handle ? CallbackBridge.Handle(this) : 0;
    }

    /// <summary>
    /// Passes on bytes an async store buffered (<see cref="Native.FiberOutputBuffer"/>, drained between polls on the
    /// polling thread), as <see cref="Write"/> does for a synchronous store.
    /// </summary>
    public void Accept(ReadOnlySpan<byte> bytes)
    {
        lock (this)
        {
            Append(bytes);
        }
    }

    /// <summary>Ends the output of an async store (passes on an unterminated last line).</summary>
    public void Close()
    {
        lock (this)
        {
            Finish();
        }
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
        if (_output.ByLine)
        {
            AppendLines(_chars.AsSpan(0, count), _output.Callback!);
            return;
        }

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

    private readonly StringBuilder _line = new();

    /// <summary>Passes on each complete line; keeps the unfinished one (at most <see cref="WasiOutput.MaxLineLength"/>).</summary>
    private void AppendLines(ReadOnlySpan<char> text, Action<string> line)
    {
        while (!text.IsEmpty)
        {
            var newline = text.IndexOf('\n');
            var piece = newline < 0 ? text : text[..newline];
            while (_line.Length + piece.Length > WasiOutput.MaxLineLength)
            {
                var take = WasiOutput.MaxLineLength - _line.Length;
                _line.Append(piece[..take]);
                line(_line.ToString());
                _line.Clear();
                piece = piece[take..];
            }

            _line.Append(piece);
            if (newline < 0)
            {
                return;
            }

            if (_line.Length > 0 && _line[^1] == '\r')
            {
                _line.Length--;
            }

            line(_line.ToString());
            _line.Clear();
            text = text[(newline + 1)..];
        }
    }

    /// <summary>The last line, unterminated, when the guest's output closes.</summary>
    private void Finish()
    {
        if (_output.ByLine && _line.Length > 0)
        {
            var rest = _line.ToString();
            _line.Clear();
            _output.Callback!(rest);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static nint Write(nint data, byte* buffer, nuint length)
    {
        try
        {
            var sink = CallbackBridge.Target<TextWriterSink>(data);
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
            var handle = GCHandle.FromIntPtr(data);
            var sink = (TextWriterSink)handle.Target!;
            handle.Free();
            lock (sink)
            {
                sink.Finish();
            }
        }
        catch (Exception)
        {
            // Nothing may unwind into native code.
        }
    }
}
