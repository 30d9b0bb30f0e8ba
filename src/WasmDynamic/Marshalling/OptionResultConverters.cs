using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Marshalling;

/// <summary><c>option&lt;T&gt;</c> as <c>T?</c> for a value type.</summary>
internal sealed unsafe class NullableOptionConverter<T>(WitType wit, ValueConverter<T> inner) : ValueConverter<T?>(wit)
    where T : struct
{
    public override void Lower(T? value, Val* dst, MarshalContext cx)
    {
        dst->Kind = ValKind.Option;
        dst->OptionPayload = null;
        if (value.HasValue)
        {
            var slot = cx.BeginBox();
            inner.Lower(value.GetValueOrDefault(), slot, cx);
            dst->OptionPayload = cx.FinishBox(slot);
        }
    }

    public override T? Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, ValKind.Option, Wit);
        return src->OptionPayload == null ? null : inner.Lift(src->OptionPayload, cx);
    }
}

/// <summary><c>option&lt;T&gt;</c> as a nullable reference (null is none).</summary>
internal sealed unsafe class ReferenceOptionConverter<T>(WitType wit, ValueConverter<T> inner) : ValueConverter<T?>(wit)
    where T : class
{
    public override void Lower(T? value, Val* dst, MarshalContext cx)
    {
        dst->Kind = ValKind.Option;
        dst->OptionPayload = null;
        if (value is not null)
        {
            var slot = cx.BeginBox();
            inner.Lower(value, slot, cx);
            dst->OptionPayload = cx.FinishBox(slot);
        }
    }

    public override T? Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, ValKind.Option, Wit);
        return src->OptionPayload == null ? null : inner.Lift(src->OptionPayload, cx);
    }
}

/// <summary><c>option&lt;T&gt;</c> as <see cref="Option{T}"/> (nested options, or by the user's choice).</summary>
internal sealed unsafe class OptionConverter<T>(WitType wit, ValueConverter<T> inner) : ValueConverter<Option<T>>(wit)
{
    public override void Lower(Option<T> value, Val* dst, MarshalContext cx)
    {
        dst->Kind = ValKind.Option;
        dst->OptionPayload = null;
        if (value.HasValue)
        {
            var slot = cx.BeginBox();
            inner.Lower(value.Value, slot, cx);
            dst->OptionPayload = cx.FinishBox(slot);
        }
    }

    public override Option<T> Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, ValKind.Option, Wit);
        return src->OptionPayload == null ? Option<T>.None : Option<T>.Some(inner.Lift(src->OptionPayload, cx));
    }
}

/// <summary>Shared lowering/lifting of one side of a result (absent sides are <see cref="Unit"/>).</summary>
internal static unsafe class ResultSide
{
    public static Val* Lower<T>(ValueConverter<T>? converter, T value, MarshalContext cx)
    {
        if (converter is null)
        {
            return null;
        }

        var slot = cx.BeginBox();
        converter.Lower(value, slot, cx);
        return cx.FinishBox(slot);
    }

    public static T Lift<T>(ValueConverter<T>? converter, Val* payload, WitType wit, MarshalContext cx)
    {
        if (converter is null)
        {
            return default!;
        }

        if (payload == null)
        {
            throw new WasmDynamicException($"Wasmtime produced a '{wit}' without its payload.");
        }

        return converter.Lift(payload, cx);
    }
}

/// <summary><c>result&lt;T, E&gt;</c> as <see cref="Result{T, E}"/>.</summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed unsafe class ResultConverter<T, E>(WitResult wit, ValueConverter<T>? ok, ValueConverter<E>? err) : ValueConverter<Result<T, E>>(wit), IErrorLowering
{
    /// <summary>Lowers the err case (a host that threw <see cref="ComponentErrorException"/>).</summary>
    public void LowerError(object? payload, Val* dst, MarshalContext cx) => Lower(Result<T, E>.Err(err is null ? default! : (E)Coercion.To(payload, err, "error")!), dst, cx);

    public override void Lower(Result<T, E> value, Val* dst, MarshalContext cx)
    {
        dst->Kind = ValKind.Result;
        dst->ResultPayload = null;
        if (value.IsOk)
        {
            dst->ResultIsOk = 1;
            dst->ResultPayload = ResultSide.Lower(ok, value.Value, cx);
        }
        else
        {
            dst->ResultIsOk = 0;
            dst->ResultPayload = ResultSide.Lower(err, value.Error, cx);
        }
    }

    public override Result<T, E> Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, ValKind.Result, Wit);
        return src->ResultIsOk != 0
            ? Result<T, E>.Ok(ResultSide.Lift(ok, src->ResultPayload, Wit, cx))
            : Result<T, E>.Err(ResultSide.Lift(err, src->ResultPayload, Wit, cx));
    }
}

/// <summary>
/// <c>result&lt;T, E&gt;</c> as plain <typeparamref name="T"/>: an err lifts to a thrown
/// <see cref="ComponentErrorException"/> carrying the typed payload; lowering a value makes the ok case.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed unsafe class UnwrapResultConverter<T, E>(WitResult wit, ValueConverter<T>? ok, ValueConverter<E>? err) : ValueConverter<T>(wit), IErrorLowering
{
    public ValueConverter<E>? ErrorConverter => err;

    public override void Lower(T value, Val* dst, MarshalContext cx)
    {
        dst->Kind = ValKind.Result;
        dst->ResultIsOk = 1;
        dst->ResultPayload = null;
        dst->ResultPayload = ResultSide.Lower(ok, value, cx);
    }

    /// <summary>Lowers the err case (a host that threw <see cref="ComponentErrorException"/>).</summary>
    public void LowerError(object? payload, Val* dst, MarshalContext cx)
    {
        dst->Kind = ValKind.Result;
        dst->ResultIsOk = 0;
        dst->ResultPayload = null;
        if (err is not null)
        {
            var slot = cx.BeginBox();
            err.LowerBoxed(Coercion.To(payload, err, "error"), slot, cx);
            dst->ResultPayload = cx.FinishBox(slot);
        }
    }

    public override T Lift(Val* src, MarshalContext cx)
    {
        ExpectKind(src, ValKind.Result, Wit);
        if (src->ResultIsOk != 0)
        {
            return ResultSide.Lift(ok, src->ResultPayload, Wit, cx);
        }

        // result<T> has no error type: its payload is null, as ComponentErrorException.Payload documents.
        throw new ComponentErrorException(err is null ? null : ResultSide.Lift(err, src->ResultPayload, Wit, cx));
    }
}

/// <summary>
/// A result converter that can lower the err case from a <see cref="ComponentErrorException"/> (a host import that
/// throws one returns the typed error to the guest instead of trapping).
/// </summary>
internal unsafe interface IErrorLowering
{
    void LowerError(object? payload, Val* dst, MarshalContext cx);
}
