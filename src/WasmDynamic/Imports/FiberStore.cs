using WasmDynamic.Native;

namespace WasmDynamic.Imports;

/// <summary>
/// The async side of one store (an instance linked for async calls): the fiber mailbox that is the store's data
/// pointer, the host resource names by tag, and the WASI output buffers (the callbacks' data blocks
/// belong to the async linker, which lives with the compiled component; the host functions are the store's
/// <see cref="StoreState.Imports"/>, by import id - 1). Everything Wasmtime calls on the guest's fiber is a machine-code routine of
/// <see cref="FiberTrampolines"/> writing into this native memory: no managed code runs on a fiber (a managed
/// callback there crashes the process when a garbage collection suspends the thread). The managed side reads the
/// records between polls, on the polling thread.
/// </summary>
internal sealed class FiberStore : IDisposable
{
    private readonly Dictionary<uint, string> _resourceNames = new();

    /// <param name="argumentCapacity">The most arguments a host function of the plan takes.</param>
    /// <param name="plan">The import plan the store's async linker was built from: host resource names by tag, for messages.</param>
    public FiberStore(int argumentCapacity, ImportPlan plan)
    {
        Mailbox = new FiberMailbox(argumentCapacity);
        foreach (var r in plan.Resources)
        {
            _resourceNames[r.Tag] = $"{r.Instance}#[resource-drop]{r.Name}";
        }
    }

    public FiberMailbox Mailbox { get; }

    public FiberOutputBuffer? Stdout { get; private set; }

    public FiberOutputBuffer? Stderr { get; private set; }

    public TextWriterSink? StdoutSink { get; private set; }

    public TextWriterSink? StderrSink { get; private set; }

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
        // Runs after every poll: look at the lengths first, so a poll that wrote nothing allocates no delegate.
        if (Stdout is { Length: > 0 })
        {
            Stdout.Drain(StdoutSink!.Accept);
        }

        if (Stderr is { Length: > 0 })
        {
            Stderr.Drain(StderrSink!.Accept);
        }
    }

    public void Dispose()
    {
        DrainOutput();
        StdoutSink?.Close();
        StderrSink?.Close();
        Stdout?.Dispose();
        Stderr?.Dispose();
        Mailbox.Dispose();
    }
}
