using WasmDynamic.Wit;

namespace WasmDynamic.BulkAdapter;

/// <summary>
/// One exported function that has a hidden fast twin in the wrapper: its number-list parameters and result
/// travel as <see cref="Marshalling.Base128"/> strings through <see cref="HiddenName"/>, a root export of the wrapper.
/// </summary>
/// <param name="Interface">The exported interface (its export name), or null for a root function.</param>
/// <param name="Function">The function as the original component's world declares it.</param>
/// <param name="HiddenName">The wrapper's root export that takes the bytes as strings.</param>
/// <param name="BulkParameters">Bit <c>i</c> set: parameter <c>i</c> is a list of numbers sent as a string (see <see cref="BulkPlan.IsBulkList"/>).</param>
/// <param name="BulkResult">The result is a list of numbers returned as a string.</param>
internal sealed record BulkFunction(string? Interface, WitFunction Function, string HiddenName, ulong BulkParameters, bool BulkResult);

/// <summary>
/// A resource of an exported interface with a hidden drop function in the wrapper: <see cref="HiddenName"/>, a root
/// export <c>func(self: own&lt;R&gt;)</c> lifted straight from <c>canon resource.drop R</c>. Called with
/// <c>call_async</c>, it runs the guest destructor in an async store, where the C API refuses
/// <c>wasmtime_component_resource_any_drop</c> and has no async drop (see <see cref="WrapperGenerator"/>).
/// </summary>
/// <param name="Interface">The exported interface that defines the resource (its export name).</param>
/// <param name="Resource">The resource's name in that interface.</param>
/// <param name="HiddenName">The wrapper's root export that drops an owned handle.</param>
internal sealed record ResourceDropTwin(string Interface, string Resource, string HiddenName);

/// <summary>Which exports of a component get a hidden fast twin, and the rule that decides it.</summary>
internal sealed class BulkPlan
{
    /// <summary>Wasmtime passes at most 16 flat core parameters directly; beyond, they go through memory.</summary>
    private const int MaxFlatParams = 16;

    private readonly Dictionary<(string?, string), BulkFunction> _functions;
    private readonly HashSet<string> _hidden;

    private readonly Dictionary<(string, string), ResourceDropTwin> _drops;

