using System.Text;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Binding;

/// <summary>
/// Which consumer reads the type map. The two agree on every WIT type but these, written here so each difference is a
/// decision and not a drift (<c>PolicyContractTests</c> holds both sides to it):
/// <list type="bullet">
/// <item>bindgen prints <c>list&lt;T&gt;</c> (T not <c>u8</c>) as <c>IReadOnlyList&lt;T&gt;</c>, so generated signatures
/// accept any list a caller has, while <c>dynamic</c> and the emitted proxies return and take <c>T[]</c> (what the
/// runtime builds); <c>GetInterface&lt;T&gt;</c> accepts both, so generated code binds unchanged;</item>
/// <item>a handle of a host resource is <c>object</c> for <c>dynamic</c> (any host object) and the generated abstract
/// class for bindgen; a guest resource is the emitted class for <c>dynamic</c> and the generated interface for bindgen
/// (<see cref="BindingNames"/> names both).</item>
/// </list>
/// Flags are <c>byte</c>/<c>ushort</c>/<c>uint</c>/<c>ulong</c> enums by flag count in both, as the canonical ABI stores them.
/// </summary>
internal enum BindingProfile
{
    /// <summary>What <c>dynamic</c> returns and the emitted default proxies declare.</summary>
    Dynamic,

    /// <summary>What <c>WasmDynamic.Bindgen</c> prints.</summary>
    Bindgen,
}

/// <summary>One WIT primitive's CLR type, its C# keyword (or qualified name) and its native value kind.</summary>
internal sealed record ClrPrimitive(WitTypeKind Wit, Type Clr, string CSharp, ValKind Kind)
{
    /// <summary>True for <c>s8</c>…<c>u64</c>.</summary>
    public bool IsInteger => Wit is WitTypeKind.S8 or WitTypeKind.U8 or WitTypeKind.S16 or WitTypeKind.U16 or WitTypeKind.S32 or WitTypeKind.U32 or WitTypeKind.S64 or WitTypeKind.U64;

    /// <summary>The WIT spelling: <c>u32</c>.</summary>
    public string WitName => Wit.ToString().ToLowerInvariant();
}

/// <summary>
/// Builds a CLR type representation — a <see cref="Type"/> (runtime), a C# spelling (bindgen) — for the shapes
/// <see cref="ClrTypeMap.Map{T}"/> decides. Each method receives decisions already made, never a WIT type to interpret.
/// </summary>
internal interface IClrTypeBuilder<T>
{
    T Primitive(ClrPrimitive primitive);

    /// <summary><c>list&lt;u8&gt;</c>: <c>byte[]</c> in every profile.</summary>
    T Bytes();

    /// <summary><c>list&lt;T&gt;</c> as <c>T[]</c> (<paramref name="readOnlyList"/> false) or <c>IReadOnlyList&lt;T&gt;</c>.</summary>
    T List(T element, bool readOnlyList);

    /// <summary>A <c>ValueTuple</c> of at most <see cref="ClrTypeMap.MaxTupleArity"/> elements.</summary>
    T Tuple(IReadOnlyList<T> items);

    /// <summary><c>option&lt;T&gt;</c>: <c>T?</c>, or <c>Option&lt;T&gt;</c> when <paramref name="wrapped"/> (the inner type is an option too).</summary>
    T Option(T inner, bool wrapped);

    /// <summary><c>result&lt;T, E&gt;</c> as <c>Result&lt;T, E&gt;</c>; a missing side is <c>Unit</c> (null here).</summary>
    T Result(T? ok, T? err);

    /// <summary>A handle: the class or interface of the resource.</summary>
    T Handle(WitHandle handle);

    /// <summary>A record, variant, enum or flags type: the emitted or generated type.</summary>
    T Named(WitType type);
}

/// <summary>
/// THE WIT→CLR type map. The emitted proxies (<c>DataTypeEmitter</c>), the converters' defaults, the IL fast path for
/// scalars, bindgen and the CLI's WAVE conversion all read this table and this shape, so they cannot drift apart.
/// </summary>
internal static class ClrTypeMap
{
    /// <summary>The largest tuple WasmDynamic binds (a <c>ValueTuple</c> without a nested <c>TRest</c>).</summary>
    public const int MaxTupleArity = 7;

    /// <summary>The most flags an enum holds (<c>ulong</c>); more are a <c>HashSet&lt;string&gt;</c>.</summary>
    public const int MaxFlagsInEnum = 64;

