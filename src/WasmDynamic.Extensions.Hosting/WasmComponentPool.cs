using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WasmDynamic.Extensions.Hosting;

/// <summary>
/// One registered component and its instances: loads the component on first use, keeps up to
/// <see cref="WasmComponentOptions.PoolSize"/> instances ready (created on a background thread) and hands them out with
/// <see cref="Rent"/>. Thread-safe; renting never waits for the pool.
/// </summary>
/// <remarks>
/// Each instance gets its own host import objects from the container, its limits from the component's options, and
/// WASI output to the component's logger. An instance that trapped is never handed out again; with
/// <see cref="WasmComponentOptions.ReuseInstances"/> off (the default) no instance is handed out twice.
/// </remarks>
public sealed class WasmComponentPool : IDisposable
{
    private readonly ComponentRuntime _runtime;
    private readonly WasmComponentOptions _options;
    private readonly WasmComponentRegistration _registration;
    private readonly IServiceProvider _services;
    private readonly ILogger? _logger;
    private readonly Lazy<WasmComponent> _component;
    private readonly ConcurrentQueue<ComponentInstance> _ready = new();
    private PreparedComponent? _prepared;
    private int _readyCount;
    private int _filling;
    private volatile bool _disposed;

    internal WasmComponentPool(string name, ComponentRuntime runtime, WasmComponentOptions options, WasmComponentRegistration registration, IServiceProvider services, ILoggerFactory? loggers)
    {
        Name = name;
        _runtime = runtime;
        _options = options;
        _registration = registration;
        _services = services;
        _logger = loggers?.CreateLogger("WasmDynamic.Component." + name);
        _component = new Lazy<WasmComponent>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The component's name.</summary>
    public string Name { get; }

    /// <summary>The component, loaded (and compiled, or read from the compiled cache) on first access.</summary>
    /// <exception cref="ComponentLoadException">The component cannot be loaded.</exception>
    public WasmComponent Component => _component.Value;

    /// <summary>
    /// The binding and linker every instance of the pool is made with: prepared with the first instance's host objects
    /// and options, then reused with each later instance's own host objects (null before the first instance).
    /// </summary>
    internal PreparedComponent? Prepared => Volatile.Read(ref _prepared);

    /// <summary>How many ready instances the pool holds now (for diagnostics and tests).</summary>
    public int ReadyCount => Volatile.Read(ref _readyCount);

    /// <summary>
    /// An instance for one unit of work (a request, a message): a ready one if the pool has one, else a new one. Dispose
    /// the lease when done; the pool then refills in the background.
    /// </summary>
    /// <returns>The lease; its <see cref="WasmInstanceLease.Instance"/> belongs to the caller until the lease is disposed.</returns>
    /// <exception cref="ObjectDisposedException">The pool (the container) is disposed.</exception>
    /// <exception cref="ComponentBindingException">The imports registered do not fit the component.</exception>
    public WasmInstanceLease Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ComponentInstance? instance = null;
        while (_ready.TryDequeue(out var candidate))
        {
            Interlocked.Decrement(ref _readyCount);
            if (!candidate.IsPoisoned)
            {
                instance = candidate;
                break;
            }

            candidate.Dispose();
        }

        instance ??= Create();
        Refill();
        return new WasmInstanceLease(this, instance);
    }

