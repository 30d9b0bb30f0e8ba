using WasmDynamic.Marshalling;
using WasmDynamic.Native;

namespace WasmDynamic.Emit;

/// <summary>
/// What an async host method returned: the task to await and how to lower its value once it completed. Emitted host
/// adapters return one for a method returning <c>Task</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask</c> or
/// <c>ValueTask&lt;T&gt;</c> (and null for a synchronous method, whose result is already lowered). The async driver
/// awaits <see cref="Completion"/> between two polls of the guest's future, then calls <see cref="Lower"/> on the
/// polling thread — never from the task's continuation, so an abandoned call (cancelled, instance disposed) never
/// writes into result slots of a fiber that is gone.
/// </summary>
internal abstract unsafe class HostPending
{
    /// <summary>
    /// The token of the export call a host import runs for, read by emitted adapters for a trailing
    /// <see cref="CancellationToken"/> parameter; set by the driver around the adapter's synchronous part.
    /// </summary>
    [ThreadStatic]
    private static CancellationToken _currentToken;

    public static CancellationToken CurrentToken => _currentToken;

    /// <summary>Completes when the host method's task does (it may fault or be cancelled).</summary>
    public abstract Task Completion { get; }

    /// <summary>Lowers the task's value into the result slots; only after <see cref="Completion"/> succeeded.</summary>
    public abstract void Lower(Val* results, MarshalContext cx);

    /// <summary>Sets the token adapters hand to host methods on this thread; returns the previous one.</summary>
    public static CancellationToken SetCurrentToken(CancellationToken token)
    {
        var previous = _currentToken;
        _currentToken = token;
        return previous;
    }

    public static HostPending FromTask<T>(Task<T> task, ValueConverter<T>? result) => new Valued<T>(task, result);

    public static HostPending FromValueTask<T>(ValueTask<T> task, ValueConverter<T>? result) => new Valued<T>(task.AsTask(), result);

    public static HostPending FromTask(Task task, ValueConverter? okResult) => new Unvalued(task, okResult);

    public static HostPending FromValueTask(ValueTask task, ValueConverter? okResult) => new Unvalued(task.AsTask(), okResult);

    private sealed class Valued<T>(Task<T> task, ValueConverter<T>? result) : HostPending
    {
        public override Task Completion => task;

        public override void Lower(Val* results, MarshalContext cx) => result?.Lower(task.Result, results, cx);
    }

    /// <summary>A task without a value: nothing to lower, or <c>ok</c> of a <c>result&lt;_, E&gt;</c>.</summary>
    private sealed class Unvalued(Task task, ValueConverter? okResult) : HostPending
    {
        public override Task Completion => task;

        public override void Lower(Val* results, MarshalContext cx) => okResult?.LowerBoxed(Unit.Value, results, cx);
    }
}
