using WasmDynamic.Marshalling;

namespace WasmDynamic.Hosting;

/// <summary>
/// Per-store state that native callbacks reach through a <see cref="System.Runtime.InteropServices.GCHandle"/>. It
/// holds no reference to the <see cref="ComponentInstance"/>, so a forgotten instance can still be finalized.
/// </summary>
internal sealed class StoreState : IDisposable
{
    /// <summary>Host results are freed by Wasmtime, so they are built with its allocators.</summary>
    public LowerContext ResultContext { get; } = new(owned: true);

    /// <summary>Host objects behind host-implemented resource handles.</summary>
    public HostResourceTable HostResources { get; } = new();

    /// <summary>The exception a host function threw during the current call, rethrown to the export's caller.</summary>
    public Exception? PendingHostException { get; set; }

    /// <summary>Which import threw <see cref="PendingHostException"/>: its name and WIT signature.</summary>
    public string? PendingHostFunction { get; set; }

    /// <summary>How many host imports of this store are running now (nested imports count each).</summary>
    public volatile int ImportDepth;

    /// <summary>How many host imports have started; a waiter that sees it unchanged knows the same import still runs.</summary>
    public long ImportCalls;

    /// <summary>The innermost running host import, for deadlock messages.</summary>
    public volatile HostFunction? CurrentImport;

    public void Dispose() => ResultContext.Dispose();
}