    /// <summary>Creates the ready instances now rather than on first use (e.g. at application start).</summary>
    public void Warm()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _ = Component;
        FillNow();
    }

    internal void Return(ComponentInstance instance)
    {
        if (_disposed || !_options.ReuseInstances || instance.IsPoisoned || Volatile.Read(ref _readyCount) >= _options.PoolSize)
        {
            instance.Dispose();
            return;
        }

        _ready.Enqueue(instance);
        Interlocked.Increment(ref _readyCount);
        if (_disposed)
        {
            Drain();
        }
    }

    /// <summary>
    /// A new instance with its own host objects from the container. The first one prepares the component (binds the
    /// imports, builds the linker, checks the options); every later one reuses that preparation, binding only its own
    /// objects.
    /// </summary>
    private ComponentInstance Create()
    {
        var imports = new ComponentImports();
        foreach (var add in _registration.Imports)
        {
            add(_services, imports);
        }

        if (Volatile.Read(ref _prepared) is { } prepared)
        {
            return prepared.Instantiate(imports);
        }

        var mine = Component.Prepare(Options(imports));
        prepared = Interlocked.CompareExchange(ref _prepared, mine, null) ?? mine;
        return ReferenceEquals(prepared, mine) ? mine.Instantiate() : prepared.Instantiate(imports);
    }

    private InstanceOptions Options(ComponentImports imports) =>
        new()
        {
            Imports = imports,
            Wasi = Wasi(_options, _logger),
            CallTimeout = _options.CallTimeout,
            FuelPerCall = _options.FuelPerCall,
            MaxMemoryBytes = _options.MaxMemoryBytes,
            MaxTableElements = _options.MaxTableElements,
            TrapUnimplementedImports = _options.TrapUnimplementedImports,
            RecreateAfterTrap = _options.RecreateAfterTrap,
        };

    /// <summary>
    /// The WASI settings of an instance: the component's own, with stdout and stderr sent to <paramref name="logger"/>
    /// line by line when <see cref="WasmComponentOptions.LogWasiOutput"/> is on. A copy made with <c>with</c>, so that an
    /// option added to <see cref="WasiOptions"/> later is carried over without this method knowing it.
    /// </summary>
    internal static WasiOptions Wasi(WasmComponentOptions options, ILogger? logger)
    {
        if (!options.LogWasiOutput || logger is null)
        {
            return options.Wasi;
        }

        var (outLevel, errLevel) = (options.StandardOutputLevel, options.StandardErrorLevel);
        return options.Wasi with
        {
            StandardOutput = WasiOutput.Lines(line => logger.Log(outLevel, "{Line}", line)),
            StandardError = WasiOutput.Lines(line => logger.Log(errLevel, "{Line}", line)),
        };
    }

    private void Refill()
    {
        if (_options.PoolSize > 0 && Volatile.Read(ref _readyCount) < _options.PoolSize && Interlocked.CompareExchange(ref _filling, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static pool => pool.FillNow(), this, preferLocal: false);
        }
    }

    private void FillNow()
    {
        try
        {
            while (!_disposed && Volatile.Read(ref _readyCount) < _options.PoolSize)
            {
                var instance = Create();
                _ready.Enqueue(instance);
                Interlocked.Increment(ref _readyCount);
            }
        }
        catch (Exception e)
        {
            // A background refill that fails (a binding error, a limit) surfaces at the next Rent, which creates its
            // instance in the caller's thread and throws there.
            _logger?.LogError(e, "Creating a ready instance of component '{Component}' failed.", Name);
        }
        finally
        {
            Volatile.Write(ref _filling, 0);
        }

        if (_disposed)
        {
            Drain();
        }
    }

    private void Drain()
    {
        while (_ready.TryDequeue(out var instance))
        {
            Interlocked.Decrement(ref _readyCount);
            instance.Dispose();
        }
    }

    /// <summary>Disposes the ready instances and the component; leases still out dispose their instances when they end.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Drain();
        if (_component.IsValueCreated)
        {
            _component.Value.Dispose();
        }
    }

    private WasmComponent Load()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_options.Bytes is { } bytes)
        {
            return _runtime.Load(bytes);
        }

        if (_options.Path is { } path)
        {
            return _runtime.Load(path);
        }

        throw new ComponentLoadException(Name, $"component '{Name}' has neither a Path nor Bytes in its options. Set WasmComponentOptions.Path (or Bytes) in services.AddWasmComponent(\"{Name}\", o => o.Path = \"plugin.wasm\").");
    }
}

/// <summary>A rented instance; dispose it to give the instance back to its <see cref="WasmComponentPool"/>.</summary>
public sealed class WasmInstanceLease : IDisposable
{
    private readonly WasmComponentPool _pool;
    private ComponentInstance? _instance;

    internal WasmInstanceLease(WasmComponentPool pool, ComponentInstance instance)
    {
        _pool = pool;
        _instance = instance;
    }

    /// <summary>The instance, the caller's until the lease is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public ComponentInstance Instance => _instance ?? throw new ObjectDisposedException(nameof(WasmInstanceLease), "This lease has ended; rent another instance from the pool.");

    /// <summary>The instance's exports through <c>dynamic</c>.</summary>
    public dynamic Exports => Instance.Exports;

    /// <summary>Binds <typeparamref name="T"/> to the instance (see <see cref="ComponentInstance.GetInterface{T}()"/>).</summary>
    /// <typeparam name="T">Your interface.</typeparam>
    public T GetInterface<T>()
        where T : class => Instance.GetInterface<T>();

    /// <summary>Gives the instance back (or disposes it, see <see cref="WasmComponentOptions.ReuseInstances"/>).</summary>
    public void Dispose()
    {
        var instance = Interlocked.Exchange(ref _instance, null);
        if (instance is not null)
        {
            _pool.Return(instance);
        }
    }
}
