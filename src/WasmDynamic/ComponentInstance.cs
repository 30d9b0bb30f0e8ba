using WasmDynamic.Emit;
using WasmDynamic.Exports;
using WasmDynamic.Imports;
using WasmDynamic.Marshalling;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic;

/// <summary>
/// A running instance of a component: its own store, memory and state. Reach its exports through
/// <see cref="Exports"/> (<c>dynamic</c>) or <see cref="GetInterface{T}()"/> (typed).
/// </summary>
/// <remarks>
/// An instance is single-threaded, as Wasmtime requires: calls from several threads are serialized by a lock (they
/// wait, they do not fail). Use one instance per thread for parallelism. Dispose the instance to free its store.
/// A caller that waits for an instance whose holding call is deadlocked with it gets a
/// <see cref="ComponentDeadlockException"/> instead of waiting forever (see <see cref="InstanceOptions.HostImportWaitTimeout"/>).
/// </remarks>
public sealed partial class ComponentInstance : IDisposable
{
    private readonly InstanceOptions _options;

    // The gate's state its invokers use directly on the fast path (Exports/CallGateState.cs); the instance reaches it
    // through these members.
    private readonly CallGateState _gate = new();
    private readonly ExportBindings _exports;
    private ComponentProxy? _rootExports;
    private readonly InterruptState _interrupt = new();
    private readonly bool _interruptsConfigured;

    // InstanceOptions.FuelPerCall, or 0 for none: a budget of 0 is the same either way (the store starts with it and
    // keeps it, so every call runs out of fuel at once).
    private readonly ulong _fuelPerCall;
    private PreparedComponent? _prepared;

    /// <summary>The binding and linker this instance was made with (for tests).</summary>
    internal PreparedComponent? Prepared => _prepared;
    private StoreHandle _store = null!;
    private StoreState _state = null!;
    private ComponentInstanceNative _native;
    private bool _armed;

    private GateLock _lock => _gate.Lock;

    private ref int _depth => ref _gate.Depth;

    private Exception? _poison
    {
        get => _gate.Poison;
        set => _gate.Poison = value;
    }

