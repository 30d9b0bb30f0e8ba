// The trap family of the WasmDynamic exceptions (the others are in Exceptions.cs): the trap code, the trap and its
// interruption subclasses.
namespace WasmDynamic;

/// <summary>What made a guest trap, as far as Wasmtime's report tells.</summary>
public enum ComponentTrapCode
{
    /// <summary>Not one of the codes below (see the message).</summary>
    Unknown,
    /// <summary>The guest executed <c>unreachable</c> (often a panic or abort in the source language).</summary>
    Unreachable,
    /// <summary>An out-of-bounds memory access.</summary>
    MemoryOutOfBounds,
    /// <summary>An out-of-bounds table access or an indirect call to a null entry.</summary>
    TableOutOfBounds,
    /// <summary>An indirect call with the wrong signature.</summary>
    BadSignature,
    /// <summary>Integer division by zero.</summary>
    IntegerDivisionByZero,
    /// <summary>Integer overflow (e.g. <c>i32.div_s</c> of MIN by -1) or an invalid float-to-int conversion.</summary>
    IntegerOverflow,
    /// <summary>The guest's stack overflowed.</summary>
    StackOverflow,
    /// <summary>The call was interrupted: a timeout or a cancellation.</summary>
    Interrupted,
    /// <summary>The call used up its fuel.</summary>
    OutOfFuel,
    /// <summary>A host import failed (its exception is the <see cref="Exception.InnerException"/>).</summary>
    HostError,
    /// <summary>The canonical ABI was violated (an invalid value crossed the boundary, a handle misused: an unknown handle index, a borrow dropped twice…).</summary>
    InvalidValue,
    /// <summary>The instance ran out of resource handles (Wasmtime allows about 100,000 live handles per store).</summary>
    HandleLimit,
}

/// <summary>The guest trapped (or the engine failed the call) while running a component function.</summary>
public class ComponentTrapException : WasmDynamicException
{
    /// <summary>Creates the exception.</summary>
    public ComponentTrapException(string function, string signature, string reason, Exception? innerException = null)
        : this(function, signature, reason, Classify(reason, innerException), innerException)
    {
    }

    /// <summary>Creates the exception with a known trap code.</summary>
    public ComponentTrapException(string function, string signature, string reason, ComponentTrapCode code, Exception? innerException = null)
        : this(function, signature, reason, code, null, innerException)
    {
    }

    /// <summary>Creates the exception; <paramref name="hint"/> says what to do.</summary>
    internal ComponentTrapException(string function, string signature, string reason, ComponentTrapCode code, string? hint, Exception? innerException)
        : this(function, signature, reason, code, hint, innerException, [], null)
    {
    }

    /// <summary>Creates the exception with what Wasmtime reported beside the message (see <c>NativeError.Trap</c>).</summary>
    internal ComponentTrapException(string function, string signature, string reason, ComponentTrapCode code, string? hint, Exception? innerException, IReadOnlyList<string> frames, int? exitStatus)
        : base(Compose(function, signature, reason, code, hint, frames), innerException)
    {
        Function = function;
        Signature = signature;
        Reason = reason;
        TrapCode = code;
        GuestBacktrace = frames;
        ExitStatus = exitStatus;
    }

    /// <summary>The component function that was called.</summary>
    public string Function { get; }

    /// <summary>Its WIT signature.</summary>
    public string Signature { get; }

    /// <summary>What Wasmtime reported, including the guest backtrace when there is one.</summary>
    public string Reason { get; }

    /// <summary>What made the guest trap.</summary>
    public ComponentTrapCode TrapCode { get; }

    /// <summary>The guest frames Wasmtime reported (innermost first), or empty.</summary>
    public IReadOnlyList<string> GuestBacktrace { get; }

    /// <summary>
    /// The status a WASI guest exited with (<c>wasi:cli/exit</c>), or null when the call did not end by exiting. An
    /// exit ends the call the same way a trap does.
    /// </summary>
    public int? ExitStatus { get; }

    internal static ComponentTrapCode Classify(string reason, Exception? inner)
    {
        if (inner is not null)
        {
            return ComponentTrapCode.HostError;
        }

        var r = reason.ToLowerInvariant();
        return r switch
        {
            _ when r.Contains("all fuel consumed", StringComparison.Ordinal) => ComponentTrapCode.OutOfFuel,
            _ when r.Contains("interrupt", StringComparison.Ordinal) => ComponentTrapCode.Interrupted,
            _ when r.Contains("unreachable", StringComparison.Ordinal) => ComponentTrapCode.Unreachable,
            _ when r.Contains("out of bounds memory access", StringComparison.Ordinal) => ComponentTrapCode.MemoryOutOfBounds,
            _ when r.Contains("undefined element", StringComparison.Ordinal) || r.Contains("uninitialized element", StringComparison.Ordinal) || r.Contains("table", StringComparison.Ordinal) && r.Contains("out of bounds", StringComparison.Ordinal) => ComponentTrapCode.TableOutOfBounds,
            _ when r.Contains("indirect call type mismatch", StringComparison.Ordinal) => ComponentTrapCode.BadSignature,
            _ when r.Contains("integer divide by zero", StringComparison.Ordinal) => ComponentTrapCode.IntegerDivisionByZero,
            _ when r.Contains("integer overflow", StringComparison.Ordinal) || r.Contains("invalid conversion to integer", StringComparison.Ordinal) => ComponentTrapCode.IntegerOverflow,
            _ when r.Contains("call stack exhausted", StringComparison.Ordinal) || r.Contains("stack overflow", StringComparison.Ordinal) => ComponentTrapCode.StackOverflow,
            _ when r.Contains("handle limit", StringComparison.Ordinal) || r.Contains("cannot allocate another handle", StringComparison.Ordinal) => ComponentTrapCode.HandleLimit,
            _ when r.Contains("handle index", StringComparison.Ordinal) || r.Contains("unknown handle", StringComparison.Ordinal) || r.Contains("resource", StringComparison.Ordinal) && (r.Contains("borrow", StringComparison.Ordinal) || r.Contains("wrong type", StringComparison.Ordinal) || r.Contains("owned", StringComparison.Ordinal) || r.Contains("handle", StringComparison.Ordinal)) => ComponentTrapCode.InvalidValue,
            _ when r.Contains("invalid", StringComparison.Ordinal) || r.Contains("out of bounds", StringComparison.Ordinal) => ComponentTrapCode.InvalidValue,

            // A guest's realloc or return area breaking the canonical ABI ("realloc return: beyond end of memory",
            // "return pointer not aligned", "list pointer is not aligned").
            _ when r.Contains("not aligned", StringComparison.Ordinal) || r.Contains("beyond end of memory", StringComparison.Ordinal) => ComponentTrapCode.InvalidValue,
            _ => ComponentTrapCode.Unknown,
        };
    }

