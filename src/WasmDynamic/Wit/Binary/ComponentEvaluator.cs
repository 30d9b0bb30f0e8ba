// Over 400 lines on purpose: one evaluation pass over the index spaces of every scope; each step reads the state the
// previous ones filled, so the steps stay side by side.
namespace WasmDynamic.Wit.Binary;

// Evaluation of the parsed component: the index spaces of every scope, filled item by item, with each type given an
// identity (a node object). Identity is what names need: a type exported by an instance type is a fresh node that
// points at its definition, so two same-shape records stay two nodes, and a `use` is a node that points at another
// interface's node.
//
// Instantiating a component evaluates its body again with its imports bound to the arguments (so the exports of the
// instance refer to the argument types, and resources it defines are fresh per instantiation); importing an instance
// type evaluates its declarations, so each import has its own abstract resources.

/// <summary>A type's identity.</summary>
internal abstract class Node
{
    /// <summary>How deeply the type nests (bounded by <see cref="ComponentEvaluator.MaxTypeDepth"/>).</summary>
    public int Depth { get; init; } = 1;

    /// <summary>The size of the type spelled out as a tree (bounded by <see cref="ComponentEvaluator.MaxTypeSize"/>).</summary>
    public long Size { get; init; } = 1;
}

/// <summary>A defined value type (or a primitive).</summary>
internal sealed class ValueNode(WitTypeKind kind) : Node
{
    public WitTypeKind Kind { get; } = kind;

    public string[] Labels { get; init; } = [];

    public Node?[] Items { get; init; } = [];

    public uint Length { get; init; }

    /// <summary>Primitives used inline (<c>u32</c> in a parameter) are shared and never carry a name.</summary>
    public bool Shared { get; init; }
}

/// <summary>A resource type (a definition, or an abstract <c>(sub resource)</c> import/export).</summary>
internal sealed class ResourceNode : Node;

/// <summary>A type created by an export or an eq-bounded import: the same type under a name.</summary>
internal sealed class NamedNode(Node target) : Node
{
    public Node Target { get; } = target;
}

/// <summary>A function type.</summary>
internal sealed class FuncNode(string[] names, Node[] types, Node? result, bool isAsync) : Node
{
    public string[] Names { get; } = names;

    public Node[] Types { get; } = types;

    public Node? Result { get; } = result;

    public bool IsAsync { get; } = isAsync;
}

/// <summary>An instance or component type, evaluated where it is used.</summary>
internal sealed class DeclaredNode(DeclaredTypeDef def, Scope scope) : Node
{
    public DeclaredTypeDef Def { get; } = def;

    public Scope Scope { get; } = scope;
}

/// <summary>An item of an index space: what an import, export, alias or argument refers to.</summary>
internal readonly record struct Entity(Sort Sort, object? Value);

/// <summary>An instance: its exports in order.</summary>
internal sealed class InstanceValue
{
    private readonly Dictionary<string, Entity> _byName = new(StringComparer.Ordinal);

    public List<(string Name, Entity Entity)> Exports { get; } = new();

    public void Add(string name, Entity entity)
    {
        if (_byName.TryAdd(name, entity))
        {
            Exports.Add((name, entity));
        }
    }

    public bool TryGet(string name, out Entity entity) => _byName.TryGetValue(name, out entity);
}

/// <summary>A component: its body (a definition) or its type (an import), with the scope it was defined in.</summary>
internal sealed class ComponentValue(ComponentAst? ast, DeclaredNode? type, Scope scope)
{
    public ComponentAst? Ast { get; } = ast;

    public DeclaredNode? Type { get; } = type;

    public Scope Scope { get; } = scope;
}

/// <summary>The component-level index spaces of one component, instance type or component type.</summary>
internal sealed class Scope(Scope? parent)
{
    public Scope? Parent { get; } = parent;

    public List<Node> Types { get; } = new();

    public List<FuncNode> Funcs { get; } = new();

    public List<InstanceValue> Instances { get; } = new();

    public List<ComponentValue> Components { get; } = new();

    public int Values { get; set; }
}

/// <summary>Evaluates a <see cref="ComponentAst"/>; see the file comment.</summary>
internal sealed class ComponentEvaluator
{
    /// <summary>How deeply a value type may nest.</summary>
    public const int MaxTypeDepth = 256;

    /// <summary>How large a value type may be, spelled out as a tree.</summary>
    public const long MaxTypeSize = 1_000_000;

    /// <summary>How many items all evaluations together may process (instantiation evaluates bodies again).</summary>
    public const long MaxSteps = 4_000_000;

    /// <summary>How deeply instantiations and declared types may nest while evaluating.</summary>
    public const int MaxEvalDepth = 100;

