namespace WasmDynamic;

/// <summary>
/// Names the WIT item a .NET member, type, parameter or enum member stands for, when the default name mapping
/// (PascalCase/camelCase ↔ kebab-case) does not find it. On an interface passed to <c>GetInterface&lt;T&gt;</c>, names the
/// exported interface (<c>demo:calc/types@0.1.0</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface | AttributeTargets.Enum | AttributeTargets.Parameter)]
public sealed class WitNameAttribute : Attribute
{
    /// <summary>Names the WIT item.</summary>
    /// <param name="name">The WIT name, e.g. <c>roundtrip-u8</c> or <c>blue-ish</c>.</param>
    public WitNameAttribute(string name) => Name = name;

    /// <summary>The WIT name.</summary>
    public string Name { get; }
}
