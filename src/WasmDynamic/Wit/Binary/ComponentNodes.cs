// The values ComponentEvaluator fills index spaces with: type identities (nodes), entities, instances, components
// and scopes.
namespace WasmDynamic.Wit.Binary;

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
