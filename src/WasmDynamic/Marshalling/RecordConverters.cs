using System.Reflection;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Marshalling;

/// <summary>One field of a record (or element of a tuple), bound to a CLR member.</summary>
internal abstract unsafe class MemberBinding<TRecord>
{
    protected MemberBinding(string witName, ValueConverter converter)
    {
        WitName = witName;
        Name = NativeName.Get(witName);
        Converter = converter;
    }

    public string WitName { get; }

    public NativeName Name { get; }

    public ValueConverter Converter { get; }

    /// <summary>The CLR property or field the WIT field is bound to.</summary>
    public abstract MemberInfo Member { get; }

    /// <summary>True when the member can be assigned (a setter, or a non-readonly field).</summary>
    public abstract bool Writable { get; }

    /// <summary>The kind of an in-place scalar field (integers, floats, bool, char), else null.</summary>
    public abstract ValKind? ScalarKind { get; }

    public abstract void Lower(TRecord record, Val* dst, MarshalContext cx);

    public abstract void LiftInto(ref TRecord record, Val* src, MarshalContext cx);

    public object? LiftBoxed(Val* src, MarshalContext cx) => Converter.LiftBoxed(src, cx);
}

[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed unsafe class MemberBinding<TRecord, TField> : MemberBinding<TRecord>
{
    private readonly ValueConverter<TField> _converter;
    private readonly Func<TRecord, TField> _get;
    private readonly RefSetter<TRecord, TField>? _set;

    public MemberBinding(string witName, ValueConverter<TField> converter, MemberInfo member)
        : base(witName, converter)
    {
        _converter = converter;
        if (converter is IScalarConverter scalar)
        {
            _scalar = true;
            _kind = scalar.Kind;
        }

        Member = member;
        _get = MemberAccess.Getter<TRecord, TField>(member);
        _set = MemberAccess.IsWritable(member) ? MemberAccess.Setter<TRecord, TField>(member) : null;
    }

    public override MemberInfo Member { get; }

    public override bool Writable => _set is not null;

    public override ValKind? ScalarKind => _scalar ? _kind : null;

    public override void Lower(TRecord record, Val* dst, MarshalContext cx)
    {
        if (_scalar)
        {
            // An integer or float field: written in place, as its converter would (no virtual call per field).
            dst->Kind = _kind;
            System.Runtime.CompilerServices.Unsafe.Write((byte*)dst + 8, _get(record));
            return;
        }

        _converter.Lower(_get(record), dst, cx);
    }

    public override void LiftInto(ref TRecord record, Val* src, MarshalContext cx)
    {
        if (_set is null)
        {
            throw new WasmDynamicException($"Member for '{WitName}' is read-only and no constructor takes it.");
        }

        if (_scalar && src->Kind == _kind)
        {
            _set(ref record, System.Runtime.CompilerServices.Unsafe.Read<TField>((byte*)src + 8));
            return;
        }

        // Also a scalar of the wrong kind: the converter reports it.
        _set(ref record, _converter.Lift(src, cx));
    }

    // The field's converter is an in-place scalar (integers, floats), of this kind.
    private readonly bool _scalar;
    private readonly ValKind _kind;
}

/// <summary>
/// A WIT record (or tuple) to and from a CLR class or struct: fields match members by name, and lifting uses either
/// a parameterless constructor plus setters or a constructor whose parameters match every field.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed unsafe class RecordConverter<T> : ValueConverter<T>
{
    private readonly MemberBinding<T>[] _members;
    private readonly bool _tuple;
    private readonly Func<T>? _create;
    private readonly Func<object?[], T>? _construct;

    public RecordConverter(WitType wit, MemberBinding<T>[] members, bool tuple, ConstructorInfo? constructor)
        : base(wit)
    {
        _members = members;
        _tuple = tuple;
        if (constructor is not null)
        {
            _construct = MemberAccess.Constructor<T>(constructor);
        }
        else
        {
            _create = MemberAccess.Create<T>();
        }

        if (RecordCodec<T>.TryCreate(members, constructor, tuple ? Val.Size : RecordEntry.Size, tuple ? 0 : RecordEntry.ValueOffset) is { } codec)
        {
            _lowerFields = codec.Lower;
            _liftFields = codec.Lift;
        }
    }

    // The emitted straight-line field codec (RecordCodec), or null: the member loops below.
    private readonly FieldsLowerer<T>? _lowerFields;
    private readonly FieldsLifter<T>? _liftFields;

    /// <summary>Lowers every field with the emitted codec; an argument error is located at the field that failed.</summary>
    private void LowerFields(T value, byte* fields, MarshalContext cx)
    {
        var current = -1;
        try
        {
            _lowerFields!(value, fields, cx, &current);
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
            var vals = cx.AllocVals(&dst->Vec, _members.Length, tuple: true);
            if (_lowerFields is not null)
            {
                LowerFields(value, (byte*)vals, cx);
                return;
            }

            for (var i = 0; i < _members.Length; i++)
            {
                try
                {
                    _members[i].Lower(value, vals + i, cx);
                }
                catch (ComponentArgumentException e)
                {
                    e.Path = "." + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + e.Path;
                    throw;
                }
            }

            return;
        }

        dst->Kind = ValKind.Record;
        var entries = cx.AllocRecord(&dst->Record, _members.Length);
        if (_lowerFields is not null)
        {
            for (var i = 0; i < _members.Length; i++)
            {
                cx.WriteName(&entries[i].Name, _members[i].Name);
            }

            LowerFields(value, (byte*)entries, cx);
            return;
        }

        for (var i = 0; i < _members.Length; i++)
        {
            cx.WriteName(&entries[i].Name, _members[i].Name);
            try
            {
                _members[i].Lower(value, &entries[i].Value, cx);
            }
            catch (ComponentArgumentException e)
            {
                e.Path = "." + _members[i].WitName + e.Path;
                throw;
            }
        }
    }

    public override T Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, _tuple ? ValKind.Tuple : ValKind.Record, Wit);
        var count = _tuple ? (int)src->Vec.Size : (int)src->Record.Size;
        if (count != _members.Length)
        {
            throw new WasmDynamicException($"Wasmtime produced {count} fields for WIT '{Wit}', which has {_members.Length}.");
        }

        if (_liftFields is not null)
        {
            return _liftFields(_tuple ? (byte*)src->Vec.Data : (byte*)src->Record.Data, cx);
        }

        if (_construct is not null)
        {
            var args = new object?[count];
            for (var i = 0; i < count; i++)
            {
                args[i] = _members[i].LiftBoxed(FieldValue(src, i), cx);
            }

            return _construct(args);
        }

        var record = _create!();
        for (var i = 0; i < count; i++)
        {
            _members[i].LiftInto(ref record, FieldValue(src, i), cx);
        }

        return record;
    }

    private Val* FieldValue(Val* src, int i) => _tuple ? src->Vec.Data + i : &src->Record.Data[i].Value;
}