    private BulkPlan(List<BulkFunction> functions, List<ResourceDropTwin> drops)
    {
        Functions = functions;
        Drops = drops;
        _functions = functions.ToDictionary(f => (f.Interface, f.Function.Name));
        _drops = drops.ToDictionary(d => (d.Interface, d.Resource));
        _hidden = functions.Select(f => f.HiddenName).Concat(drops.Select(d => d.HiddenName)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The exported resources that get a hidden drop function (see <see cref="ResourceDropTwin"/>).</summary>
    public IReadOnlyList<ResourceDropTwin> Drops { get; }

    /// <summary>The hidden drop function of resource <paramref name="resource"/> of exported interface <paramref name="interfaceName"/>, or null.</summary>
    public ResourceDropTwin? FindDrop(string interfaceName, string resource) =>
        _drops.TryGetValue((interfaceName, resource), out var d) ? d : null;

    public IReadOnlyList<BulkFunction> Functions { get; }

    /// <summary>Where the original component's bytes start in the wrapper (set by <see cref="WrapperGenerator"/>).</summary>
    public int OriginalOffset { get; set; }

    /// <summary>
    /// True when the wrapper is the flat form (the original's sections, then the twins lifted beside its own lifts:
    /// <c>WrapperGenerator.GenerateFlat</c>); false for the nested form (set by <see cref="WrapperGenerator"/>).
    /// </summary>
    public bool Flat { get; set; }

    /// <summary>The original component's length in bytes.</summary>
    public int OriginalLength { get; set; }

    /// <summary>True for the name of a hidden twin: a root export of the wrapper that the original does not have.</summary>
    public bool IsHidden(string rootExport) => _hidden.Contains(rootExport);

    /// <summary>The fast twin of <paramref name="function"/>, or null when it has none.</summary>
    public BulkFunction? Find(string? interfaceName, string function) =>
        _functions.TryGetValue((interfaceName, function), out var f) ? f : null;

    /// <summary>The functions of <paramref name="world"/> worth a twin; null when there are none.</summary>
    public static BulkPlan? For(WitWorld world)
    {
        var taken = new HashSet<string>(world.ExportOrder, StringComparer.Ordinal);
        var list = new List<BulkFunction>();
        void Consider(string? iface, WitFunction f)
        {
            if (!Eligible(f, out var mask, out var result))
            {
                return;
            }

            var name = "wasmdynamic-bulk-x" + list.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            while (!taken.Add(name))
            {
                name += "x";
            }

            list.Add(new BulkFunction(iface, f, name, mask, result));
        }

        foreach (var f in world.ExportedFunctions)
        {
            Consider(null, f);
        }

        foreach (var i in world.Exports)
        {
            foreach (var f in i.Functions)
            {
                Consider(i.Name, f);
            }
        }

        var drops = DropTwins(world, taken);
        return list.Count == 0 && drops.Count == 0 ? null : new BulkPlan(list, drops);
    }

    /// <summary>A hidden drop function for each resource an exported interface defines.</summary>
    private static List<ResourceDropTwin> DropTwins(WitWorld world, HashSet<string> taken)
    {
        var drops = new List<ResourceDropTwin>();
        foreach (var i in world.Exports)
        {
            foreach (var r in i.Resources)
            {
                if (r.Name is not { } resource)
                {
                    continue;
                }

                var name = "wasmdynamic-drop-x" + drops.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                while (!taken.Add(name))
                {
                    name += "x";
                }

                drops.Add(new ResourceDropTwin(i.Name, resource, name));
            }
        }

        return drops;
    }

    /// <summary>True for <c>list&lt;u8&gt;</c>.</summary>
    public static bool IsBytes(WitType t) => t is WitList { Element: WitPrimitive { PrimitiveKind: WitTypeKind.U8 } };

    /// <summary>
    /// True for a list of fixed-size numbers (<c>u8 s8 u16 s16 u32 s32 u64 s64 f32 f64</c>): the twin takes its
    /// elements' little-endian bytes as one string, which is exactly their layout in linear memory.
    /// </summary>
    public static bool IsBulkList(WitType t) => ElementShift(t) >= 0;

    /// <summary>log2 of the element size of a bulk list (0 for bytes), or -1 for any other type.</summary>
    public static int ElementShift(WitType t) => t is WitList { Element: WitPrimitive { PrimitiveKind: var k } } ? ElementShift(k) : -1;

    /// <summary>log2 of the size of a number kind a bulk list may hold, or -1.</summary>
    public static int ElementShift(WitTypeKind k) => k switch
    {
        WitTypeKind.U8 or WitTypeKind.S8 => 0,
        WitTypeKind.U16 or WitTypeKind.S16 => 1,
        WitTypeKind.U32 or WitTypeKind.S32 or WitTypeKind.F32 => 2,
        WitTypeKind.U64 or WitTypeKind.S64 or WitTypeKind.F64 => 3,
        _ => -1,
    };

    /// <summary>Scalars, strings and byte lists: what the adapter's core module passes through or decodes.</summary>
    private static bool Simple(WitType t) =>
        IsBulkList(t) || t is WitPrimitive { PrimitiveKind: not WitTypeKind.ErrorContext };

    private static bool Eligible(WitFunction f, out ulong mask, out bool result)
    {
        mask = 0;
        result = f.Result is { } r && IsBulkList(r);
        if (f.IsAsync || f.Parameters.Count > MaxFlatParams || (f.Result is { } res && !Simple(res)))
        {
            return false;
        }

        var flat = 0;
        for (var i = 0; i < f.Parameters.Count; i++)
        {
            var t = f.Parameters[i].Type;
            if (!Simple(t))
            {
                return false;
            }

            flat += FlatCount(t);
            if (IsBulkList(t))
            {
                mask |= 1UL << i;
            }
        }

        return flat <= MaxFlatParams && (mask != 0 || result);
    }

    /// <summary>How many core values a simple type flattens to.</summary>
    public static int FlatCount(WitType t) => IsBulkList(t) || t.Kind == WitTypeKind.String ? 2 : 1;

    /// <summary>The core type of a scalar (strings and lists are two i32s).</summary>
    public static string CoreType(WitType t) => t.Kind switch
    {
        WitTypeKind.S64 or WitTypeKind.U64 => "i64",
        WitTypeKind.F32 => "f32",
        WitTypeKind.F64 => "f64",
        _ => "i32",
    };
}
