namespace WasmDynamic;

/// <summary>The empty value: the missing side of <c>result</c>, <c>result&lt;T&gt;</c> or <c>result&lt;_, E&gt;</c>.</summary>
public readonly struct Unit : IEquatable<Unit>
{
    /// <summary>The only value.</summary>
    public static Unit Value => default;

    /// <inheritdoc/>
    public bool Equals(Unit other) => true;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Unit;

    /// <inheritdoc/>
    public override int GetHashCode() => 0;

    /// <inheritdoc/>
    public override string ToString() => "()";
}

/// <summary>
/// A WIT <c>result&lt;T, E&gt;</c>: either <see cref="Ok"/> with a value or <see cref="Err"/> with an error.
/// </summary>
/// <typeparam name="T">The ok type (<see cref="Unit"/> when WIT has none).</typeparam>
/// <typeparam name="E">The error type (<see cref="Unit"/> when WIT has none).</typeparam>
public readonly struct Result<T, E> : IEquatable<Result<T, E>>
{
    private readonly T _value;
    private readonly E _error;

    private Result(bool isOk, T value, E error)
    {
        IsOk = isOk;
        _value = value;
        _error = error;
    }

    /// <summary>True for the ok case.</summary>
    public bool IsOk { get; }

    /// <summary>True for the err case.</summary>
    public bool IsErr => !IsOk;

    /// <summary>The ok value.</summary>
    /// <exception cref="InvalidOperationException">This is an err.</exception>
    public T Value => IsOk ? _value : throw new InvalidOperationException($"The result is an error: {_error}");

    /// <summary>The error value.</summary>
    /// <exception cref="InvalidOperationException">This is ok.</exception>
    public E Error => IsOk ? throw new InvalidOperationException("The result is ok; it has no error.") : _error;

    /// <summary>Creates the ok case.</summary>
    public static Result<T, E> Ok(T value) => new(true, value, default!);

    /// <summary>Creates the err case.</summary>
    public static Result<T, E> Err(E error) => new(false, default!, error);

    /// <summary>Gets the ok value, if any.</summary>
    public bool TryGetValue(out T value)
    {
        value = _value;
        return IsOk;
    }

    /// <summary>Gets the error value, if any.</summary>
    public bool TryGetError(out E error)
    {
        error = _error;
        return !IsOk;
    }

    /// <summary>The ok value, or throws <see cref="ComponentErrorException"/> carrying the error.</summary>
    /// <exception cref="ComponentErrorException">This is an err.</exception>
    public T Unwrap() => IsOk ? _value : throw new ComponentErrorException(_error);

    /// <inheritdoc/>
    public bool Equals(Result<T, E> other) =>
        IsOk == other.IsOk && (IsOk ? WitEquality.Equal(_value, other._value) : WitEquality.Equal(_error, other._error));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Result<T, E> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => IsOk ? HashCode.Combine(1, WitEquality.Hash(_value)) : HashCode.Combine(2, WitEquality.Hash(_error));

    /// <inheritdoc/>
    public override string ToString() => IsOk ? $"Ok({_value})" : $"Err({_error})";

    /// <summary>Compares by value.</summary>
    public static bool operator ==(Result<T, E> left, Result<T, E> right) => left.Equals(right);

    /// <summary>Compares by value.</summary>
    public static bool operator !=(Result<T, E> left, Result<T, E> right) => !left.Equals(right);
}

/// <summary>Creates <see cref="Result{T, E}"/> values.</summary>
public static class Result
{
    /// <summary>The ok case.</summary>
    public static Result<T, E> Ok<T, E>(T value) => Result<T, E>.Ok(value);

    /// <summary>The err case.</summary>
    public static Result<T, E> Err<T, E>(E error) => Result<T, E>.Err(error);
}

/// <summary>
/// A WIT <c>option&lt;T&gt;</c> where <c>null</c> would be ambiguous (for <c>option&lt;option&lt;T&gt;&gt;</c>);
/// elsewhere options map to <c>T?</c>.
/// </summary>
/// <typeparam name="T">The payload type.</typeparam>
public readonly struct Option<T> : IEquatable<Option<T>>
{
    private readonly T _value;

    private Option(T value)
    {
        _value = value;
        HasValue = true;
    }

    /// <summary>True for <c>some</c>.</summary>
    public bool HasValue { get; }

    /// <summary>The payload.</summary>
    /// <exception cref="InvalidOperationException">This is <c>none</c>.</exception>
    public T Value => HasValue ? _value : throw new InvalidOperationException("The option is none.");

    /// <summary><c>none</c>.</summary>
    public static Option<T> None => default;

    /// <summary><c>some(value)</c>.</summary>
    public static Option<T> Some(T value) => new(value);

    /// <inheritdoc/>
    public bool Equals(Option<T> other) => HasValue == other.HasValue && (!HasValue || WitEquality.Equal(_value, other._value));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Option<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HasValue ? HashCode.Combine(1, WitEquality.Hash(_value)) : 0;

    /// <inheritdoc/>
    public override string ToString() => HasValue ? $"Some({_value})" : "None";

    /// <summary>Compares by value.</summary>
    public static bool operator ==(Option<T> left, Option<T> right) => left.Equals(right);

    /// <summary>Compares by value.</summary>
    public static bool operator !=(Option<T> left, Option<T> right) => !left.Equals(right);
}