    private bool _disposed
    {
        get => _gate.Disposed;
        set => _gate.Disposed = value;
    }

    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    internal ComponentInstance(WasmComponent component, InstanceOptions options, PreparedComponent? prepared, bool instantiateAsync = false)
    {
        _asyncRequested = instantiateAsync;
        Component = component;
        Types = component.Types;
        Resources = new GuestResources(this);
        _exports = new ExportBindings(this);
        ArgumentContext = new MarshalContext(owned: false, Resources);
        _options = options;
        CheckOptions(component, options);

        component.Runtime.AddUser();
        _usesEngine = true;

        // The compiled component stays alive while the instance may recreate itself from it.
        component.AddUser();
        _holdsComponent = true;
        StackNeeded = component.Runtime.StackNeeded;

        _fuelPerCall = options.FuelPerCall ?? 0;
        _interrupt.InstanceToken = options.CancellationToken;
        _timeoutTicks = options.CallTimeoutTicks;
        _interruptsConfigured = _timeoutTicks is not null || options.CancellationToken.CanBeCanceled;
        _gate.SlowOnly = _interruptsConfigured || _fuelPerCall != 0;
        try
        {
            if (_interruptsConfigured)
            {
                component.Runtime.AcquireEpochTicker();
                _holdsTicker = true;
            }

            _prepared = prepared ?? component.PrepareCore(options);
            if (!instantiateAsync)
            {
                CreateStore();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Refuses options that contradict the runtime, before anything is bound or created.</summary>
    internal static void CheckOptions(WasmComponent component, InstanceOptions options)
    {
        if (options.FuelPerCall is not null && !component.Runtime.Options.ConsumeFuel)
        {
            throw new ArgumentException("InstanceOptions.FuelPerCall needs a runtime created with ComponentRuntimeOptions.ConsumeFuel = true.", nameof(options));
        }

        if ((options.CallTimeoutTicks is not null || options.CancellationToken.CanBeCanceled) && !component.Runtime.Options.EpochInterruption)
        {
            throw new ArgumentException("InstanceOptions.CallTimeout and InstanceOptions.CancellationToken need a runtime created with ComponentRuntimeOptions.EpochInterruption = true (the default).", nameof(options));
        }

    }

    /// <summary>
    /// Cancels the calls this thread makes into the instance while the returned scope is alive, when
    /// <paramref name="token"/> is signaled: the running call stops with <see cref="ComponentCanceledException"/>.
    /// The scope follows the async flow like an <see cref="AsyncLocal{T}"/>: in an async method it covers the calls
    /// after an <c>await</c> too, on whatever thread they run. A call made while the token is already cancelled is
    /// refused before the guest runs.
    /// </summary>
    /// <example><code>using (instance.CancelCallsOn(cts.Token)) { proxy.LongWork(); }</code></example>
    /// <exception cref="ArgumentException">The runtime was created without epoch interruption, so calls cannot be cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    public IDisposable CancelCallsOn(CancellationToken token)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Component.Runtime.Options.EpochInterruption
            ? new CancellationScope(this, token)
            : throw new ArgumentException("Cancelling calls needs a runtime created with ComponentRuntimeOptions.EpochInterruption = true (the default).", nameof(token));
    }

    /// <summary>The component this is an instance of.</summary>
    public WasmComponent Component { get; }

    /// <summary>The compiled code this instance runs (<see cref="Component"/>, or its original: see <see cref="WasmComponent.CodeFor"/>).</summary>
    internal WasmComponent Code => _prepared?.Code ?? Component;

    /// <summary>
    /// The exports as a <c>dynamic</c> object: root functions as methods (<c>Exports.Add(1, 2)</c>), exported
    /// interfaces as properties by short PascalCase name (<c>Exports.Types.Area(shape)</c>) or by full name
    /// (<c>Exports["demo:calc/types"]</c>), and any function by WIT name (<c>Exports["roundtrip-u8"](1)</c>).
    /// </summary>
    public dynamic Exports
    {
        [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
        [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
        get => _rootExports ??= RootProxy(null);
    }

    internal WorldTypes Types { get; }

    internal nint Context { get; private set; }

    internal MarshalContext ArgumentContext { get; }

    /// <summary>The guest resource handles this instance has handed out; the site of its export calls.</summary>
    internal GuestResources Resources { get; }

    /// <summary>
    /// The root exports typed as <typeparamref name="T"/>, or the exported interface that <typeparamref name="T"/>
    /// names with <see cref="WitNameAttribute"/> or by its name (<c>ITypes</c> → <c>types</c>).
    /// </summary>
    /// <exception cref="ComponentBindingException"><typeparamref name="T"/> does not fit; the message lists every mismatch.</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public T GetInterface<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicMethods | System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties | System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.Interfaces)] T>()
        where T : class
    {
        var attr = typeof(T).GetCustomAttributes(typeof(WitNameAttribute), false).OfType<WitNameAttribute>().FirstOrDefault();
        if (attr is not null)
        {
            return GetInterface<T>(attr.Name);
        }

        var name = typeof(T).Name.Length > 1 && typeof(T).Name[0] == 'I' && char.IsUpper(typeof(T).Name[1]) ? typeof(T).Name[1..] : typeof(T).Name;
        var iface = WitWorld.Find(Component.World.Exports, Naming.ToKebabCase(name));
        return (T)(object)Proxy(iface, typeof(T));
    }

    /// <summary>The exported interface <paramref name="exportName"/> typed as <typeparamref name="T"/>.</summary>
    /// <param name="exportName">Full name (<c>demo:calc/types@0.1.0</c>), without version, or short name; empty for the root functions.</param>
    /// <exception cref="ComponentBindingException">There is no such export, or <typeparamref name="T"/> does not fit.</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public T GetInterface<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicMethods | System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties | System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.Interfaces)] T>(string exportName)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(exportName);
        if (exportName.Length == 0)
        {
            return (T)(object)Proxy(null, typeof(T));
        }

        var iface = WitWorld.Find(Component.World.Exports, exportName)
            ?? throw new ComponentBindingException($"Component '{Component.Name}' exports no interface named '{exportName}'.", Component.World.Exports.Select(e => "exported: " + e.Name).ToList());
        return (T)(object)Proxy(iface, typeof(T));
    }

    /// <summary>
    /// Calls an exported function by its WIT name — <c>add</c> at the root, or <c>interface#function</c>
    /// (<c>demo:calc/types#area</c>, version optional, or the short interface name) — converting the arguments as
    /// <see cref="Exports"/> does and returning the result in the default type map (null for no result).
    /// </summary>
    /// <exception cref="ComponentExportNotFoundException">No such export.</exception>
    /// <exception cref="ComponentArgumentException">The arguments do not fit the WIT signature.</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public object? Invoke(string function, params object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(function);
        var bound = ResolveExport(function, out var proxy);
        return Dynamic.BoundFunctionReference.Invoke(proxy, bound, arguments ?? []);
    }

    /// <summary>
    /// Calls an exported function by its WIT name asynchronously, as <see cref="Invoke"/> does synchronously; see
    /// <see cref="InvokeAsync(string, object?[], CancellationToken)"/>.
    /// </summary>
    /// <exception cref="ComponentExportNotFoundException">No such export.</exception>
    /// <exception cref="ComponentArgumentException">The arguments do not fit the WIT signature (thrown before the call starts).</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public Task<object?> InvokeAsync(string function, params object?[] arguments) => InvokeAsync(function, arguments, CancellationToken.None);

    /// <summary>
    /// Calls an exported function by its WIT name asynchronously: on an async instance (<see cref="IsAsync"/>) it waits
    /// for the instance and for the host imports' tasks without holding a thread; on a synchronous instance it runs on
    /// the calling thread and returns a completed task. Failures (traps, host exceptions, timeouts) are in the task.
    /// </summary>
    /// <param name="function">The WIT name, as for <see cref="Invoke"/>.</param>
    /// <param name="arguments">The arguments, converted as for <see cref="Invoke"/>.</param>
    /// <param name="cancellationToken">Cancels the call while it waits for the instance, while the guest runs (at the next epoch tick) and while a host import's task runs (its token is cancelled); the call then fails with <see cref="ComponentCanceledException"/>.</param>
    /// <exception cref="ComponentExportNotFoundException">No such export.</exception>
    /// <exception cref="ComponentArgumentException">The arguments do not fit the WIT signature (thrown before the call starts).</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public Task<object?> InvokeAsync(string function, object?[] arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var bound = ResolveExport(function, out var proxy);
        return Dynamic.BoundFunctionReference.InvokeAsync(proxy, bound, arguments ?? [], cancellationToken);
    }

    /// <summary>
    /// The CLR parameter types <see cref="Invoke"/> takes for <paramref name="function"/> without conversion (the
    /// default type map, emitted types included): for tools that build argument values themselves (the CLI's WAVE).
    /// </summary>
    /// <exception cref="ComponentExportNotFoundException">No such export.</exception>
    internal IReadOnlyList<Type> ParameterTypes(string function) =>
        ResolveExport(function, out _).Method.GetParameters().Select(p => p.ParameterType).ToList();

    private BoundFunction ResolveExport(string function, out IProxyObject proxy) => _exports.Resolve(function, out proxy);

    internal ComponentProxy InterfaceProxy(WitInterface iface) => RootProxy(iface);

    private ComponentProxy RootProxy(WitInterface? iface) => Proxy(iface, null);

    private ComponentProxy Proxy(WitInterface? iface, Type? clr)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (ComponentProxy)_exports.Proxy(iface, clr);
    }

