using WasmDynamic.Native;

namespace WasmDynamic.Imports;

/// <summary>
/// The async side of one store (an instance linked for async calls): the fiber mailbox that is the store's data
/// pointer, the native data blocks of its fiber callbacks, the host functions by import id, the host resource types
/// by tag, and the WASI output buffers. Everything Wasmtime calls on the guest's fiber is a machine-code routine of
/// <see cref="FiberTrampolines"/> writing into this native memory: no managed code runs on a fiber (a managed
/// callback there crashes the process when a garbage collection suspends the thread). The managed side reads the
/// records between polls, on the polling thread.
/// </summary>
internal sealed class FiberStore : IDisposable
{
    private readonly List<HostFunction> _imports = new();
    private readonly Dictionary<uint, string> _resourceNames = new();

    public FiberStore(int argumentCapacity)
    {
        Mailbox = new FiberMailbox(argumentCapacity);
    }

    public FiberMailbox Mailbox { get; }

    /// <summary>The data blocks of the callbacks; they outlive the linker and are freed with the store.</summary>
    public FiberCallbackData Data { get; } = new();

    public FiberOutputBuffer? Stdout { get; private set; }

    public FiberOutputBuffer? Stderr { get; private set; }

    public TextWriterSink? StdoutSink { get; private set; }

    public TextWriterSink? StderrSink { get; private set; }

    /// <summary>Registers a host function; returns the import id the fiber callback records for it.</summary>
    public long Register(HostFunction function)
    {
        _imports.Add(function);
        return _imports.Count;
    }

    /// <summary>The host function the guest called, by the id the callback recorded.</summary>
    public HostFunction Import(long id) => _imports[checked((int)id - 1)];

    public void RegisterResource(uint tag, string name) => _resourceNames[tag] = name;

    /// <summary>The resource drop function's name for messages.</summary>
    public string ResourceName(uint tag) => _resourceNames.TryGetValue(tag, out var name) ? name : $"host resource (tag {tag})";

    /// <summary>Buffers for the guest's stdout and stderr, passed on to <paramref name="wasi"/>'s writers between polls.</summary>
    public void UseOutput(WasiOptions wasi)
    {
        Stdout = new FiberOutputBuffer();
        Stderr = new FiberOutputBuffer();
        StdoutSink = new TextWriterSink(wasi.StandardOutput, error: false, handle: false);
        StderrSink = new TextWriterSink(wasi.StandardError, error: true, handle: false);
    }

    /// <summary>Passes the buffered WASI output on (between polls, on the polling thread).</summary>
    public void DrainOutput()
    {
        Stdout?.Drain(StdoutSink!.Accept);
        Stderr?.Drain(StderrSink!.Accept);
    }

    public void Dispose()
    {
        DrainOutput();
        StdoutSink?.Close();
        StderrSink?.Close();
        Stdout?.Dispose();
        Stderr?.Dispose();
        Mailbox.Dispose();
        Data.Dispose();
    }
}
