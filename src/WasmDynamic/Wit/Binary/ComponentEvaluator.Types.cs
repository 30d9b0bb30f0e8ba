// ComponentEvaluator: the index spaces (adding and looking up entities), type definitions and the limits on types,
// steps and depth.
namespace WasmDynamic.Wit.Binary;

internal sealed partial class ComponentEvaluator
{
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