    internal FunctionInvoker Invoker(WitInterface? iface, WitFunction f) => _exports.Invoker(iface, f);

    internal bool IsDisposed => _disposed;

    /// <summary>
    /// True when a trap has left this instance unusable (calls throw <see cref="ComponentInstancePoisonedException"/>;
    /// see <see cref="InstanceOptions.RecreateAfterTrap"/>), or when it is disposed. A pool of instances checks it
    /// before handing an instance out again.
    /// </summary>
    public bool IsPoisoned => _poison is not null || _disposed;

    internal StoreState State => _state;

    /// <summary>
    /// A failure whose message and frames read as without the bulk adapter (its frames dropped, offsets moved back);
    /// when every frame was the adapter's, no frame is left (not one empty line under a "Guest backtrace:" header). A
    /// canonical-ABI check the flat twin made on the original's behalf fails in Wasmtime's words for it, as on the
    /// plain path (no frame: there, a lift error has none).
    /// </summary>
    private NativeFailure WithoutTwins(NativeFailure failure) =>
        Code.Bulk is null ? failure : BulkAdapter.AbiViolations.Failed(failure.Frames) is { } check
        ? new NativeFailure(BulkAdapter.AbiViolations.Wording[check], null, null, [])
        : failure with
        {
            Message = BulkAdapter.Backtraces.Rewrite(failure.Message, Code.Bulk),
            Frames = failure.Frames.Count == 0 ? failure.Frames : BulkAdapter.Backtraces.Rewrite(string.Join('\n', failure.Frames), Code.Bulk).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(f => System.Text.RegularExpressions.Regex.Replace(f, @"^(\d+:)\s+", "$1 ")).ToList(),
        };

