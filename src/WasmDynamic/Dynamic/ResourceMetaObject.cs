using System.Dynamic;
using System.Linq.Expressions;
using WasmDynamic.Exports;
using WasmDynamic.Wit;

namespace WasmDynamic.Dynamic;

/// <summary>
/// Binds <c>dynamic</c> calls on a guest resource object (<c>board.Add("Buy milk", "high", …)</c>) to its emitted
/// methods with the argument coercion exported functions get; its CLR members (<c>Dispose</c>, <c>IsDisposed</c>…)
/// bind as usual. Rules are cached per emitted resource class.
/// </summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed class ResourceMetaObject : DynamicMetaObject
{
    public ResourceMetaObject(Expression expression, IResourceObject resource)
        : base(expression, BindingRestrictions.Empty, resource)
    {
    }

    private IResourceObject Resource => (IResourceObject)Value!;

    private BindingRestrictions TypeRestriction => BindingRestrictions.GetTypeRestriction(Expression, LimitType);

    public override DynamicMetaObject BindInvokeMember(InvokeMemberBinder binder, DynamicMetaObject[] args)
    {
        var binding = Resource.Handle.Binding;
        var info = binding.Info;
        var k = Array.FindIndex(info.Functions, f => f.Name == binder.Name || f.ShortName == binder.Name);
        if (k < 0)
        {
            k = Array.FindIndex(info.Functions, f => Naming.Matches(binder.Name, f.ShortName));
        }

        if (k < 0)
        {
            var error = DynamicCall.NotFound(
                binder.Name,
                $"a method of resource '{binding.Resource.Name}' ({binding.Resource.Owner})",
                info.Functions.Select(f => f.ShortName).ToList(),
                null,
                binder.ReturnType,
                TypeRestriction);
            return binder.FallbackInvokeMember(this, args, error);
        }

        var function = info.Functions[k];
        var qualified = binding.Invokers[k].QualifiedName;
        return DynamicCall.Bind(info.Methods[k], function, 1, qualified, args, binder.CallInfo, binder.ReturnType, Expression, TypeRestriction);
    }

    /// <summary>The object's CLR properties bind as usual; any other name is reported as a missing member of the resource.</summary>
    public override DynamicMetaObject BindGetMember(GetMemberBinder binder)
    {
        var binding = Resource.Handle.Binding;
        var error = DynamicCall.NotFound(
            binder.Name,
            $"a property of resource '{binding.Resource.Name}' ({binding.Resource.Owner}); resources expose methods only",
            binding.Info.Functions.Select(f => f.ShortName).Concat(BaseProperties(binding.Instance.Types.Bases.Resource.Type)).ToList(),
            null,
            binder.ReturnType,
            TypeRestriction);
        return binder.FallbackGetMember(this, error);
    }

    /// <summary>The public properties of the resource base (<c>ResourceName</c>, <c>IsOwned</c>, <c>IsDisposed</c>).</summary>
    private static IEnumerable<string> BaseProperties(Type resourceBase) =>
        resourceBase.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance).Select(p => p.Name);

    public override IEnumerable<string> GetDynamicMemberNames() => Resource.Handle.Binding.Info.Methods.Select(m => m.Name);
}
