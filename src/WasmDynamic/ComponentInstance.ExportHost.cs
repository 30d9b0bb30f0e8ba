using WasmDynamic.Emit;
using WasmDynamic.Exports;
using WasmDynamic.Imports;
using WasmDynamic.Marshalling;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic;

/// <summary>The instance as the export-side runtime sees it (see <see cref="IExportHost"/>).</summary>
public sealed partial class ComponentInstance : IExportHost
{
    WitWorld IExportHost.World => Component.World;

    string IExportHost.ComponentName => Component.Name;

    WorldTypes IExportHost.Types => Types;

    nint IExportHost.Context => Context;

    MarshalContext IExportHost.ArgumentContext => ArgumentContext;

    IResourceSite IExportHost.HostResources => State;

    GuestResources IExportHost.Resources => Resources;

    bool IExportHost.IsDisposed => IsDisposed;

    nuint IExportHost.StackNeeded => StackNeeded;

    CallGateState IExportHost.Gate => _gate;

    void IExportHost.AcquireEpochTicker() => Component.Runtime.AcquireEpochTicker();

    void IExportHost.ReleaseEpochTicker() => Component.Runtime.ReleaseEpochTicker();

    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    void IExportHost.EnterCall(FunctionInvoker invoker) => EnterCall(invoker);

    void IExportHost.ExitCall() => ExitCall();

    ComponentFunc IExportHost.LookUp(FunctionInvoker invoker, bool twin) => LookUp(invoker, twin);

    BulkAdapter.BulkFunction? IExportHost.BulkTwin(string? interfaceName, string function) => BulkTwin(interfaceName, function);

    nint IExportHost.CallOnBigStack(FunctionInvoker invoker) => CallOnBigStack(invoker);

    Exception IExportHost.CallFailed(FunctionInvoker invoker, nint error) => CallFailed(invoker, error);

    FunctionInvoker IExportHost.Invoker(WitInterface? iface, WitFunction f) => Invoker(iface, f);

    IProxyObject IExportHost.InterfaceProxy(WitInterface iface) => InterfaceProxy(iface);

    void IExportHost.DropResource(ResourceHandle handle) => DropResource(handle);

    ValueTask IExportHost.DropResourceAsync(ResourceHandle handle) => DropResourceAsync(handle);

    bool IExportHost.IsAsync => IsAsync;

    InterruptState IExportHost.Interrupt => _interrupt;

    bool IExportHost.CanInterrupt => Component.Runtime.Options.EpochInterruption;

    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    ValueTask IExportHost.EnterAsync(FunctionInvoker invoker, CancellationToken cancellationToken) => EnterAsync(invoker, cancellationToken);

    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    bool IExportHost.TryEnterNow(FunctionInvoker invoker, CancellationToken cancellationToken) => TryEnterNow(invoker, cancellationToken);

    void IExportHost.ExitAsync() => ExitAsync();

    Exception IExportHost.CallFailed(FunctionInvoker invoker, NativeFailure failure) => CallFailed(invoker, failure);

    NativeFailure? IExportHost.Drive(CallFutureHandle future) => AsyncDriver.Run(future, _state, _interrupt);

    bool IExportHost.PollFirst(CallFutureHandle future, out NativeFailure? failure) => AsyncDriver.PollFirst(future, _state, out failure);

    ValueTask<NativeFailure?> IExportHost.DriveAsync(CallFutureHandle future, bool polled) => AsyncDriver.RunAsync(future, _state, _interrupt, blocking: false, polled);
}
