using WasmDynamic.Binding;
using WasmDynamic.Wit;
using static WasmDynamic.Bindgen.CSharpNames;

namespace WasmDynamic.Bindgen;

/// <summary>What a generated type is.</summary>
internal enum TypeKind
{
    Record,
    Variant,
    Enum,
    Flags,
    GuestResource,
    HostResource,
}

/// <summary>A generated C# type for a named WIT type.</summary>
internal sealed record NamedType(WitType Wit, string Name, TypeKind Kind)
{
    /// <summary>For a host resource with static functions: the interface of statics the class implements.</summary>
    public string? StaticsName { get; set; }
}

/// <summary>A generated C# interface: an exported or imported WIT interface, or the root functions (Wit null).</summary>
internal sealed record Iface(WitInterface? Wit, string Name, bool IsExport)
{
    public List<WitFunction> Bound { get; } = new();

    public List<(WitFunction Function, string Why)> Skipped { get; } = new();

    public string WitName => Wit?.Name ?? string.Empty;

    public IEnumerable<WitFunction> AllFunctions(WitWorld world) => Wit?.Functions ?? (IsExport ? world.ExportedFunctions : world.ImportedFunctions);

    /// <summary>The interface name without its <c>I</c>, for the names derived from it (<c>ShapesAdapter</c>).</summary>
    public string BareName => BindingNames.WithoutInterfacePrefix(Name);
}

/// <summary>
/// The planner: which C# types and interfaces one world becomes and what they are called, over the shared binding
/// policy (<see cref="Marshallable"/> decides what is bound, <see cref="BindingNames"/> how members are named).
/// </summary>
internal sealed class BindgenPlan
{
    public const string BindingsClass = "WitBindings";

    private readonly NameScope _top = new(ignoreCase: true, [BindingsClass, .. CSharpNames.CommonBclTypes]);

    public BindgenPlan(string ns, WitWorld world, bool async = false)
    {
        Namespace = ns;
        World = world;
        Async = async;
        Plan();
    }

    public string Namespace { get; }

    /// <summary>Task-returning members (see <see cref="BindgenOptions.Async"/>).</summary>
    public bool Async { get; }

    public WitWorld World { get; }

    public Dictionary<WitType, NamedType> Types { get; } = new();

    /// <summary>The named types in the order they were reached (the order files are written).</summary>
    public List<NamedType> TypeOrder { get; } = new();

    public List<Iface> Exports { get; } = new();

    public List<Iface> Imports { get; } = new();

    /// <summary>Why WasmDynamic cannot bind <paramref name="f"/> from generated code, or null.</summary>
    public static string? Unsupported(WitFunction f) => Marshallable.WhyNot(f, BindingProfile.Bindgen);

    /// <summary>The constructor, methods and statics of <paramref name="r"/>, from the interface that defines it.</summary>
    public IEnumerable<WitFunction> ResourceFunctions(WitResource r) => World.FunctionsOf(r);

    private void Plan()
    {
        if (World.ExportedFunctions.Count > 0)
        {
            Exports.Add(new Iface(null, _top.Claim("IRootExports"), IsExport: true));
        }

        foreach (var e in World.Exports)
        {
            var pkg = e.ParsedName.Package is null ? e.ShortName : e.ParsedName.Package + "-" + e.ShortName;
            Exports.Add(new Iface(e, _top.Claim(BindingNames.InterfaceName(e.ShortName), BindingNames.InterfaceName(pkg)), IsExport: true));
        }

        foreach (var i in World.Imports.Where(i => !BindingNames.IsWasi(i.Name)))
        {
            Imports.Add(new Iface(i, _top.Claim(BindingNames.InterfaceName(i.ShortName), BindingNames.InterfaceName(i.ShortName) + "Import"), IsExport: false));
        }

        if (World.ImportedFunctions.Count > 0)
        {
            Imports.Add(new Iface(null, _top.Claim("IRootImports"), IsExport: false));
        }

        // Resources of the generated interfaces, whether or not a function reaches them.
        foreach (var i in Exports.Concat(Imports).Where(i => i.Wit is not null))
        {
            foreach (var r in i.Wit!.Resources.Where(r => r.Owner == i.Wit.Name))
            {
                Reach(r);
            }
        }

        foreach (var i in Exports.Concat(Imports))
        {
            foreach (var f in i.AllFunctions(World))
            {
                if (f.Kind == WitFunctionKind.Method)
                {
                    continue;
                }

                if (Unsupported(f) is { } why)
                {
                    i.Skipped.Add((f, why));
                    continue;
                }

                i.Bound.Add(f);
                ReachFunction(f);
            }
        }

        // Named types an interface defines that no function uses are generated too, when they can be.
        foreach (var i in Exports.Concat(Imports).Where(i => i.Wit is not null))
        {
            foreach (var t in i.Wit!.Types.Where(t => t.IsNominal && t is not WitResource && t.Owner == i.Wit.Name && Marshallable.WhyNot(t, BindingProfile.Bindgen) is null))
            {
                Reach(t);
            }
        }
    }

    private void ReachFunction(WitFunction f)
    {
        foreach (var p in f.Parameters)
        {
            Reach(p.Type);
        }

        if (f.Result is not null)
        {
            Reach(f.Result);
        }
    }

    private void Reach(WitType t)
    {
        // `type a = b`: the alias is b's C# type.
        while (t.AliasOf is { } aliased)
        {
            t = aliased;
        }

        if (t is WitHandle h)
        {
            Reach(h.Resource);
            return;
        }

        if (t.IsNominal)
        {
            if (Types.ContainsKey(t))
            {
                return;
            }

            var kind = t switch
            {
                WitRecord => TypeKind.Record,
                WitVariant => TypeKind.Variant,
                WitEnum => TypeKind.Enum,
                WitFlags => TypeKind.Flags,
                WitResource r => BindingNames.IsHostResource(r) ? TypeKind.HostResource : TypeKind.GuestResource,
                _ => throw new InvalidOperationException(t.Kind.ToString()),
            };
            var baseName = Pascal(t.Name ?? t.Kind + "Type");
            var owner = string.IsNullOrEmpty(t.Owner) ? string.Empty : Pascal(WitName.Parse(t.Owner).Interface);
            var name = kind switch
            {
                TypeKind.GuestResource => _top.Claim(BindingNames.InterfaceName(t.Name ?? "resource"), "I" + owner + baseName),
                _ => _top.Claim(baseName, owner + baseName),
            };
            var named = new NamedType(t, name, kind);
            Types[t] = named;
            TypeOrder.Add(named);
            if (t is WitResource res)
            {
                if (kind == TypeKind.HostResource && ResourceFunctions(res).Any(f => f.Kind == WitFunctionKind.Static))
                {
                    named.StaticsName = _top.Claim("I" + name + "Statics");
                }

                foreach (var f in ResourceFunctions(res).Where(f => Unsupported(f) is null))
                {
                    ReachFunction(f);
                }
            }
        }

        foreach (var child in WitFingerprint.Children(t))
        {
            Reach(child);
        }
    }
}
