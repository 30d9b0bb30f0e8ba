using WasmDynamic.Imports;
using WasmDynamic.Native;

namespace WasmDynamic;

/// <summary>
/// A component with its host imports bound and its linker (WASI included) built, made by
/// <see cref="WasmComponent.Prepare(InstanceOptions)"/>: each <see cref="Instantiate()"/> only creates a store and
/// instantiates in it. Thread-safe; instantiate from as many threads as you like.
/// </summary>
/// <remarks>
/// Every instance shares the host objects given to <c>Prepare</c> (calls into them may come from several instances,
/// on several threads); each instance has its own store, memory, WASI context and host resource table. Plain
/// <see cref="WasmComponent.Instantiate(InstanceOptions)"/> shares the linker too (it is cached per import shape), but
/// binds the imports it is given to that one instance. The linker lives as long as the compiled component.
/// </remarks>
public sealed class PreparedComponent
{
    internal PreparedComponent(WasmComponent component, WasmComponent code, InstanceOptions options, ImportPlan plan, object?[] targets)
    {
        Component = component;
        Code = code;
        Options = options;
        Plan = plan;
        Targets = targets;
        IsAsync = plan.Functions.Any(f => f.Async);
    }

    /// <summary>The component this prepares.</summary>
    public WasmComponent Component { get; }

    /// <summary>
    /// The compiled code instances run: <see cref="Component"/>, or its original when it is a bulk-bytes wrapper and
    /// <see cref="Options"/> set limits (see <see cref="WasmComponent.CodeFor"/>).
    /// </summary>
    internal WasmComponent Code { get; }

    /// <summary>The options every instance is made with.</summary>
    public InstanceOptions Options { get; }

    internal ImportPlan Plan { get; }

    /// <summary>Each planned import's host target, in plan order.</summary>
    internal object?[] Targets { get; }

    /// <summary>True when a host import returns a task: every instance is then an async one (see <see cref="ComponentInstance.IsAsync"/>).</summary>
    internal bool IsAsync { get; }

    /// <summary>
    /// The binding of synchronous or async instances: async ones get the async WASI functions too where the component
    /// can use them (see <see cref="AsyncWasi"/>); the plans agree on every host import given.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    internal (ImportPlan Plan, object?[] Targets) BindingFor(bool async)
    {
        if (!async || !Component.UsesWasi)
        {
            return (Plan, Targets);
        }

        var binding = _asyncBinding;
        if (binding is null)
        {
            var plan = AsyncWasi.PlanFor(Plan, Component.Types, Options.Imports);
            binding = new Tuple<ImportPlan, object?[]>(plan, AsyncWasi.TargetsFor(plan, Targets));
            _asyncBinding = binding;
        }

        return (binding.Item1, binding.Item2);
    }

    private Tuple<ImportPlan, object?[]>? _asyncBinding;

    /// <summary>The shared linker for synchronous or async instances of this plan (built on first use, kept with the component).</summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    internal LinkerHandle LinkerFor(bool async) => Code.Linker(BindingFor(async).Plan, Options.TrapUnimplementedImports, async);

    /// <summary>Creates a store and instantiates the component in it with the prepared linker.</summary>
    /// <exception cref="ObjectDisposedException">The component is disposed.</exception>
    /// <exception cref="ComponentBindingException">The component's start code trapped, or a host import it called threw.</exception>
    /// <exception cref="ComponentResourceLimitException">The component needs more than the limits in <see cref="Options"/> (or the pooling allocator) allow.</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public ComponentInstance Instantiate()
    {
        ObjectDisposedException.ThrowIf(Component.IsDisposed, Component);
        return new ComponentInstance(Component, Options, this);
    }

    /// <summary>
    /// Creates a store and instantiates the component in it with the prepared options, but with its own host objects:
    /// for hosts that give each instance new import objects (per request, per tenant) and still want the prepared
    /// binding and linker. When <paramref name="imports"/> has the prepared shape (the same host types for the same
    /// imports), the instance uses the prepared binding and linker as they are; otherwise it is bound as
    /// <see cref="WasmComponent.Instantiate(InstanceOptions)"/> would bind it (binding and linker cached per shape too).
    /// </summary>
    /// <param name="imports">A <see cref="ComponentImports"/>, or a plain object whose properties match imports by short PascalCase name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="imports"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The component is disposed.</exception>
    /// <exception cref="ComponentBindingException">An import is missing or a host method does not fit (another shape only), the component's start code trapped, or a host import it called threw.</exception>
    /// <exception cref="ComponentResourceLimitException">The component needs more than the limits in <see cref="Options"/> (or the pooling allocator) allow.</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public ComponentInstance Instantiate(object imports)
    {
        ArgumentNullException.ThrowIfNull(imports);
        ObjectDisposedException.ThrowIf(Component.IsDisposed, Component);
        var bound = ComponentImports.FromObject(imports);

        // Plans are cached per host type shape: the same shape finds this plan (and its linker) again.
        var plan = HostBinder.Plan(Component.Name, Component.Types, bound, Component.UsesWasi, Options.TrapUnimplementedImports);
        var own = new PreparedComponent(Component, Code, Options, plan, HostBinder.Targets(plan, bound));
        return new ComponentInstance(Component, Options, own);
    }

    /// <summary>
    /// Creates a store and instantiates the component in it as an async instance (see
    /// <see cref="WasmComponent.InstantiateAsync(InstanceOptions, CancellationToken)"/>), with the prepared binding.
    /// </summary>
    /// <param name="cancellationToken">Stops the instantiation (<see cref="ComponentCanceledException"/>) while the start code runs.</param>
    /// <exception cref="ObjectDisposedException">The component is disposed.</exception>
    /// <exception cref="ComponentBindingException">The component's start code trapped, or a host import it called threw.</exception>
    /// <exception cref="PlatformNotSupportedException">The platform has no fiber callbacks (only x86-64 Linux and macOS do).</exception>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
    public Task<ComponentInstance> InstantiateAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Component.IsDisposed, Component);
        return Component.InstantiateAsyncCore(Options, this, cancellationToken);
    }

    /// <inheritdoc/>
    public override string ToString() => Component.Name;
}
