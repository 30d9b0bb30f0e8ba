using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using WasmDynamic.Exports;
using WasmDynamic.Imports;
using WasmDynamic.Native;

namespace WasmDynamic;

/// <summary>
/// Lifetime of an instance: creating its store (limits, fuel, WASI, imports), recreating it after a trap, disposal from
/// any thread at any time, and freeing the store once no call runs.
/// </summary>
public sealed unsafe partial class ComponentInstance
{
    // How long Dispose waits for a call running on another thread to stop after interrupting it.
    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(1);

    // How much fuel a fuel-metered async guest burns between two yields of its thread: about a millisecond of guest
    // code, so a yield (a fiber switch and a trip through the scheduler, a few microseconds) costs well under 1 %.
    internal const ulong FuelYieldInterval = 1_000_000;

    private readonly object _disposeGate = new();
    private readonly long? _timeoutTicks;
    private bool _usesEngine;
    private bool _holdsComponent;
    private bool _holdsTicker;
    private bool _freed;
    private bool _disposerWaiting;
    private bool _leftToDisposer;

    /// <summary>
    /// Creates the store and instantiates the component in it with the prepared linker (at construction, and to
    /// recreate after a trap: the same linker, plan and host objects).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    private void CreateStore()
    {
        var instantiation = PrepareStore();
        if (instantiation is null)
        {
            return;
        }

        using (instantiation)
        {
            Finish(instantiation, AsyncDriver.Run(instantiation.Future, _state, _interrupt));
        }
    }

    /// <summary>
    /// Creates the store and links the imports; instantiates a synchronous instance, or starts instantiating an async
    /// one and returns that (to be driven blocking, or awaited by <see cref="InstantiateAsync"/>).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    private AsyncInstantiation? PrepareStore()
    {
        var component = Component;
        _state = new StoreState();
        var prepared = _prepared!;

        // The mode is fixed by the first store: a recreated store is linked the same way.
        _async = _async || _asyncRequested || prepared.IsAsync;
        var (plan, targets) = prepared.BindingFor(_async);
        if (_async)
        {
            // The store's data is the fiber mailbox the machine-code callbacks of the async linker write to; no
            // managed callback is registered for an async store, so nothing reads it as a GCHandle.
            UseFiberStore(plan);
            _store = new StoreHandle(WasmtimeApi.wasmtime_store_new(component.Runtime.Engine.Pointer, _state.Fiber!.Mailbox.Pointer, null));
        }
        else
        {
            // The store's data is its state: the shared linker's callbacks find this instance's host objects through it.
            // The handle is freed by the StoreHandle once the store is deleted (no native finalizer: no reverse call).
            var data = CallbackBridge.Handle(_state);
            _store = new StoreHandle(WasmtimeApi.wasmtime_store_new(component.Runtime.Engine.Pointer, data, null), data);
        }
        Context = WasmtimeApi.wasmtime_store_context(_store.Pointer);
        _state.StoreContext = Context;
        if (component.Runtime.Options.EpochInterruption)
        {
            // Always one tick ahead: the callback re-arms it, so a running call can be stopped whenever a ticker runs.
            WasmtimeApi.wasmtime_context_set_epoch_deadline(Context, 1);
            if (_async)
            {
                // No managed callback may run on the fiber: the guest yields at each tick, and the driver checks.
                AsyncApi.wasmtime_context_epoch_deadline_async_yield_and_update(Context, 1);
                if (!_holdsTicker)
                {
                    // An async call gives its thread back at every tick, timeout or not: a long guest never holds the
                    // caller's thread. One ticker thread serves every instance of the runtime (released on disposal).
                    component.Runtime.AcquireEpochTicker();
                    _holdsTicker = true;
                }
            }
            else
            {
                var handle = CallbackBridge.Handle(_interrupt);
                _store.OwnCallbackData(handle);
                WasmtimeApi.wasmtime_store_epoch_deadline_callback(_store.Pointer, &InterruptState.OnDeadline, handle, null);
            }
        }

        if (_options.HasLimits)
        {
            WasmtimeApi.wasmtime_store_limiter(_store.Pointer, _options.MaxMemoryBytes ?? -1, _options.MaxTableElements ?? -1, _options.MaxInstances ?? -1, _options.MaxTables ?? -1, _options.MaxMemories ?? -1);
        }

        if (component.Runtime.Options.ConsumeFuel)
        {
            // A store starts with no fuel; without a per-call budget, give it all there is.
            WasmtimeApi.wasmtime_context_set_fuel(Context, _options.FuelPerCall ?? ulong.MaxValue);
            if (_async)
            {
                // A fuel-metered guest gives its thread back too, not only at epoch ticks (which need a ticker).
                var error = AsyncApi.wasmtime_context_fuel_async_yield_interval(Context, FuelYieldInterval);
                if (error != 0)
                {
                    throw new WasmDynamicException($"Wasmtime refused the fuel yield interval of an async instance of component '{Component.Name}': {NativeError.TakeMessage(error)}");
                }
            }
        }

        if (component.UsesWasi)
        {
            WasiSetup.Configure(Context, _options.Wasi, _state.Fiber);
        }

        _state.Imports = HostBinder.Functions(plan, targets, _state);
        var target = prepared.Code.LinkTarget;
        var linker = prepared.LinkerFor(_async);
        if (!_async)
        {
            _native = Linking.Instantiate(target, linker, Context, _state);
            return null;
        }

        var instantiation = new AsyncInstantiation(target);
        try
        {
            instantiation.Future = Linking.StartInstantiateAsync(target, Context, linker, instantiation.Instance, instantiation.Error);
            return instantiation;
        }
        catch
        {
            instantiation.Dispose();
            throw;
        }
    }

