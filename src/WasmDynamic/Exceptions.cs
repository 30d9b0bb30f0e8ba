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

    /// <summary>
    /// This exception located at <paramref name="parameter"/> of a function (unchanged when it already is); the
    /// located copy keeps this one's inner exception (the user's own, such as a throwing getter's), else this one.
    /// </summary>
    internal ComponentArgumentException At(string function, string signature, string? parameter) =>
        Function is not null ? this : new ComponentArgumentException(Cause, (parameter ?? "?") + Path, function, signature, parameter, InnerException ?? this);

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

/// <summary>
/// The instance would exceed a resource limit set in <see cref="InstanceOptions"/> (its memories, tables or instances,
/// or their initial sizes), so it could not be created. Growth past a limit while running is reported to the guest
/// (<c>memory.grow</c> and <c>table.grow</c> return -1), which may then trap.
/// </summary>
public sealed class ComponentResourceLimitException : WasmDynamicException
{
    /// <summary>Creates the exception.</summary>
    public ComponentResourceLimitException(string component, string reason)
        : this(component, reason, "Raise the limit in InstanceOptions (MaxMemoryBytes, MaxTableElements, MaxInstances, MaxTables, MaxMemories) if the component legitimately needs more.")
    {
    }

    internal ComponentResourceLimitException(string component, string reason, string advice)
        : base($"Cannot instantiate component '{component}': {reason.TrimEnd('.')}. {advice}")
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
