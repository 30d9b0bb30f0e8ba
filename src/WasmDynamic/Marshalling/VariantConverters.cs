using System.Reflection;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Marshalling;

/// <summary>One case of a variant, bound to a CLR case class derived from the variant's base type.</summary>
internal abstract unsafe class VariantCase<T>
{
    protected VariantCase(string witName, Type caseType)
    {
        WitName = witName;
        Name = NativeName.Get(witName);
        CaseType = caseType;
    }

    public string WitName { get; }

    public NativeName Name { get; }

    public Type CaseType { get; }

    /// <summary>The case class's constructor: parameterless, or taking the payload.</summary>
    public abstract ConstructorInfo Constructor { get; }

    /// <summary>The member holding the payload, or null for a case without one.</summary>
    public virtual MemberInfo? PayloadMember => null;

    /// <summary>The payload's converter, or null for a case without one.</summary>
    public virtual ValueConverter? PayloadConverter => null;

    /// <summary>Lowers the payload of <paramref name="value"/> into a new box, or returns null for no payload.</summary>
    public abstract Val* LowerPayload(T value, MarshalContext cx);

    public abstract T Lift(Val* payload, MarshalContext cx);
}

/// <summary>A case without payload: an instance of the case class made by its parameterless constructor.</summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed unsafe class EmptyVariantCase<T>(string witName, Type caseType) : VariantCase<T>(witName, caseType)
{
    // Compiled on first use: a variant with an emitted codec never calls its case objects.
    private Func<object>? _create;

    public override ConstructorInfo Constructor { get; } = caseType.GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes)!;

    public override Val* LowerPayload(T value, MarshalContext cx) => null;

    public override T Lift(Val* payload, MarshalContext cx) =>
        (T)(_create ??= System.Linq.Expressions.Expression.Lambda<Func<object>>(System.Linq.Expressions.Expression.New(Constructor)).Compile())();
}

/// <summary>A case with a payload, read from a member of the case class and passed to its one-parameter constructor.</summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed unsafe class PayloadVariantCase<T, TPayload> : VariantCase<T>
{
    private readonly ValueConverter<TPayload> _converter;

    // Compiled on first use: a variant with an emitted codec (VariantCodec) never calls its case objects.
    private Func<T, TPayload>? _get;
    private Func<TPayload, T>? _create;

    public PayloadVariantCase(string witName, Type caseType, ValueConverter<TPayload> converter, MemberInfo payloadMember, ConstructorInfo ctor)
        : base(witName, caseType)
    {
        _converter = converter;
        PayloadMember = payloadMember;
        Constructor = ctor;
    }

    private Func<T, TPayload> Get => _get ??= CompileGet();

    private Func<TPayload, T> Create => _create ??= CompileCreate();

    private Func<T, TPayload> CompileGet()
    {
        var p = System.Linq.Expressions.Expression.Parameter(typeof(T));
        System.Linq.Expressions.Expression access = PayloadMember is PropertyInfo pi
            ? System.Linq.Expressions.Expression.Property(System.Linq.Expressions.Expression.Convert(p, CaseType), pi)
            : System.Linq.Expressions.Expression.Field(System.Linq.Expressions.Expression.Convert(p, CaseType), (FieldInfo)PayloadMember!);
        return System.Linq.Expressions.Expression.Lambda<Func<T, TPayload>>(System.Linq.Expressions.Expression.Convert(access, typeof(TPayload)), p).Compile();
    }

    private Func<TPayload, T> CompileCreate()
    {
        var v = System.Linq.Expressions.Expression.Parameter(typeof(TPayload));
        return System.Linq.Expressions.Expression.Lambda<Func<TPayload, T>>(
            System.Linq.Expressions.Expression.Convert(System.Linq.Expressions.Expression.New(Constructor, System.Linq.Expressions.Expression.Convert(v, Constructor.GetParameters()[0].ParameterType)), typeof(T)), v).Compile();
    }

    public override ConstructorInfo Constructor { get; }

    public override MemberInfo? PayloadMember { get; }

    public override ValueConverter? PayloadConverter => _converter;

    public override Val* LowerPayload(T value, MarshalContext cx)
    {
        var slot = cx.BeginBox();
        _converter.Lower(Get(value), slot, cx);
        return cx.FinishBox(slot);
    }

    public override T Lift(Val* payload, MarshalContext cx)
    {
        if (payload == null)
        {
            throw new WasmDynamicException($"Wasmtime produced variant case '{WitName}' without its payload.");
        }

        return Create(_converter.Lift(payload, cx));
    }
}

/// <summary>A WIT variant to and from a CLR class hierarchy: an abstract base and one derived class per case.</summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed unsafe class VariantConverter<T> : ValueConverter<T>
{
    private readonly VariantCase<T>[] _cases;
    private readonly Dictionary<Type, VariantCase<T>> _byType;

    public VariantConverter(WitVariant wit, VariantCase<T>[] cases)
        : base(wit)
    {
        _cases = cases;
        _byType = cases.ToDictionary(c => c.CaseType);
        if (cases.Length <= ScanLimit && VariantCodec<T>.TryCreate(cases) is { } codec)
        {
            _lowerCase = codec.Lower;
            _liftCase = codec.Lift;
        }
    }

    // The emitted straight-line case codec (VariantCodec), or null: the case objects below.
    private readonly VariantLowerer<T>? _lowerCase;
    private readonly VariantLifter<T>? _liftCase;

    public override void Lower(T value, Val* dst, MarshalContext cx)
    {
        if (value is not null && _lowerCase is not null && _lowerCase(value, dst, cx))
        {
            return;
        }

        if (value is null || Find(value.GetType()) is not { } c)
        {
            throw new ComponentArgumentException(value is null
                ? $"A null {typeof(T).Name} was given where WIT variant '{Wit}' needs a case."
                : $"{value.GetType().Name} is not a case of WIT variant '{Wit}' ({string.Join(", ", ((WitVariant)Wit).Cases.Select(x => x.Name))}).");
        }

        dst->Kind = ValKind.Variant;
        cx.WriteName(&dst->Bytes, c.Name);
        dst->VariantPayload = null;
        dst->VariantPayload = c.LowerPayload(value, cx);
    }

    /// <summary>The case bound to <paramref name="type"/>: a scan by reference for a few cases (cheaper than hashing the type), else the map.</summary>
    private VariantCase<T>? Find(Type type)
    {
        var cases = _cases;
        if (cases.Length <= ScanLimit)
        {
            for (var i = 0; i < cases.Length; i++)
            {
                if (ReferenceEquals(cases[i].CaseType, type))
                {
                    return cases[i];
                }
            }

            return null;
        }

        return _byType.GetValueOrDefault(type);
    }

    private const int ScanLimit = 8;

    public override T Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, ValKind.Variant, Wit);
        if (_liftCase is not null && _liftCase(src, cx, out var lifted))
        {
            return lifted;
        }

        foreach (var c in _cases)
        {
            if (c.Name.Matches(&src->Bytes))
            {
                return c.Lift(src->VariantPayload, cx);
            }
        }

        throw new WasmDynamicException($"Wasmtime produced the unknown case '{src->Bytes.ToUtf8String()}' for WIT variant '{Wit}'.");
    }
}