    private static readonly Dictionary<WitTypeKind, ValueNode> SharedPrimitives = Enum.GetValues<WitTypeKind>()
        .Where(k => k <= WitTypeKind.String || k == WitTypeKind.ErrorContext)
        .ToDictionary(k => k, k => new ValueNode(k) { Shared = true });

    private long _steps;
    private int _depth;
    private string _section = "component";

    /// <summary>The root component's imports and exports, in order.</summary>
    public List<(string Name, Entity Entity)> Imports { get; } = new();

    /// <summary>The root component's exports, in order.</summary>
    public List<(string Name, Entity Entity)> Exports { get; } = new();

    /// <summary>Evaluates the root component.</summary>
    public void EvaluateRoot(ComponentAst root)
    {
        var scope = new Scope(null);
        var exports = new InstanceValue();
        EvaluateComponent(root, scope, null, exports, Imports);
        Exports.AddRange(exports.Exports);
    }

    private void EvaluateComponent(ComponentAst ast, Scope scope, Dictionary<string, Entity>? args, InstanceValue exports, List<(string, Entity)>? imports)
    {
        foreach (var item in ast.Items)
        {
            Step(item);
            switch (item)
            {
                case NestedComponentItem nested:
                    scope.Components.Add(new ComponentValue(nested.Ast, null, scope));
                    break;
                case InstanceItem instance:
                    scope.Instances.Add(EvaluateInstance(instance, scope));
                    break;
                case AliasItem alias:
                    EvaluateAlias(alias, scope);
                    break;
                case TypeItem type:
                    scope.Types.Add(Define(type.Def, scope, type.Offset));
                    break;
                case LiftItem lift:
                    scope.Funcs.Add(Func(scope, lift.Type, lift.Offset));
                    break;
                case ImportItem import:
                {
                    var entity = args is not null && args.TryGetValue(import.Name, out var arg)
                        ? Checked(arg, import.Desc.Sort, import)
                        : FromDesc(import.Desc, scope, import.Offset, named: true);
                    Add(scope, entity);
                    imports?.Add((import.Name, entity));
                    break;
                }

                case ExportItem export:
                {
                    var entity = Export(export, scope);
                    Add(scope, entity);
                    exports.Add(export.Name, entity);
                    break;
                }
            }
        }
    }

    private Entity Checked(Entity arg, Sort sort, Item item)
    {
        if (arg.Sort != sort)
        {
            throw Error($"an argument is a {arg.Sort} where a {sort} is imported", item.Offset);
        }

        return arg;
    }

    private Entity Export(ExportItem export, Scope scope)
    {
        var entity = Lookup(scope, export.Sort, export.Index, export.Offset);
        switch (export.Sort)
        {
            case Sort.Type:
            {
                // An export of a type is a new type (its name's identity) that is the exported one.
                var target = (Node)entity.Value!;
                if (export.Ascribed is { Sort: Sort.Type, SubResource: false } ascribed)
                {
                    target = TypeAt(scope, ascribed.Index, export.Offset);
                }

                return new Entity(Sort.Type, Named(target));
            }

            case Sort.Func when export.Ascribed is { Sort: Sort.Func } ascribed:
                return new Entity(Sort.Func, Func(scope, ascribed.Index, export.Offset));
            default:
                return entity;
        }
    }

    private InstanceValue EvaluateInstance(InstanceItem item, Scope scope)
    {
        if (item.Component is not { } index)
        {
            var instance = new InstanceValue();
            Charge(item.Args.Length, item.Offset);
            foreach (var e in item.Args)
            {
                instance.Add(e.Name, Lookup(scope, e.Sort, e.Index, item.Offset));
            }

            return instance;
        }

        if (index >= scope.Components.Count)
        {
            throw Error($"component index {index} is out of range ({scope.Components.Count} defined)", item.Offset);
        }

        var component = scope.Components[(int)index];
        var args = new Dictionary<string, Entity>(StringComparer.Ordinal);
        Charge(item.Args.Length, item.Offset);
        foreach (var a in item.Args)
        {
            args.TryAdd(a.Name, Lookup(scope, a.Sort, a.Index, item.Offset));
        }

        var result = new InstanceValue();
        Enter(item.Offset);
        if (component.Ast is not null)
        {
            EvaluateComponent(component.Ast, new Scope(component.Scope), args, result, null);
        }
        else
        {
            EvaluateDeclared(component.Type!, args, result);
        }

        _depth--;
        return result;
    }

