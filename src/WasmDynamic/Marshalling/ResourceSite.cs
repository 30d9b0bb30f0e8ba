using System.Reflection;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Marshalling;

/// <summary>
/// What handle converters need from the store a call runs in: the store's native context, the host objects behind
/// host-implemented handles, and the guest-resource objects of the instance. Converters are shared by every instance
/// of a world, so they reach it through the <see cref="MarshalContext"/> they are given, never through ambient state;
/// the instance (export side) and the store's host-call state (import side) implement it.
/// </summary>
internal interface IResourceSite
{
    /// <summary>The store's <c>wasmtime_context_t*</c>.</summary>
    nint StoreContext { get; }

    /// <summary>Puts a host object in the store's handle table and returns its rep.</summary>
    uint AddHostResource(object value, uint tag, bool owned);

    /// <summary>The host object behind rep <paramref name="rep"/>; throws when the store does not hold it.</summary>
    object GetHostResource(uint rep, uint tag, string name);

    /// <summary>Takes rep <paramref name="rep"/> out of the store's handle table.</summary>
    void RemoveHostResource(uint rep);

    /// <summary>
    /// The native handle to put in an argument for <paramref name="value"/>, which must be a resource object of this
    /// instance for <paramref name="handle"/>'s resource; an <c>own</c> moves it into the guest.
    /// </summary>
    /// <remarks>
    /// The handle is recorded in <paramref name="cx"/> (lowered into <paramref name="slot"/>) and changes only when the
    /// call enters the instance (<see cref="MarshalContext.CommitHandles"/>).
    /// </remarks>
    /// <exception cref="ComponentArgumentException">The value is not such a resource, it belongs elsewhere, or the call already has it where an own takes it.</exception>
    unsafe nint LowerGuestResource(object? value, WitHandle handle, Type declared, Val* slot, MarshalContext cx);

    /// <summary>The .NET object (an emitted resource class) for a guest handle the guest returned; the handle is borrowed.</summary>
    object LiftGuestResource(GuestResourceClass resourceClass, nint any);
}

/// <summary>
/// An emitted class for a guest resource: its type, the functions its methods call, and a factory. Emit fills it in;
/// the converters and the instance read it.
/// </summary>
internal sealed class GuestResourceClass
{
    public GuestResourceClass(WitResource resource, Type? clrInterface)
    {
        Resource = resource;
        ClrInterface = clrInterface;
    }

    public WitResource Resource { get; }

    /// <summary>The user interface it implements, or null for the default-map class.</summary>
    public Type? ClrInterface { get; }

    /// <summary>The created class (the type builder while it is being emitted).</summary>
    public Type Type { get; set; } = null!;

    /// <summary>The resource's methods, in invoker order.</summary>
    public WitFunction[] Functions { get; set; } = [];

    /// <summary>The emitted method bound to each of <see cref="Functions"/> (what <c>dynamic</c> calls bind to).</summary>
    public MethodInfo[] Methods { get; set; } = [];

    /// <summary>Creates the .NET object for a handle (the argument is the instance's handle object).</summary>
    public Func<object, object> Create { get; set; } = null!;
}

/// <summary>
/// A guest resource handle as a call's arguments see it (<see cref="MarshalContext.AddHandle"/>): lowered without
/// changing it, then checked and, for an own, moved into the guest when the call enters the instance.
/// </summary>
internal interface IArgumentHandle
{
    /// <summary>True while the handle still holds <paramref name="any"/> (not disposed, moved or released with its store since it was lowered).</summary>
    bool Holds(nint any);

    /// <summary>The guest takes the resource (an own argument of a call that is entering the instance): the handle lets go of it.</summary>
    void MoveToGuest();

    /// <summary>
    /// The exception for a handle that no longer holds what was lowered, passed <paramref name="where"/> into the
    /// argument <paramref name="location"/> names (a sentence, or empty).
    /// </summary>
    Exception Released(string where, string location);
}
