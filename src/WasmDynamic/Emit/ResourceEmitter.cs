using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;
using WasmDynamic.Marshalling;
using WasmDynamic.Wit;

namespace WasmDynamic.Emit;

/// <summary>
/// Emits a class per guest resource deriving from the resource base (<c>ComponentResource</c>, given as
/// <see cref="WorldTypes.Bases"/>), whose instance methods call the resource's <c>[method]</c> functions with the
/// object itself as <c>self</c>: with the default type map, or implementing the user's resource interface
/// (<c>ICounter : IDisposable</c>).
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static class ResourceEmitter
{
    public static void Emit(WorldTypes world, GuestResourceClass info, TypeBuilder tb, List<Action> pendingInits)
    {
        var owner = world.World.DefiningInterface(info.Resource);
        var methods = world.World.FunctionsOf(info.Resource).Where(f => f.Kind == WitFunctionKind.Method).ToList();
        var selfType = info.ClrInterface ?? (Type)tb;
        var plans = info.ClrInterface is null
            ? MethodPlanner.Default(world, methods, selfType, nameof(IDisposable.Dispose))
            : MethodPlanner.ForInterface(world, owner, methods, info.ClrInterface, selfType, $"resource '{info.Resource.Name}' of '{info.Resource.Owner}'");

        // C#: public Counter(object handle) : base(handle) { }
        var ctor = tb.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, [typeof(object)]);
        var cil = ctor.GetILGenerator();
        cil.Emit(OpCodes.Ldarg_0);
        cil.Emit(OpCodes.Ldarg_1);
        cil.Emit(OpCodes.Call, world.Bases.Resource.Constructor);
        cil.Emit(OpCodes.Ret);

        var emitted = plans.Select((p, k) => MethodEmitter.Emit(tb, p, k, world.Bases.Resource.Invokers)).ToList();
        var type = tb.CreateType();
        info.Type = type;
        info.Functions = plans.Select(p => p.Function).ToArray();
        var created = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
        info.Methods = emitted.Select(e => created.Single(m => m.MetadataToken == e.Method.MetadataToken)).ToArray();
        var handle = Expression.Parameter(typeof(object), "handle");
        info.Create = Expression.Lambda<Func<object, object>>(Expression.New(type.GetConstructor([typeof(object)])!, handle), handle).Compile();

        // Converters can refer to this class (and to classes still being emitted), so they are made once all exist.
        pendingInits.Add(() =>
        {
            for (var k = 0; k < plans.Count; k++)
            {
                plans[k].CreateConverters(world.Converters, $"{ProxyEmitter.Qualified(owner, plans[k].Function)} ({plans[k].Function.Signature})", world.DataTypes.ClrType);
                MethodEmitter.Assign(type, emitted[k].Fields, plans[k]);
            }
        });
    }
}
