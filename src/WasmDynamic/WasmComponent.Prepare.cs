using WasmDynamic.Imports;
using WasmDynamic.Native;

namespace WasmDynamic;

/// <summary>
/// Preparing instantiation: the host binding and the linker (WASI included) are made once per import shape and kept
/// with the compiled component, so instances only create a store.
/// </summary>
public sealed partial class WasmComponent
{
    // One linker per import plan (plans are cached per world and host type shape, so this grows with the number of
    // distinct host type shapes instantiated); freed with the compiled code.
    private readonly Dictionary<ImportPlan, LinkerHandle> _linkers = new(ReferenceEqualityComparer.Instance);

    // The async linkers (fiber callbacks, async WASI) of the plans used by async instances, and the native data
    // blocks of their callbacks (store-independent: the callbacks find the store's mailbox through its data).
    private readonly Dictionary<ImportPlan, LinkerHandle> _asyncLinkers = new(ReferenceEqualityComparer.Instance);
    private FiberCallbackData? _fiberData;
    private bool? _usesWasi;

    /// <summary>True when the world imports a <c>wasi:*</c> interface, which the runtime provides.</summary>
    internal bool UsesWasi => _usesWasi ??= World.Imports.Any(i => Binding.BindingNames.IsWasi(i.Name));

    internal Linking.Target LinkTarget => new(Runtime.Engine.Pointer, Handle, Name, World, Bulk);

    /// <summary>
    /// Binds the host imports given and builds the linker once, for many instances: <see cref="PreparedComponent.Instantiate()"/>
    /// then only creates a store and instantiates, as fast as Wasmtime's own linker allows. Every instance of one
    /// prepared component shares its host objects (each still has its own store, memory and host resource table).
    /// </summary>
    /// <param name="imports">A <see cref="ComponentImports"/>, or a plain object whose properties match imports by short PascalCase name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="imports"/> is null.</exception>
    /// <exception cref="ComponentBindingException">An import is missing or a host method does not fit; the message lists all.</exception>
    /// <exception cref="ObjectDisposedException">The component is disposed.</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public PreparedComponent Prepare(object imports) => Prepare(new InstanceOptions { Imports = ComponentImports.FromObject(imports) });

    /// <summary>
    /// Binds the imports in <paramref name="options"/> and builds the linker once; <see cref="PreparedComponent.Instantiate()"/>
    /// makes instances with these options (WASI environment, limits, timeouts included).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options contradict the runtime (see <see cref="Instantiate(InstanceOptions)"/>).</exception>
    /// <exception cref="ComponentBindingException">An import is missing or a host method does not fit; the message lists all.</exception>
    /// <exception cref="ObjectDisposedException">The component is disposed.</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public PreparedComponent Prepare(InstanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        ComponentInstance.CheckOptions(this, options);
        return PrepareCore(options);
    }

    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    internal PreparedComponent PrepareCore(InstanceOptions options)
    {
        var plan = HostBinder.Plan(Name, Types, options.Imports, UsesWasi, options.TrapUnimplementedImports);
        var prepared = new PreparedComponent(this, CodeFor(options), options, plan, HostBinder.Targets(plan, options.Imports));
        prepared.LinkerFor(prepared.IsAsync);
        return prepared;
    }

    /// <summary>How many linkers this component holds (one per import shape instantiated), for tests.</summary>
    internal int LinkerCount
    {
        get
        {
            lock (_linkers)
            {
                return _linkers.Count + _asyncLinkers.Count;
            }
        }
    }

    /// <summary>The linker for <paramref name="plan"/>: the synchronous one, or the async one (fiber callbacks) for async instances.</summary>
    internal LinkerHandle Linker(ImportPlan plan, bool trapUnknown, bool async)
    {
        lock (_linkers)
        {
            ObjectDisposedException.ThrowIf(Handle.IsClosed, this);
            var linkers = async ? _asyncLinkers : _linkers;
            if (!linkers.TryGetValue(plan, out var linker))
            {
                linker = async
                    ? Linking.Build(LinkTarget, plan, UsesWasi, trapUnknown, _fiberData ??= new FiberCallbackData())
                    : Linking.Build(LinkTarget, plan, UsesWasi, trapUnknown);
                linkers.Add(plan, linker);
            }

            return linker;
        }
    }

    private void ReleaseLinkers()
    {
        lock (_linkers)
        {
            foreach (var linker in _linkers.Values.Concat(_asyncLinkers.Values))
            {
                linker.Dispose();
            }

            _linkers.Clear();
            _asyncLinkers.Clear();

            // After the linkers: their callbacks' data blocks.
            _fiberData?.Dispose();
            _fiberData = null;
        }
    }
}
