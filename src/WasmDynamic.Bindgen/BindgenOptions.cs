namespace WasmDynamic.Bindgen;

/// <summary>How <see cref="Bindgen"/> writes the bindings.</summary>
public sealed record BindgenOptions
{
    /// <summary>
    /// Asynchronous bindings (default false). Each exported interface keeps its synchronous methods and gains, for each
    /// plain function <c>x</c>, <c>Task&lt;T&gt; XAsync(…, CancellationToken cancellationToken = default)</c> (<c>Task</c>
    /// when <c>x</c> returns nothing), bound to the same WIT function; a caller picks either per call. Each imported
    /// (host) interface is written with only asynchronous methods, <c>Task&lt;T&gt; XAsync(…, CancellationToken
    /// cancellationToken)</c>, since the host implements every member it declares; the <c>WitBindings.Add…</c>
    /// registrations pass them on as they are. Resource constructors, methods and statics stay synchronous.
    /// </summary>
    /// <remarks>
    /// The async members follow WasmDynamic's async binding rule: a method returning <c>Task</c>/<c>Task&lt;T&gt;</c>
    /// named <c>XAsync</c>, with an optional trailing <see cref="CancellationToken"/>, binds to the WIT function
    /// <c>x</c>; every generated member also names its WIT function with <c>[WitName]</c>.
    /// </remarks>
    public bool Async { get; init; }
}
