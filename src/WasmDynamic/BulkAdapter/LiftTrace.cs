using WasmDynamic.Wit.Binary;

namespace WasmDynamic.BulkAdapter;

/// <summary>The top-level <c>canon lift</c> an exported function comes from: its core function and options.</summary>
/// <param name="CoreFunc">The lifted core function (an index into the root's core function space).</param>
/// <param name="Options">The lift's options (memory, realloc, post-return, string encoding).</param>
internal readonly record struct TracedLift(uint CoreFunc, CanonOptions Options);

/// <summary>
/// Follows exported functions of a component back to the <c>canon lift</c> at its root, through the shapes real
/// components use: a root function export of a lifted function; an exported instance built from exports; and
/// wit-component's form, an instance of a small nested component that imports lifted functions (the <c>with</c>
/// arguments of its instantiation) and re-exports them. Anything else — a lift inside a nested component, an imported
/// function, an alias of an imported instance — does not trace (null), and the caller keeps the nested wrapper.
/// Also counts the root's index spaces, where sections appended after the original continue.
/// </summary>
internal sealed class LiftTrace
{
    private const int MaxHops = 64;

    private readonly Scope _root;

    private LiftTrace(ComponentAst ast)
    {
        _root = new Scope(ast, null, null);
        foreach (var item in ast.Items)
        {
            switch (item)
            {
                case CoreCountItem c:
                    Counts[(int)c.Sort] += (uint)c.Count;
                    break;
                case AliasItem a:
                    if (a is { Target: AliasTarget.CoreInstanceExport, Sort: Sort.CoreFunc or Sort.CoreMemory })
                    {
                        _coreAliases[(a.Sort, Counts[(int)a.Sort])] = (a.InstanceOrCount, a.Name);
                    }

                    Counts[(int)a.Sort]++;
                    break;
                case TypeItem:
                    Counts[(int)Sort.Type]++;
                    break;
                case LiftItem:
                    Counts[(int)Sort.Func]++;
                    break;
                case NestedComponentItem:
                    Counts[(int)Sort.Component]++;
                    break;
                case InstanceItem:
                    Counts[(int)Sort.Instance]++;
                    break;
                case ImportItem i:
                    Counts[(int)i.Desc.Sort]++;
                    break;
                case ExportItem e:
                    if (e.Sort == Sort.Instance)
                    {
                        ExportedInstances[e.Name] = Counts[(int)Sort.Instance];
                    }

                    Counts[(int)e.Sort]++;
                    break;
            }
        }
    }

    private readonly Dictionary<(Sort, uint), (uint Instance, string Name)> _coreAliases = [];

    /// <summary>
    /// Whether core functions or memories <paramref name="a"/> and <paramref name="b"/> are the same item: the same index,
    /// or aliases of the same export of the same core instance (each inline <c>(core func $i "realloc")</c> of a
    /// lift defines an index of its own).
    /// </summary>
    public bool Same(Sort sort, uint a, uint b) =>
        a == b || (_coreAliases.TryGetValue((sort, a), out var x) && _coreAliases.TryGetValue((sort, b), out var y) && x == y);

    /// <summary>How many items each index space of the root holds (by <see cref="Sort"/>).</summary>
    public uint[] Counts { get; } = new uint[Enum.GetValues<Sort>().Length];

    /// <summary>The root's instance exports: name → the index the export itself defines.</summary>
    public Dictionary<string, uint> ExportedInstances { get; } = new(StringComparer.Ordinal);

    public static LiftTrace Of(ComponentAst ast) => new(ast);

    /// <summary>The lift behind root function export <paramref name="function"/>, or behind export
    /// <paramref name="function"/> of root instance export <paramref name="interfaceName"/>; null when it does not trace.</summary>
    public TracedLift? Find(string? interfaceName, string function)
    {
        var hops = 0;
        if (interfaceName is null)
        {
            return _root.RootExport(function, Sort.Func) is { } f ? Func(_root, f, ref hops) : null;
        }

        return _root.RootExport(interfaceName, Sort.Instance) is { } i ? InstanceExport(_root, i, function, ref hops) : null;
    }

