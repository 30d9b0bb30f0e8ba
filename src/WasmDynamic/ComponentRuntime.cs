// Slightly over 400 lines: the engine, its configuration and the epoch ticker share one lifetime (users counted once).
using WasmDynamic.Native;

namespace WasmDynamic;

/// <summary>
/// The entry point: owns a Wasmtime engine with the component model on, and loads components into it.
/// </summary>
/// <remarks>
/// One runtime can load many components and is safe to share between threads. Disposing it ends
/// <see cref="Load(string)"/> and its siblings (they throw <see cref="ObjectDisposedException"/>), but components and
/// instances created from it keep the engine — and the epoch ticker their timeouts and cancellation need — alive and
/// working until the last of them is disposed: they can still be instantiated and called. The engine is released
/// when the runtime and every component and instance made from it are disposed.
/// </remarks>
public sealed class ComponentRuntime : IDisposable
{
    private readonly EngineHandle _engine;

    /// <summary>Creates a runtime with default <see cref="ComponentRuntimeOptions"/>.</summary>
    public ComponentRuntime()
        : this(new ComponentRuntimeOptions())
    {
    }

    /// <summary>Creates a runtime with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public ComponentRuntime(ComponentRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        var config = WasmtimeApi.wasm_config_new();
        WasmtimeApi.wasmtime_config_wasm_component_model_set(config, true);
        WasmtimeApi.wasmtime_config_wasm_component_model_async_set(config, false);
        WasmtimeApi.wasmtime_config_concurrency_support_set(config, options.ConcurrencySupport);

        // map<K, V> is behind a feature flag in Wasmtime 50; turning it on lets such components load and be inspected.
        WasmtimeApi.wasmtime_config_wasm_component_model_map_set(config, true);
        WasmtimeApi.wasmtime_config_epoch_interruption_set(config, options.EpochInterruption);
        WasmtimeApi.wasmtime_config_consume_fuel_set(config, options.ConsumeFuel);
        WasmtimeApi.wasmtime_config_max_wasm_stack_set(config, (nuint)options.MaxWasmStack);
        StackNeeded = (nuint)(options.MaxWasmStack + ComponentRuntimeOptions.HostStackReserve);
        if (options.PoolingAllocator is { } pool)
        {
            PoolingAllocation.Apply(config, pool);
        }

        if (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS())
        {
            // Windows with .NET 9+ runs with CET shadow stacks, which Wasmtime's signal-based traps break;
            // on macOS, Mach ports conflict with the .NET runtime's own exception handling.
            WasmtimeApi.wasmtime_config_signals_based_traps_set(config, !OperatingSystem.IsWindows());
            if (OperatingSystem.IsMacOS())
            {
                WasmtimeApi.wasmtime_config_macos_use_mach_ports_set(config, false);
            }
        }

        // The engine takes ownership of the config.
        var engine = WasmtimeApi.wasm_engine_new_with_config(config);
        if (engine == 0)
        {
            throw new WasmDynamicException(options.PoolingAllocator is null
                ? "Wasmtime could not create an engine with the component model enabled."
                : "Wasmtime could not create an engine with the pooling allocator: the pool's address space could not be reserved. Lower PoolingAllocatorOptions.TotalMemories or MaxMemoryBytes (ComponentRuntimeOptions.PoolingAllocator).");
        }