    /// <summary>Ends an async instantiation: the instance, or the exception of its start code (or of how it was stopped).</summary>
    private void Finish(AsyncInstantiation instantiation, NativeFailure? stopped)
    {
        if (stopped is not null)
        {
            var reason = _interrupt.Reason;
            _interrupt.Reason = InterruptReason.None;
            throw reason == InterruptReason.Canceled
                ? new ComponentCanceledException("(instantiation)", $"component {Component.Name}", _interrupt.CallToken.IsCancellationRequested ? _interrupt.CallToken : _options.CancellationToken)
                : Linking.InstantiationFailed(instantiation.Target, stopped.Message, _state);
        }

        if (*instantiation.Error != 0)
        {
            var error = *instantiation.Error;
            *instantiation.Error = 0;
            throw Linking.InstantiationFailed(instantiation.Target, NativeError.TakeMessage(error), _state);
        }

        _native = *instantiation.Instance;
    }

    /// <summary>An async instantiation in progress: its future, and the native slots it writes the instance and error to.</summary>
    private sealed class AsyncInstantiation(Linking.Target target) : IDisposable
    {
        public Linking.Target Target { get; } = target;

        public ComponentInstanceNative* Instance { get; } = (ComponentInstanceNative*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)sizeof(ComponentInstanceNative));

