using WasmDynamic.Imports;
using WasmDynamic.Native;

namespace WasmDynamic;

/// <summary>
/// A component with its host imports bound and its linker (WASI included) built, made by
/// <see cref="WasmComponent.Prepare(InstanceOptions)"/>: each <see cref="Instantiate"/> only creates a store and
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
    internal PreparedComponent(WasmComponent component, InstanceOptions options, ImportPlan plan, object?[] targets)
    {
        Component = component;
        Options = options;
        Plan = plan;
        Targets = targets;
        IsAsync = plan.Functions.Any(f => f.Async);
    }

    /// <summary>The component this prepares.</summary>
    public WasmComponent Component { get; }

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
    internal LinkerHandle LinkerFor(bool async) => Component.Linker(BindingFor(async).Plan, Options.TrapUnimplementedImports, async);

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
