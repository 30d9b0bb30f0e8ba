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

        _get = MemberAccess.Getter<TRecord, TField>(member);
        _set = MemberAccess.IsWritable(member) ? MemberAccess.Setter<TRecord, TField>(member) : null;
    }

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