    /// <summary>
    /// The cause Wasmtime reported, without its backtrace: the lines after "Caused by:" (innermost last), else the
    /// whole reason.
    /// </summary>
    internal static string CauseOf(string reason)
    {
        var at = reason.IndexOf("Caused by:", StringComparison.Ordinal);
        var text = at < 0 ? reason : reason[(at + "Caused by:".Length)..];
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !IsFrame(l)).ToList();
        if (at < 0)
        {
            lines = lines.Where(l => !l.StartsWith("error while executing at wasm backtrace", StringComparison.Ordinal)).ToList();
        }

        var cause = string.Join(": ", lines.Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"^(\d+:\s*)?(wasm trap:\s*)?", string.Empty)));
        return cause.Length == 0 ? reason.Trim() : cause;
    }

    private static string Compose(string function, string signature, string reason, ComponentTrapCode code, string? hint, IReadOnlyList<string> frames)
    {
        var cause = CauseOf(reason);
        var sb = new System.Text.StringBuilder();
        sb.Append(cause);
        if (!cause.EndsWith('.'))
        {
            sb.Append('.');
        }

        sb.Append(" In component function '").Append(function).Append("' (").Append(signature).Append(").");
        hint ??= code switch
        {
            ComponentTrapCode.HandleLimit => "An instance holds at most about 100,000 live resource handles (guest and host resources together): dispose handles that are no longer needed.",
            ComponentTrapCode.StackOverflow => "The guest recursed deeper than its stack allows.",
            _ => null,
        };
        if (hint is not null)
        {
            sb.Append(' ').Append(hint);
        }

        if (frames.Count > 0)
        {
            sb.Append(Environment.NewLine).Append("Guest backtrace:");
            foreach (var f in frames)
            {
                sb.Append(Environment.NewLine).Append("  ").Append(f);
            }
        }

        return sb.ToString();
    }

    private static bool IsFrame(string line) => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\d+:\s+(0x[0-9a-f]+\s+-\s+)?\S+!", System.Text.RegularExpressions.RegexOptions.CultureInvariant)
        || System.Text.RegularExpressions.Regex.IsMatch(line, @"^\d+:\s+0x[0-9a-f]+", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
}

/// <summary>A call was stopped before it finished: its time ran out, it was cancelled, or it used up its fuel.</summary>
public class ComponentInterruptedException : ComponentTrapException
{
    /// <summary>Creates the exception.</summary>
    public ComponentInterruptedException(string function, string signature, string reason, ComponentTrapCode code)
        : base(function, signature, reason, code, null, null)
    {
    }

    /// <summary>Creates the exception with what to do.</summary>
    internal ComponentInterruptedException(string function, string signature, string reason, ComponentTrapCode code, string hint)
        : base(function, signature, reason, code, hint, null)
    {
    }
}

/// <summary>A call ran longer than its timeout (<see cref="InstanceOptions.CallTimeout"/>) and was stopped.</summary>
public sealed class ComponentTimeoutException : ComponentInterruptedException
{
    /// <summary>Creates the exception.</summary>
    public ComponentTimeoutException(string function, string signature, TimeSpan timeout)
        : base(function, signature, $"The call ran longer than its timeout of {timeout.TotalMilliseconds:0.###} ms and was stopped.", ComponentTrapCode.Interrupted, "Raise InstanceOptions.CallTimeout if the work is legitimate.")
    {
        Timeout = timeout;
    }

    /// <summary>The timeout that expired.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>A call was stopped because its <see cref="CancellationToken"/> was cancelled.</summary>
public sealed class ComponentCanceledException : ComponentInterruptedException
{
    /// <summary>Creates the exception.</summary>
    public ComponentCanceledException(string function, string signature, CancellationToken token)
        : base(function, signature, "The call was stopped because its cancellation token was cancelled.", ComponentTrapCode.Interrupted)
    {
        CancellationToken = token;
    }

    /// <summary>The token that was cancelled.</summary>
    public CancellationToken CancellationToken { get; }
}

/// <summary>A call used up the fuel it was given (<see cref="InstanceOptions.FuelPerCall"/>).</summary>
public sealed class ComponentOutOfFuelException : ComponentInterruptedException
{
    /// <summary>Creates the exception.</summary>
    public ComponentOutOfFuelException(string function, string signature, ulong fuel)
        : base(function, signature, $"The call used up its fuel ({fuel} units) and was stopped.", ComponentTrapCode.OutOfFuel, "Raise InstanceOptions.FuelPerCall if the work is legitimate.")
    {
        Fuel = fuel;
    }

    /// <summary>The fuel the call had.</summary>
    public ulong Fuel { get; }
}
