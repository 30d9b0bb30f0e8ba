using System.Runtime.InteropServices;
using WasmDynamic.Emit;
using WasmDynamic.Hosting;
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
public sealed unsafe partial class ComponentInstance : IDisposable
{
    private readonly InstanceOptions _options;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FunctionInvoker> _invokers = new();
    private readonly Dictionary<(string Interface, Type? Clr), ComponentProxy> _proxies = new();
    private ComponentProxy? _rootExports;
    private readonly InterruptState _interrupt = new();
    private readonly bool _interruptsConfigured;
    private StoreHandle _store = null!;
    private StoreState _state = null!;
    private ComponentInstanceNative _native;
    private int _depth;
    private bool _armed;
    private Exception? _poison;
    private volatile bool _disposed;

    internal ComponentInstance(WasmComponent component, InstanceOptions options)
    {
        Component = component;
        Types = component.Types;
        Resources = new GuestResources(this);
        ArgumentContext = new MarshalContext(owned: false, Resources);
        _options = options;
        if (options.FuelPerCall is not null && !component.Runtime.Options.ConsumeFuel)
        {
            throw new ArgumentException("InstanceOptions.FuelPerCall needs a runtime created with ComponentRuntimeOptions.ConsumeFuel = true.", nameof(options));
        }

        if ((options.CallTimeoutTicks is not null || options.CancellationToken.CanBeCanceled) && !component.Runtime.Options.EpochInterruption)
        {
            throw new ArgumentException("InstanceOptions.CallTimeout and InstanceOptions.CancellationToken need a runtime created with ComponentRuntimeOptions.EpochInterruption = true (the default).", nameof(options));
        }

        component.Runtime.AddUser();
        _usesEngine = true;

        // The compiled component stays alive while the instance may recreate itself from it.
        component.AddUser();
        _holdsComponent = true;
        StackNeeded = component.Runtime.StackNeeded;

        _interrupt.InstanceToken = options.CancellationToken;
                _timeoutTicks = options.CallTimeoutTicks;
        _interruptsConfigured = _timeoutTicks is not null || options.CancellationToken.CanBeCanceled;
        try
        {
            if (_interruptsConfigured)
            {
                component.Runtime.AcquireEpochTicker();
                _holdsTicker = true;
            }

            CreateStore();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Creates the store and instantiates the component in it (at construction, and to recreate after a trap).</summary>
    private void CreateStore()
    {
        var component = Component;
        _state = new StoreState();
        _store = new StoreHandle(WasmtimeApi.wasmtime_store_new(component.Runtime.Engine.Pointer, 0, null));
        Context = WasmtimeApi.wasmtime_store_context(_store.Pointer);
        _state.StoreContext = Context;
        if (component.Runtime.Options.EpochInterruption)
        {
            // Always one tick ahead: the callback re-arms it, so a running call can be stopped whenever a ticker runs.
            WasmtimeApi.wasmtime_context_set_epoch_deadline(Context, 1);
            var handle = CallbackBridge.Handle(_interrupt);
            WasmtimeApi.wasmtime_store_epoch_deadline_callback(_store.Pointer, &InterruptState.OnDeadline, handle, &CallbackBridge.FreeHandle);
        }

        if (_options.HasLimits)
        {
            WasmtimeApi.wasmtime_store_limiter(_store.Pointer, _options.MaxMemoryBytes ?? -1, _options.MaxTableElements ?? -1, _options.MaxInstances ?? -1, _options.MaxTables ?? -1, _options.MaxMemories ?? -1);
        }

        if (component.Runtime.Options.ConsumeFuel)
        {
            // A store starts with no fuel; without a per-call budget, give it all there is.
            WasmtimeApi.wasmtime_context_set_fuel(Context, _options.FuelPerCall ?? ulong.MaxValue);
        }

        var world = component.World;
        var usesWasi = world.Imports.Any(i => HostBinder.IsWasi(i.Name));
        if (usesWasi)
        {
            ConfigureWasi(_options.Wasi);
        }

        var definitions = HostBinder.Bind(component.Name, Types, _options.Imports, _state, usesWasi, _options.TrapUnimplementedImports, out var empty, out var resources);
        _native = Linking.Instantiate(component, Context, definitions, resources, empty, usesWasi, _options.TrapUnimplementedImports, _state);
    }

    /// <summary>
    /// Throws away the trapped store and instantiates afresh; every invoker looks its function up again in the new
    /// store. When instantiating fails, the instance stays poisoned (the next call tries again): a call must never run
    /// against a half-made store with functions of the old one.
    /// </summary>
    private void Recreate()
    {
        lock (_invokers)
        {
            foreach (var invoker in _invokers.Values)
            {
                invoker.Unbind();
            }
        }

        Resources.ReleaseAll("the instance trapped and was recreated (InstanceOptions.RecreateAfterTrap); the handle belonged to the trapped instance's store, which is gone. Get a new handle from the recreated instance");
        _store.Dispose();
        ReportCleanupErrors(DisposeHostResources(_state));
        _state.Dispose();
        CreateStore();
        _poison = null;
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
    public IDisposable CancelCallsOn(CancellationToken token) => Component.Runtime.Options.EpochInterruption
        ? new CancellationScope(this, token)
        : throw new ArgumentException("Cancelling calls needs a runtime created with ComponentRuntimeOptions.EpochInterruption = true (the default).", nameof(token));

    private sealed class CancellationScope : IDisposable
    {
        // An AsyncLocal, not a thread-static: a scope opened before an await covers the calls after it (which may run
        // on another thread), and disposing it there does not leave a stale scope on the thread that opened it.
        private static readonly AsyncLocal<CancellationScope?> Innermost = new();

        /// <summary>The innermost scope open in this flow (carried to a helper thread that runs a call for it).</summary>
        internal static CancellationScope? Current
        {
            get => Innermost.Value;
            set => Innermost.Value = value;
        }

        private readonly ComponentInstance _instance;
        private readonly CancellationScope? _outer;
        private bool _disposed;

        public CancellationScope(ComponentInstance instance, CancellationToken token)
        {
            instance.Component.Runtime.AcquireEpochTicker();
            _instance = instance;
            Token = token;
            _outer = Innermost.Value;
            Innermost.Value = this;
            Interlocked.Increment(ref _active);
        }

        public CancellationToken Token { get; }

        public static CancellationToken For(ComponentInstance instance)
        {
            for (var s = Innermost.Value; s is not null; s = s._outer)
            {
                if (s._instance == instance && !s._disposed)
                {
                    return s.Token;
                }
            }

            return default;
        }

        private static int _active;

        /// <summary>True when some scope is open in this flow (a process-wide count first, so calls without one skip the AsyncLocal).</summary>
        public static bool Any => Volatile.Read(ref _active) != 0 && Innermost.Value is not null;

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (Innermost.Value == this)
            {
                Innermost.Value = _outer;
            }

            Interlocked.Decrement(ref _active);
            _instance.Component.Runtime.ReleaseEpochTicker();
        }
    }

    /// <summary>The component this is an instance of.</summary>
    public WasmComponent Component { get; }

    /// <summary>
    /// The exports as a <c>dynamic</c> object: root functions as methods (<c>Exports.Add(1, 2)</c>), exported
    /// interfaces as properties by short PascalCase name (<c>Exports.Types.Area(shape)</c>) or by full name
    /// (<c>Exports["demo:calc/types"]</c>), and any function by WIT name (<c>Exports["roundtrip-u8"](1)</c>).
    /// </summary>
    public dynamic Exports => _rootExports ??= RootProxy(null);

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
    public T GetInterface<T>()
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
    public T GetInterface<T>(string exportName)
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
    public object? Invoke(string function, params object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(function);
        var bound = ResolveExport(function, out var proxy);
        return Dynamic.BoundFunctionReference.Invoke(proxy, bound, arguments ?? []);
    }

    /// <summary>
    /// The CLR parameter types <see cref="Invoke"/> takes for <paramref name="function"/> without conversion (the
    /// default type map, emitted types included): for tools that build argument values themselves (the CLI's WAVE).
    /// </summary>
    /// <exception cref="ComponentExportNotFoundException">No such export.</exception>
    internal IReadOnlyList<Type> ParameterTypes(string function) =>
        ResolveExport(function, out _).Method.GetParameters().Select(p => p.ParameterType).ToList();

    private BoundFunction ResolveExport(string function, out ComponentProxy proxy)
    {
        var hash = function.LastIndexOf('#');
        WitInterface? iface = null;
        if (hash >= 0)
        {
            iface = WitWorld.Find(Component.World.Exports, function[..hash])
                ?? throw new ComponentExportNotFoundException(function[..hash], $"an interface exported by component '{Component.Name}'", Component.World.Exports.Select(e => e.Name).ToList());
        }

        proxy = RootProxy(iface);
        var name = hash >= 0 ? function[(hash + 1)..] : function;
        var index = proxy.Binding.FindFunction(name, out var ambiguity);
        if (index < 0)
        {
            var missing = proxy.Binding.NotFound(name, ambiguity);
            throw new ComponentExportNotFoundException(missing.Name, missing.Where, missing.Available, missing.Hint);
        }

        return proxy.Binding.Info.Functions[index];
    }

    internal ComponentProxy InterfaceProxy(WitInterface iface) => RootProxy(iface);

    private ComponentProxy RootProxy(WitInterface? iface) => Proxy(iface, null);

    private ComponentProxy Proxy(WitInterface? iface, Type? clr)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var key = (iface?.Name ?? string.Empty, clr);
        lock (_proxies)
        {
            if (_proxies.TryGetValue(key, out var existing))
            {
                return existing;
            }

            var info = Types.Proxy(iface, clr);
            var invokers = info.Functions.Select(f => Invoker(iface, f.Function)).ToArray();
            var proxy = (ComponentProxy)Activator.CreateInstance(info.Type, new ProxyBinding(this, info, invokers))!;
            _proxies[key] = proxy;
            return proxy;
        }
    }

    internal FunctionInvoker Invoker(WitInterface? iface, WitFunction f)
    {
        var qualified = ProxyEmitter.Qualified(iface, f);
        lock (_invokers)
        {
            if (_invokers.TryGetValue(qualified, out var existing))
            {
                return existing;
            }

            var invoker = new FunctionInvoker(this, f, qualified, iface?.Name);
            _invokers[qualified] = invoker;
            return invoker;
        }
    }

    /// <summary>Looks <paramref name="invoker"/>'s function up in the current store (on the thread holding the instance).</summary>
    internal ComponentFunc LookUp(FunctionInvoker invoker) =>
        Linking.GetFunc(Component, _native, Context, invoker.InterfaceName, invoker.Function.Name);

    internal void EnterCall(FunctionInvoker invoker)
    {
        if (_actingFor == this)
        {
            throw Reentered(invoker);
        }

        if (!_lock.TryEnter())
        {
            WaitForInstance(invoker);
        }

        if (_disposed)
        {
            if (!LeaveToDisposer())
            {
                FreeIfDisposed();
            }

            _lock.Exit();
            throw new ObjectDisposedException(nameof(ComponentInstance), $"Cannot call '{invoker.QualifiedName}': the component instance is disposed.");
        }

        if (_poison is not null)
        {
            if (_options.RecreateAfterTrap && _depth == 0)
            {
                try
                {
                    Recreate();
                }
                catch
                {
                    _lock.Exit();
                    throw;
                }
            }
            else
            {
                _lock.Exit();
                throw new ComponentInstancePoisonedException(invoker.QualifiedName, _poison);
            }
        }

        if (++_depth > 1)
        {
            _depth--;
            _lock.Exit();
            throw Reentered(invoker);
        }

        if ((_interruptsConfigured || CancellationScope.Any) && CanceledBeforeCall() is { } canceled)
        {
            // Already cancelled: refuse the call before the guest runs (the epoch callback would only see it at a
            // later tick, so a short call would sometimes run, sometimes not). The instance is left as it was.
            _depth--;
            _lock.Exit();
            throw new ComponentCanceledException(invoker.QualifiedName, invoker.Function.Signature, canceled);
        }

        _holder = Environment.CurrentManagedThreadId;
        _currentCall = invoker;
        _state.PendingHostException = null;
        if (_interruptsConfigured || CancellationScope.Any)
        {
            Arm();
        }

        if (_options.FuelPerCall is { } fuel)
        {
            WasmtimeApi.wasmtime_context_set_fuel(Context, fuel);
        }
    }

    /// <summary>The instance's or this thread's cancellation token for this instance, when it is already cancelled.</summary>
    private CancellationToken? CanceledBeforeCall()
    {
        if (_options.CancellationToken.IsCancellationRequested)
        {
            return _options.CancellationToken;
        }

        var token = CancellationScope.For(this);
        return token.IsCancellationRequested ? token : null;
    }

    /// <summary>Sets this call's deadline and token, and has Wasmtime check them every epoch tick.</summary>
    private void Arm()
    {
        var token = CancellationScope.For(this);
        if (!_interruptsConfigured && !token.CanBeCanceled)
        {
            return;
        }

        _interrupt.CallToken = token;
        _interrupt.Reason = InterruptReason.None;
        _interrupt.Deadline = _timeoutTicks is { } t ? System.Diagnostics.Stopwatch.GetTimestamp() + t : long.MaxValue;
        WasmtimeApi.wasmtime_context_set_epoch_deadline(Context, 1);
        _armed = true;
    }

    internal void ExitCall()
    {
        if (_armed)
        {
            // The deadline stays one tick ahead (the callback re-arms it); only this call's token is forgotten.
            _armed = false;
            _interrupt.CallToken = default;
            _interrupt.Deadline = long.MaxValue;
        }

        ArgumentContext.Reset();
        if (--_depth == 0)
        {
            _currentCall = null;
            _holder = 0;
            if (_disposed && !LeaveToDisposer())
            {
                // A Dispose from inside this call (or from another thread that gave up waiting) was deferred to here.
                FreeIfDisposed();
            }
        }

        _lock.Exit();
    }

    internal bool IsDisposed => _disposed;

    /// <summary>
    /// True when a trap has left this instance unusable (calls throw <see cref="ComponentInstancePoisonedException"/>;
    /// see <see cref="InstanceOptions.RecreateAfterTrap"/>), or when it is disposed. A pool of instances checks it
    /// before handing an instance out again.
    /// </summary>
    public bool IsPoisoned => _poison is not null || _disposed;

    internal StoreState State => _state;

    /// <summary>Drops a guest resource handle: runs the guest destructor for an owned one, then frees the box.</summary>
    internal void DropResource(ResourceHandle handle)
    {
        var drop = $"[resource-drop]{handle.Binding.Resource.Name}";
        var signature = $"resource {handle.Binding.Resource.Name}";
        if (handle.Owned && _depth > 0 && OnCallThread && !_disposed && _poison is null && !handle.IsReleased)
        {
            // From inside one of this instance's host imports: the guest destructor would re-enter the instance.
            throw new ComponentReentrancyException($"Cannot dispose the {handle.Binding.Resource.Name} resource from inside a host import of the component instance that owns it: its guest destructor would re-enter the instance while it is in a call, which the component model forbids. The handle stays valid; dispose it after the call into the instance returns.");
        }

        var entered = _actingFor != this;
        if (entered && !_lock.TryEnter())
        {
            // Busy: wait like a call does, so a host import that waits for this thread is reported, not a hang.
            WaitForInstance(drop, signature);
        }

        try
        {
            if (_disposed)
            {
                return;
            }

            var any = handle.Take();
            if (any == 0)
            {
                return;
            }

            Resources.Untrack(handle);
            if (_poison is not null)
            {
                // The store trapped and cannot run a destructor; the handle goes with it. Disposing silently keeps a
                // using block from hiding the exception that poisoned the instance.
                ComponentApi.wasmtime_component_resource_any_delete(any);
                return;
            }

            var error = handle.Owned ? ComponentApi.wasmtime_component_resource_any_drop(Context, any) : 0;
            ComponentApi.wasmtime_component_resource_any_delete(any);
            if (error != 0)
            {
                var e = NativeError.Trap(drop, signature, NativeError.Take(error));
                _poison = e;
                throw e;
            }
        }
        finally
        {
            if (entered)
            {
                _lock.Exit();
            }
        }
    }

    internal Exception CallFailed(FunctionInvoker invoker, nint error)
    {
        var failure = NativeError.Take(error);
        var host = _state.PendingHostException;
        _state.PendingHostException = null;
        var name = invoker.QualifiedName;
        var signature = invoker.Function.Signature;
        if (_interrupt.Reason == InterruptReason.Disposed)
        {
            _interrupt.Reason = InterruptReason.None;
            _poison = new ObjectDisposedException(nameof(ComponentInstance), $"The call '{name}' ({signature}) was stopped because the component instance was disposed while it ran.");
            return _poison;
        }

        ComponentTrapException exception = _interrupt.Reason switch
        {
            InterruptReason.Timeout => new ComponentTimeoutException(name, signature, _options.CallTimeout ?? TimeSpan.Zero),
            InterruptReason.Canceled => new ComponentCanceledException(name, signature, _interrupt.CallToken.IsCancellationRequested ? _interrupt.CallToken : _interrupt.InstanceToken),
            _ when host is null && failure.Code == ComponentTrapCode.OutOfFuel => new ComponentOutOfFuelException(name, signature, _options.FuelPerCall ?? 0),
            _ when host is null => NativeError.Trap(name, signature, failure),
            _ => NativeError.Trap(name, signature, failure, host, $"the host import {_state.PendingHostFunction ?? "(unknown)"} threw {host.GetType().Name}: {host.Message}"),
        };
        _interrupt.Reason = InterruptReason.None;
        _poison = exception;
        return exception;
    }

    private void ConfigureWasi(WasiOptions wasi)
    {
        var config = WasiApi.wasi_config_new();
        try
        {
            if (wasi.Arguments.Count > 0)
            {
                using var argv = new Utf8Array(wasi.Arguments);
                WasiApi.wasi_config_set_argv(config, (nuint)wasi.Arguments.Count, argv.Pointers);
            }

            var environment = wasi.EffectiveEnvironment();
            if (environment.Count > 0)
            {
                using var names = new Utf8Array(environment.Select(e => e.Key).ToList());
                using var values = new Utf8Array(environment.Select(e => e.Value).ToList());
                WasiApi.wasi_config_set_env(config, (nuint)environment.Count, names.Pointers, values.Pointers);
            }

            var stdin = wasi.StandardInput.Bytes;
            ByteVec vec;
            WasmtimeApi.wasm_byte_vec_new_uninitialized(&vec, (nuint)stdin.Length);
            stdin.CopyTo(new Span<byte>(vec.Data, stdin.Length));
            WasiApi.wasi_config_set_stdin_bytes(config, &vec);

            var stdout = new TextWriterSink(wasi.StandardOutput, error: false);
            WasiApi.wasi_config_set_stdout_custom(config, &TextWriterSink.Write, stdout.Handle, &TextWriterSink.Release);
            var stderr = new TextWriterSink(wasi.StandardError, error: true);
            WasiApi.wasi_config_set_stderr_custom(config, &TextWriterSink.Write, stderr.Handle, &TextWriterSink.Release);

            foreach (var dir in wasi.Directories)
            {
                // Since Wasmtime 49 the C API takes one "mutable" flag instead of directory and file permission bits.
                if (!Directory.Exists(dir.HostPath) || !WasiApi.wasi_config_preopen_dir(config, dir.HostPath, dir.GuestPath, !dir.ReadOnly))
                {
                    throw new WasmDynamicException($"Cannot give the guest the directory '{dir.HostPath}' as '{dir.GuestPath}': it does not exist or cannot be opened.");
                }
            }

            if (wasi.AllowNetwork)
            {
                WasiApi.wasi_config_inherit_network(config);
            }
        }
        catch
        {
            WasiApi.wasi_config_delete(config);
            throw;
        }

        // The context takes ownership of the config, even when it reports an error.
        var error = WasmtimeApi.wasmtime_context_set_wasi(Context, config);
        if (error != 0)
        {
            throw new WasmDynamicException("Wasmtime rejected the WASI configuration: " + NativeError.TakeMessage(error));
        }
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
