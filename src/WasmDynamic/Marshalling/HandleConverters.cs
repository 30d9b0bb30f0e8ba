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
    private readonly GuestResourceClass _class;

    public GuestHandleConverter(WitHandle wit, GuestResourceClass resourceClass)
        : base(wit)
    {
        _handle = wit;
        _class = resourceClass;
    }

    public override void Lower(T value, Val* dst, MarshalContext cx)
    {
        var any = cx.Site.LowerGuestResource(value, _handle, typeof(T), dst, cx);
        dst->Kind = ValKind.Resource;
        dst->Resource = any;
    }

    public override T Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, ValKind.Resource, Wit);
        return (T)cx.Site.LiftGuestResource(_class, src->Resource);
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

    public override void Lower(T value, Val* dst, MarshalContext cx)
    {
        if (value is null)
        {
            throw new ComponentArgumentException($"A null {typeof(T).Name} was returned where WIT '{Wit}' needs a {_handle.Resource.Name} resource.");
        }

        var site = cx.Site;
        var rep = site.AddHostResource(value, _tag, owned: !_handle.IsBorrow);
        var host = ComponentApi.wasmtime_component_resource_host_new(!_handle.IsBorrow, rep, _tag);
        try
        {
            nint any;
            var error = ComponentApi.wasmtime_component_resource_host_to_any(site.StoreContext, host, &any);
            if (error != 0)
            {
                site.RemoveHostResource(rep);
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

    public override T Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, ValKind.Resource, Wit);
        var site = cx.Site;
        nint host;
        var error = ComponentApi.wasmtime_component_resource_any_to_host(site.StoreContext, src->Resource, &host);
        if (error != 0)
        {
            throw new WasmDynamicException($"The guest passed a handle that is not a host {_handle.Resource.Name}: {NativeError.TakeMessage(error)}");
        }

        try
        {
            var rep = ComponentApi.wasmtime_component_resource_host_rep(host);
            var owned = ComponentApi.wasmtime_component_resource_host_owned(host);
            var value = site.GetHostResource(rep, _tag, _handle.Resource.Name!);

            // An own<R> handed to the host leaves the table: the host object now belongs to the host code.
            if (owned)
            {
                site.RemoveHostResource(rep);
            }

            return value as T ?? throw new WasmDynamicException($"Host resource {rep} is a {value.GetType().Name}, not a {typeof(T).Name}.");
        }
        finally
        {
            ComponentApi.wasmtime_component_resource_host_delete(host);
        }
    }
}
