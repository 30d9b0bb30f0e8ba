using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic;

/// <summary>
/// A compiled component: its <see cref="World"/> (what it imports and exports, as WIT) and the way to instantiate it.
/// </summary>
/// <remarks>Thread-safe. Dispose it to release the compiled code once its instances are gone.</remarks>
public sealed partial class WasmComponent : IDisposable
{
    private Emit.WorldTypes? _types;

    internal WasmComponent(ComponentRuntime runtime, ComponentHandle handle, string name, WitWorld world)
    {
        runtime.AddUser();
        Runtime = runtime;
        Handle = handle;
        Name = name;
        World = world;
    }

    /// <summary>The runtime that loaded this component.</summary>
    public ComponentRuntime Runtime { get; }

    /// <summary>The file path or name this component was loaded from.</summary>
    public string Name { get; }

    /// <summary>The component's world, read from the component binary (see <see cref="WitWorld.Read(ReadOnlySpan{byte})"/>).</summary>
    public WitWorld World { get; }

    internal ComponentHandle Handle { get; }

    /// <summary>
    /// When <see cref="Handle"/> is the bulk-bytes wrapper of the loaded component: which functions have a hidden twin.
    /// Null when the handle is the component itself.
    /// </summary>
    internal BulkAdapter.BulkPlan? Bulk { get; init; }

    /// <summary>The loaded component's own bytes when <see cref="Handle"/> is its wrapper (compiled on demand by <see cref="CodeFor"/>).</summary>
    internal byte[]? Original { get; init; }

    // The original component compiled, for instances whose options the adapter would change (see CodeFor); owned by
    // this component and released with its compiled code.
    private WasmComponent? _plain;

    /// <summary>
    /// The compiled code an instance with <paramref name="options"/> runs: this component, or — when it is a bulk-bytes
    /// wrapper and the options set a limit the wrapper's own core instances, memory or code would count against
    /// (fuel, memories, instances, tables, bytes per memory) — the original component, compiled once through the
    /// runtime's cache, so that limits and fuel behave exactly as without the adapter.
    /// </summary>
    internal WasmComponent CodeFor(InstanceOptions options)
    {
        if (Bulk is null || Original is null || (options.FuelPerCall is null && !options.HasLimits))
        {
            return this;
        }

        lock (_linkers)
        {
            ObjectDisposedException.ThrowIf(Handle.IsClosed, this);
            return _plain ??= new WasmComponent(Runtime, Runtime.CompileOrLoad(Original, Name), Name, World);
        }
    }

    /// <summary>
    /// The root exports of the compiled code as Wasmtime's type reflection lists them (index, name), without the
    /// bulk-bytes wrapper's hidden twins: what the loaded component itself exports, whichever code runs it.
    /// </summary>
    internal unsafe List<(nuint Index, string Name)> NativeExports()
    {
        var engine = Runtime.Engine.Pointer;
        var type = ComponentApi.wasmtime_component_type(Handle.Pointer);
        var exports = new List<(nuint, string)>();
        try
        {
            var count = ComponentApi.wasmtime_component_type_export_count(type, engine);
            for (nuint n = 0; n < count; n++)
            {
                byte* name;
                nuint length;
                nint item;
                if (!ComponentApi.wasmtime_component_type_export_nth(type, engine, n, &name, &length, &item))
                {
                    continue;
                }

                ComponentApi.wasmtime_component_extern_delete(item);
                var text = System.Text.Encoding.UTF8.GetString(name, checked((int)length));
                if (Bulk?.IsHidden(text) != true)
                {
                    exports.Add((n, text));
                }
            }
        }
        finally
        {
            ComponentApi.wasmtime_component_type_delete(type);
        }

        return exports;
    }

    /// <summary>The world as WIT text, in the layout of <c>wasm-tools component wit</c> / <c>jco wit</c>.</summary>
    public string ToWit() => World.ToWit();

    /// <summary>The public bases emitted types derive from, handed to Emit (which does not name the facade).</summary>
    private static readonly Emit.EmittedBases EmittedBases = new(ComponentProxy.Emitted, ComponentResource.Emitted);