    private static readonly ClrPrimitive[] Table =
    [
        new(WitTypeKind.Bool, typeof(bool), "bool", ValKind.Bool),
        new(WitTypeKind.S8, typeof(sbyte), "sbyte", ValKind.S8),
        new(WitTypeKind.U8, typeof(byte), "byte", ValKind.U8),
        new(WitTypeKind.S16, typeof(short), "short", ValKind.S16),
        new(WitTypeKind.U16, typeof(ushort), "ushort", ValKind.U16),
        new(WitTypeKind.S32, typeof(int), "int", ValKind.S32),
        new(WitTypeKind.U32, typeof(uint), "uint", ValKind.U32),
        new(WitTypeKind.S64, typeof(long), "long", ValKind.S64),
        new(WitTypeKind.U64, typeof(ulong), "ulong", ValKind.U64),
        new(WitTypeKind.F32, typeof(float), "float", ValKind.F32),
        new(WitTypeKind.F64, typeof(double), "double", ValKind.F64),
        new(WitTypeKind.Char, typeof(Rune), "global::System.Text.Rune", ValKind.Char),
        new(WitTypeKind.String, typeof(string), "string", ValKind.String),
    ];

    /// <summary>Every WIT primitive with a CLR mapping.</summary>
    public static IReadOnlyList<ClrPrimitive> Primitives => Table;

    /// <summary>The mapping of primitive <paramref name="kind"/>, or null (not a mapped primitive).</summary>
    public static ClrPrimitive? Primitive(WitTypeKind kind)
    {
        foreach (var p in Table)
        {
            if (p.Wit == kind)
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>The primitive whose default CLR type is <paramref name="clr"/>, or null.</summary>
    public static ClrPrimitive? Primitive(Type clr) => Table.FirstOrDefault(p => p.Clr == clr);

    /// <summary>
    /// A primitive passed as exactly its default CLR type, which IL can store into and load from a native value in place;
    /// null for strings, other types, or a CLR type the user chose instead (<c>char</c> for <c>char</c>).
    /// </summary>
    public static ClrPrimitive? Scalar(WitType wit, Type clr) =>
        wit is WitPrimitive && wit.Kind != WitTypeKind.String && Primitive(wit.Kind) is { } p && p.Clr == clr ? p : null;

    /// <summary>The underlying type of the enum for a flags type of <paramref name="count"/> flags, as the canonical ABI stores them.</summary>
    public static Type FlagsUnderlying(int count) => count <= 8 ? typeof(byte) : count <= 16 ? typeof(ushort) : count <= 32 ? typeof(uint) : typeof(ulong);

    /// <summary>The C# keyword of <see cref="FlagsUnderlying"/>.</summary>
    public static string FlagsUnderlyingKeyword(int count) => Primitive(Underlying(FlagsUnderlying(count)))!.CSharp;

    /// <summary>The CLR type <paramref name="wit"/> maps to in <paramref name="profile"/>, built by <paramref name="builder"/>.</summary>
    /// <exception cref="NotSupportedException">The type cannot be marshalled (see <see cref="Marshallable"/>).</exception>
    public static T Map<T>(WitType wit, IClrTypeBuilder<T> builder, BindingProfile profile)
    {
        // `type a = b`: the alias is b's CLR type.
        while (wit.AliasOf is { } target)
        {
            wit = target;
        }

        switch (wit)
        {
            case WitPrimitive p:
                return Primitive(p.Kind) is { } mapped ? builder.Primitive(mapped) : throw Unsupported(wit);
            case WitList l:
                return l.Element.Kind == WitTypeKind.U8 ? builder.Bytes() : builder.List(Map(l.Element, builder, profile), readOnlyList: profile == BindingProfile.Bindgen);
            case WitTuple t:
                return t.Types.Count <= MaxTupleArity ? builder.Tuple(t.Types.Select(x => Map(x, builder, profile)).ToArray()) : throw Unsupported(wit);
            case WitOption o:
                return builder.Option(Map(o.Inner, builder, profile), wrapped: o.Inner.Kind == WitTypeKind.Option);
            case WitResult r:
                return builder.Result(r.Ok is null ? default : Map(r.Ok, builder, profile), r.Err is null ? default : Map(r.Err, builder, profile));
            case WitHandle h:
                return builder.Handle(h);
            case WitRecord or WitEnum or WitFlags or WitVariant:
                return builder.Named(wit);
            default:
                throw Unsupported(wit);
        }
    }

    private static WitTypeKind Underlying(Type t) => Table.First(p => p.Clr == t).Wit;

    private static NotSupportedException Unsupported(WitType wit) =>
        new(Marshallable.WhyNot(wit) is { } why ? $"WIT '{wit}': {why}." : $"WIT '{wit}' ({wit.Kind}) has no CLR mapping in this version of WasmDynamic.");
}