    /// <summary>The exception for a failed call of <paramref name="invoker"/>; it poisons the instance.</summary>
    internal Exception CallFailed(FunctionInvoker invoker, nint error)
    {
        _poison = CallFailure.Classify(WithoutTwins(NativeError.Take(error)), invoker.QualifiedName, invoker.Function.Signature, _interrupt, _state, _options);
        return _poison;
    }

    /// <summary>
    /// Frees the store (and with it the guest's memory and every handle), and disposes the host
    /// <see cref="IDisposable"/> resources the guest still owned. Safe to call from any thread, at any time, more
    /// than once:
    /// <list type="bullet">
    /// <item>From inside a host import of this instance (on the thread running its call), the instance is marked
    /// disposed at once — later calls throw <see cref="ObjectDisposedException"/> — and the store is freed when the
    /// outermost call returns; that call finishes normally.</item>
    /// <item>From another thread while a call runs, the running call is interrupted at the next epoch tick (it throws
    /// <see cref="ObjectDisposedException"/>) and then the store is freed. A call that does not stop within a second
    /// (it is inside a host import that blocks, or the runtime has no epoch interruption) frees the store itself
    /// when it returns; Dispose does not wait longer.</item>
    /// <item>On an async instance (<see cref="IsAsync"/>), a call running or suspended on a host task is stopped (the
    /// host's token is cancelled; the call throws <see cref="ObjectDisposedException"/>) and Dispose returns without
    /// waiting: the store is freed when that call ends. <see cref="DisposeAsync"/> waits for it.</item>
    /// </list>
    /// </summary>
    /// <exception cref="WasmDynamicException">
    /// The <see cref="IDisposable.Dispose"/> of one or more host resources the guest still owned threw. The instance
    /// is fully freed first, and every such resource was disposed; the exceptions are in an
    /// <see cref="AggregateException"/> as the inner exception. When the disposal was deferred to the end of a call,
    /// or happens because a trapped instance is recreated, there is no caller to throw to, and the exceptions are
    /// written to <see cref="System.Diagnostics.Trace"/> instead.
    /// </exception>
    public void Dispose()
    {
        lock (_disposeGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        DisposeCore();
    }
}