    internal Emit.WorldTypes Types
    {
        [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
        [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
        get => _types ??= Emit.WorldTypes.For(World, EmittedBases);
    }

    /// <summary>Instantiates the component with no host imports (WASI, if imported, is provided sandboxed).</summary>
    /// <exception cref="ComponentBindingException">The component has imports that need an implementation.</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public ComponentInstance Instantiate() => Instantiate(new InstanceOptions());

    /// <summary>
    /// Instantiates the component with host imports: a <see cref="ComponentImports"/>, or a plain object whose
    /// properties match imports by short PascalCase name (<c>new { Logger = new ConsoleLogger() }</c>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="imports"/> is null.</exception>
    /// <exception cref="ComponentBindingException">An import is missing or a host method does not fit; the message lists all.</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public ComponentInstance Instantiate(object imports) => Instantiate(new InstanceOptions { Imports = ComponentImports.FromObject(imports) });

    /// <summary>
    /// Instantiates the component with host imports from a plain object whose properties match imports by short
    /// PascalCase name (<c>new { Logger = new ConsoleLogger(), GetNumber = (Func&lt;uint&gt;)(() =&gt; 41) }</c>), or a
    /// <see cref="ComponentImports"/>. The properties are read from <typeparamref name="TImports"/>, which a trimmed
    /// app keeps; see <see cref="ComponentImports.FromObject{T}(T)"/> for the objects they hold.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="imports"/> is null.</exception>
    /// <exception cref="ComponentBindingException">An import is missing or a host method does not fit; the message lists all.</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public ComponentInstance Instantiate<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties)] TImports>(TImports imports)
        where TImports : notnull => Instantiate(new InstanceOptions { Imports = ComponentImports.FromObject(imports) });

    /// <summary>Instantiates the component with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The options contradict the runtime (<see cref="InstanceOptions.FuelPerCall"/> without
    /// <see cref="ComponentRuntimeOptions.ConsumeFuel"/>, a timeout or token without
    /// <see cref="ComponentRuntimeOptions.EpochInterruption"/>) or are out of range (<see cref="ArgumentOutOfRangeException"/>).
    /// </exception>
    /// <exception cref="ComponentBindingException">An import is missing or a host method does not fit; the message lists all.</exception>
    /// <exception cref="ComponentResourceLimitException">The component needs more than the limits in <paramref name="options"/> allow.</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public ComponentInstance Instantiate(InstanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return new ComponentInstance(this, options, prepared: null);
    }

    /// <summary>
    /// Instantiates the component as an async instance (see <see cref="ComponentInstance.IsAsync"/>): its host imports
    /// may return tasks, its start code runs without blocking a thread while it waits for them, and its async calls
    /// hold no thread while the guest waits.
    /// </summary>
    /// <param name="options">As for <see cref="Instantiate(InstanceOptions)"/>.</param>
    /// <param name="cancellationToken">Stops the instantiation (<see cref="ComponentCanceledException"/>) while the start code runs.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ComponentBindingException">An import is missing or a host method does not fit, or the start code failed.</exception>
    /// <exception cref="PlatformNotSupportedException">The platform has no fiber callbacks (only x86-64 Linux and macOS do).</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public async Task<ComponentInstance> InstantiateAsync(InstanceOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return await InstantiateAsyncCore(options, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates an async instance (with <paramref name="prepared"/>'s binding, or binding <paramref name="options"/>' imports) and instantiates it.</summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    internal async Task<ComponentInstance> InstantiateAsyncCore(InstanceOptions options, PreparedComponent? prepared, CancellationToken cancellationToken)
    {
        var instance = new ComponentInstance(this, options, prepared, instantiateAsync: true);
        try
        {
            await instance.InstantiateAsync(cancellationToken).ConfigureAwait(false);
            return instance;
        }
        catch
        {
            instance.Dispose();
            throw;
        }
    }

    /// <summary>Instantiates the component as an async instance with host imports (see <see cref="InstantiateAsync(InstanceOptions, CancellationToken)"/>).</summary>
    /// <param name="imports">A <see cref="ComponentImports"/>, or a plain object, as for <see cref="Instantiate(object)"/>.</param>
    /// <param name="cancellationToken">Stops the instantiation while the start code runs.</param>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public Task<ComponentInstance> InstantiateAsync(object imports, CancellationToken cancellationToken = default) =>
        InstantiateAsync(new InstanceOptions { Imports = ComponentImports.FromObject(imports) }, cancellationToken);

    /// <summary>Instantiates the component as an async instance with no host imports (see <see cref="InstantiateAsync(InstanceOptions, CancellationToken)"/>).</summary>
    /// <param name="cancellationToken">Stops the instantiation while the start code runs.</param>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public Task<ComponentInstance> InstantiateAsync(CancellationToken cancellationToken = default) => InstantiateAsync(new InstanceOptions(), cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => Name;

    private int _disposed;

    /// <summary>True once <see cref="Dispose"/> was called.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    // The component itself and each live instance (which may recreate itself from it after a trap) count as one user.
    private int _users = 1;

    internal void AddUser() => Interlocked.Increment(ref _users);

    /// <summary>Releases one user; the last one releases the compiled code.</summary>
    internal void ReleaseUser()
    {
        if (Interlocked.Decrement(ref _users) == 0)
        {
            ReleaseLinkers();
            lock (_linkers)
            {
                _plain?.Dispose();
                _plain = null;
            }

            Handle.Dispose();
            Runtime.ReleaseUser();
        }
    }

    /// <summary>
    /// Ends instantiation: later <see cref="Instantiate()"/> calls throw <see cref="ObjectDisposedException"/>.
    /// Instances already made keep working (and recreating themselves after a trap) until they are disposed; the
    /// compiled code is released with the last of them.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ReleaseUser();
        }
    }
}
