using System.Collections.Immutable;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Marshalling;

/// <summary><c>list&lt;T&gt;</c> to and from arrays, lists and other sequences.</summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed unsafe class ListConverter<TElem, TColl> : ValueConverter<TColl>
    where TColl : IEnumerable<TElem>
{
    private readonly ValueConverter<TElem> _element;
    private readonly Func<TElem[], TColl> _fromArray;

    /// <summary>log2 of the element size when the list may travel to a bulk twin as its elements' bytes, else -1.</summary>
    private readonly int _bulkShift;

    public ListConverter(WitType wit, ValueConverter<TElem> element, Func<TElem[], TColl> fromArray)
        : base(wit)
    {
        _element = element;
        _fromArray = fromArray;
        _bulkShift = wit is WitList { Element: WitPrimitive { PrimitiveKind: var k } } && BulkValues.ClrTypeOf(k) == typeof(TElem)
            ? BulkAdapter.BulkPlan.ElementShift(k)
            : -1;
    }

    public override void Lower(TColl value, Val* dst, MarshalContext cx)
    {
        if (value is null)
        {
            throw new ComponentArgumentException($"A null collection was given where WIT '{Wit}' needs a list (pass an empty collection instead).");
        }

        if (value is ImmutableArray<TElem> { IsDefault: true })
        {
            throw new ComponentArgumentException($"A default (uninitialized) ImmutableArray was given where WIT '{Wit}' needs a list (pass ImmutableArray<{typeof(TElem).Name}>.Empty, or an array built with ImmutableArray.Create).");
        }

        dst->Kind = ValKind.List;
        switch (value)
        {
            case TElem[] array when array.GetType() != typeof(TElem[]):
                // Array covariance: an int[] passes for a uint[] at run time; convert its elements, checking their range.
                LowerSpan(Reinterpreted(array), dst, cx);
                break;
            case TElem[] array:
                LowerSpan(array, dst, cx);
                break;
            case List<TElem> list:
                LowerSpan(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list), dst, cx);
                break;
            case IReadOnlyList<TElem> ro:
            {
                int count;
                try
                {
                    count = ro.Count;
                }
                catch (Exception e) when (e is not WasmDynamicException)
                {
                    throw ReadFailed(ro, e);
                }

                var vals = cx.AllocVals(&dst->Vec, count, tuple: false);
                for (var i = 0; i < count; i++)
                {
                    TElem item;
                    try
                    {
                        item = ro[i];
                    }
                    catch (Exception e) when (e is not WasmDynamicException)
                    {
                        throw ReadFailed(ro, e);
                    }

                    try
                    {
                        _element.Lower(item, vals + i, cx);
                    }
                    catch (ComponentArgumentException e)
                    {
                        throw ElementFailed(e, i);
                    }
                }

                break;
            }

            default:
                TElem[] items;
                try
                {
                    items = value.ToArray();
                }
                catch (Exception e) when (e is not WasmDynamicException)
                {
                    throw ReadFailed(value, e);
                }

                LowerSpan(items, dst, cx);
                break;
        }
    }

    /// <summary>The user's collection threw while it was read (its enumerator, indexer or count): an argument error with that exception inside.</summary>
    private ComponentArgumentException ReadFailed(object collection, Exception e) =>
        new($"Reading the {collection.GetType().Name} given where WIT '{Wit}' needs a list threw {e.GetType().Name}: {e.Message} (pass a collection that can be enumerated, e.g. an array or a List).", e);

    private void LowerSpan(ReadOnlySpan<TElem> items, Val* dst, MarshalContext cx)
    {
        if (_bulkShift >= 0 && items.Length <= Array.MaxLength >> _bulkShift && cx.IsBulkSlot(dst, items.Length << _bulkShift))
        {
            // The elements' own bytes: little-endian numbers laid out as the canonical ABI stores them.
            var bytes = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(
                ref System.Runtime.CompilerServices.Unsafe.As<TElem, byte>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(items)), items.Length << _bulkShift);
            BulkValues.Lower(bytes, dst, cx);
            return;
        }

        var vals = cx.AllocVals(&dst->Vec, items.Length, tuple: false);
        for (var i = 0; i < items.Length; i++)
        {
            try
            {
                _element.Lower(items[i], vals + i, cx);
            }
            catch (ComponentArgumentException e)
            {
                throw ElementFailed(e, i);
            }
        }
    }

    /// <summary>The elements of an array whose real element type differs from <typeparamref name="TElem"/>, range-checked.</summary>
    internal static TElem[] Reinterpreted(Array array)
    {
        var result = new TElem[array.Length];
        for (var i = 0; i < result.Length; i++)
        {
            try
            {
                result[i] = (TElem)Coercion.Convert(array.GetValue(i), typeof(TElem), string.Empty)!;
            }
            catch (ComponentArgumentException e)
            {
                throw ElementFailed(e, i);
            }
        }

        return result;
    }

    internal static ComponentArgumentException ElementFailed(ComponentArgumentException e, int index)
    {
        e.Path = "[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]" + e.Path;
        return e;
    }

    public override TColl Lift(Val* src, MarshalContext cx)
    {
        if (_bulkShift >= 0 && src->Kind == ValKind.String)
        {
            return _fromArray(BulkValues.LiftArray<TElem>(src, _bulkShift));
        }

        ExpectKind(src, ValKind.List, Wit);
        var count = checked((int)src->Vec.Size);
        var array = count == 0 ? Array.Empty<TElem>() : new TElem[count];
        for (var i = 0; i < count; i++)
        {
            array[i] = _element.Lift(src->Vec.Data + i, cx);
        }

        return _fromArray(array);
    }
}

