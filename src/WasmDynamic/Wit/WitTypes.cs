namespace WasmDynamic.Wit;

/// <summary>The kinds of WIT value types.</summary>
public enum WitTypeKind
{
    /// <summary><c>bool</c>.</summary>
    Bool,
    /// <summary><c>s8</c>.</summary>
    S8,
    /// <summary><c>u8</c>.</summary>
    U8,
    /// <summary><c>s16</c>.</summary>
    S16,
    /// <summary><c>u16</c>.</summary>
    U16,
    /// <summary><c>s32</c>.</summary>
    S32,
    /// <summary><c>u32</c>.</summary>
    U32,
    /// <summary><c>s64</c>.</summary>
    S64,
    /// <summary><c>u64</c>.</summary>
    U64,
    /// <summary><c>f32</c>.</summary>
    F32,
    /// <summary><c>f64</c>.</summary>
    F64,
    /// <summary><c>char</c> (a Unicode scalar value).</summary>
    Char,
    /// <summary><c>string</c>.</summary>
    String,
    /// <summary><c>list&lt;T&gt;</c>.</summary>
    List,
    /// <summary><c>list&lt;T, N&gt;</c>.</summary>
    FixedSizeList,
    /// <summary><c>record</c>.</summary>
    Record,
    /// <summary><c>tuple&lt;...&gt;</c>.</summary>
    Tuple,
    /// <summary><c>variant</c>.</summary>
    Variant,
    /// <summary><c>enum</c>.</summary>
    Enum,
    /// <summary><c>flags</c>.</summary>
    Flags,
    /// <summary><c>option&lt;T&gt;</c>.</summary>
    Option,
    /// <summary><c>result&lt;T, E&gt;</c>.</summary>
    Result,
    /// <summary>A resource type definition.</summary>
    Resource,
    /// <summary><c>own&lt;R&gt;</c> (written <c>R</c> in WIT).</summary>
    Own,
    /// <summary><c>borrow&lt;R&gt;</c>.</summary>
    Borrow,
    /// <summary><c>map&lt;K, V&gt;</c>.</summary>
    Map,
    /// <summary><c>future&lt;T&gt;</c>.</summary>
    Future,
    /// <summary><c>stream&lt;T&gt;</c>.</summary>
    Stream,
    /// <summary><c>error-context</c>.</summary>
    ErrorContext,
}

/// <summary>
/// A WIT value type. Instances are immutable and compare by value (kind, structure and, for named types, name).
/// </summary>
/// <remarks>
/// <see cref="Name"/> is set for types the component names (record, variant, enum, flags, resource, and aliases
/// such as <c>type bytes = list&lt;u8&gt;</c>); <see cref="Owner"/> is the interface that defines it.
/// </remarks>
public abstract record WitType
{
    private protected WitType()
    {
    }

    /// <summary>The kind of this type.</summary>
    public abstract WitTypeKind Kind { get; }

    /// <summary>The WIT name of this type, when the component names it.</summary>
    public string? Name { get; init; }

    /// <summary>The full name of the interface that defines this named type (empty for the world root).</summary>
    public string? Owner { get; init; }

    /// <summary>
    /// For an alias of another named type (<c>type a = b</c>, <see cref="Name"/> <c>a</c>): the type <c>b</c>; this type
    /// has <c>b</c>'s structure under its own name. Null for every other type (a plain <c>use</c> is <c>b</c> itself,
    /// and an alias of an unnamed type such as <c>type bytes = list&lt;u8&gt;</c> is that structure under the name).
    /// Consumers that map WIT types to .NET types should map an alias to the type of its target.
    /// </summary>
    public WitType? AliasOf { get; init; }

