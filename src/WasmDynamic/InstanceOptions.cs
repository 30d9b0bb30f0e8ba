namespace WasmDynamic;

/// <summary>How to instantiate a component: host imports, WASI and what to do with unimplemented imports.</summary>
public sealed class InstanceOptions
{
    /// <summary>Host implementations of the component's imports.</summary>
    public ComponentImports Imports { get; init; } = new();

    /// <summary>
    /// The WASI 0.2 environment for components that import <c>wasi:*</c>. Sandboxed by default: no environment, no
    /// arguments, no directories, empty stdin; stdout and stderr go to the host's console.
    /// </summary>
    public WasiOptions Wasi { get; init; } = new();

    /// <summary>
    /// When true, imports with no implementation become functions that trap when the guest calls them, instead of
    /// failing instantiation with <see cref="ComponentBindingException"/>.
    /// </summary>
    public bool TrapUnimplementedImports { get; init; }

    /// <summary>
    /// The longest a single call may run; a call still running then is stopped with
    /// <see cref="ComponentTimeoutException"/>. Needs <see cref="ComponentRuntimeOptions.EpochInterruption"/> (on by default).
    /// The check happens every <see cref="ComponentRuntimeOptions.EpochTick"/>, so the stop is that precise.
    /// </summary>
    public TimeSpan? CallTimeout { get; init; }

    /// <summary>
    /// Cancels whatever call is running when it is signaled (<see cref="ComponentCanceledException"/>), and every later call.
    /// For a cancellation that covers only some calls, use <see cref="ComponentInstance.CancelCallsOn"/>.
    /// </summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// The fuel (roughly, WebAssembly instructions) each call may use; beyond it the call stops with
    /// <see cref="ComponentOutOfFuelException"/>. Needs <see cref="ComponentRuntimeOptions.ConsumeFuel"/>.
    /// </summary>
    public ulong? FuelPerCall { get; init; }

    /// <summary>The most linear memory, in bytes, each memory of the instance may grow to; <c>memory.grow</c> past it returns -1 in the guest.</summary>
    public long? MaxMemoryBytes { get; init; }

    /// <summary>The most elements each table of the instance may grow to; <c>table.grow</c> past it returns -1 in the guest.</summary>
    public long? MaxTableElements { get; init; }

    /// <summary>The most core instances the component may create (instantiation fails beyond it).</summary>
    public long? MaxInstances { get; init; }

    /// <summary>The most tables the instance may have in all (instantiation fails beyond it).</summary>
    public long? MaxTables { get; init; }

    /// <summary>The most linear memories the instance may have in all (instantiation fails beyond it).</summary>
    public long? MaxMemories { get; init; }

    /// <summary>True when any store limit is set.</summary>
    internal bool HasLimits => MaxMemoryBytes is not null || MaxTableElements is not null || MaxInstances is not null || MaxTables is not null || MaxMemories is not null;

    /// <summary>
    /// After a trap Wasmtime forbids entering the instance again, so later calls throw
    /// <see cref="ComponentInstancePoisonedException"/>. When this is true, the next call instead recreates the instance
    /// (fresh memory and state, same host imports) and runs; handles to the old instance's resources are invalidated.
    /// </summary>
    public bool RecreateAfterTrap { get; init; }
}
