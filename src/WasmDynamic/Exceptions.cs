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

/// <summary>An argument given to a component function does not fit its WIT parameter type.</summary>
public sealed class ComponentArgumentException : WasmDynamicException
{
    /// <summary>Creates the exception.</summary>
    public ComponentArgumentException(string message, Exception? innerException = null) : base(message, innerException)
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
    /// <summary>The canonical ABI was violated (an invalid value crossed the boundary, a handle misused…).</summary>
    InvalidValue,
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
        : base($"Component function '{function}' ({signature}) trapped: {reason}", innerException)
    {
        Function = function;
        Signature = signature;
        Reason = reason;
        TrapCode = code;
        GuestBacktrace = ParseBacktrace(reason);
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
            _ when r.Contains("invalid", StringComparison.Ordinal) || r.Contains("out of bounds", StringComparison.Ordinal) => ComponentTrapCode.InvalidValue,
            _ => ComponentTrapCode.Unknown,
        };
    }

    private static IReadOnlyList<string> ParseBacktrace(string reason) =>
        reason.Split('\n').Select(l => l.Trim()).Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d+:\s+0x[0-9a-f]+", System.Text.RegularExpressions.RegexOptions.CultureInvariant)).ToList();
}

/// <summary>A call was stopped before it finished: its time ran out, it was cancelled, or it used up its fuel.</summary>
public class ComponentInterruptedException : ComponentTrapException
{
    /// <summary>Creates the exception.</summary>
    public ComponentInterruptedException(string function, string signature, string reason, ComponentTrapCode code)
        : base(function, signature, reason, code)
    {
    }
}

/// <summary>A call ran longer than its timeout (<see cref="InstanceOptions.CallTimeout"/>) and was stopped.</summary>
public sealed class ComponentTimeoutException : ComponentInterruptedException
{
    /// <summary>Creates the exception.</summary>
    public ComponentTimeoutException(string function, string signature, TimeSpan timeout)
        : base(function, signature, $"it ran longer than its timeout of {timeout.TotalMilliseconds:0.###} ms and was stopped. Raise InstanceOptions.CallTimeout if the work is legitimate.", ComponentTrapCode.Interrupted)
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
        : base(function, signature, "its cancellation token was cancelled, so the call was stopped.", ComponentTrapCode.Interrupted)
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
        : base(function, signature, $"it used up its fuel ({fuel} units) and was stopped. Raise InstanceOptions.FuelPerCall if the work is legitimate.", ComponentTrapCode.OutOfFuel)
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
