using WasmDynamic.Binding;
using WasmDynamic.Wit;

namespace WasmDynamic.Bindgen;

/// <summary>
/// The policy's type map (<see cref="ClrTypeMap"/>, bindgen profile) spelled as C#: keywords for primitives,
/// <c>global::</c>-qualified library types, and the generated type names, qualified where a member hides them.
/// </summary>
internal sealed class CSharpTypes : IClrTypeBuilder<string>
{
    private readonly BindgenPlan _plan;

    /// <summary>Simple names that a member of the type being written hides: references to such generated types are qualified.</summary>
    private HashSet<string> _shadowed = new(StringComparer.Ordinal);

    public CSharpTypes(BindgenPlan plan)
    {
        _plan = plan;
    }

    /// <summary>The C# spelling of <paramref name="t"/>.</summary>
    public string Of(WitType t) => ClrTypeMap.Map(t, this, BindingProfile.Bindgen);

    /// <summary>Qualifies references to <paramref name="members"/> (names the type being written declares) until disposed.</summary>
    public IDisposable Shadow(IEnumerable<string> members)
    {
        var saved = _shadowed;
        _shadowed = new HashSet<string>(members, StringComparer.Ordinal);
        return new Restore(this, saved);
    }

    private sealed class Restore(CSharpTypes owner, HashSet<string> saved) : IDisposable
    {
        public void Dispose() => owner._shadowed = saved;
    }

    /// <summary>True when equality of a C# value of <paramref name="t"/> must look into lists (arrays compare by reference).</summary>
    public static bool HasList(WitType t) => t switch
    {
        WitList => true,
        WitRecord or WitVariant or WitEnum or WitFlags or WitHandle or WitResource => false,
        _ => WitFingerprint.Children(t).Any(HasList),
    };

    public string Primitive(ClrPrimitive primitive) => primitive.CSharp;

    public string Bytes() => "byte[]";

    public string List(string element, bool readOnlyList) =>
        readOnlyList ? $"global::System.Collections.Generic.IReadOnlyList<{element}>" : element + "[]";

    public string Tuple(IReadOnlyList<string> items) =>
        items.Count == 1 ? $"global::System.ValueTuple<{items[0]}>" : "(" + string.Join(", ", items) + ")";

    public string Option(string inner, bool wrapped) => wrapped ? $"global::WasmDynamic.Option<{inner}>" : inner + "?";

    public string Result(string? ok, string? err) =>
        $"global::WasmDynamic.Result<{ok ?? "global::WasmDynamic.Unit"}, {err ?? "global::WasmDynamic.Unit"}>";

    public string Handle(WitHandle handle) => Qualify(_plan.Types[handle.Resource].Name);

    public string Named(WitType type) => _plan.Types.TryGetValue(type, out var named) ? Qualify(named.Name) : throw new NotSupportedException(type.ToString());

    private string Qualify(string name) => _shadowed.Contains(name) ? $"global::{_plan.Namespace}.{name}" : name;
}
