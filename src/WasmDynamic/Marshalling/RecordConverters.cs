using System.Reflection;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Marshalling;

/// <summary>One field of a record (or element of a tuple), bound to a CLR member.</summary>
internal sealed class MemberBinding<TRecord>
{
    public MemberBinding(string witName, ValueConverter converter, MemberInfo member)
    {
        WitName = witName;
        Name = NativeName.Get(witName);
        Converter = converter;
        Member = member;
        Writable = MemberAccess.IsWritable(member);
        ScalarKind = converter is IScalarConverter scalar ? scalar.Kind : null;
    }

    public string WitName { get; }

    public NativeName Name { get; }

    public ValueConverter Converter { get; }

    /// <summary>The CLR property or field the WIT field is bound to.</summary>
    public MemberInfo Member { get; }

    /// <summary>True when the member can be assigned (a setter, or a non-readonly field).</summary>
    public bool Writable { get; }

    /// <summary>The kind of an in-place scalar field (integers, floats, bool, char), else null.</summary>
    public ValKind? ScalarKind { get; }
}

/// <summary>
/// A WIT record (or tuple) to and from a CLR class or struct: fields match members by name, and lifting uses either
/// a parameterless constructor plus setters or a constructor whose parameters match every field. The fields are
/// lowered and lifted by the emitted methods of <see cref="RecordCodec{T}"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed unsafe class RecordConverter<T> : ValueConverter<T>
{
    private readonly MemberBinding<T>[] _members;
    private readonly bool _tuple;
    private readonly FieldsLowerer<T> _lowerFields;
    private readonly FieldsLifter<T> _liftFields;

    // A record's entries with their names filled in (see the constructor), and its address (the array is pinned).
    private readonly byte[]? _entries;
    private readonly RecordEntry* _entriesTemplate;

    public RecordConverter(WitType wit, MemberBinding<T>[] members, bool tuple, ConstructorInfo? constructor)
        : base(wit)
    {
        _members = members;
        _tuple = tuple;
        if (!tuple)
        {
            // The entries of a borrowed (argument) record as lowering starts: every name in place (the interned
            // names live as long as the process), every value zero. Pinned, so it is copied from without fixing.
            _entries = GC.AllocateArray<byte>(Math.Max(members.Length, 1) * RecordEntry.Size, pinned: true);
            fixed (byte* p = _entries)
            {
                _entriesTemplate = (RecordEntry*)p;
            }

            for (var i = 0; i < members.Length; i++)
            {
                _entriesTemplate[i].Name.Data = members[i].Name.Pointer;
                _entriesTemplate[i].Name.Size = (nuint)members[i].Name.Length;
            }
        }

        // The factory binds only types the codec can create (settable members and a parameterless constructor, or a
        // constructor taking every field's member type).
        (_lowerFields, _liftFields) = RecordCodec<T>.TryCreate(members, constructor, tuple ? Val.Size : RecordEntry.Size, tuple ? 0 : RecordEntry.ValueOffset)
            ?? throw new WasmDynamicException($"{typeof(T)} cannot be created for WIT '{wit}': it needs settable members and a parameterless constructor, or a constructor taking every field (a WasmDynamic bug: such types are refused when binding).");
    }

    /// <summary>Lowers every field with the emitted codec; an argument error is located at the field that failed.</summary>
    private void LowerFields(T value, byte* fields, MarshalContext cx)
    {
        var current = -1;
        try
        {
            _lowerFields(value, fields, cx, &current);
        }
        catch (ComponentArgumentException e) when (current >= 0)
        {
            e.Path = "." + (_tuple ? current.ToString(System.Globalization.CultureInfo.InvariantCulture) : _members[current].WitName) + e.Path;
            throw;
        }
    }

    public override void Lower(T value, Val* dst, MarshalContext cx)
    {
        // The type test first: unoptimized code (a Debug build) boxes a struct T to compare it with null.
        if (!typeof(T).IsValueType && value is null)
        {
            throw new ComponentArgumentException($"A null {typeof(T).Name} was given where WIT '{Wit}' needs a value.");
        }

        if (_tuple)
        {
            dst->Kind = ValKind.Tuple;
            LowerFields(value, (byte*)cx.AllocVals(&dst->Vec, _members.Length, tuple: true), cx);
            return;
        }

        dst->Kind = ValKind.Record;
        RecordEntry* entries;
        if (cx.Owned)
        {
            // Wasmtime frees a host result's names: each is its own copy.
            entries = cx.AllocRecord(&dst->Record, _members.Length);
            for (var i = 0; i < _members.Length; i++)
            {
                cx.WriteName(&entries[i].Name, _members[i].Name);
            }
        }
        else
        {
            // Borrowed names and zero values in one copy, instead of clearing the entries and writing each name.
            entries = cx.CopyRecord(&dst->Record, _entriesTemplate, _members.Length);
        }

        LowerFields(value, (byte*)entries, cx);
    }

    public override T Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, _tuple ? ValKind.Tuple : ValKind.Record, Wit);
        var count = _tuple ? (int)src->Vec.Size : (int)src->Record.Size;
        if (count != _members.Length)
        {
            throw new WasmDynamicException($"Wasmtime produced {count} fields for WIT '{Wit}', which has {_members.Length}.");
        }

        return _liftFields(_tuple ? (byte*)src->Vec.Data : (byte*)src->Record.Data, cx);
    }
}
