using System.Reflection;

namespace WasmDynamic.Imports;

/// <summary>Reads the properties of host objects the imports are bound from (delegates, nested host objects).</summary>
internal static class HostProperty
{
    /// <summary>
    /// The value of <paramref name="property"/> of <paramref name="target"/>, read for the import
    /// <paramref name="import"/>; a getter that throws becomes a <see cref="ComponentBindingException"/> naming both.
    /// </summary>
    /// <exception cref="ComponentBindingException">The getter threw (its exception is the inner exception).</exception>
    public static object? Read(PropertyInfo property, object target, string import)
    {
        try
        {
            return property.GetValue(target);
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            throw new ComponentBindingException(
                $"Reading property '{property.Name}' of {target.GetType().Name} for the import '{import}' threw {inner.GetType().Name}: {inner.Message} WasmDynamic reads the public properties of a host object to find its imports: make the getter return a value (null for an import not provided), or give the imports one by one with ComponentImports.Add.",
                [],
                inner);
        }
    }
}
