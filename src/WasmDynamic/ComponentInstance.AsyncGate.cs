using WasmDynamic.Exports;
using WasmDynamic.Imports;
using WasmDynamic.Native;

namespace WasmDynamic;

/// <summary>
/// The call gate of an async instance (one linked through the fiber callbacks: instantiated with
/// <see cref="WasmComponent.InstantiateAsync(InstanceOptions, CancellationToken)"/>, or given a host import that returns a task). One
/// call at a time, as for every instance, but the slot is a semaphore: async callers queue for it without blocking a
/// thread, synchronous callers block on it, and a call holds it across the awaits of its host imports, so a sync and an
/// async call of one instance exclude each other. The instance's <c>_lock</c> is held only for the moments the call
/// state (depth, poison, disposal) changes, never across an await.
/// </summary>
/// <remarks>
/// A caller (async or blocking) waiting for the slot while the holding call stays inside one host import longer than
/// <see cref="InstanceOptions.HostImportWaitTimeout"/> is refused with <see cref="ComponentDeadlockException"/>, as on
/// the synchronous gate (ComponentInstance.AsyncWaiting.cs). Disposal never waits for a host task: it stops the call.
/// </remarks>
public sealed partial class ComponentInstance : IAsyncDisposable
{
    private readonly SemaphoreSlim _slot = new(1, 1);
    private readonly bool _asyncRequested;
    private bool _async;
    private bool _tickerForCall;
    private bool _tickerForDisposal;

    /// <summary>
    /// True when this instance is linked for async calls: it was created by
    /// <see cref="WasmComponent.InstantiateAsync(InstanceOptions, CancellationToken)"/>, or one of its host imports returns a
    /// <see cref="Task"/> or <see cref="ValueTask"/>. Its synchronous calls run the async driver on the calling thread and
    /// block it while a host import's task runs; its async calls (<c>XAsync</c> methods, <see cref="InvokeAsync(string, object?[])"/>)
    /// hold no thread while the guest waits. On an instance that is not async, async calls run synchronously and return a
    /// completed task.
    /// </summary>
    public bool IsAsync => _async;

    /// <summary>
    /// Frees the instance once the call running now (if any) has ended, without blocking a thread while it runs: stops
    /// that call (at its next poll while the guest runs, at once while it waits on a host task, whose token is
    /// cancelled; the call throws <see cref="ObjectDisposedException"/>), queues for the call slot like an async call,
    /// then disposes (see <see cref="Dispose"/>). Calls queued behind it are refused. Safe to call more than once and
    /// concurrently.
    /// </summary>
    /// <exception cref="WasmDynamicException">A host resource's Dispose threw (see <see cref="Dispose"/>).</exception>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        if (_async && AsyncDriver.InImportOf != _state)
        {
            // Stop a running call at its next poll (a guest spinning without a timeout yields only while a ticker
            // runs), then wait for it to leave.
            _interrupt.StopForDisposal();
            var ticking = Component.Runtime.Options.EpochInterruption;
            if (ticking)
            {
                Component.Runtime.AcquireEpochTicker();
            }

            try
            {
                await _slot.WaitAsync().ConfigureAwait(false);
            }
            finally
            {
                if (ticking)
                {
                    Component.Runtime.ReleaseEpochTicker();
                }
            }

            try
            {
                Dispose();
            }
            finally
            {
                _slot.Release();
            }

            return;
        }

