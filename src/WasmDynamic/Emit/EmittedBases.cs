using System.Reflection;

namespace WasmDynamic.Emit;

/// <summary>
/// A class emitted types derive from, with the two members their IL uses: the constructor taking the binding
/// (<c>object</c>) and the field holding the invokers (an array of <see cref="ExportCall"/>, indexed by method).
/// </summary>
/// <remarks>
/// The bases are public API of the facade (<c>ComponentProxy</c>, <c>ComponentResource</c>: they name the instance and
/// create their <c>dynamic</c> meta-objects), so Emit is handed them at run time instead of naming them; that keeps
/// the folder chain free of cycles. A base that does not fit fails here, when the descriptor is made, not mid-emit.
/// </remarks>
internal sealed class EmittedBase
{
    public EmittedBase(Type type, ConstructorInfo constructor, FieldInfo invokers)
    {
        if (!type.IsAbstract || constructor.DeclaringType != type || constructor.GetParameters() is not [{ ParameterType: var p }] || p != typeof(object))
        {
            throw new ArgumentException($"{type} needs an abstract base with a constructor taking the binding (object).", nameof(constructor));
        }

        if (invokers.DeclaringType != type || invokers.FieldType.GetElementType() is not { } element || !typeof(ExportCall).IsAssignableFrom(element))
        {
            throw new ArgumentException($"{type}.{invokers.Name} must be an array of {nameof(ExportCall)} declared by the base.", nameof(invokers));
        }

        Type = type;
        Constructor = constructor;
        Invokers = invokers;
    }

    /// <summary>The base class.</summary>
    public Type Type { get; }

    /// <summary>The constructor every emitted constructor calls: <c>base(binding)</c>.</summary>
    public ConstructorInfo Constructor { get; }

    /// <summary>The field emitted methods read their invoker from: <c>Invokers[k]</c>.</summary>
    public FieldInfo Invokers { get; }
}

/// <summary>The bases of emitted export proxies and of emitted guest resource classes (see <see cref="EmittedBase"/>).</summary>
/// <param name="Proxy">The base of proxy classes (root functions, an exported interface, a <c>GetInterface&lt;T&gt;</c>).</param>
/// <param name="Resource">The base of guest resource classes.</param>
internal sealed record EmittedBases(EmittedBase Proxy, EmittedBase Resource);
