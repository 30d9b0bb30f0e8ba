using System.Reflection;
using System.Reflection.Emit;
using WasmDynamic.Binding;
using WasmDynamic.Wit;

namespace WasmDynamic.Emit;

/// <summary>
/// Emits proxy classes deriving from the proxy base (<c>ComponentProxy</c>, given as <see cref="WorldTypes.Bases"/>):
/// with the default type map (one class for the root functions and one per exported interface, resource constructors
/// and statics included), or implementing a user interface for <c>GetInterface&lt;T&gt;</c>. A user interface is
/// validated completely before anything is emitted; all mismatches are reported together.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static class ProxyEmitter
{
    public static ProxyTypeInfo Emit(WorldTypes world, WitInterface? iface, Type? clrInterface)
    {
        var functions = (iface is null ? world.World.ExportedFunctions : iface.Functions).Where(f => f.Kind != WitFunctionKind.Method).ToList();
        var trusted = false;
        var plans = clrInterface is null
            ? MethodPlanner.Default(world, functions, selfType: null)
            : MethodPlanner.ForInterface(world, iface, functions, clrInterface, selfType: null, what: iface is null ? "the component's root exports" : $"the exported interface '{iface.Name}'", out trusted);

        var scope = world.Scope;
        var name = scope.UniqueName(BindingNames.ProxyNamespace, BindingNames.ProxyName(iface, clrInterface));
        var tb = scope.Module.DefineType(name, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class, world.Bases.Proxy.Type, clrInterface is null ? Type.EmptyTypes : [clrInterface]);

        // C#: public XExports(object binding) : base(binding) { }
        var ctor = tb.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, [typeof(object)]);
        var cil = ctor.GetILGenerator();
        cil.Emit(OpCodes.Ldarg_0);
        cil.Emit(OpCodes.Ldarg_1);
        cil.Emit(OpCodes.Call, world.Bases.Proxy.Constructor);
        cil.Emit(OpCodes.Ret);

        var emitted = plans.Select((p, k) => MethodEmitter.Emit(tb, p, k, world.Bases.Proxy.Invokers)).ToList();
        var type = tb.CreateType();
        var bound = new BoundFunction[plans.Count];
        for (var k = 0; k < plans.Count; k++)
        {
            plans[k].CreateConverters(world.Converters, $"{Qualified(iface, plans[k].Function)} ({plans[k].Function.Signature})", world.DataTypes.ClrType);
            MethodEmitter.Assign(type, emitted[k].Fields, plans[k]);
            bound[k] = plans[k].Bind(type.GetMethod(emitted[k].Method.Name, BindingFlags.Public | BindingFlags.Instance, plans[k].DeclaredParameterTypes)!);
        }

        return new ProxyTypeInfo(type, iface, bound) { Trusted = trusted };
    }

    internal static string Qualified(WitInterface? iface, WitFunction f) => iface is null ? f.Name : $"{iface.Name}#{f.Name}";
}
