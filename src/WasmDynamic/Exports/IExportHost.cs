using WasmDynamic.Emit;
using WasmDynamic.Marshalling;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Exports;

/// <summary>
/// What the export-side runtime (invokers, proxy and resource bindings, guest handles, cancellation scopes) needs from
/// the instance it belongs to: the world, the store, the call gate and the caches. <see cref="ComponentInstance"/>
/// implements it, so this folder does not reach up to the facade.
/// </summary>
internal interface IExportHost
{
    /// <summary>The world of the component this is an instance of.</summary>
    WitWorld World { get; }

    /// <summary>The component's name (its file path or given name), for messages.</summary>
    string ComponentName { get; }

    /// <summary>The emitted CLR types of the world.</summary>
    WorldTypes Types { get; }

    /// <summary>The current store context (changes when the instance recreates its store).</summary>
    nint Context { get; }

    /// <summary>The marshalling context of arguments and results of export calls.</summary>
    MarshalContext ArgumentContext { get; }

    /// <summary>The store's host resource tables (the import side's; export calls pass host resources too).</summary>
    IResourceSite HostResources { get; }

    /// <summary>The guest resource handles the instance has handed out.</summary>
    GuestResources Resources { get; }

    /// <summary>True once the instance was disposed.</summary>
    bool IsDisposed { get; }

    /// <summary>The native stack a call needs; less than this left runs the call on a big stack.</summary>
    nuint StackNeeded { get; }

    /// <summary>The gate state the invoker's fast path enters and leaves directly (see <see cref="CallGateState"/>).</summary>
    CallGateState Gate { get; }

    /// <summary>Keeps the runtime's epoch ticker running (a cancellation scope needs it).</summary>
    void AcquireEpochTicker();

    /// <summary>Releases one <see cref="AcquireEpochTicker"/>.</summary>
    void ReleaseEpochTicker();

    /// <summary>Enters the call gate for <paramref name="invoker"/>.</summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    void EnterCall(FunctionInvoker invoker);

    /// <summary>Leaves the call gate.</summary>
    void ExitCall();

    /// <summary>Looks <paramref name="invoker"/>'s function up in the current store.</summary>
    ComponentFunc LookUp(FunctionInvoker invoker, bool twin);

    /// <summary>The bulk-bytes twin of a function, when the component was loaded through its wrapper.</summary>
    BulkAdapter.BulkFunction? BulkTwin(string? interfaceName, string function);

    /// <summary>Runs <paramref name="invoker"/>'s native call on a big stack; returns the native error, or 0.</summary>
    nint CallOnBigStack(FunctionInvoker invoker);

    /// <summary>The exception for a failed call (and poisons or recreates the instance as the failure demands).</summary>
    Exception CallFailed(FunctionInvoker invoker, nint error);

    /// <summary>The (cached) invoker of an exported function.</summary>
    FunctionInvoker Invoker(WitInterface? iface, WitFunction f);

    /// <summary>The (cached) proxy of an exported interface.</summary>
    IProxyObject InterfaceProxy(WitInterface iface);

    /// <summary>Drops a guest resource in the store, under the call gate.</summary>
    void DropResource(ResourceHandle handle);

    /// <summary>As <see cref="DropResource"/>; an async instance is waited for without blocking a thread.</summary>
    ValueTask DropResourceAsync(ResourceHandle handle);

    /// <summary>True when the instance is linked for async calls (its host imports are fiber callbacks; every call runs the async driver).</summary>
    bool IsAsync { get; }

    /// <summary>What the running call's interruption checks read (its deadline and tokens).</summary>
    InterruptState Interrupt { get; }

    /// <summary>The runtime has epoch interruption (a call can be cancelled).</summary>
    bool CanInterrupt { get; }

    /// <summary>Enters the async call gate for <paramref name="invoker"/>: queues without blocking a thread; <paramref name="cancellationToken"/> arms the call.</summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    ValueTask EnterAsync(FunctionInvoker invoker, CancellationToken cancellationToken);

    /// <summary>
    /// Enters the async call gate for <paramref name="invoker"/> if the instance is free now (as <see cref="EnterAsync"/>
    /// does, without waiting): true when the call holds the gate; false when another call holds it.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    bool TryEnterNow(FunctionInvoker invoker, CancellationToken cancellationToken);

    /// <summary>Leaves the async call gate.</summary>
    void ExitAsync();

    /// <summary>The exception for a call the async driver stopped (and poisons the instance, as a trap does).</summary>
    Exception CallFailed(FunctionInvoker invoker, NativeFailure failure);

    /// <summary>Drives an async call's future to its end on this thread (host tasks waited for); the failure that stopped it, or null.</summary>
    NativeFailure? Drive(CallFutureHandle future);

    /// <summary>Polls a just-started call's future once: true when the call ended there (<paramref name="failure"/>: what stopped it, or null).</summary>
    bool PollFirst(CallFutureHandle future, out NativeFailure? failure);

    /// <summary>
    /// Drives an async call's future to its end without holding a thread while host tasks run; the failure that stopped
    /// it, or null. <paramref name="polled"/>: <see cref="PollFirst"/> already polled it once and it did not end.
    /// </summary>
    ValueTask<NativeFailure?> DriveAsync(CallFutureHandle future, bool polled = false);
}
