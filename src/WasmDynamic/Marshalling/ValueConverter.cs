using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Marshalling;

/// <summary>
/// Converts between one CLR type and one WIT type in Wasmtime's native value layout (<see cref="Val"/>).
/// Emitted proxies and host adapters call these; each is built and validated once per (WIT type, CLR type).
/// </summary>
internal abstract unsafe class ValueConverter
{
    protected ValueConverter(WitType wit, Type clrType)
    {
        Wit = wit;
        ClrType = clrType;
    }

    public WitType Wit { get; }

    public Type ClrType { get; }

    public abstract void LowerBoxed(object? value, Val* dst, MarshalContext cx);

    public abstract object? LiftBoxed(Val* src, MarshalContext cx);

    protected static void ExpectKind(Val* src, ValKind kind, WitType wit)
    {
        if (src->Kind != kind)
        {
            throw new WasmDynamicException($"Wasmtime produced a value of kind {src->Kind} where WIT type '{wit}' ({kind}) was expected.");
        }
    }
}

/// <summary>The typed converter for <typeparamref name="T"/>, called from emitted IL without boxing.</summary>
internal abstract unsafe class ValueConverter<T> : ValueConverter
{
    protected ValueConverter(WitType wit)
        : base(wit, typeof(T))
    {
    }

    public abstract void Lower(T value, Val* dst, MarshalContext cx);

    public abstract T Lift(Val* src, MarshalContext cx);

    public override void LowerBoxed(object? value, Val* dst, MarshalContext cx) => Lower((T)value!, dst, cx);

    public override object? LiftBoxed(Val* src, MarshalContext cx) => Lift(src, cx);
}