        Dispose();
    }

    /// <summary>
    /// <see cref="Dispose"/> of an async instance, from outside its own host imports: stops the running call as
    /// <see cref="DisposeAsync"/> does, without waiting for it (it frees the store when it ends), and keeps an epoch
    /// ticker running until then so that a guest spinning without a timeout still yields and sees the disposal.
    /// </summary>
    private void StopCallForDisposal()
    {
        _interrupt.StopForDisposal();
        _lock.Enter();
        try
        {
            if (_depth > 0 && !_freed && !_tickerForDisposal && Component.Runtime.Options.EpochInterruption)
            {
                Component.Runtime.AcquireEpochTicker();
                _tickerForDisposal = true;
            }
        }
        finally
        {
            _lock.Exit();
        }
    }

    /// <summary>Instantiates an instance created for async use (<see cref="WasmComponent.InstantiateAsync(InstanceOptions, CancellationToken)"/>) without blocking a thread while the start code waits for host imports.</summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    internal async Task InstantiateAsync(CancellationToken cancellationToken)
    {
        var instantiation = PrepareStore()!;
        using (instantiation)
        {
            _interrupt.CallToken = cancellationToken;
            try
            {
                Finish(instantiation, await AsyncDriver.RunAsync(instantiation.Future, _state, _interrupt, blocking: false).ConfigureAwait(false));
            }
            finally
            {
                _interrupt.CallToken = default;
            }
        }
    }

    /// <summary>Enters an async call: waits for the slot without blocking, then checks and arms the call.</summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    internal async ValueTask EnterAsync(FunctionInvoker invoker, CancellationToken cancellationToken)
    {
        if (TryEnterNow(invoker, cancellationToken))
        {
            return;
        }

        try
        {
            await WaitForSlotAsync(invoker, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new ComponentCanceledException(invoker.QualifiedName, invoker.Function.Signature, cancellationToken);
        }

        try
        {
            EnterHeld(invoker, cancellationToken);
        }
        catch
        {
            _slot.Release();
            throw;
        }
    }

    /// <summary>Enters an async call if the slot is free now (refusing a re-entrance, checking and arming the call as <see cref="EnterAsync"/> does); false when it is held.</summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    internal bool TryEnterNow(FunctionInvoker invoker, CancellationToken cancellationToken)
    {
        if (AsyncDriver.InImportOf is { } store && store == _state)
        {
            throw Reentered(invoker);
        }

        if (!_slot.Wait(0))
        {
            return false;
        }

        try
        {
            EnterHeld(invoker, cancellationToken);
        }
        catch
        {
            _slot.Release();
            throw;
        }

        return true;
    }

    /// <summary>A synchronous call of an async instance: blocks for the slot.</summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    private void EnterBlocking(FunctionInvoker invoker)
    {
        if (AsyncDriver.InImportOf is { } store && store == _state)
        {
            throw Reentered(invoker);
        }

        WaitForSlot(invoker.QualifiedName, invoker.Function.Signature);
        try
        {
            EnterHeld(invoker, default);
        }
        catch
        {
            _slot.Release();
            throw;
        }
    }

    /// <summary>With the slot held: refuses a disposed or poisoned instance (or recreates it), a cancelled call; arms the call.</summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    private void EnterHeld(FunctionInvoker invoker, CancellationToken cancellationToken)
    {
        _lock.Enter();
        try
        {
            if (_disposed || _interrupt.Disposing)
            {
                throw new ObjectDisposedException(nameof(ComponentInstance), $"Cannot call '{invoker.QualifiedName}': the component instance is disposed.");
            }

            if (_poison is not null)
            {
                if (!_options.RecreateAfterTrap)
                {
                    throw new ComponentInstancePoisonedException(invoker.QualifiedName, _poison);
                }

                Recreate();
            }

            var token = cancellationToken.CanBeCanceled ? cancellationToken : CancellationScope.For(this);
            if (_options.CancellationToken.IsCancellationRequested || token.IsCancellationRequested)
            {
                throw new ComponentCanceledException(invoker.QualifiedName, invoker.Function.Signature, token.IsCancellationRequested ? token : _options.CancellationToken);
            }

            if (!_holdsTicker && token.CanBeCanceled)
            {
                if (!Component.Runtime.Options.EpochInterruption)
                {
                    throw new ArgumentException(
                        $"Cancelling a call needs a runtime created with ComponentRuntimeOptions.EpochInterruption = true (the default). In component function '{invoker.QualifiedName}' ({invoker.Function.Signature}). Pass no CancellationToken, or create the runtime with epoch interruption.",
                        nameof(cancellationToken));
                }

                // The guest sees its token only at epoch ticks: keep a ticker running for this call (before the
                // instance's state says a call runs, so nothing is left behind when this throws).
                Component.Runtime.AcquireEpochTicker();
                _tickerForCall = true;
            }

            _depth++;
            _holder = Environment.CurrentManagedThreadId;
            _currentCall = invoker;
            _state.PendingHostException = null;
            if (_interruptsConfigured || token.CanBeCanceled)
            {
                _interrupt.CallToken = token;
                _interrupt.Reason = InterruptReason.None;
                _interrupt.Deadline = _timeoutTicks is { } t ? System.Diagnostics.Stopwatch.GetTimestamp() + t : long.MaxValue;
                WasmtimeApi.wasmtime_context_set_epoch_deadline(Context, 1);
                _armed = true;
            }

            if (_options.FuelPerCall is { } fuel)
            {
                WasmtimeApi.wasmtime_context_set_fuel(Context, fuel);
            }
        }
        finally
        {
            _lock.Exit();
        }
    }

    /// <summary>Leaves an async instance's call (async or blocking); frees the store if it was disposed meanwhile.</summary>
    internal void ExitAsync()
    {
        _lock.Enter();
        try
        {
            if (_armed)
            {
                _armed = false;
                _interrupt.CallToken = default;
                _interrupt.Deadline = long.MaxValue;
            }

            if (_tickerForCall)
            {
                _tickerForCall = false;
                Component.Runtime.ReleaseEpochTicker();
            }

            if (--_depth == 0)
            {
                _currentCall = null;
                _holder = 0;
                if (_disposed)
                {
                    FreeIfDisposed();
                }
            }
        }
        finally
        {
            _lock.Exit();
            _slot.Release();
        }
    }

    /// <summary>
    /// Drops a guest resource of an async instance: holds the slot (a call suspended mid-guest must not see its store
    /// used), refused from inside one of the instance's own host imports, where it would wait for itself.
    /// </summary>
    private void DropOnAsync(ResourceHandle handle, string drop, string signature)
    {
        if (AsyncDriver.InImportOf is { } store && store == _state)
        {
            if (handle.Owned && !_disposed && _poison is null && !handle.IsReleased)
            {
                throw new ComponentReentrancyException($"Cannot dispose the {handle.Binding.Resource.Name} resource from inside a host import of the component instance that owns it: its guest destructor would re-enter the instance while it is in a call, which the component model forbids. The handle stays valid; dispose it after the call into the instance returns.");
            }

            // Its own call holds the slot: a handle that runs no guest code is released right here.
            DropUnderLock(handle, drop, signature);

            return;
        }

        WaitForSlot(drop, signature);
        DropInSlot(handle, drop, signature);
    }

    /// <summary>The exception for a call the async driver stopped; it poisons the instance.</summary>
    internal Exception CallFailed(FunctionInvoker invoker, NativeFailure failure)
    {
        _poison = CallFailure.Classify(WithoutTwins(failure), invoker.QualifiedName, invoker.Function.Signature, _interrupt, _state, _options);
        return _poison;
    }

    /// <summary>
    /// Makes the new store async when the instance is: its data pointer is the fiber mailbox, epochs make the guest
    /// yield (no managed epoch callback: it would run on the fiber), and the linker uses the fiber callbacks.
    /// </summary>
    private void UseFiberStore(ImportPlan plan)
    {
        if (!FiberTrampolines.IsSupported)
        {
            throw new PlatformNotSupportedException($"Component '{Component.Name}' needs an async instance (InstantiateAsync, or a host import returning a task), and async calls need native fiber callbacks, which exist for x86-64 Linux and macOS only. Use synchronous host imports and Instantiate.");
        }

        var arguments = plan.Functions.Count == 0 ? 0 : plan.Functions.Max(f => f.Function.Parameters.Count);
        _state.Fiber = new FiberStore(arguments, plan);
    }
}