    /// <summary><c>bool</c>.</summary>
    public static WitPrimitive Bool { get; } = new(WitTypeKind.Bool);
    /// <summary><c>s8</c>.</summary>
    public static WitPrimitive S8 { get; } = new(WitTypeKind.S8);
    /// <summary><c>u8</c>.</summary>
    public static WitPrimitive U8 { get; } = new(WitTypeKind.U8);
    /// <summary><c>s16</c>.</summary>
    public static WitPrimitive S16 { get; } = new(WitTypeKind.S16);
    /// <summary><c>u16</c>.</summary>
    public static WitPrimitive U16 { get; } = new(WitTypeKind.U16);
    /// <summary><c>s32</c>.</summary>
    public static WitPrimitive S32 { get; } = new(WitTypeKind.S32);
    /// <summary><c>u32</c>.</summary>
    public static WitPrimitive U32 { get; } = new(WitTypeKind.U32);
    /// <summary><c>s64</c>.</summary>
    public static WitPrimitive S64 { get; } = new(WitTypeKind.S64);
    /// <summary><c>u64</c>.</summary>
    public static WitPrimitive U64 { get; } = new(WitTypeKind.U64);
    /// <summary><c>f32</c>.</summary>
    public static WitPrimitive F32 { get; } = new(WitTypeKind.F32);
    /// <summary><c>f64</c>.</summary>
    public static WitPrimitive F64 { get; } = new(WitTypeKind.F64);
    /// <summary><c>char</c>.</summary>
    public static WitPrimitive Char { get; } = new(WitTypeKind.Char);
    /// <summary><c>string</c>.</summary>
    public static WitPrimitive String { get; } = new(WitTypeKind.String);
    /// <summary><c>error-context</c>.</summary>
    public static WitPrimitive ErrorContext { get; } = new(WitTypeKind.ErrorContext);

    /// <summary>True for types that WIT defines by name (record, variant, enum, flags, resource).</summary>
    public bool IsNominal => Kind is WitTypeKind.Record or WitTypeKind.Variant or WitTypeKind.Enum or WitTypeKind.Flags or WitTypeKind.Resource;

    /// <summary>This type as WIT writes it where it is used (its name if it has one).</summary>
    public sealed override string ToString() => WitPrinter.TypeReference(this);
}

/// <summary>A primitive type: <c>bool</c>, integers, floats, <c>char</c>, <c>string</c>, <c>error-context</c>.</summary>
/// <param name="PrimitiveKind">Which primitive.</param>
public sealed record WitPrimitive(WitTypeKind PrimitiveKind) : WitType
{
    /// <inheritdoc/>
    public override WitTypeKind Kind => PrimitiveKind;
}

/// <summary><c>list&lt;T&gt;</c>.</summary>
/// <param name="Element">The element type.</param>
public sealed record WitList(WitType Element) : WitType
{
    /// <inheritdoc/>
    public override WitTypeKind Kind => WitTypeKind.List;
}

/// <summary><c>list&lt;T, N&gt;</c>; <paramref name="Length"/> is 0 when the engine does not report it.</summary>
/// <param name="Element">The element type.</param>
/// <param name="Length">The fixed length.</param>
public sealed record WitFixedSizeList(WitType Element, int Length) : WitType
{
    /// <inheritdoc/>
    public override WitTypeKind Kind => WitTypeKind.FixedSizeList;
}

/// <summary>A field of a <see cref="WitRecord"/>.</summary>
/// <param name="Name">The kebab-case field name.</param>
/// <param name="Type">The field type.</param>
public sealed record WitField(string Name, WitType Type);

/// <summary><c>record</c>.</summary>
/// <param name="Fields">The fields, in order.</param>
public sealed record WitRecord(EquatableArray<WitField> Fields) : WitType
{
    /// <inheritdoc/>
    public override WitTypeKind Kind => WitTypeKind.Record;
}

/// <summary><c>tuple&lt;...&gt;</c>.</summary>
/// <param name="Types">The element types.</param>
public sealed record WitTuple(EquatableArray<WitType> Types) : WitType
{
    /// <inheritdoc/>
    public override WitTypeKind Kind => WitTypeKind.Tuple;
}

/// <summary>A case of a <see cref="WitVariant"/>.</summary>
/// <param name="Name">The kebab-case case name.</param>
/// <param name="Payload">The payload type, or null for a case without payload.</param>
public sealed record WitCase(string Name, WitType? Payload);

/// <summary><c>variant</c>.</summary>
/// <param name="Cases">The cases, in order.</param>
public sealed record WitVariant(EquatableArray<WitCase> Cases) : WitType
{
    /// <inheritdoc/>
    public override WitTypeKind Kind => WitTypeKind.Variant;
}

