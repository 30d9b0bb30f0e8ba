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

/// <summary>The guest trapped (or the engine failed the call) while running a component function.</summary>
public class ComponentTrapException : WasmDynamicException
{
    /// <summary>Creates the exception.</summary>
    public ComponentTrapException(string function, string signature, string reason, Exception? innerException = null)
        : base($"Component function '{function}' ({signature}) trapped: {reason}", innerException)
    {
        Function = function;
        Signature = signature;
        Reason = reason;
    }

    /// <summary>The component function that was called.</summary>
    public string Function { get; }

    /// <summary>Its WIT signature.</summary>
    public string Signature { get; }

    /// <summary>What Wasmtime reported, including the guest backtrace when there is one.</summary>
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