        _engine = new EngineHandle(engine);
        if (options.UseCompiledComponentCache)
        {
            _cache = CompiledComponentCache.Open(options);
        }
    }

    private readonly CompiledComponentCache? _cache;

    /// <summary>The options this runtime was created with.</summary>
    public ComponentRuntimeOptions Options { get; }

    internal EngineHandle Engine => _engine;

    /// <summary>The stack a thread must have left to run a call itself (guest stack limit plus the host reserve).</summary>
    internal nuint StackNeeded { get; }

    // The runtime itself, each live component and instance, and a running epoch ticker each count as one user.
    private int _users = 1;
    private int _disposed;
    private EpochTicker? _ticker;
    private int _epochUsers;

    /// <summary>Counts a component or instance as a user of the engine; it must call <see cref="ReleaseUser"/> once.</summary>
    internal void AddUser()
    {
        var users = Volatile.Read(ref _users);
        while (true)
        {
            // Zero means the engine is gone; only a live user can add another, so this cannot happen from the public API.
            ObjectDisposedException.ThrowIf(users == 0, this);
            var seen = Interlocked.CompareExchange(ref _users, users + 1, users);
            if (seen == users)
            {
                return;
            }

            users = seen;
        }
    }

    /// <summary>Releases one user; the last one releases the engine.</summary>
    internal void ReleaseUser()
    {
        if (Interlocked.Decrement(ref _users) == 0)
        {
            _engine.Dispose();
        }
    }

    /// <summary>Starts advancing the engine's epoch (while some instance needs timeouts or cancellation).</summary>
    internal void AcquireEpochTicker()
    {
        if (!Options.EpochInterruption)
        {
            throw new WasmDynamicException("Call timeouts and cancellation need ComponentRuntimeOptions.EpochInterruption = true.");
        }

        lock (_engine)
        {
            if (_epochUsers++ == 0)
            {
                AddUser();
                _ticker = new EpochTicker(this);
            }
        }
    }

    /// <summary>How many holders the epoch ticker has (instances with timeouts, open cancellation scopes, running async calls).</summary>
    internal int EpochTickerUsers
    {
        get
        {
            lock (_engine)
            {
                return _epochUsers;
            }
        }
    }

    /// <summary>Stops the epoch ticker once no instance needs it.</summary>
    internal void ReleaseEpochTicker()
    {
        lock (_engine)
        {
            if (--_epochUsers == 0)
            {
                _ticker!.Stop();
                _ticker = null;
            }
        }
    }

    /// <summary>
    /// A dedicated, high-priority thread that advances the epoch every tick. Not a thread-pool timer: a saturated
    /// pool or busy cores must not delay timeouts and cancellation.
    /// </summary>
    private sealed class EpochTicker
    {
        private readonly ComponentRuntime _runtime;
        private volatile bool _stopped;

        public EpochTicker(ComponentRuntime runtime)
        {
            _runtime = runtime;
            var thread = new Thread(Run, 64 * 1024)
            {
                IsBackground = true,
                Name = "WasmDynamic epoch ticker",
                Priority = ThreadPriority.Highest,
            };
            thread.UnsafeStart();
        }

        public void Stop() => _stopped = true;

        private void Run()
        {
            var engine = _runtime._engine.DangerousGetHandle();
            var tick = _runtime.Options.EpochTick;
            try
            {
                while (!_stopped)
                {
                    Thread.Sleep(tick);
                    WasmtimeApi.wasmtime_engine_increment_epoch(engine);
                }
            }
            finally
            {
                _runtime.ReleaseUser();
            }
        }
    }

    /// <summary>
    /// Loads a component from a file: a binary component (<c>.wasm</c>) or component WAT text (<c>.wat</c>, or any
    /// file whose content is text).
    /// </summary>
    /// <remarks>
    /// Loading bytes that a live component of this runtime was loaded from compiles nothing: the new component shares
    /// the compiled code (whatever <see cref="ComponentRuntimeOptions.UseCompiledComponentCache"/> says). Otherwise the
    /// compiled-component cache is tried, then Wasmtime compiles.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ComponentLoadException">
    /// The file cannot be read (missing, a directory, no permission, I/O error) or does not hold a valid component;
    /// the message names the file and says what is wrong.
    /// </exception>
    public WasmComponent Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = ComponentLoader.ReadFile(path);
        return LoadCore(bytes, path, treatAsText: path.EndsWith(".wat", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Loads a binary component (or component WAT text given as UTF-8 bytes).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="bytes"/> is null.</exception>
    /// <exception cref="ComponentLoadException">The bytes are not a valid component.</exception>
    public WasmComponent Load(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return LoadCore(bytes, "<bytes>", treatAsText: false);
    }

    /// <summary>Loads a binary component (or component WAT text given as UTF-8 bytes).</summary>
    /// <param name="bytes">The component.</param>
    /// <param name="name">A name for messages (a file name, say).</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ComponentLoadException">The bytes are not a valid component.</exception>
    public WasmComponent Load(ReadOnlySpan<byte> bytes, string name = "<bytes>")
    {
        ArgumentNullException.ThrowIfNull(name);
        return LoadCore(bytes, name, treatAsText: false);
    }

    /// <summary>Loads a component from component WAT text.</summary>
    /// <param name="wat">The text, starting with <c>(component</c>.</param>
    /// <param name="name">A name for messages (WAT syntax errors are reported as <c>name:line:column</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="wat"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ComponentLoadException">The text is not valid WAT, or not a valid component.</exception>
    public WasmComponent LoadText(string wat, string name = "<text>")
    {
        ArgumentNullException.ThrowIfNull(wat);
        ArgumentNullException.ThrowIfNull(name);
        return LoadCore(System.Text.Encoding.UTF8.GetBytes(wat), name, treatAsText: true);
    }

    private WasmComponent LoadCore(ReadOnlySpan<byte> bytes, string name, bool treatAsText)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (bytes.IsEmpty)
        {
            throw new ComponentLoadException(name, "the input is empty (0 bytes). Pass the bytes of a WebAssembly component (.wasm) or component WAT text.");
        }

        if (bytes.StartsWith("\0asm"u8))
        {
            return Compile(bytes, name);
        }

        if (ComponentLoader.Utf16ToUtf8(bytes) is { } utf8)
        {
            return Compile(ComponentLoader.Wat2Wasm(utf8, name), name);
        }

        if (treatAsText || LooksLikeText(bytes))
        {
            var binary = ComponentLoader.Wat2Wasm(bytes, name);
            return Compile(binary, name);
        }

        throw new ComponentLoadException(name, ComponentLoader.DescribeUnrecognized(bytes));
    }

    // Components loaded in this runtime, by the SHA-256 of their bytes, while one of them is alive: a second load of the
    // same bytes shares the compiled code (a native clone is a reference-count increment) and the world.
    private readonly Dictionary<string, List<WeakReference<WasmComponent>>> _loaded = new(StringComparer.Ordinal);
    private int _compilations;

    /// <summary>How many loads compiled or read the disk cache, rather than sharing a component already loaded (tests).</summary>
    internal int Compilations => Volatile.Read(ref _compilations);

    private WasmComponent Compile(ReadOnlySpan<byte> binary, string name)
    {
        ComponentLoader.CheckHeader(binary, name);
        var key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(binary));
        if (Shared(key, name) is { } shared)
        {
            return shared;
        }

        Interlocked.Increment(ref _compilations);
        var loaded = CompileNew(binary, name);
        Remember(key, loaded);
        return loaded;
    }

    private void Remember(string key, WasmComponent component)
    {
        lock (_loaded)
        {
            foreach (var list in _loaded.Values)
            {
                list.RemoveAll(w => !w.TryGetTarget(out var c) || c.IsDisposed);
            }

            foreach (var empty in _loaded.Where(kv => kv.Value.Count == 0).Select(kv => kv.Key).ToList())
            {
                _loaded.Remove(empty);
            }

            if (!_loaded.TryGetValue(key, out var components))
            {
                _loaded[key] = components = new List<WeakReference<WasmComponent>>(1);
            }

            components.Add(new WeakReference<WasmComponent>(component));
        }
    }

    /// <summary>A new component sharing the compiled code of a live one loaded from the same bytes, or null.</summary>
    private WasmComponent? Shared(string key, string name)
    {
        WasmComponent? existing = null;
        lock (_loaded)
        {
            if (_loaded.TryGetValue(key, out var components))
            {
                foreach (var weak in components)
                {
                    if (weak.TryGetTarget(out var c) && !c.IsDisposed)
                    {
                        existing = c;
                        break;
                    }
                }
            }
        }

        if (existing is null)
        {
            return null;
        }

        var added = false;
        try
        {
            existing.Handle.DangerousAddRef(ref added);
            var clone = ComponentApi.wasmtime_component_clone(existing.Handle.DangerousGetHandle());
            if (clone == 0)
            {
                return null;
            }

            var shared = new WasmComponent(this, new ComponentHandle(clone), name, existing.World) { Bulk = existing.Bulk, Original = existing.Original };
            Remember(key, shared);
            return shared;
        }
        catch (ObjectDisposedException)
        {
            // Released between the lookup and the clone: compile instead.
            return null;
        }
        finally
        {
            if (added)
            {
                existing.Handle.DangerousRelease();
            }
        }
    }

    private WasmComponent CompileNew(ReadOnlySpan<byte> binary, string name)
    {
        Wit.WitWorld? world = null;
        if (Options.BulkByteAdapter && Options.PoolingAllocator is null && BulkAdapter.Wrapping.TryLoad(binary, name, (wrapper, n) => CompileOrLoad(wrapper, n), out world) is { } wrapped)
        {
            return new WasmComponent(this, wrapped.Handle, name, wrapped.World) { Bulk = wrapped.Plan, Original = binary.ToArray() };
        }

        // Wasmtime validated the binary; the world (names and identities of its types) is read from the same bytes.
        var handle = CompileOrLoad(binary, name);
        try
        {
            return new WasmComponent(this, handle, name, world ?? Wit.WitWorld.Read(binary, name));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The compiled code of <paramref name="binary"/>: from the disk cache, or compiled (and then cached).</summary>
    internal ComponentHandle CompileOrLoad(ReadOnlySpan<byte> binary, string name)
    {
        ComponentHandle? handle = null;
        if (_cache is null)
        {
            handle = ComponentLoader.Compile(_engine, binary, name);
        }
        else
        {
            var path = _cache.PathFor(binary);
            handle = _cache.TryLoad(_engine, path);
            if (handle is null)
            {
                handle = ComponentLoader.Compile(_engine, binary, name);
                _cache.Store(handle, path);
            }
        }

        return handle;
    }

    /// <summary>How many loads the on-disk cache served (see <see cref="ComponentRuntimeOptions.UseCompiledComponentCache"/>).</summary>
    public int CacheHits => _cache?.Hits ?? 0;

    private static bool LooksLikeText(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue;
            }

            return b is (byte)'(' or (byte)';';
        }

        return false;
    }

    /// <summary>
    /// Ends loading through this runtime. The engine is released once every component and instance made from it is
    /// disposed too; until then they keep working, timeouts and cancellation included.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ReleaseUser();
        }
    }
}
