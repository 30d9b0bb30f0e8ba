using System.ComponentModel;

namespace WasmDynamic;

/// <summary>
/// Value equality that looks into sequences and tuples, element by element, where C# would compare list references:
/// the one rule behind emitted records, <see cref="Option{T}"/>, <see cref="Result{T, E}"/> and the records
/// <c>WasmDynamic.Bindgen</c> generates (generated code calls it; it is not meant to be called by hand).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WitEquality
{
    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> are equal, sequences and tuples compared element by element.</summary>
    /// <param name="a">A value.</param>
    /// <param name="b">Another value.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool Equal(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null)
        {
            return false;
        }

        if (a is System.Collections.IEnumerable ea && b is System.Collections.IEnumerable eb && a is not string)
        {
            var ia = ea.GetEnumerator();
            var ib = eb.GetEnumerator();
            while (true)
            {
                var ma = ia.MoveNext();
                if (ma != ib.MoveNext())
                {
                    return false;
                }

                if (!ma)
                {
                    return true;
                }

                if (!Equal(ia.Current, ib.Current))
                {
                    return false;
                }
            }
        }

        if (a is System.Runtime.CompilerServices.ITuple ta && b is System.Runtime.CompilerServices.ITuple tb && a.GetType() == b.GetType())
        {
            for (var i = 0; i < ta.Length; i++)
            {
                if (!Equal(ta[i], tb[i]))
                {
                    return false;
                }
            }

            return true;
        }

        return a.Equals(b);
    }

    /// <summary>A hash of <paramref name="values"/> consistent with <see cref="Equal"/>.</summary>
    /// <param name="values">The field values.</param>
    /// <returns>The hash code.</returns>
    public static int Hash(params object?[] values)
    {
        var hash = new HashCode();
        foreach (var v in values)
        {
            hash.Add(HashOne(v));
        }

        return hash.ToHashCode();
    }

    private static int HashOne(object? value)
    {
        switch (value)
        {
            case null:
                return 0;
            case string s:
                return s.GetHashCode();
            case System.Collections.IEnumerable e:
            {
                var hash = new HashCode();
                foreach (var x in e)
                {
                    hash.Add(HashOne(x));
                }

                return hash.ToHashCode();
            }

            case System.Runtime.CompilerServices.ITuple t:
            {
                var hash = new HashCode();
                for (var i = 0; i < t.Length; i++)
                {
                    hash.Add(HashOne(t[i]));
                }

                return hash.ToHashCode();
            }

            default:
                return value.GetHashCode();
        }
    }
}
