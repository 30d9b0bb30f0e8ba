namespace WasmDynamic.Wit.Binary;

// The parsed form of a component binary: only what a WIT world needs. Core modules, core instances and core types are
// skipped (their bytes are bounds-checked); everything that fills the component-level index spaces is kept.

/// <summary>The sort of an item in a component's index spaces (<c>sort</c> in the binary format).</summary>
internal enum Sort : byte
{
    CoreFunc,
    CoreTable,
    CoreMemory,
    CoreGlobal,
    CoreTag,
    CoreType,
    CoreModule,
    CoreInstance,
    Func,
    Value,
    Type,
    Component,
    Instance,
}

/// <summary>A component or nested component: its sections' items in order.</summary>
internal sealed class ComponentAst(List<Item> items, int offset)
{
    public List<Item> Items { get; } = items;

    /// <summary>Byte offset of the component's preamble (or of its nested-component section).</summary>
    public int Offset { get; } = offset;
}

/// <summary>One entry of a section, with the byte offset it starts at (for messages).</summary>
internal abstract class Item(int offset)
{
    public int Offset { get; } = offset;
}

/// <summary>A nested component (section 4).</summary>
internal sealed class NestedComponentItem(int offset, ComponentAst ast) : Item(offset)
{
    public ComponentAst Ast { get; } = ast;
}

/// <summary>An argument of <c>instantiate</c> or an inline export of an instance.</summary>
internal readonly record struct SortRef(string Name, Sort Sort, uint Index);

/// <summary>An instance definition (section 5): <c>instantiate</c> (with a component index) or inline exports.</summary>
internal sealed class InstanceItem(int offset, uint? component, SortRef[] args) : Item(offset)
{
    public uint? Component { get; } = component;

    public SortRef[] Args { get; } = args;
}

/// <summary>The target of an alias.</summary>
internal enum AliasTarget : byte
{
    InstanceExport,
    CoreInstanceExport,
    Outer,
}

/// <summary>An alias (section 6, and inside instance and component types).</summary>
internal sealed class AliasItem(int offset, Sort sort, AliasTarget target, uint instanceOrCount, uint index, string name) : Item(offset)
{
    public Sort Sort { get; } = sort;

    public AliasTarget Target { get; } = target;

    /// <summary>The instance index (export aliases) or the outer count.</summary>
    public uint InstanceOrCount { get; } = instanceOrCount;

    /// <summary>The outer index (outer aliases).</summary>
    public uint Index { get; } = index;

    /// <summary>The export name (export aliases).</summary>
    public string Name { get; } = name;
}

/// <summary>A type definition (section 7, and inside instance and component types).</summary>
internal sealed class TypeItem(int offset, TypeDef def) : Item(offset)
{
    public TypeDef Def { get; } = def;
}

/// <summary><c>canon lift</c>: a component function of the given type (section 8).</summary>
internal sealed class LiftItem(int offset, uint type) : Item(offset)
{
    public uint Type { get; } = type;

    /// <summary>The core function lifted (an index into the core function space).</summary>
    public uint CoreFunc { get; init; }

    /// <summary>The lift's canonical options.</summary>
    public CanonOptions Options { get; init; }
}

/// <summary>The canonical options of a <c>canon lift</c> that a generator reusing its core function needs.</summary>
/// <param name="StringEncoding">0 utf8, 1 utf16, 2 latin1+utf16.</param>
/// <param name="Memory">The core memory index, if given.</param>
/// <param name="Realloc">The core realloc function index, if given.</param>
/// <param name="PostReturn">The core post-return function index, if given.</param>
/// <param name="Other">An async, callback, core-type or gc option was given.</param>
internal readonly record struct CanonOptions(byte StringEncoding, uint? Memory, uint? Realloc, uint? PostReturn, bool Other);

/// <summary>
/// Items of a core index space defined by one section: a core module (section 1), the core instances of a section 2,
/// or the core functions a canon section defines besides its lifts. Only counted: WIT never reaches them.
/// </summary>
internal sealed class CoreCountItem(int offset, Sort sort, int count) : Item(offset)
{
    public Sort Sort { get; } = sort;

    public int Count { get; } = count;
}

/// <summary>An import (section 10, and in component types).</summary>
internal sealed class ImportItem(int offset, string name, ExternDesc desc) : Item(offset)
{
    public string Name { get; } = name;

    public ExternDesc Desc { get; } = desc;
}

/// <summary>An export (section 11), with its optional type ascription.</summary>
internal sealed class ExportItem(int offset, string name, Sort sort, uint index, ExternDesc? ascribed) : Item(offset)
{
    public string Name { get; } = name;

    public Sort Sort { get; } = sort;

    public uint Index { get; } = index;

    public ExternDesc? Ascribed { get; } = ascribed;
}

/// <summary>An export declaration of an instance or component type.</summary>
internal sealed class ExportDeclItem(int offset, string name, ExternDesc desc) : Item(offset)
{
    public string Name { get; } = name;

    public ExternDesc Desc { get; } = desc;
}

/// <summary>What an import or export is (<c>externdesc</c>).</summary>
/// <param name="Sort">Func, value, type, component, instance or core module.</param>
/// <param name="Index">The type index (func, component, instance, core module), or the eq-bound index (type, value).</param>
/// <param name="SubResource">For a type: <c>(sub resource)</c> rather than <c>(eq i)</c>.</param>
internal readonly record struct ExternDesc(Sort Sort, uint Index, bool SubResource);

/// <summary>A value type where it is used: a primitive, or an index into the type space.</summary>
internal readonly record struct ValRef(WitTypeKind? Primitive, uint Index)
{
    public static ValRef Of(WitTypeKind kind) => new(kind, 0);
}

/// <summary>A type definition (<c>deftype</c>).</summary>
internal abstract class TypeDef;

/// <summary>A defined value type: primitive alias, record, variant, list, tuple, flags, enum, option, result, own, borrow, future, stream, map.</summary>
internal sealed class ValueTypeDef(WitTypeKind kind) : TypeDef
{
    public WitTypeKind Kind { get; } = kind;

    /// <summary>Field, case, flag or enum names.</summary>
    public string[] Labels { get; init; } = [];

    /// <summary>Field types, case payloads, tuple elements, element/inner type, ok/err, key/value (null where absent).</summary>
    public ValRef?[] Items { get; init; } = [];

    /// <summary>For own/borrow: the resource's type index.</summary>
    public uint Resource { get; init; }

    /// <summary>For a fixed-size list: its length.</summary>
    public uint Length { get; init; }
}

/// <summary>A function type.</summary>
internal sealed class FuncTypeDef(string[] names, ValRef[] types, ValRef? result, bool isAsync) : TypeDef
{
    public string[] Names { get; } = names;

    public ValRef[] Types { get; } = types;

    public ValRef? Result { get; } = result;

    public bool IsAsync { get; } = isAsync;
}

/// <summary>A resource type definition <c>(resource (rep i32) (dtor f)?)</c>.</summary>
internal sealed class ResourceTypeDef : TypeDef;

/// <summary>An instance type (<c>isComponent</c> false) or component type: its declarations in order.</summary>
internal sealed class DeclaredTypeDef(bool isComponent, List<Item> decls) : TypeDef
{
    public bool IsComponent { get; } = isComponent;

    /// <summary><see cref="TypeItem"/>, <see cref="AliasItem"/>, <see cref="ExportDeclItem"/>, and <see cref="ImportItem"/> (component types).</summary>
    public List<Item> Decls { get; } = decls;
}