/// <summary><c>list&lt;u8&gt;</c> as <c>byte[]</c>, without a virtual call per element.</summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed unsafe class ByteArrayConverter(WitType wit) : ValueConverter<byte[]>(wit)
{
    public override void Lower(byte[] value, Val* dst, MarshalContext cx)
    {
        if (value is null)
        {
            throw new ComponentArgumentException($"A null byte[] was given where WIT '{Wit}' needs a list (pass an empty array instead).");
        }

        if (value.GetType() != typeof(byte[]))
        {
            // Array covariance: an sbyte[] passes for a byte[] at run time.
            value = ListConverter<byte, byte[]>.Reinterpreted(value);
        }

        if (cx.IsBulkSlot(dst, value.Length))
        {
            BulkValues.Lower(value, dst, cx);
            return;
        }

        dst->Kind = ValKind.List;
        var vals = cx.AllocVals(&dst->Vec, value.Length, tuple: false);
        for (var i = 0; i < value.Length; i++)
        {
            vals[i].Kind = ValKind.U8;
            vals[i].U8 = value[i];
        }
    }

    public override byte[] Lift(Val* src, MarshalContext cx)
    {
        if (src->Kind == ValKind.String)
        {
            return BulkValues.Lift(src);
        }

        ExpectKind(src, ValKind.List, Wit);
        var count = checked((int)src->Vec.Size);
        var result = count == 0 ? Array.Empty<byte>() : new byte[count];
        var data = src->Vec.Data;
        for (var i = 0; i < count; i++)
        {
            result[i] = data[i].U8;
        }

        return result;
    }
}

/// <summary>How a list converter turns the lifted array into the collection type the CLR signature asks for.</summary>
internal static class CollectionShapes
{
    /// <summary>The element type of a supported collection type, or null.</summary>
    public static Type? ElementType(Type t)
    {
        if (t.IsArray && t.GetArrayRank() == 1)
        {
            return t.GetElementType();
        }

        if (t.IsGenericType)
        {
            var def = t.GetGenericTypeDefinition();
            if (def == typeof(List<>) || def == typeof(IReadOnlyList<>) || def == typeof(IList<>) || def == typeof(IEnumerable<>)
                || def == typeof(ICollection<>) || def == typeof(IReadOnlyCollection<>) || def == typeof(ImmutableArray<>))
            {
                return t.GetGenericArguments()[0];
            }
        }

        return null;
    }

    public static Func<TElem[], TColl> FromArray<TElem, TColl>()
    {
        var t = typeof(TColl);
        if (t == typeof(List<TElem>))
        {
            return (Func<TElem[], TColl>)(object)(Func<TElem[], List<TElem>>)(a => new List<TElem>(a));
        }

        if (t == typeof(ImmutableArray<TElem>))
        {
            return (Func<TElem[], TColl>)(object)(Func<TElem[], ImmutableArray<TElem>>)(a => ImmutableArray.Create(a));
        }

        if (t == typeof(IList<TElem>) || t == typeof(ICollection<TElem>))
        {
            return a => (TColl)(object)new List<TElem>(a);
        }

        // Arrays satisfy T[], IReadOnlyList<T>, IReadOnlyCollection<T> and IEnumerable<T> as they are.
        return a => (TColl)(object)a;
    }
}
