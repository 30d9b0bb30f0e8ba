using WasmDynamic.Hosting;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Marshalling;

/// <summary>
/// <c>own&lt;R&gt;</c> / <c>borrow&lt;R&gt;</c> of a resource the component exports, as an emitted
/// <see cref="ComponentResource"/> class (or the user's interface it implements).
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed unsafe class GuestHandleConverter<T> : ValueConverter<T>
    where T : class
{
    private readonly WitHandle _handle;
    private readonly Emit.ResourceClassInfo _class;

    public GuestHandleConverter(WitHandle wit, Emit.ResourceClassInfo resourceClass)
        : base(wit)
    {
        _handle = wit;
        _class = resourceClass;
    }

    public override void Lower(T value, Val* dst, LowerContext cx)
    {
        if (value is not ComponentResource resource)
        {
            throw new ComponentArgumentException(value is null
                ? $"A null {typeof(T).Name} was given where WIT '{Wit}' needs a {_handle.Resource.Name} resource."
                : $"{value.GetType().Name} is not a {_handle.Resource.Name} resource of this component (WIT '{Wit}').");
        }

        if (resource.Handle.Binding.Resource != _handle.Resource)
        {
            throw new ComponentArgumentException($"A {resource.ResourceName} resource was given where WIT '{Wit}' needs a {_handle.Resource.Name}.");
        }

        if (resource.Handle.Binding.Instance != CallScope.Current)
        {
            throw new ComponentArgumentException($"The {resource.ResourceName} resource belongs to another component instance; handles cannot move between instances.");
        }

        dst->Kind = ValKind.Resource;
        dst->Resource = resource.Handle.ForArgument(transferOwnership: !_handle.IsBorrow, $"as '{Wit}'");
    }

    public override T Lift(Val* src)
    {
        ExpectKind(src, ValKind.Resource, Wit);
        var instance = CallScope.Require($"A {_handle.Resource.Name} resource");
        var binding = instance.ResourceBinding(_handle.Resource, _class);
        var any = ComponentApi.wasmtime_component_resource_any_clone(src->Resource);
        var handle = new ResourceHandle(binding, any, ComponentApi.wasmtime_component_resource_any_owned(any));
        return (T)binding.Create(handle);
    }
}

/// <summary>
/// <c>own&lt;R&gt;</c> / <c>borrow&lt;R&gt;</c> of a resource the host implements (an imported interface's resource),
/// as the user's own .NET object, kept in the store's handle table.
/// </summary>
internal sealed unsafe class HostHandleConverter<T> : ValueConverter<T>
    where T : class
{
    private readonly WitHandle _handle;
    private readonly uint _tag;

    public HostHandleConverter(WitHandle wit, uint tag)
        : base(wit)
    {
        _handle = wit;
        _tag = tag;
    }

    public override void Lower(T value, Val* dst, LowerContext cx)
    {
        if (value is null)
        {
            throw new ComponentArgumentException($"A null {typeof(T).Name} was returned where WIT '{Wit}' needs a {_handle.Resource.Name} resource.");
        }

        var instance = CallScope.Require($"A {_handle.Resource.Name} resource");
        var rep = instance.State.HostResources.Add(value, _tag, owned: !_handle.IsBorrow);
        var host = ComponentApi.wasmtime_component_resource_host_new(!_handle.IsBorrow, rep, _tag);
        try
        {
            nint any;
            var error = ComponentApi.wasmtime_component_resource_host_to_any(instance.Context, host, &any);
            if (error != 0)
            {
                instance.State.HostResources.Remove(rep);
                throw new WasmDynamicException($"Wasmtime could not hand a {_handle.Resource.Name} resource to the guest: {NativeError.TakeMessage(error)}");
            }

            dst->Kind = ValKind.Resource;
            dst->Resource = any;
        }
        finally
        {
            ComponentApi.wasmtime_component_resource_host_delete(host);
        }
    }

    public override T Lift(Val* src)
    {
        ExpectKind(src, ValKind.Resource, Wit);
        var instance = CallScope.Require($"A {_handle.Resource.Name} resource");
        nint host;
        var error = ComponentApi.wasmtime_component_resource_any_to_host(instance.Context, src->Resource, &host);
        if (error != 0)
        {
            throw new WasmDynamicException($"The guest passed a handle that is not a host {_handle.Resource.Name}: {NativeError.TakeMessage(error)}");
        }

        try
        {
            var rep = ComponentApi.wasmtime_component_resource_host_rep(host);
            var owned = ComponentApi.wasmtime_component_resource_host_owned(host);
            var value = instance.State.HostResources.Get(rep, _tag, _handle.Resource.Name!);

            // An own<R> handed to the host leaves the table: the host object now belongs to the host code.
            if (owned)
            {
                instance.State.HostResources.Remove(rep);
            }

            return value as T ?? throw new WasmDynamicException($"Host resource {rep} is a {value.GetType().Name}, not a {typeof(T).Name}.");
        }
        finally
        {
            ComponentApi.wasmtime_component_resource_host_delete(host);
        }
    }
}
