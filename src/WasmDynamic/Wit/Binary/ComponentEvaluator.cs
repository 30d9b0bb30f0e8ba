namespace WasmDynamic.Wit.Binary;

// Evaluation of the parsed component: the index spaces of every scope, filled item by item, with each type given an
// identity (a node object). Identity is what names need: a type exported by an instance type is a fresh node that
// points at its definition, so two same-shape records stay two nodes, and a `use` is a node that points at another
// interface's node.
//
// Instantiating a component evaluates its body again with its imports bound to the arguments (so the exports of the
// instance refer to the argument types, and resources it defines are fresh per instantiation); importing an instance
// type evaluates its declarations, so each import has its own abstract resources.

/// <summary>Evaluates a <see cref="ComponentAst"/>; see the file comment.</summary>
internal sealed partial class ComponentEvaluator
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
}
