using WasmDynamic.Native;

namespace WasmDynamic;

/// <summary>
/// The entry point: owns a Wasmtime engine with the component model on, and loads components into it.
/// </summary>
/// <remarks>
/// One runtime can load many components and is safe to share between threads. Disposing it releases the engine;
/// components and instances created from it keep the engine alive until they are disposed too.
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

        // map<K, V> is behind a feature flag in Wasmtime 50; turning it on lets such components load and be inspected.
        WasmtimeApi.wasmtime_config_wasm_component_model_map_set(config, true);
        WasmtimeApi.wasmtime_config_epoch_interruption_set(config, options.EpochInterruption);
        WasmtimeApi.wasmtime_config_consume_fuel_set(config, options.ConsumeFuel);
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
            throw new WasmDynamicException("Wasmtime could not create an engine with the component model enabled.");
        }

        _engine = new EngineHandle(engine);
        if (options.CacheDirectory is not null)
        {
            _cache = new CompiledComponentCache(options.CacheDirectory, options);
        }
    }

    private readonly CompiledComponentCache? _cache;

    /// <summary>The options this runtime was created with.</summary>
    public ComponentRuntimeOptions Options { get; }

    internal EngineHandle Engine => _engine;

    private Timer? _epochTimer;
    private int _epochUsers;

    /// <summary>Starts advancing the engine's epoch (while some instance needs timeouts or cancellation).</summary>
    internal void AcquireEpochTicker()
    {
        if (!Options.EpochInterruption)
        {
            throw new InvalidOperationException("Call timeouts and cancellation need ComponentRuntimeOptions.EpochInterruption = true.");
        }

        lock (_engine)
        {
            if (_epochUsers++ == 0)
            {
                var engine = _engine;
                _epochTimer = new Timer(
                    static state =>
                    {
                        var e = (EngineHandle)state!;
                        var added = false;
                        try
                        {
                            e.DangerousAddRef(ref added);
                            WasmtimeApi.wasmtime_engine_increment_epoch(e.DangerousGetHandle());
                        }
                        catch (ObjectDisposedException)
                        {
                        }
                        finally
                        {
                            if (added)
                            {
                                e.DangerousRelease();
                            }
                        }
                    },
                    engine,
                    Options.EpochTick,
                    Options.EpochTick);
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
                _epochTimer?.Dispose();
                _epochTimer = null;
            }
        }
    }

    /// <summary>
    /// Loads a component from a file: a binary component (<c>.wasm</c>) or component WAT text (<c>.wat</c>, or any
    /// file whose content is text).
    /// </summary>
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

    private WasmComponent Compile(ReadOnlySpan<byte> binary, string name)
    {
        ComponentLoader.CheckHeader(binary, name);
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

        // Wasmtime validated the binary; the world (names and identities of its types) is read from the same bytes.
        try
        {
            return new WasmComponent(this, handle, name, Wit.WitWorld.Read(binary, name));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>How many loads the on-disk cache served (see <see cref="ComponentRuntimeOptions.CacheDirectory"/>).</summary>
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

    /// <summary>Releases the engine once every component and instance made from it is disposed.</summary>
    public void Dispose()
    {
        lock (_engine)
        {
            _epochTimer?.Dispose();
            _epochTimer = null;
        }

        _engine.Dispose();
    }
}
