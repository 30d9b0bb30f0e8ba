// Slightly over 400 lines: the whole public exception family in one place, so its hierarchy reads at a glance.
namespace WasmDynamic;

/// <summary>The base of every exception WasmDynamic throws for a component, its bindings or its calls.</summary>
public class WasmDynamicException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WasmDynamicException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}

/// <summary>
/// A component could not be loaded: unreadable file, malformed bytes, a core module where a component is expected,
/// invalid WAT text, or a component Wasmtime rejects.
/// </summary>
public sealed class ComponentLoadException : WasmDynamicException
{
    /// <summary>Creates the exception.</summary>
    public ComponentLoadException(string source, string message, Exception? innerException = null)
        : base($"Cannot load component '{source}': {message}", innerException)
    {
        ComponentSource = source;
    }

    /// <summary>The file path or name of what was being loaded.</summary>
    public string ComponentSource { get; }
}

/// <summary>
/// The .NET side does not fit the component: an interface given to <c>GetInterface&lt;T&gt;</c>, a host object for an
/// import, or a missing import. The message lists every mismatch, each with its WIT signature and the C# that fits.
/// </summary>
public sealed class ComponentBindingException : WasmDynamicException
{
    /// <summary>Creates the exception.</summary>
    public ComponentBindingException(string message, IReadOnlyList<string> problems, Exception? innerException = null)
        : base(problems.Count == 0 ? message : message + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)), innerException)
    {
        Problems = problems;
    }

    /// <summary>Each mismatch, one per entry.</summary>
    public IReadOnlyList<string> Problems { get; }
}

/// <summary>
/// An argument given to a component function does not fit its WIT parameter type: a number out of range (also inside
/// a list, tuple, option or record), a null where WIT needs a value, a string with a lone UTF-16 surrogate, a record
/// value with a member the record lacks, an unknown enum case, a wrong number of arguments or an unknown named
/// argument. The message leads with the cause, then names the parameter (with the path inside it, e.g.
/// <c>xs[1]</c> or <c>b.due</c>), the function and its WIT signature.
/// </summary>
public sealed class ComponentArgumentException : WasmDynamicException
{
    /// <summary>Creates the exception.</summary>
    public ComponentArgumentException(string message, Exception? innerException = null) : base(message, innerException)
    {
        Cause = message;
    }

    /// <summary>Creates the exception for <paramref name="parameter"/> of <paramref name="function"/>.</summary>
    internal ComponentArgumentException(string cause, string path, string function, string signature, string? parameter, Exception? innerException)
        : base(path.Length == 0 ? $"{Sentence(cause)} Function '{function}' ({signature})." : $"{Sentence(cause)} Argument '{path}' of '{function}' ({signature}).", innerException)
    {
        Cause = cause;
        Function = function;
        Signature = signature;
        Parameter = parameter;
    }

    /// <summary>The component function the argument was for (<c>demo:calc/types@0.1.0#area</c>, <c>add</c>), when known.</summary>
    public string? Function { get; }

    /// <summary>Its WIT signature, when known.</summary>
    public string? Signature { get; }

    /// <summary>The WIT name of the parameter, when known.</summary>
    public string? Parameter { get; }

    /// <summary>What is wrong, without the function and parameter.</summary>
    internal string Cause { get; }

    /// <summary>Where inside the argument the bad value sits (<c>[1]</c>, <c>.due.day</c>), gathered as the exception rises.</summary>
    internal string Path { get; set; } = string.Empty;

    /// <summary>This exception located at <paramref name="parameter"/> of a function (unchanged when it already is).</summary>
    internal ComponentArgumentException At(string function, string signature, string? parameter) =>
        Function is not null ? this : new ComponentArgumentException(Cause, (parameter ?? "?") + Path, function, signature, parameter, this);

    private static string Sentence(string s) => s.EndsWith('.') || s.EndsWith(')') ? s : s + ".";
}

/// <summary>
/// The component has no export by the name asked for: an interface or a function (<c>Exports.Nope()</c>,
/// <c>Exports["nope"]</c>, <see cref="ComponentInstance.Invoke"/>), or a method of a guest resource object. The
/// message lists what is available.
/// </summary>
public sealed class ComponentExportNotFoundException : WasmDynamicException
{
    /// <summary>Creates the exception.</summary>
    public ComponentExportNotFoundException(string name, string where, IReadOnlyList<string> available, string? hint = null)
        : base($"'{name}' is not {where}.{(hint is null ? string.Empty : " " + hint)} Available: {(available.Count == 0 ? "(none)" : string.Join(", ", available))}.")
    {
        Name = name;
        Available = available;
    }

    /// <summary>The name that was asked for.</summary>
    public string Name { get; }

    /// <summary>What exists there instead (names or WIT signatures).</summary>
    public IReadOnlyList<string> Available { get; }
}

/// <summary>
/// A call would re-enter a component instance that is already running a call on this thread (from inside one of its
/// own host imports). The component model forbids re-entering an instance; Wasmtime would otherwise trap or abort.
/// </summary>
public sealed class ComponentReentrancyException : WasmDynamicException
{
    /// <summary>Creates the exception.</summary>
    public ComponentReentrancyException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}

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

/// <summary>
/// The instance would exceed a resource limit set in <see cref="InstanceOptions"/> (its memories, tables or instances,
/// or their initial sizes), so it could not be created. Growth past a limit while running is reported to the guest
/// (<c>memory.grow</c> and <c>table.grow</c> return -1), which may then trap.
/// </summary>
public sealed class ComponentResourceLimitException : WasmDynamicException
{
    /// <summary>Creates the exception.</summary>
    public ComponentResourceLimitException(string component, string reason)
        : base($"Cannot instantiate component '{component}': {reason}. Raise the limit in InstanceOptions (MaxMemoryBytes, MaxTableElements, MaxInstances, MaxTables, MaxMemories) if the component legitimately needs more.")
    {
        Reason = reason;
    }

    /// <summary>What Wasmtime reported.</summary>
    public string Reason { get; }
}

/// <summary>
/// A component function returned the <c>err</c> case of its <c>result&lt;T, E&gt;</c> where the .NET signature asked
/// for the plain <c>T</c>; <see cref="Payload"/> carries the typed error value (like Python bindgen's <c>Err</c>).
/// A host import may also throw it to return <c>err</c> to the guest.
/// </summary>
public class ComponentErrorException : WasmDynamicException
{
    /// <summary>Creates the exception carrying <paramref name="payload"/>.</summary>
    public ComponentErrorException(object? payload, string? function = null)
        : base(function is null ? $"The component returned an error: {Describe(payload)}" : $"Component function '{function}' returned an error: {Describe(payload)}")
    {
        Payload = payload;
        Function = function;
    }

    /// <summary>The <c>err</c> payload (null for <c>result&lt;T&gt;</c> without an error type).</summary>
    public object? Payload { get; }

    /// <summary>The component function that returned the error, when known.</summary>
    public string? Function { get; }

    private static string Describe(object? payload) => payload switch
    {
        null => "(no payload)",
        string s => '"' + s + '"',
        _ => payload.ToString() ?? payload.GetType().Name,
    };
}

/// <summary>The instance trapped earlier; Wasmtime forbids entering it again.</summary>
public sealed class ComponentInstancePoisonedException : WasmDynamicException
{
    /// <summary>Creates the exception.</summary>
    public ComponentInstancePoisonedException(string function, Exception? cause)
        : base($"Cannot call '{function}': this component instance trapped earlier and can no longer be entered. Dispose it and instantiate the component again.", cause)
    {
    }
}
