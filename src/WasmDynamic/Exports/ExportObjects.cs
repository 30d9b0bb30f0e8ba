namespace WasmDynamic.Exports;

/// <summary>
/// An emitted export proxy as the export runtime and the <c>dynamic</c> layer see it: the public base
/// (<c>ComponentProxy</c>, in the facade) implements it, so the layers below the facade never name the base.
/// </summary>
internal interface IProxyObject
{
    /// <summary>What the proxy is bound to: its instance, its invokers and its emitted type.</summary>
    ProxyBinding Binding { get; }
}

/// <summary>
/// An emitted guest resource object as the export runtime and the <c>dynamic</c> layer see it: the public base
/// (<c>ComponentResource</c>, in the facade) implements it.
/// </summary>
internal interface IResourceObject
{
    /// <summary>The guest handle the object holds.</summary>
    ResourceHandle Handle { get; }
}
