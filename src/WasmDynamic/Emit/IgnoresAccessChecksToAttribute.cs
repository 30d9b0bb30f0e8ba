namespace System.Runtime.CompilerServices;

/// <summary>
/// Recognized by the runtime by name: lets the emitted assembly call WasmDynamic's internal converters and invokers
/// without making them public API.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute : Attribute
{
    public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

    public string AssemblyName { get; }
}
