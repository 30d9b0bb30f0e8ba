using System.Reflection;
using WasmDynamic.Binding;
using WasmDynamic.Marshalling;
using WasmDynamic.Wit;

namespace WasmDynamic.Emit;

/// <summary>A WIT function bound to an emitted proxy method, with the converters its IL uses.</summary>
internal sealed record BoundFunction(WitFunction Function, MethodInfo Method, ValueConverter[] Parameters, ValueConverter? Result)
{
    /// <summary>The CLR signature, for messages.</summary>
    public string ClrSignature => BindingMessages.Signature(Method);
}

/// <summary>An emitted proxy type and the functions its methods call, in invoker order.</summary>
internal sealed record ProxyTypeInfo(Type Type, WitInterface? Interface, BoundFunction[] Functions)
{
    public string InterfaceName => Interface?.Name ?? string.Empty;

    /// <summary>True when the interface was Bindgen output whose fingerprint matched, so it was bound without checks.</summary>
    public bool Trusted { get; init; }
}
