namespace WasmDynamic;

/// <summary>
/// The base of record classes WasmDynamic emits for WIT records: PascalCase properties and value equality.
/// </summary>
public abstract class ComponentRecord : IEquatable<ComponentRecord>
{
    /// <summary>The field values, in WIT order (emitted per record type).</summary>
    protected abstract object?[] GetFieldValues();

    /// <summary>The WIT field names, in order (emitted per record type).</summary>
    protected abstract string[] GetFieldNames();

    /// <inheritdoc/>
    public bool Equals(ComponentRecord? other)
    {
        if (other is null || other.GetType() != GetType())
        {
            return false;
        }

        var a = GetFieldValues();
        var b = other.GetFieldValues();
        for (var i = 0; i < a.Length; i++)
        {
            if (!WitEquality.Equal(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ComponentRecord);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(GetType());
        foreach (var v in GetFieldValues())
        {
            h.Add(WitEquality.Hash(v));
        }

        return h.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var names = GetFieldNames();
        var values = GetFieldValues();
        return GetType().Name + " { " + string.Join(", ", names.Select((n, i) => Naming.ToPascalCase(n) + " = " + Format(values[i]))) + " }";
    }

    internal static string Format(object? v) => v switch
    {
        null => "null",
        string s => '"' + s + '"',
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Format)) + "]",
        _ => v.ToString() ?? string.Empty,
    };
}

/// <summary>
/// The base of variant classes WasmDynamic emits for WIT variants: one nested sealed class per case, so C# code can
/// switch on the case type, or read <see cref="Case"/> and <see cref="Payload"/>.
/// </summary>
public abstract class ComponentVariant : IEquatable<ComponentVariant>
{
    /// <summary>The WIT case name (kebab-case).</summary>
    public abstract string Case { get; }

    /// <summary>The payload, or null for a case without one.</summary>
    public abstract object? Payload { get; }

    /// <inheritdoc/>
    public bool Equals(ComponentVariant? other) => other is not null && other.GetType() == GetType() && WitEquality.Equal(Payload, other.Payload);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ComponentVariant);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(GetType(), WitEquality.Hash(Payload));

    /// <inheritdoc/>
    public override string ToString() => Payload is null && !HasPayload ? Case : $"{Case}({ComponentRecord.Format(Payload)})";

    /// <summary>True when the case carries a payload.</summary>
    protected virtual bool HasPayload => Payload is not null;
}
