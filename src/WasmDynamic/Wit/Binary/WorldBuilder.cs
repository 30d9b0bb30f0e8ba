using System.Collections.Immutable;

namespace WasmDynamic.Wit.Binary;

/// <summary>
/// Turns the evaluated root component into a <see cref="WitWorld"/>, the way wit-component decodes a component: every
/// type an interface (or the world) exports is named by that interface; a type exported by an interface that is another
/// interface's named type is a <c>use</c>; one that is a named type of the same interface is an alias
/// (<c>type a = b</c>, <see cref="WitType.AliasOf"/>); anything else is a definition under the export's name.
/// </summary>
internal sealed class WorldBuilder
{
    private readonly Dictionary<Node, Claim> _claims = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Node, WitType> _types = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Claim, WitType> _defined = new(ReferenceEqualityComparer.Instance);
    private int _anonymous;
    private long _spelled;

    /// <summary>
    /// How large all the world's type references together may be, spelled out as trees. Each type is bounded by
    /// <see cref="ComponentEvaluator.MaxTypeSize"/>, but thousands of functions can refer to one large type (a few bytes
    /// each); the model's equality, hashing and printing walk each reference spelled out, so a small binary could
    /// otherwise cost hours or gigabytes.
    /// </summary>
    public const long MaxWorldSize = 4_000_000;

    private sealed record Claim(string Owner, string Name, WitDirection Direction);

    /// <summary>Reads the world of a component binary.</summary>
    public static WitWorld Read(ReadOnlySpan<byte> component)
    {
        var ast = ComponentParser.Parse(component);
        var evaluator = new ComponentEvaluator();
        evaluator.EvaluateRoot(ast);
        return new WorldBuilder().Build(evaluator.Imports, evaluator.Exports);
    }

    private WitWorld Build(List<(string Name, Entity Entity)> imports, List<(string Name, Entity Entity)> exports)
    {
        // Names first, in the component's order (imports, then exports): the first interface to export a type names it.
        ClaimAll(imports, WitDirection.Import);
        ClaimAll(exports, WitDirection.Export);

        var (importInterfaces, importFunctions, importTypes) = Side(imports);
        var (exportInterfaces, exportFunctions, exportTypes) = Side(exports);
        return new WitWorld(importInterfaces, importFunctions, exportInterfaces, exportFunctions)
        {
            ImportedTypes = importTypes,
            ExportedTypes = exportTypes,
            ImportOrder = imports.Where(i => i.Entity.Sort is Sort.Instance or Sort.Func || IsWitType(i.Entity)).Select(i => i.Name).ToImmutableArray(),
            ExportOrder = exports.Where(i => i.Entity.Sort is Sort.Instance or Sort.Func || IsWitType(i.Entity)).Select(i => i.Name).ToImmutableArray(),
        };
    }

    /// <summary>
    /// A type import or export that WIT can name: a value type or resource. Instance, component and function types
    /// exported as types (a WIT package encoded as a component does that) are not part of a world.
    /// </summary>
    private static bool IsWitType(Entity entity)
    {
        if (entity.Sort != Sort.Type)
        {
            return false;
        }

        var node = (Node)entity.Value!;
        while (node is NamedNode n)
        {
            node = n.Target;
        }

        return node is ValueNode or ResourceNode;
    }

    private void ClaimAll(List<(string Name, Entity Entity)> items, WitDirection direction)
    {
        foreach (var (name, entity) in items)
        {
            switch (entity.Sort)
            {
                case Sort.Instance:
                    foreach (var (n, e) in ((InstanceValue)entity.Value!).Exports)
                    {
                        if (IsWitType(e))
                        {
                            ClaimType((Node)e.Value!, new Claim(name, n, direction));
                        }
                    }

                    break;
                case Sort.Type when IsWitType(entity):
                    ClaimType((Node)entity.Value!, new Claim(string.Empty, name, direction));
                    break;
            }
        }
    }