    private static TracedLift? Func(Scope scope, uint index, ref int hops)
    {
        while (++hops < MaxHops)
        {
            switch (scope.Get(Sort.Func, index))
            {
                case LiftItem lift:
                    // Only a lift at the root: its core function lives in the root's index spaces.
                    return scope.Parent is null ? new TracedLift(lift.CoreFunc, lift.Options) : null;
                case ExportItem { Sort: Sort.Func } e:
                    index = e.Index;
                    continue;
                case AliasItem { Target: AliasTarget.InstanceExport } a:
                    return InstanceExport(scope, a.InstanceOrCount, a.Name, ref hops);
                case ImportItem i when scope.Args is { } args && args.TryGetValue(i.Name, out var arg) && arg.Sort == Sort.Func:
                    index = arg.Index;
                    scope = scope.Parent!;
                    continue;
                default:
                    return null;
            }
        }

        return null;
    }

    private static TracedLift? InstanceExport(Scope scope, uint instance, string name, ref int hops)
    {
        while (++hops < MaxHops)
        {
            switch (scope.Get(Sort.Instance, instance))
            {
                case ExportItem { Sort: Sort.Instance } e:
                    instance = e.Index;
                    continue;
                case InstanceItem { Component: null } inline:
                    return inline.Args.FirstOrDefault(x => x.Name == name) is { Sort: Sort.Func } f ? Func(scope, f.Index, ref hops) : null;
                case InstanceItem { Component: { } c } instantiated when scope.Get(Sort.Component, c) is NestedComponentItem nested:
                {
                    var args = new Dictionary<string, SortRef>(StringComparer.Ordinal);
                    foreach (var a in instantiated.Args)
                    {
                        args[a.Name] = a;
                    }

                    var inner = new Scope(nested.Ast, scope, args);
                    return inner.RootExport(name, Sort.Func) is { } exported ? Func(inner, exported, ref hops) : null;
                }

                case ImportItem i when scope.Args is { } args && args.TryGetValue(i.Name, out var arg) && arg.Sort == Sort.Instance:
                    instance = arg.Index;
                    scope = scope.Parent!;
                    continue;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>One component's index spaces of funcs, instances and components: the item that defines each index.</summary>
    private sealed class Scope
    {
        private readonly Dictionary<Sort, List<Item>> _spaces = new()
        {
            [Sort.Func] = [],
            [Sort.Instance] = [],
            [Sort.Component] = [],
        };

        private readonly ComponentAst _ast;

        public Scope(ComponentAst ast, Scope? parent, Dictionary<string, SortRef>? args)
        {
            _ast = ast;
            Parent = parent;
            Args = args;
            foreach (var item in ast.Items)
            {
                var sort = item switch
                {
                    LiftItem => Sort.Func,
                    InstanceItem => Sort.Instance,
                    NestedComponentItem => Sort.Component,
                    AliasItem a => a.Sort,
                    ImportItem i => i.Desc.Sort,
                    ExportItem e => e.Sort,
                    _ => (Sort?)null,
                };
                if (sort is { } s && _spaces.TryGetValue(s, out var space))
                {
                    space.Add(item);
                }
            }
        }

        public Scope? Parent { get; }

        /// <summary>The instantiation's arguments by import name (null at the root, whose imports are the host's).</summary>
        public Dictionary<string, SortRef>? Args { get; }

        public Item? Get(Sort sort, uint index) => _spaces[sort] is var space && index < space.Count ? space[(int)index] : null;

        /// <summary>The index of this component's export <paramref name="name"/> of <paramref name="sort"/>, as the export refers to it.</summary>
        public uint? RootExport(string name, Sort sort)
        {
            foreach (var item in _ast.Items)
            {
                if (item is ExportItem e && e.Sort == sort && e.Name == name)
                {
                    return e.Index;
                }
            }

            return null;
        }
    }
}
