using System.Reflection;
using System.Reflection.Emit;

namespace WasmDynamic.Emit;

/// <summary>
/// One collectible dynamic assembly (<see cref="AssemblyBuilderAccess.RunAndCollect"/>) holding every type emitted for
/// one component world: data types of the default map and proxy classes. It lives as long as some
/// <see cref="WasmComponent"/>, instance or emitted object still references it; then the GC collects it.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed class ModuleScope
{
    private static int _counter;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public ModuleScope()
    {
        var id = Interlocked.Increment(ref _counter);
        var name = new AssemblyName($"WasmDynamic.Emitted{id}");
        Assembly = AssemblyBuilder.DefineDynamicAssembly(name, AssemblyBuilderAccess.RunAndCollect);
        Assembly.SetCustomAttribute(new CustomAttributeBuilder(
            typeof(System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute).GetConstructor([typeof(string)])!,
            [typeof(ModuleScope).Assembly.GetName().Name!]));
        Module = Assembly.DefineDynamicModule(name.Name!);
    }

    public AssemblyBuilder Assembly { get; }

    public ModuleBuilder Module { get; }

    /// <summary>A type name not used yet in this module (WIT names may repeat across interfaces).</summary>
    public string UniqueName(string ns, string name)
    {
        var full = string.IsNullOrEmpty(ns) ? name : ns + "." + name;
        var candidate = full;
        for (var i = 2; !_names.Add(candidate); i++)
        {
            candidate = full + i;
        }

        return candidate;
    }
}
