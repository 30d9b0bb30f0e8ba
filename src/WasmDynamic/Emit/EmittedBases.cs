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
    private EmittedBase(Type type, ConstructorInfo constructor, FieldInfo invokers) =>
        (Type, Constructor, Invokers) = (type, constructor, invokers);

    /// <summary>The base class.</summary>
    public Type Type { get; }

    /// <summary>The constructor every emitted constructor calls: <c>base(binding)</c>.</summary>
    public ConstructorInfo Constructor { get; }

    /// <summary>The field emitted methods read their invoker from: <c>Invokers[k]</c>.</summary>
    public FieldInfo Invokers { get; }

    /// <summary>
    /// <paramref name="type"/> as a base: its one non-public constructor taking the binding (<c>object</c>), and its
    /// field <paramref name="invokersField"/> (given with <c>nameof</c> by the base itself).
    /// </summary>
    /// <exception cref="ArgumentException">The base does not have that shape.</exception>
    public static EmittedBase Of(
        [System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.NonPublicConstructors | System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.NonPublicFields)] Type type,
        string invokersField)
    {
        const BindingFlags Own = BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var constructor = type.GetConstructor(Own, [typeof(object)]);
        if (!type.IsAbstract || constructor is null)
        {
            throw new ArgumentException($"{type} needs to be abstract, with a non-public constructor taking the binding (object).", nameof(type));
        }

        var invokers = type.GetField(invokersField, Own);
        if (invokers?.FieldType.GetElementType() is not { } element || !typeof(ExportCall).IsAssignableFrom(element))
        {
            throw new ArgumentException($"{type}.{invokersField} must be a field holding an array of {nameof(ExportCall)}.", nameof(invokersField));
        }

        return new EmittedBase(type, constructor, invokers);
    }
}

/// <summary>The bases of emitted export proxies and of emitted guest resource classes (see <see cref="EmittedBase"/>).</summary>
/// <param name="Proxy">The base of proxy classes (root functions, an exported interface, a <c>GetInterface&lt;T&gt;</c>).</param>
/// <param name="Resource">The base of guest resource classes.</param>
internal sealed record EmittedBases(EmittedBase Proxy, EmittedBase Resource);