    private void ClaimType(Node node, Claim claim)
    {
        if (node is ValueNode { Shared: true } || !_claims.TryAdd(node, claim))
        {
            return;
        }

        // The definition behind the name (through names nobody claimed) is this name's, unless another name has it.
        var target = node;
        while (target is NamedNode n && (ReferenceEquals(target, node) || !_claims.ContainsKey(target)))
        {
            target = n.Target;
        }

        if (target is ResourceNode or ValueNode { Shared: false })
        {
            _claims.TryAdd(target, claim);
        }
    }

    private (EquatableArray<WitInterface>, EquatableArray<WitFunction>, EquatableArray<WitType>) Side(List<(string Name, Entity Entity)> items)
    {
        var interfaces = new List<WitInterface>();
        var functions = new List<WitFunction>();
        var types = new List<WitType>();

        // Types before functions, so that a resource is named by its interface before a function reaches it.
        var pending = new List<(int Index, string Name, InstanceValue Instance, List<WitType> Types)>();
        foreach (var (name, entity) in items)
        {
            switch (entity.Sort)
            {
                case Sort.Instance:
                {
                    var instance = (InstanceValue)entity.Value!;
                    var list = new List<WitType>();
                    foreach (var (_, e) in instance.Exports)
                    {
                        if (IsWitType(e))
                        {
                            list.Add(Type(Spend((Node)e.Value!)));
                        }
                    }

                    pending.Add((interfaces.Count, name, instance, list));
                    interfaces.Add(null!);
                    break;
                }

                case Sort.Type when IsWitType(entity):
                    types.Add(Type(Spend((Node)entity.Value!)));
                    break;
            }
        }

        foreach (var (index, name, instance, list) in pending)
        {
            var fs = new List<WitFunction>();
            foreach (var (n, e) in instance.Exports)
            {
                if (e.Sort == Sort.Func)
                {
                    fs.Add(Function(n, (FuncNode)e.Value!));
                }
            }

            interfaces[index] = new WitInterface(name, list.ToImmutableArray(), fs.ToImmutableArray());
        }

        foreach (var (name, entity) in items)
        {
            if (entity.Sort == Sort.Func)
            {
                functions.Add(Function(name, (FuncNode)entity.Value!));
            }
        }

        return (interfaces.ToImmutableArray(), functions.ToImmutableArray(), types.ToImmutableArray());
    }

    private WitFunction Function(string name, FuncNode f)
    {
        var ps = ImmutableArray.CreateBuilder<WitParameter>(f.Types.Length);
        for (var n = 0; n < f.Types.Length; n++)
        {
            ps.Add(new WitParameter(f.Names[n], Type(Spend(f.Types[n]))));
        }

        return new WitFunction(name, ps.MoveToImmutable(), f.Result is null ? null : Type(Spend(f.Result))) { IsAsync = f.IsAsync };
    }

    /// <summary>Counts a type reference of the world against <see cref="MaxWorldSize"/>.</summary>
    private Node Spend(Node node)
    {
        _spelled += node.Size;
        return _spelled > MaxWorldSize
            ? throw new ComponentFormatException($"the world's types are larger than {MaxWorldSize} when spelled out (many functions refer to large types)", "component", 0)
            : node;
    }

    /// <summary>The WIT type of a node (the same object for the same node).</summary>
    private WitType Type(Node node)
    {
        // Names nobody claimed (an import's eq bound, a nested component's re-export) are the type they name.
        while (node is NamedNode n && !_claims.ContainsKey(node))
        {
            node = n.Target;
        }

        if (_types.TryGetValue(node, out var done))
        {
            return done;
        }

        WitType type;
        if (_claims.TryGetValue(node, out var claim))
        {
            type = Named(node, claim);
        }
        else if (node is ResourceNode)
        {
            // A resource no interface names (possible in hand-written components).
            type = new WitResource($"resource{_anonymous++}", string.Empty);
        }
        else
        {
            type = Structure(node as ValueNode ?? throw new ComponentFormatException("a value type refers to a type that is not a value type", "component", 0));
        }

        _types[node] = type;
        return type;
    }