/// <summary><c>enum</c>.</summary>
/// <param name="Cases">The case names, in order.</param>
public sealed record WitEnum(EquatableArray<string> Cases) : WitType
{
    /// <inheritdoc/>
    public override WitTypeKind Kind => WitTypeKind.Enum;
}

/// <summary><c>flags</c>.</summary>
/// <param name="Flags">The flag names, in order (bit 0 first).</param>
public sealed record WitFlags(EquatableArray<string> Flags) : WitType
{
    /// <inheritdoc/>
    public override WitTypeKind Kind => WitTypeKind.Flags;
}

/// <summary><c>option&lt;T&gt;</c>.</summary>
/// <param name="Inner">The payload type.</param>
public sealed record WitOption(WitType Inner) : WitType
{
    /// <inheritdoc/>
    public override WitTypeKind Kind => WitTypeKind.Option;
}

/// <summary><c>result&lt;T, E&gt;</c>; either side may be absent (<c>result</c>, <c>result&lt;T&gt;</c>, <c>result&lt;_, E&gt;</c>).</summary>
/// <param name="Ok">The ok payload type, or null.</param>
/// <param name="Err">The error payload type, or null.</param>
public sealed record WitResult(WitType? Ok, WitType? Err) : WitType
{
    /// <inheritdoc/>
    public override WitTypeKind Kind => WitTypeKind.Result;
}

/// <summary>Which side of a world an item belongs to.</summary>
public enum WitDirection
{
    /// <summary>The component imports it: the host provides it.</summary>
    Import,
    /// <summary>The component exports it: the guest provides it.</summary>
    Export,
}

/// <summary>A resource type definition (<c>resource name { ... }</c>); its functions live on the interface.</summary>
/// <remarks>
/// A resource's identity is its name, its owner and its <see cref="Direction"/>: an interface that a component both
/// imports and exports defines two distinct resources of the same name, the host's and the guest's.
/// </remarks>
public sealed record WitResource : WitType
{
    /// <summary>Creates a resource named <paramref name="name"/>, defined by <paramref name="owner"/>.</summary>
    /// <param name="name">The resource name.</param>
    /// <param name="owner">The full name of the defining interface (empty for the world root).</param>
    /// <param name="direction">Whether the defining interface (or world item) is imported or exported.</param>
    public WitResource(string name, string owner, WitDirection direction = WitDirection.Import)
    {
        Name = name;
        Owner = owner;
        Direction = direction;
    }

    /// <summary>Whether the host (imported) or the guest (exported) implements this resource.</summary>
    public WitDirection Direction { get; init; }

    /// <inheritdoc/>
    public override WitTypeKind Kind => WitTypeKind.Resource;
}

/// <summary>A handle to a resource: <c>own&lt;R&gt;</c> (written <c>R</c>) or <c>borrow&lt;R&gt;</c>.</summary>
/// <param name="Resource">The resource.</param>
/// <param name="IsBorrow">True for <c>borrow</c>.</param>
public sealed record WitHandle(WitResource Resource, bool IsBorrow) : WitType
{
    /// <inheritdoc/>
    public override WitTypeKind Kind => IsBorrow ? WitTypeKind.Borrow : WitTypeKind.Own;
}

/// <summary><c>map&lt;K, V&gt;</c>.</summary>
/// <param name="Key">The key type.</param>
/// <param name="Value">The value type.</param>
public sealed record WitMap(WitType Key, WitType Value) : WitType
{
    /// <inheritdoc/>
    public override WitTypeKind Kind => WitTypeKind.Map;
}

/// <summary><c>future&lt;T&gt;</c> or <c>future</c>.</summary>
/// <param name="Payload">The payload type, or null.</param>
public sealed record WitFuture(WitType? Payload) : WitType
{
    /// <inheritdoc/>
    public override WitTypeKind Kind => WitTypeKind.Future;
}

/// <summary><c>stream&lt;T&gt;</c> or <c>stream</c>.</summary>
/// <param name="Payload">The element type, or null.</param>
public sealed record WitStream(WitType? Payload) : WitType
{
    /// <inheritdoc/>
    public override WitTypeKind Kind => WitTypeKind.Stream;
}
