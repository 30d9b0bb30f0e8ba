using System.Runtime.InteropServices;
using WasmDynamic.Emit;
using WasmDynamic.Marshalling;
using WasmDynamic.Native;

namespace WasmDynamic.Exports;

/// <summary>
/// One async call of an exported function (see <see cref="AsyncExportFrame"/>): its own argument slots, result slot,
/// error slot and marshalling context, so the arguments are lowered before the call waits for the instance and the
/// slots stay put while the guest's future is polled across awaits. One spare frame per invoker is kept for reuse.
/// </summary>
/// <remarks>
/// On an async instance the call queues for the instance's slot without blocking, runs the guest on a fiber through
/// <see cref="AsyncDriver"/>, and holds no thread while a host import's task runs. On a synchronous instance it runs
/// synchronously on the calling thread (the synchronous gate and call, its token as a <see cref="CancellationScope"/>)
/// and returns a completed task.
/// </remarks>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed class AsyncExportCall : AsyncExportFrame
{
    private readonly FunctionInvoker _invoker;
    private readonly MarshalContext _context;
    private unsafe Val* _args;
    private unsafe Val* _result;
    private unsafe nint* _error;

    private unsafe AsyncExportCall(FunctionInvoker invoker)
    {
        _invoker = invoker;
        _context = new MarshalContext(owned: false, invoker.Owner.Resources);
        _args = (Val*)NativeMemory.AllocZeroed((nuint)Math.Max(invoker.ArgumentCount, 1) * Val.Size);
        _result = (Val*)NativeMemory.AllocZeroed(Val.Size);
        _error = (nint*)NativeMemory.AllocZeroed((nuint)sizeof(nint));
        _context.SetCall(_args, invoker.Function, invoker.QualifiedName);
    }

    public override unsafe Val* Args => _args;

    // This call goes to the bulk-bytes twin (decided when lowering ends).
    private bool _twin;

    public override MarshalContext Context => _context;

    /// <summary>A frame for one call of <paramref name="invoker"/>: its spare one, or a new one.</summary>
    public static unsafe AsyncExportCall Rent(FunctionInvoker invoker)
    {
        var frame = Interlocked.Exchange(ref invoker.SpareFrame, null) ?? new AsyncExportCall(invoker);
        frame._context.MarkBulkSlots(frame._args, invoker.Bulk?.BulkParameters ?? 0, invoker.BulkMinimum);
        return frame;
    }

    public override void Abandon() => Return();

    public override Task<T> Run<T>(ValueConverter<T> result, CancellationToken cancellationToken) => Run(new Lifter<T>(result, null), keep: true, cancellationToken);

    public override Task Run(CancellationToken cancellationToken) => Run(default(Lifter<Unit>), keep: false, cancellationToken);

    public override Task RunDiscarding<T>(ValueConverter<T> result, CancellationToken cancellationToken) => Run(new Lifter<T>(result, null), keep: false, cancellationToken);

    public override Task<object?> RunBoxed(ValueConverter? result, CancellationToken cancellationToken) => Run(new Lifter<object?>(null, result), keep: true, cancellationToken);

    /// <summary>How the result is lifted: typed (emitted methods) or boxed (<c>dynamic</c>, <c>InvokeAsync</c>); neither: dropped.</summary>
    private readonly struct Lifter<T>(ValueConverter<T>? typed, ValueConverter? boxed)
    {
        public unsafe T Lift(Val* slot, MarshalContext cx) =>
            typed is not null ? typed.Lift(slot, cx) : boxed is not null ? (T)boxed.LiftBoxed(slot, cx)! : default!;
    }

    /// <summary>Frees the native memory of a frame that is not kept (its invoker is gone, or already has a spare).</summary>
    public unsafe void Free()
    {
        _context.Dispose();
        NativeMemory.Free(_args);
        NativeMemory.Free(_result);
        NativeMemory.Free(_error);
        _args = null;
        _result = null;
        _error = null;
    }

    private Task<T> Run<T>(Lifter<T> result, bool keep, CancellationToken cancellationToken)
    {
        Prepare();
        if (_invoker.Owner.IsAsync)
        {
            return RunNowOrAsync(result, keep, cancellationToken);
        }

        try
        {
            return Task.FromResult(RunSynchronously(result, keep, cancellationToken));
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    /// <summary>Ends lowering: the bulk-bytes twin's <c>list&lt;u8&gt;</c> slots become strings.</summary>
    private unsafe void Prepare()
    {
        if (_invoker.Bulk is not null)
        {
            _context.MarkBulkSlots(null, 0);
            _twin = _invoker.TakesTwin(_args, _context);
        }
    }

    /// <summary>
    /// A call of an async instance. When the instance is free and the guest ends at its first poll (it waited on no
    /// host import and did not yield at an epoch tick: most calls), it runs to its end right here and returns a
    /// completed task, without the async state machines of the gate, the driver and <see cref="RunAsync"/> (measured:
    /// about 40 % of the managed cost of such a call). Otherwise it goes on asynchronously from where it stands: queued
    /// for the slot, or driving the future it already polled.
    /// </summary>
    private Task<T> RunNowOrAsync<T>(Lifter<T> result, bool keep, CancellationToken cancellationToken)
    {
        var owner = _invoker.Owner;
        CallFutureHandle? future = null;
        var entered = false;
        var handedOff = false;
        try
        {
            if (!owner.TryEnterNow(_invoker, cancellationToken))
            {
                handedOff = true;
                return RunAsync(result, keep, cancellationToken);
            }

            entered = true;
            future = Start();
            if (!owner.PollFirst(future, out var stopped))
            {
                handedOff = true;
                return ContinueAsync(future, result, keep);
            }

            future.Dispose();
            return Task.FromResult(Finish(result, keep, stopped));
        }
        catch (Exception e)
        {
            return Failed<T>(e);
        }
        finally
        {
            if (!handedOff)
            {
                future?.Dispose();
                try
                {
                    if (entered)
                    {
                        owner.ExitAsync();
                    }
                }
                finally
                {
                    Return();
                }
            }
        }
    }

    /// <summary>A task that ends as an async method that threw <paramref name="exception"/> would (cancellations included).</summary>
    private static async Task<T> Failed<T>(Exception exception)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
        return default!;
    }

    /// <summary>The rest of a call that holds the slot and whose first poll did not end it (see <see cref="RunNowOrAsync"/>).</summary>
    private async Task<T> ContinueAsync<T>(CallFutureHandle future, Lifter<T> result, bool keep)
    {
        var owner = _invoker.Owner;
        try
        {
            try
            {
                NativeFailure? stopped;
                using (future)
                {
                    stopped = await owner.DriveAsync(future, polled: true).ConfigureAwait(false);
                }

                return Finish(result, keep, stopped);
            }
            finally
            {
                owner.ExitAsync();
            }
        }
        finally
        {
            Return();
        }
    }

    /// <summary>A call that must wait for the slot: queues for it without blocking, then runs as above.</summary>
    private async Task<T> RunAsync<T>(Lifter<T> result, bool keep, CancellationToken cancellationToken)
    {
        var owner = _invoker.Owner;
        try
        {
            await owner.EnterAsync(_invoker, cancellationToken).ConfigureAwait(false);
            try
            {
                NativeFailure? stopped;
                using (var future = Start())
                {
                    stopped = await owner.DriveAsync(future).ConfigureAwait(false);
                }

                return Finish(result, keep, stopped);
            }
            finally
            {
                owner.ExitAsync();
            }
        }
        finally
        {
            Return();
        }
    }

    private unsafe CallFutureHandle Start()
    {
        _invoker.Resolve();
        if (_twin)
        {
            _invoker.ResolveTwin();
        }

        // The call holds the instance's slot: the handles lowered before it waited are checked and moved now.
        _context.CommitHandles();
        *_error = 0;
        return _invoker.StartAsync(_args, _result, _error, _twin);
    }

    /// <summary>The call's failure thrown, or its result lifted (and freed).</summary>
    private unsafe T Finish<T>(Lifter<T> result, bool keep, NativeFailure? stopped)
    {
        if (stopped is not null)
        {
            throw _invoker.Owner.CallFailed(_invoker, stopped);
        }

        if (*_error != 0)
        {
            var error = *_error;
            *_error = 0;
            throw _invoker.Owner.CallFailed(_invoker, error);
        }

        return _invoker.HasResult ? LiftResult(_result, result, keep) : default!;
    }

    private unsafe T LiftResult<T>(Val* slot, Lifter<T> result, bool keep)
    {
        try
        {
            var value = result.Lift(slot, _context);
            return keep ? value : default!;
        }
        catch (ComponentErrorException e)
        {
            throw _invoker.ErrorReturned(e);
        }
        finally
        {
            if (slot == _result)
            {
                ComponentApi.wasmtime_component_val_delete(_result);
                NativeMemory.Clear(_result, Val.Size);
            }
        }
    }

    /// <summary>A synchronous instance: the invoker's own gate, slots and call, with the arguments this frame lowered.</summary>
    private unsafe T RunSynchronously<T>(Lifter<T> result, bool keep, CancellationToken cancellationToken)
    {
        var scope = cancellationToken.CanBeCanceled && _invoker.Owner.CanInterrupt ? new CancellationScope(_invoker.Owner, cancellationToken) : null;
        try
        {
            var args = _invoker.Begin();
            try
            {
                // The instance is held now: the handles lowered before it was entered are checked and moved.
                _context.CommitHandles();
                Buffer.MemoryCopy(_args, args, (long)Math.Max(_invoker.ArgumentCount, 1) * Val.Size, (long)_invoker.ArgumentCount * Val.Size);
                var slot = _invoker.Call();
                return _invoker.HasResult ? LiftResult(slot, result, keep) : default!;
            }
            finally
            {
                _invoker.End();
            }
        }
        finally
        {
            scope?.Dispose();
            Return();
        }
    }

    /// <summary>Releases the call's arguments and keeps the frame as its invoker's spare (or frees it).</summary>
    private unsafe void Return()
    {
        _context.Reset();
        NativeMemory.Clear(_args, (nuint)Math.Max(_invoker.ArgumentCount, 1) * Val.Size);
        if (_invoker.IsDisposed || Interlocked.CompareExchange(ref _invoker.SpareFrame, this, null) != null)
        {
            Free();
        }
        else if (_invoker.IsDisposed && Interlocked.CompareExchange(ref _invoker.SpareFrame, null, this) == this)
        {
            Free();
        }
    }
}
