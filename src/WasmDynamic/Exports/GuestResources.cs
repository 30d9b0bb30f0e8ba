using WasmDynamic.Marshalling;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Exports;

/// <summary>
/// The guest resource handles one instance has handed to .NET, and the bindings of its emitted resource classes. It
/// is the <see cref="IResourceSite"/> of the instance's export calls: lifting a handle binds the new object to this
/// instance, lowering one checks that it belongs here. Handles never disposed are freed with the store.
/// </summary>
internal sealed class GuestResources : IResourceSite
{
    private readonly IExportHost _instance;
    private readonly HashSet<ResourceHandle> _live = new();
    private readonly Dictionary<Type, ResourceBinding> _bindings = new();

    public GuestResources(IExportHost instance)
    {
        _instance = instance;
    }

    public nint StoreContext => _instance.Context;

    public uint AddHostResource(object value, uint tag, bool owned) => _instance.HostResources.AddHostResource(value, tag, owned);

    public object GetHostResource(uint rep, uint tag, string name) => _instance.HostResources.GetHostResource(rep, tag, name);

    public void RemoveHostResource(uint rep) => _instance.HostResources.RemoveHostResource(rep);

    public unsafe nint LowerGuestResource(object? value, WitHandle handle, Type declared, Val* slot, MarshalContext cx)
    {
        if (value is not IResourceObject resource)
        {
            throw new ComponentArgumentException(value is null
                ? $"A null {declared.Name} was given where WIT '{handle}' needs a {handle.Resource.Name} resource."
                : $"{value.GetType().Name} is not a {handle.Resource.Name} resource of this component (WIT '{handle}').");
        }

        if (resource.Handle.Binding.Resource != handle.Resource)
        {
            throw new ComponentArgumentException($"A {resource.Handle.Binding.Resource.Name} resource was given where WIT '{handle}' needs a {handle.Resource.Name}.");
        }

        if (resource.Handle.Binding.Instance != _instance)
        {
            throw new ComponentArgumentException($"The {resource.Handle.Binding.Resource.Name} resource belongs to another component instance; handles cannot move between instances.");
        }

        return resource.Handle.ForArgument(transferOwnership: !handle.IsBorrow, $"as '{handle}'", slot, cx);
    }

    public unsafe object LiftGuestResource(GuestResourceClass resourceClass, nint any)
    {
        var binding = Binding(resourceClass);
        var clone = ComponentApi.wasmtime_component_resource_any_clone(any);
        var handle = new ResourceHandle(binding, clone, ComponentApi.wasmtime_component_resource_any_owned(clone));
        return binding.Create(handle);
    }

    /// <summary>The binding (invokers, factory) of an emitted resource class in this instance.</summary>
    public ResourceBinding Binding(GuestResourceClass resourceClass)
    {
        lock (_bindings)
        {
            if (_bindings.TryGetValue(resourceClass.Type, out var existing))
            {
                return existing;
            }

            var owner = _instance.World.DefiningInterface(resourceClass.Resource);
            var invokers = resourceClass.Functions.Select(f => _instance.Invoker(owner, f)).ToArray();
            var binding = new ResourceBinding(_instance, resourceClass.Resource, invokers, resourceClass);
            _bindings[resourceClass.Type] = binding;
            return binding;
        }
    }

    public void Track(ResourceHandle handle)
    {
        lock (_live)
        {
            _live.Add(handle);
        }
    }

    public void Untrack(ResourceHandle handle)
    {
        lock (_live)
        {
            _live.Remove(handle);
        }
    }

    /// <summary>Invalidates every live handle of a store that is going away and frees their host-side boxes.</summary>
    public void ReleaseAll(string why)
    {
        lock (_live)
        {
            foreach (var handle in _live)
            {
                var any = handle.Invalidate(why);
                if (any != 0)
                {
                    ComponentApi.wasmtime_component_resource_any_delete(any);
                }
            }

            _live.Clear();
        }
    }
}
