using WasmDynamic.Marshalling;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Exports;

/// <summary>Per instance and resource class: the invokers its emitted methods call.</summary>
internal sealed class ResourceBinding
{
    public ResourceBinding(IExportHost instance, WitResource resource, FunctionInvoker[] invokers, GuestResourceClass info)
    {
        Instance = instance;
        Resource = resource;
        Invokers = invokers;
        Info = info;
        Create = info.Create;
    }

    /// <summary>The emitted class: its methods and the WIT functions they call.</summary>
    public GuestResourceClass Info { get; }

    public IExportHost Instance { get; }

    public WitResource Resource { get; }

    public FunctionInvoker[] Invokers { get; }

    /// <summary>Creates the .NET object (an emitted resource class, an <see cref="IResourceObject"/>) for a handle.</summary>
    public Func<object, object> Create { get; }
}

/// <summary>
/// One guest resource handle (<c>wasmtime_component_resource_any_t*</c>) held by .NET. The instance tracks every live
/// handle, so those never disposed are deleted with it; no finalizer ever touches native memory.
/// </summary>
internal sealed unsafe class ResourceHandle : IArgumentHandle
{
    private nint _any;
    private string? _invalidated;

    public ResourceHandle(ResourceBinding binding, nint any, bool owned)
    {
        Binding = binding;
        _any = any;
        Owned = owned;
        binding.Instance.Resources.Track(this);
    }

    public ResourceBinding Binding { get; }

    public bool Owned { get; }

    public bool IsReleased => _any == 0 || Binding.Instance.IsDisposed;

    /// <summary>
    /// The handle to put in an argument lowered into <paramref name="slot"/>; throws if it was disposed or moved. It is
    /// only recorded in <paramref name="cx"/>: an own moves into the guest when the call enters the instance
    /// (<see cref="MarshalContext.CommitHandles"/>), so a call that never runs leaves the handle as it was.
    /// </summary>
    public nint ForArgument(bool transferOwnership, string where, Val* slot, MarshalContext cx)
    {
        var any = _any;
        if (any == 0 || Binding.Instance.IsDisposed)
        {
            throw Released(where, cx.Location((nint)slot));
        }

        if (transferOwnership && !Owned)
        {
            throw new ComponentArgumentException($"A borrowed {Binding.Resource.Name} cannot be passed {where}, which takes ownership (own<{Binding.Resource.Name}>).");
        }

        cx.AddHandle(this, any, transferOwnership, slot, Binding.Resource.Name!, where);
        return any;
    }

    /// <inheritdoc/>
    public bool Holds(nint any) => any != 0 && _any == any && !Binding.Instance.IsDisposed;

    /// <inheritdoc/>
    public void MoveToGuest()
    {
        // The guest takes the resource; only our host-side box remains, which the call's context frees once it is over.
        _any = 0;
        Binding.Instance.Resources.Untrack(this);
    }

    /// <inheritdoc/>
    public Exception Released(string where, string location)
    {
        var what = _invalidated
            ?? (Binding.Instance.IsDisposed ? "its component instance was disposed" : "it was already disposed or moved into the component");
        var name = Binding.Resource.Name;
        return new ObjectDisposedException(name, $"The {name} resource passed {where} cannot be used: {what}.{(location.Length == 0 ? string.Empty : " " + location)} "
            + $"Pass a live {name}: one not disposed, and not given to an earlier call that took ownership (own<{name}>) — use the object that call returned, or create a new one.");
    }

    /// <summary>Drops an owned handle (guest destructor) and frees the box.</summary>
    public void Drop()
    {
        var instance = Binding.Instance;
        instance.DropResource(this);
    }

    /// <summary>As <see cref="Drop"/>, waiting for an async instance without blocking a thread.</summary>
    public ValueTask DropAsync() => Binding.Instance.DropResourceAsync(this);

    /// <summary>Called by the instance under its call lock when its store goes away; <paramref name="why"/> is for later use.</summary>
    internal nint Invalidate(string why)
    {
        _invalidated = why;
        return Take();
    }

    /// <summary>Called by the instance under its call lock.</summary>
    internal nint Take()
    {
        var any = _any;
        _any = 0;
        return any;
    }
}