        public nint* Error { get; } = (nint*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)sizeof(nint));

        // The linker the future instantiates from lives with the compiled component, which the instance holds.
        public CallFutureHandle Future { get; set; } = null!;

        public void Dispose()
        {
            Future?.Dispose();
            System.Runtime.InteropServices.NativeMemory.Free(Instance);
            System.Runtime.InteropServices.NativeMemory.Free(Error);
        }
    }

    /// <summary>
    /// Throws away the trapped store and instantiates afresh; every invoker looks its function up again in the new
    /// store. When instantiating fails, the instance stays poisoned (the next call tries again): a call must never run
    /// against a half-made store with functions of the old one.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    private void Recreate()
    {
        _exports.UnbindAll();

        Resources.ReleaseAll("the instance trapped and was recreated (InstanceOptions.RecreateAfterTrap); the handle belonged to the trapped instance's store, which is gone. Get a new handle from the recreated instance");
        _store.Dispose();
        ReportCleanupErrors(DisposeHostResources(_state));
        _state.Dispose();
        CreateStore();
        _poison = null;
    }
    private void DisposeCore()
    {
        if (_async && AsyncDriver.InImportOf != _state)
        {
            // An async call holds no lock while it waits on a host task: stop it rather than wait for the task.
            StopCallForDisposal();
        }

        if (OnCallThread)
        {
            // Inside a host import of this instance: freeing the store under the running guest would crash the
            // process, so ExitCall frees it when the outermost call returns.
            return;
        }

        List<Exception>? errors = null;
        if (_lock.TryEnter())
        {
            try
            {
                errors = FreeLocked();
            }
            finally
            {
                _lock.Exit();
            }
        }
        else
        {
            // Another thread's call runs: stop it at the next epoch tick, then free the store.
            _interrupt.Disposing = true;
            var ticking = Component.Runtime.Options.EpochInterruption;
            if (ticking)
            {
                Component.Runtime.AcquireEpochTicker();
            }

            lock (_disposeGate)
            {
                _disposerWaiting = true;
            }

            try
            {
                var entered = _lock.TryEnter(DisposeWait);
                if (!entered)
                {
                    bool left;
                    lock (_disposeGate)
                    {
                        _disposerWaiting = false;
                        left = _leftToDisposer;
                    }

                    if (left)
                    {
                        // The call ended just now and left the freeing to us; it is releasing the lock.
                        _lock.Enter();
                        entered = true;
                    }
                }

                if (entered)
                {
                    try
                    {
                        errors = FreeLocked();
                    }
                    finally
                    {
                        _lock.Exit();
                    }
                }
            }
            finally
            {
                if (ticking)
                {
                    Component.Runtime.ReleaseEpochTicker();
                }
            }
        }

        if (errors is { Count: > 0 })
        {
            throw new WasmDynamicException(
                $"Disposing the instance of component '{Component.Name}' disposed {errors.Count} host resource object(s) whose Dispose threw ({string.Join("; ", errors.Select(e => e.GetType().Name + ": " + e.Message))}). The instance is fully freed; fix the resources' Dispose methods.",
                new AggregateException(errors));
        }
    }

    /// <summary>Frees the store and everything tied to it, once, when no call runs (the caller holds the lock).</summary>
    private List<Exception>? FreeLocked()
    {
        if (_freed || _depth > 0)
        {
            return null;
        }

        _freed = true;
        for (var open = CancellationScope.CloseAll(_gate); open > 0; open--)
        {
            Component.Runtime.ReleaseEpochTicker();
        }

        if (_tickerForDisposal)
        {
            _tickerForDisposal = false;
            Component.Runtime.ReleaseEpochTicker();
        }

        _store?.Dispose();
        Resources.ReleaseAll("its component instance was disposed");
        var errors = _state is null ? null : DisposeHostResources(_state);
        if (_holdsTicker)
        {
            _holdsTicker = false;
            Component.Runtime.ReleaseEpochTicker();
        }

        _exports.Dispose();

        ArgumentContext.Dispose();
        _state?.Dispose();
        if (_holdsComponent)
        {
            _holdsComponent = false;
            Component.ReleaseUser();
        }

        if (_usesEngine)
        {
            _usesEngine = false;
            Component.Runtime.ReleaseUser();
        }

        return errors;
    }

    /// <summary>
    /// True when a Dispose on another thread is waiting to free the instance itself (so it can throw cleanup errors to
    /// its caller): the thread holding the lock then leaves the freeing to it.
    /// </summary>
    private bool LeaveToDisposer()
    {
        lock (_disposeGate)
        {
            _leftToDisposer = _disposerWaiting;
            return _leftToDisposer;
        }
    }

    /// <summary>Frees a disposed instance whose Dispose was deferred; there is no caller to report errors to.</summary>
    private void FreeIfDisposed() => ReportCleanupErrors(FreeLocked());

    /// <summary>
    /// Disposes the host objects the guest still owned in a store that is going away. Every one is disposed; the
    /// exceptions are returned, not thrown, so none stops the cleanup.
    /// </summary>
    private static List<Exception>? DisposeHostResources(StoreState state)
    {
        List<Exception>? errors = null;
        var owned = state.HostResources.TakeOwned();
        for (var i = 0; i < owned.Count; i++)
        {
            if (owned[i] is IDisposable disposable)
            {
                try
                {
                    disposable.Dispose();
                }
                catch (Exception e)
                {
                    (errors ??= []).Add(e);
                }
            }
        }

        return errors;
    }

    private void ReportCleanupErrors(List<Exception>? errors)
    {
        if (errors is null)
        {
            return;
        }

        foreach (var e in errors)
        {
            Trace.TraceError($"WasmDynamic: disposing a host resource of component '{Component.Name}' threw {e.GetType().Name}: {e.Message}");
        }
    }
}