    /// <summary>The exports of an instance or component type, evaluated now (fresh abstract resources).</summary>
    private void EvaluateDeclared(DeclaredNode type, Dictionary<string, Entity>? args, InstanceValue exports)
    {
        var scope = new Scope(type.Scope);
        foreach (var decl in type.Def.Decls)
        {
            Step(decl);
            switch (decl)
            {
                case TypeItem t:
                    scope.Types.Add(Define(t.Def, scope, t.Offset));
                    break;
                case AliasItem a:
                    EvaluateAlias(a, scope);
                    break;
                case ImportItem i:
                    Add(scope, args is not null && args.TryGetValue(i.Name, out var arg) ? Checked(arg, i.Desc.Sort, i) : FromDesc(i.Desc, scope, i.Offset, named: true));
                    break;
                case ExportDeclItem e:
                {
                    var entity = FromDesc(e.Desc, scope, e.Offset, named: true);
                    Add(scope, entity);
                    exports.Add(e.Name, entity);
                    break;
                }
            }
        }
    }

    /// <summary>What an import or an export declaration provides, from its type.</summary>
    private Entity FromDesc(ExternDesc desc, Scope scope, int offset, bool named)
    {
        switch (desc.Sort)
        {
            case Sort.Type:
            {
                Node target = desc.SubResource ? new ResourceNode() : TypeAt(scope, desc.Index, offset);
                return new Entity(Sort.Type, named ? Named(target) : target);
            }

            case Sort.Func:
                return new Entity(Sort.Func, Func(scope, desc.Index, offset));
            case Sort.Instance:
            {
                var type = Declared(scope, desc.Index, isComponent: false, offset);
                var instance = new InstanceValue();
                Enter(offset);
                EvaluateDeclared(type, null, instance);
                _depth--;
                return new Entity(Sort.Instance, instance);
            }

            case Sort.Component:
                return new Entity(Sort.Component, new ComponentValue(null, Declared(scope, desc.Index, isComponent: true, offset), scope));
            default:
                return new Entity(desc.Sort, null);
        }
    }

    private void EvaluateAlias(AliasItem alias, Scope scope)
    {
        switch (alias.Target)
        {
            case AliasTarget.CoreInstanceExport:
                // Core functions, tables, memories and globals: core index spaces only.
                return;
            case AliasTarget.InstanceExport:
            {
                if (alias.InstanceOrCount >= scope.Instances.Count)
                {
                    throw Error($"instance index {alias.InstanceOrCount} is out of range ({scope.Instances.Count} defined)", alias.Offset);
                }

                if (!scope.Instances[(int)alias.InstanceOrCount].TryGet(alias.Name, out var entity))
                {
                    throw Error($"instance {alias.InstanceOrCount} has no export '{alias.Name}'", alias.Offset);
                }

                Add(scope, Checked(entity, alias.Sort, alias));
                return;
            }

            default:
            {
                if (alias.Sort is Sort.CoreType or Sort.CoreModule)
                {
                    return;
                }

                var outer = scope;
                for (var n = 0u; n < alias.InstanceOrCount; n++)
                {
                    outer = outer.Parent ?? throw Error($"an outer alias reaches {alias.InstanceOrCount} levels out, past the root component", alias.Offset);
                }

                if (alias.Sort == Sort.Type)
                {
                    scope.Types.Add(TypeAt(outer, alias.Index, alias.Offset));
                }
                else
                {
                    if (alias.Index >= outer.Components.Count)
                    {
                        throw Error($"component index {alias.Index} is out of range ({outer.Components.Count} defined)", alias.Offset);
                    }

                    scope.Components.Add(outer.Components[(int)alias.Index]);
                }

                return;
            }
        }
    }

    private static void Add(Scope scope, Entity entity)
    {
        switch (entity.Sort)
        {
            case Sort.Type:
                scope.Types.Add((Node)entity.Value!);
                break;
            case Sort.Func:
                scope.Funcs.Add((FuncNode)entity.Value!);
                break;
            case Sort.Instance:
                scope.Instances.Add((InstanceValue)entity.Value!);
                break;
            case Sort.Component:
                scope.Components.Add((ComponentValue)entity.Value!);
                break;
            case Sort.Value:
                scope.Values++;
                break;
        }
    }

    private Entity Lookup(Scope scope, Sort sort, uint index, int offset)
    {
        switch (sort)
        {
            case Sort.Type:
                return new Entity(sort, TypeAt(scope, index, offset));
            case Sort.Func:
                if (index >= scope.Funcs.Count)
                {
                    throw Error($"function index {index} is out of range ({scope.Funcs.Count} defined)", offset);
                }

                return new Entity(sort, scope.Funcs[(int)index]);
            case Sort.Instance:
                if (index >= scope.Instances.Count)
                {
                    throw Error($"instance index {index} is out of range ({scope.Instances.Count} defined)", offset);
                }

                return new Entity(sort, scope.Instances[(int)index]);
            case Sort.Component:
                if (index >= scope.Components.Count)
                {
                    throw Error($"component index {index} is out of range ({scope.Components.Count} defined)", offset);
                }

                return new Entity(sort, scope.Components[(int)index]);
            default:
                // Values and core items: WIT does not look into them.
                return new Entity(sort, null);
        }
    }