    private WitType Named(Node node, Claim claim)
    {
        var target = node;
        while (target is NamedNode n && (ReferenceEquals(target, node) || !_claims.ContainsKey(target)))
        {
            target = n.Target;
        }

        if (_claims.TryGetValue(target, out var other) && !ReferenceEquals(other, claim))
        {
            var named = Type(target);
            if (other.Owner != claim.Owner || other.Direction != claim.Direction)
            {
                // `use other.{name}`: the interface lists the other interface's type object.
                if (other.Name == claim.Name)
                {
                    return named;
                }
            }

            // `type a = b`, or a renaming use (`use i.{b as a}`), which the model keeps as an alias.
            return named with { Name = claim.Name, Owner = claim.Owner, AliasOf = named };
        }

        if (_defined.TryGetValue(claim, out var defined))
        {
            return defined;
        }

        defined = target switch
        {
            ResourceNode => new WitResource(claim.Name, claim.Owner, claim.Direction),
            ValueNode v => Structure(v) with { Name = claim.Name, Owner = claim.Owner },
            _ => throw new ComponentFormatException($"the type '{claim.Name}' of '{claim.Owner}' is not a value type or resource", "component", 0),
        };
        _defined[claim] = defined;
        return defined;
    }

    private WitType Structure(ValueNode v)
    {
        switch (v.Kind)
        {
            case <= WitTypeKind.String or WitTypeKind.ErrorContext:
                return v.Shared ? Primitive(v.Kind) : new WitPrimitive(v.Kind);
            case WitTypeKind.List:
                return new WitList(Type(v.Items[0]!));
            case WitTypeKind.FixedSizeList:
                return new WitFixedSizeList(Type(v.Items[0]!), checked((int)Math.Min(v.Length, int.MaxValue)));
            case WitTypeKind.Record:
                return new WitRecord(v.Labels.Select((l, n) => new WitField(l, Type(v.Items[n]!))).ToImmutableArray());
            case WitTypeKind.Variant:
                return new WitVariant(v.Labels.Select((l, n) => new WitCase(l, v.Items[n] is { } p ? Type(p) : null)).ToImmutableArray());
            case WitTypeKind.Tuple:
                return new WitTuple(v.Items.Select(i => Type(i!)).ToImmutableArray());
            case WitTypeKind.Flags:
                return new WitFlags(v.Labels.ToImmutableArray());
            case WitTypeKind.Enum:
                return new WitEnum(v.Labels.ToImmutableArray());
            case WitTypeKind.Option:
                return new WitOption(Type(v.Items[0]!));
            case WitTypeKind.Result:
                return new WitResult(v.Items[0] is { } ok ? Type(ok) : null, v.Items[1] is { } err ? Type(err) : null);
            case WitTypeKind.Own:
            case WitTypeKind.Borrow:
            {
                var resource = Type(v.Items[0]!);
                while (resource.AliasOf is { } aliased)
                {
                    resource = aliased;
                }

                return resource is WitResource r
                    ? new WitHandle(r, v.Kind == WitTypeKind.Borrow)
                    : throw new ComponentFormatException("a handle refers to a type that is not a resource", "component", 0);
            }

            case WitTypeKind.Future:
                return new WitFuture(v.Items[0] is { } fp ? Type(fp) : null);
            case WitTypeKind.Stream:
                return new WitStream(v.Items[0] is { } sp ? Type(sp) : null);
            case WitTypeKind.Map:
                return new WitMap(Type(v.Items[0]!), Type(v.Items[1]!));
            default:
                throw new ComponentFormatException($"unknown value type kind {v.Kind}", "component", 0);
        }
    }

    private static WitPrimitive Primitive(WitTypeKind kind) => kind switch
    {
        WitTypeKind.Bool => WitType.Bool,
        WitTypeKind.S8 => WitType.S8,
        WitTypeKind.U8 => WitType.U8,
        WitTypeKind.S16 => WitType.S16,
        WitTypeKind.U16 => WitType.U16,
        WitTypeKind.S32 => WitType.S32,
        WitTypeKind.U32 => WitType.U32,
        WitTypeKind.S64 => WitType.S64,
        WitTypeKind.U64 => WitType.U64,
        WitTypeKind.F32 => WitType.F32,
        WitTypeKind.F64 => WitType.F64,
        WitTypeKind.Char => WitType.Char,
        WitTypeKind.String => WitType.String,
        _ => WitType.ErrorContext,
    };
}
