using WasmDynamic.Marshalling;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Imports;

/// <summary>
/// Per-store state that native callbacks reach through a <see cref="System.Runtime.InteropServices.GCHandle"/>. It
/// holds no reference to the <see cref="ComponentInstance"/>, so a forgotten instance can still be finalized.
/// </summary>
internal sealed class StoreState : IDisposable, IResourceSite, IHostExceptionSink
{
    /// <summary>
    /// The context of host calls: host results are freed by Wasmtime, so they are built with its allocators; the
    /// guest's arguments are lifted with it too. Made at the first host call: a store whose guest never calls the host
    /// (many WASI-only components) allocates none. Host calls of a store never run at once, so no lock.
    /// </summary>
    public MarshalContext ResultContext => _resultContext ??= new MarshalContext(owned: true, this);

    private MarshalContext? _resultContext;

    /// <summary>This store's host functions, in import-plan order: the index a linker callback's <c>env</c> holds.</summary>
    public HostFunction[] Imports
    {
        get => _imports;
        set
        {
            for (var i = 0; i < value.Length; i++)
            {
                value[i].Slot = i + 1;
            }

            _imports = value;
        }
    }

    private HostFunction[] _imports = [];

    /// <summary>The state of the store behind <paramref name="context"/>: its data is a GCHandle to it.</summary>
    /// <remarks>
    /// Only a synchronous store's callbacks call it, and a synchronous store's data is always a handle to its
    /// StoreState (made in PrepareStore), so the cast is not checked.
    /// </remarks>
    public static unsafe StoreState Of(nint context) => CallbackBridge.TargetOf<StoreState>(ContextGetData(context));

    // wasmtime_context_get_data through its address: a direct call, without the P/Invoke stub the JIT calls for a
    // LibraryImport from inside a reverse P/Invoke (a field read needs no GC transition either way).
    private static readonly unsafe delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, nint> ContextGetData =
        (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, nint>)System.Runtime.InteropServices.NativeLibrary.GetExport(
            System.Runtime.InteropServices.NativeLibrary.Load(WasmtimeLibrary.Name, typeof(StoreState).Assembly, null),
            "wasmtime_context_get_data");

    /// <summary>The store's <c>wasmtime_context_t*</c> (set once the store exists).</summary>
    public nint StoreContext { get; set; }

    /// <summary>The async side of the store (mailbox, fiber callback data), for an instance linked for async calls; else null.</summary>
    public FiberStore? Fiber { get; set; }

    /// <summary>Host objects behind host-implemented resource handles.</summary>
    public HostResourceTable HostResources { get; } = new();

    /// <summary>The exception a host function threw during the current call, rethrown to the export's caller.</summary>
    public Exception? PendingHostException { get; set; }

    /// <summary>Which import threw <see cref="PendingHostException"/>: its name and WIT signature.</summary>
    public string? PendingHostFunction { get; set; }

    /// <summary>How many host imports of this store are running now (nested imports count each).</summary>
    public volatile int ImportDepth;

    /// <summary>
    /// The managed thread id that entered the latest host import: while <see cref="ImportDepth"/> is above 0, the
    /// thread holding the instance (the fast call path does not record it; a thread can only wait for another
    /// instance from inside an import).
    /// </summary>
    public volatile int ImportThread;

    /// <summary>How many host imports have started; a waiter that sees it unchanged knows the same import still runs.</summary>
    public long ImportCalls;

    /// <summary>The innermost running host import, for deadlock messages.</summary>
    public HostFunction? CurrentImport
    {
        get => CurrentImportSlot is > 0 and var slot && slot <= _imports.Length ? _imports[slot - 1] : null;
        set => CurrentImportSlot = value?.Slot ?? 0;
    }

    /// <summary>
    /// The innermost running host import as its slot in <see cref="Imports"/> (index + 1; 0: none): an int, so the
    /// synchronous import path records it without a reference store.
    /// </summary>
    public volatile int CurrentImportSlot;

    public void Capture(Exception exception, string where)
    {
        PendingHostException = exception;
        PendingHostFunction = where;
    }

    public (Exception? Exception, string? Where) TakeCaptured()
    {
        var taken = (PendingHostException, PendingHostFunction);
        PendingHostException = null;
        return taken;
    }

    public uint AddHostResource(object value, uint tag, bool owned) => HostResources.Add(value, tag, owned);

    public object GetHostResource(uint rep, uint tag, string name) => HostResources.Get(rep, tag, name);

    public void RemoveHostResource(uint rep) => HostResources.Remove(rep);

    // A resource the component exports never appears in an import's signature (imports cannot name export types).
    public unsafe nint LowerGuestResource(object? value, WitHandle handle, Type declared, Val* slot, MarshalContext cx) =>
        throw new WasmDynamicException($"A {handle.Resource.Name} resource the component exports cannot pass through a host import (WIT '{handle}'); only the component's exports take and return it.");

    public object LiftGuestResource(GuestResourceClass resourceClass, nint any) =>
        throw new WasmDynamicException($"A {resourceClass.Resource.Name} resource the component exports cannot pass through a host import; only the component's exports take and return it.");

    /// <summary>Frees the context and the fiber data; after the store itself is gone (its callbacks read that data).</summary>
    public void Dispose()
    {
        _resultContext?.Dispose();
        Fiber?.Dispose();
        Fiber = null;
    }
}