    private Node TypeAt(Scope scope, uint index, int offset)
    {
        if (index >= scope.Types.Count)
        {
            throw Error($"type index {index} is out of range ({scope.Types.Count} defined)", offset);
        }

        return scope.Types[(int)index];
    }

    private FuncNode Func(Scope scope, uint index, int offset) =>
        TypeAt(scope, index, offset) is FuncNode f ? f : throw Error($"type {index} is not a function type", offset);

    private DeclaredNode Declared(Scope scope, uint index, bool isComponent, int offset)
    {
        var node = TypeAt(scope, index, offset);
        while (node is NamedNode n)
        {
            node = n.Target;
        }

        return node is DeclaredNode d && d.Def.IsComponent == isComponent
            ? d
            : throw Error($"type {index} is not {(isComponent ? "a component" : "an instance")} type", offset);
    }

    private Node Define(TypeDef def, Scope scope, int offset)
    {
        switch (def)
        {
            case ResourceTypeDef:
                return new ResourceNode();
            case DeclaredTypeDef d:
                return new DeclaredNode(d, scope);
            case FuncTypeDef f:
            {
                var types = new Node[f.Types.Length];
                Charge(types.Length, offset);
                for (var n = 0; n < types.Length; n++)
                {
                    types[n] = Value(scope, f.Types[n], offset);
                }

                return new FuncNode(f.Names, types, f.Result is { } r ? Value(scope, r, offset) : null, f.IsAsync);
            }

            case ValueTypeDef v:
            {
                Node?[] items;
                if (v.Kind is WitTypeKind.Own or WitTypeKind.Borrow)
                {
                    var resource = TypeAt(scope, v.Resource, offset);
                    var peeled = resource;
                    while (peeled is NamedNode n)
                    {
                        peeled = n.Target;
                    }

                    if (peeled is not ResourceNode)
                    {
                        throw Error($"type {v.Resource} is not a resource, so it has no {(v.Kind == WitTypeKind.Own ? "own" : "borrow")} handle", offset);
                    }

                    items = [resource];
                }
                else
                {
                    items = new Node?[v.Items.Length];
                    Charge(items.Length + v.Labels.Length, offset);
                    for (var n = 0; n < items.Length; n++)
                    {
                        items[n] = v.Items[n] is { } item ? Value(scope, item, offset) : null;
                    }
                }

                var depth = 1;
                long size = 1 + v.Labels.Length;
                foreach (var item in items)
                {
                    if (item is not null)
                    {
                        depth = Math.Max(depth, item.Depth + 1);
                        size += item.Size;
                    }
                }

                Limit(depth, size, offset);
                return new ValueNode(v.Kind) { Labels = v.Labels, Items = items, Length = v.Length, Depth = depth, Size = size };
            }

            default:
                throw Error("unknown type definition", offset);
        }
    }

    /// <summary>A value type where it is used: a shared primitive, or a type of the scope that is a value type.</summary>
    private Node Value(Scope scope, ValRef r, int offset)
    {
        if (r.Primitive is { } p)
        {
            return SharedPrimitives[p];
        }

        var node = TypeAt(scope, r.Index, offset);
        var peeled = node;
        while (peeled is NamedNode n)
        {
            peeled = n.Target;
        }

        return peeled is ValueNode ? node : throw Error($"type {r.Index} is not a value type", offset);
    }

    private NamedNode Named(Node target)
    {
        Limit(target.Depth + 1, target.Size, 0);
        return new NamedNode(target) { Depth = target.Depth + 1, Size = target.Size };
    }

    private void Limit(int depth, long size, int offset)
    {
        if (depth > MaxTypeDepth)
        {
            throw Error($"a type nests deeper than {MaxTypeDepth} levels", offset);
        }

        if (size > MaxTypeSize)
        {
            throw Error($"a type is larger than {MaxTypeSize} when spelled out", offset);
        }
    }

    private void Step(Item item) => Charge(1, item.Offset);

    /// <summary>
    /// Counts <paramref name="work"/> steps: one per item, plus one per field, case, parameter and instance argument, so
    /// that instantiating a component of large types many times is bounded by its real cost.
    /// </summary>
    private void Charge(long work, int offset)
    {
        _steps += work;
        if (_steps > MaxSteps)
        {
            throw Error($"evaluating the component takes more than {MaxSteps} steps (instantiations nest too much)", offset);
        }
    }

    private void Enter(int offset)
    {
        if (++_depth > MaxEvalDepth)
        {
            throw Error($"instantiations and instance types nest deeper than {MaxEvalDepth} levels", offset);
        }
    }

    private ComponentFormatException Error(string message, int offset) => new(message, _section, offset);
}
