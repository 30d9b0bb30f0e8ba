using WasmDynamic.Marshalling;
using WasmDynamic.Native;

namespace WasmDynamic.Emit;

/// <summary>
/// What an emitted export method calls for one WIT function of one instance: <c>Begin</c> → lower the arguments into
/// the returned slots → <c>Call</c> → lift the result → <c>End</c>. Emit owns this seam so the IL it writes depends on
/// nothing above it; the export runtime implements it (<c>Exports.FunctionInvoker</c>).
/// </summary>
internal abstract unsafe class ExportCall
{
    /// <summary>The context the arguments are lowered and the result lifted with.</summary>
    public abstract MarshalContext Context { get; }

    /// <summary>Enters the instance and returns the argument slots.</summary>
    public abstract Val* Begin();

    /// <summary>Calls the function with the lowered arguments; returns the result slot.</summary>
    public abstract Val* Call();

    /// <summary>Frees the result and leaves the instance (always, from a finally).</summary>
    public abstract void End();

    /// <summary>
    /// The whole synchronous call of a function whose parameters and result are all scalars (bool, integers, floats,
    /// char): enters the instance, calls with <paramref name="args"/> (lowered by the caller, on its stack) and writes
    /// the result into <paramref name="result"/> (null without one), leaves. Replaces Begin/Call/End for such
    /// functions: nothing to free, no argument context, no error to locate.
    /// </summary>
    public abstract void CallScalars(Val* args, Val* result);

    /// <summary>The argument error located at WIT parameter <paramref name="index"/>.</summary>
    public abstract Exception ArgumentFailed(ComponentArgumentException e, int index);

    /// <summary>An <c>err</c> result, with the function named.</summary>
    public abstract Exception ErrorReturned(ComponentErrorException e);

    /// <summary>
    /// Starts an async call (a method returning a task): a frame with its own argument slots and context, lowered
    /// into before the call waits for the instance; then one of the frame's <c>Run</c> methods.
    /// </summary>
    public abstract AsyncExportFrame BeginAsync();
}

/// <summary>
/// One async export call in progress, as emitted IL sees it: <c>BeginAsync</c> → lower the arguments into
/// <see cref="Args"/> with <see cref="Context"/> → <c>Run</c> (waits for the instance without blocking, calls, lifts
/// the result with the converter given, leaves). An argument that fails to lower ends it with <see cref="Abandon"/>.
/// </summary>
internal abstract unsafe class AsyncExportFrame
{
    /// <summary>The argument slots of this call.</summary>
    public abstract Val* Args { get; }

    /// <summary>The context the arguments are lowered and the result lifted with.</summary>
    public abstract MarshalContext Context { get; }

    /// <summary>Frees the frame of a call that will not run (an argument failed to lower).</summary>
    public abstract void Abandon();

    /// <summary>Runs the call and lifts its result with <paramref name="result"/>.</summary>
    public abstract Task<T> Run<T>(ValueConverter<T> result, CancellationToken cancellationToken);

    /// <summary>Runs a call without a result.</summary>
    public abstract Task Run(CancellationToken cancellationToken);

    /// <summary>Runs the call and lifts its result boxed, in the type <paramref name="result"/> converts (null: no result).</summary>
    public abstract Task<object?> RunBoxed(ValueConverter? result, CancellationToken cancellationToken);

    /// <summary>Runs a call whose result is lifted (an <c>err</c> throws) and dropped: <c>Task</c> for <c>result&lt;_, E&gt;</c>.</summary>
    public abstract Task RunDiscarding<T>(ValueConverter<T> result, CancellationToken cancellationToken);
}
