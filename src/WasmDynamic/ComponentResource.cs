using System.Dynamic;
using System.Linq.Expressions;
using WasmDynamic.Emit;
using WasmDynamic.Exports;

namespace WasmDynamic;

/// <summary>
/// The base of the classes WasmDynamic emits for resources a component exports (<c>resource counter { … }</c>):
/// each object holds one handle. Disposing an owned handle drops it (running the guest's destructor); using it
/// afterwards throws <see cref="ObjectDisposedException"/>. Passing it as an <c>own&lt;T&gt;</c> argument transfers it
/// to the guest, after which the object is consumed. Handles never disposed are released with their instance.
/// Through <c>dynamic</c>, the resource's methods bind by WIT name with the same argument conversions as exported
/// functions (names for enums and flags, anonymous objects for records and variants, named arguments).
/// </summary>
public abstract class ComponentResource : IDisposable, IAsyncDisposable, IDynamicMetaObjectProvider, IResourceObject
{
    /// <summary>This class as Emit sees it: the base of emitted resource classes, its constructor and its invokers field.</summary>
    internal static readonly EmittedBase Emitted = EmittedBase.Of(typeof(ComponentResource), nameof(Invokers));

    /// <summary>Called by emitted constructors.</summary>
    private protected ComponentResource(object handle)
    {
        Handle = (ResourceHandle)handle;
        Invokers = Handle.Binding.Invokers;
    }

    internal ResourceHandle Handle { get; }

    ResourceHandle IResourceObject.Handle => Handle;

    internal readonly FunctionInvoker[] Invokers;

    /// <summary>The WIT resource name (<c>counter</c>).</summary>
    public string ResourceName => Handle.Binding.Resource.Name!;

    /// <summary>True for an <c>own</c> handle, false for a borrowed one.</summary>
    public bool IsOwned => Handle.Owned;

    /// <summary>True once disposed, or moved into the guest as an <c>own</c> argument.</summary>
    public bool IsDisposed => Handle.IsReleased;

    /// <summary>
    /// Drops the handle; for an owned handle the guest's destructor runs now. When the instance has trapped, was
    /// recreated after a trap, or was disposed, there is no destructor to run: the handle is just released, silently,
    /// so a <c>using</c> block does not hide the exception that ended the instance.
    /// </summary>
    /// <exception cref="ComponentTrapException">The guest's destructor trapped.</exception>
    /// <exception cref="ComponentReentrancyException">
    /// Called from inside a host import of the instance that owns the resource (its destructor would re-enter the
    /// instance); the handle stays valid, dispose it after the call returns.
    /// </exception>
    /// <exception cref="ComponentDeadlockException">
    /// The instance is busy with a call that cannot finish while this thread waits (see
    /// <see cref="InstanceOptions.HostImportWaitTimeout"/>); the handle stays valid.
    /// </exception>
    public void Dispose()
    {
        Handle.Drop();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// As <see cref="Dispose"/>, but on an async instance (<see cref="ComponentInstance.IsAsync"/>) it waits for the
    /// instance's running call without blocking a thread; the guest destructor then runs on the calling thread (through
    /// the async call path, so a host import the destructor calls is served). On a synchronous instance it is
    /// <see cref="Dispose"/>. A user interface of the resource may extend <see cref="IAsyncDisposable"/> to expose it.
    /// </summary>
    /// <returns>A task that completes when the handle is dropped.</returns>
    /// <exception cref="ComponentTrapException">The guest's destructor trapped.</exception>
    /// <exception cref="ComponentReentrancyException">Called from inside a host import of the instance that owns the resource; the handle stays valid.</exception>
    /// <exception cref="ComponentDeadlockException">The instance is busy with a call stuck in a host import (see <see cref="InstanceOptions.HostImportWaitTimeout"/>); the handle stays valid.</exception>
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Handle.DropAsync();
    }

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "A dynamic operation reaches this object only through members that carry RequiresUnreferencedCode (ComponentInstance.Exports, Invoke, GetInterface, Instantiate).")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As for IL2026: every way to this object carries RequiresDynamicCode.")]
    DynamicMetaObject IDynamicMetaObjectProvider.GetMetaObject(Expression parameter) => new Dynamic.ResourceMetaObject(parameter, this);

    /// <inheritdoc/>
    public override string ToString() => $"{ResourceName}{(IsDisposed ? " (disposed)" : string.Empty)}";
}
