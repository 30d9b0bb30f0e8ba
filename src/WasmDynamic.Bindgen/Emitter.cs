using WasmDynamic.Wit;
using static WasmDynamic.Bindgen.CSharpNames;

namespace WasmDynamic.Bindgen;

/// <summary>Turns one world into C# files (see <see cref="Bindgen"/>).</summary>
internal sealed class Emitter
{
    private const string WitNameAttr = "global::WasmDynamic.WitName";
    private const string Imports = "global::WasmDynamic.ComponentImports";
    private const string BindingsClass = "WitBindings";
    private const string EqualityClass = "WitEquality";

    private readonly string _ns;
    private readonly WitWorld _world;
    private readonly NameScope _top = new(ignoreCase: true, [BindingsClass, EqualityClass, .. CSharpNames.CommonBclTypes]);
    private readonly Dictionary<WitType, NamedType> _types = new();
    private readonly List<NamedType> _typeOrder = new();
    private readonly List<Iface> _exports = new();
    private readonly List<Iface> _imports = new();
    private readonly SortedDictionary<string, string> _files = new(StringComparer.Ordinal);
    private bool _needsEquality;

    /// <summary>Simple names that a member of the type being written hides: references to such generated types are qualified.</summary>
    private HashSet<string> _shadowed = new(StringComparer.Ordinal);

    public Emitter(string ns, WitWorld world)
    {
        _ns = ns;
        _world = world;
    }

    private enum TypeKind
    {
        Record,
        Variant,
        Enum,
        Flags,
        GuestResource,
        HostResource,
    }

    private sealed record NamedType(WitType Wit, string Name, TypeKind Kind)
    {
        /// <summary>For a host resource with static functions: the interface of statics the class implements.</summary>
        public string? StaticsName { get; set; }
    }

    /// <summary>A generated C# interface: an exported or imported WIT interface, or the root functions (Wit null).</summary>
    private sealed record Iface(WitInterface? Wit, string Name, bool IsExport)
    {
        public List<WitFunction> Bound { get; } = new();

        public List<(WitFunction Function, string Why)> Skipped { get; } = new();

        public string WitName => Wit?.Name ?? string.Empty;

        public IEnumerable<WitFunction> AllFunctions(WitWorld world) => Wit?.Functions ?? (IsExport ? world.ExportedFunctions : world.ImportedFunctions);
    }

    public SortedDictionary<string, string> Run()
    {
        Plan();
        foreach (var t in _typeOrder)
        {
            EmitType(t);
        }

        foreach (var i in _exports)
        {
            EmitExport(i);
        }

        foreach (var i in _imports)
        {
            EmitImport(i);
        }

        EmitBindings();
        if (_needsEquality)
        {
            EmitEquality();
        }

        return _files;
    }

    // ---- planning: names and reachable types ------------------------------------------------------------------

    private void Plan()
    {
        if (_world.ExportedFunctions.Count > 0)
        {
            _exports.Add(new Iface(null, _top.Claim("IRootExports"), IsExport: true));
        }

        foreach (var e in _world.Exports)
        {
            var shortName = Pascal(e.ShortName);
            var pkg = e.ParsedName.Package is null ? shortName : Pascal(e.ParsedName.Package) + shortName;
            _exports.Add(new Iface(e, _top.Claim("I" + shortName, "I" + pkg), IsExport: true));
        }

        foreach (var i in _world.Imports.Where(i => !IsWasi(i.Name)))
        {
            var shortName = Pascal(i.ShortName);
            _imports.Add(new Iface(i, _top.Claim("I" + shortName, "I" + shortName + "Import"), IsExport: false));
        }

        if (_world.ImportedFunctions.Count > 0)
        {
            _imports.Add(new Iface(null, _top.Claim("IRootImports"), IsExport: false));
        }

        // Resources of the generated interfaces, whether or not a function reaches them.
        foreach (var i in _exports.Concat(_imports).Where(i => i.Wit is not null))
        {
            foreach (var r in i.Wit!.Resources.Where(r => r.Owner == i.Wit.Name))
            {
                Reach(r);
            }
        }

        foreach (var i in _exports.Concat(_imports))
        {
            foreach (var f in i.AllFunctions(_world))
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
        foreach (var i in _exports.Concat(_imports).Where(i => i.Wit is not null))
        {
            foreach (var t in i.Wit!.Types.Where(t => t.IsNominal && t is not WitResource && t.Owner == i.Wit.Name && Unsupported(t) is null))
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
            if (_types.ContainsKey(t))
            {
                return;
            }

            var kind = t switch
            {
                WitRecord => TypeKind.Record,
                WitVariant => TypeKind.Variant,
                WitEnum => TypeKind.Enum,
                WitFlags => TypeKind.Flags,
                WitResource r => IsHostResource(r) ? TypeKind.HostResource : TypeKind.GuestResource,
                _ => throw new InvalidOperationException(t.Kind.ToString()),
            };
            var baseName = Pascal(t.Name ?? t.Kind + "Type");
            var owner = string.IsNullOrEmpty(t.Owner) ? string.Empty : Pascal(WitName.Parse(t.Owner).Interface);
            var name = kind switch
            {
                TypeKind.GuestResource => _top.Claim("I" + baseName, "I" + owner + baseName),
                _ => _top.Claim(baseName, owner + baseName),
            };
            var named = new NamedType(t, name, kind);
            _types[t] = named;
            _typeOrder.Add(named);
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

    private static bool IsHostResource(WitResource r) => r.Direction == WitDirection.Import;

    private static bool IsWasi(string name) => name.StartsWith("wasi:", StringComparison.Ordinal);

    /// <summary>The constructor, methods and statics of <paramref name="r"/>, from the interface that defines it.</summary>
    private IEnumerable<WitFunction> ResourceFunctions(WitResource r) => _world.FunctionsOf(r);

    /// <summary>Why WasmDynamic cannot bind <paramref name="f"/>, or null.</summary>
    private string? Unsupported(WitFunction f)
    {
        if (f.IsAsync)
        {
            return "it is async";
        }

        foreach (var p in f.Kind == WitFunctionKind.Method ? f.Parameters.Skip(1) : f.Parameters)
        {
            if (Unsupported(p.Type) is { } why)
            {
                return why;
            }
        }

        return f.Result is null ? null : Unsupported(f.Result);
    }

    private string? Unsupported(WitType t)
    {
        switch (t)
        {
            case WitMap or WitFuture or WitStream or WitFixedSizeList:
            case WitPrimitive { Kind: WitTypeKind.ErrorContext }:
                return $"it uses {t.Kind.ToString().ToLowerInvariant()} ({t}), which WasmDynamic cannot marshal yet";
            case WitTuple tu when tu.Types.Count > 7:
                return $"it uses a tuple of {tu.Types.Count} elements (WasmDynamic binds at most 7)";
            case WitHandle h when IsWasi(h.Resource.Owner ?? string.Empty):
                return $"it uses the WASI resource '{h.Resource.Name}', which the runtime implements";
        }

        foreach (var child in WitFingerprint.Children(t))
        {
            if (Unsupported(child) is { } why)
            {
                return why;
            }
        }

        return null;
    }

    // ---- C# spellings of WIT types ----------------------------------------------------------------------------

    private string Cs(WitType t)
    {
        while (t.AliasOf is { } aliased)
        {
            t = aliased;
        }

        switch (t)
        {
            case WitPrimitive p:
                return p.Kind switch
                {
                    WitTypeKind.Bool => "bool",
                    WitTypeKind.S8 => "sbyte",
                    WitTypeKind.U8 => "byte",
                    WitTypeKind.S16 => "short",
                    WitTypeKind.U16 => "ushort",
                    WitTypeKind.S32 => "int",
                    WitTypeKind.U32 => "uint",
                    WitTypeKind.S64 => "long",
                    WitTypeKind.U64 => "ulong",
                    WitTypeKind.F32 => "float",
                    WitTypeKind.F64 => "double",
                    WitTypeKind.Char => "global::System.Text.Rune",
                    WitTypeKind.String => "string",
                    _ => throw new NotSupportedException(t.ToString()),
                };
            case WitList l:
                return l.Element.Kind == WitTypeKind.U8 ? "byte[]" : $"global::System.Collections.Generic.IReadOnlyList<{Cs(l.Element)}>";
            case WitTuple tu:
                return tu.Types.Count == 1 ? $"global::System.ValueTuple<{Cs(tu.Types[0])}>" : "(" + string.Join(", ", tu.Types.Select(Cs)) + ")";
            case WitOption o:
                return o.Inner.Kind == WitTypeKind.Option ? $"global::WasmDynamic.Option<{Cs(o.Inner)}>" : Cs(o.Inner) + "?";
            case WitResult r:
                return $"global::WasmDynamic.Result<{(r.Ok is null ? "global::WasmDynamic.Unit" : Cs(r.Ok))}, {(r.Err is null ? "global::WasmDynamic.Unit" : Cs(r.Err))}>";
            case WitHandle h:
                return Qualify(_types[h.Resource].Name);
            default:
                return _types.TryGetValue(t, out var named) ? Qualify(named.Name) : throw new NotSupportedException(t.ToString());
        }
    }

    private string Qualify(string name) => _shadowed.Contains(name) ? $"global::{_ns}.{name}" : name;

    /// <summary>Runs <paramref name="write"/> with references to <paramref name="members"/> qualified.</summary>
    private void Shadowing(IEnumerable<string> members, Action write)
    {
        var saved = _shadowed;
        _shadowed = new HashSet<string>(members, StringComparer.Ordinal);
        try
        {
            write();
        }
        finally
        {
            _shadowed = saved;
        }
    }

    /// <summary>True when equality of a C# value of <paramref name="t"/> must look into lists (arrays compare by reference).</summary>
    private static bool HasList(WitType t) => t switch
    {
        WitList => true,
        WitRecord or WitVariant or WitEnum or WitFlags or WitHandle or WitResource => false,
        _ => WitFingerprint.Children(t).Any(HasList),
    };

    // ---- files ------------------------------------------------------------------------------------------------

    private CodeWriter NewFile()
    {
        var w = new CodeWriter();
        w.Line("// <auto-generated>");
        w.Line("//     Generated by WasmDynamic.Bindgen from a component's WIT world. Changes to this file are lost when it is");
        w.Line("//     generated again.");
        w.Line("// </auto-generated>");
        w.Line();
        w.Line("#nullable enable");
        w.Line();
        w.Line($"namespace {_ns};");
        w.Line();
        return w;
    }

    private void Save(string typeName, CodeWriter w) => _files[typeName + ".g.cs"] = w.ToString();

    private static string Of(WitType t) => string.IsNullOrEmpty(t.Owner) ? "the world" : $"<c>{Xml(t.Owner)}</c>";

    private static string WitAttr(string name) => $"[{WitNameAttr}({Literal(name)})]";

    private void EmitType(NamedType t)
    {
        switch (t.Kind)
        {
            case TypeKind.Record:
                EmitRecord(t, (WitRecord)t.Wit);
                break;
            case TypeKind.Variant:
                EmitVariant(t, (WitVariant)t.Wit);
                break;
            case TypeKind.Enum:
                EmitEnum(t, ((WitEnum)t.Wit).Cases, flags: false);
                break;
            case TypeKind.Flags:
                EmitEnum(t, ((WitFlags)t.Wit).Flags, flags: true);
                break;
            case TypeKind.GuestResource:
                EmitGuestResource(t, (WitResource)t.Wit);
                break;
            case TypeKind.HostResource:
                EmitHostResource(t, (WitResource)t.Wit);
                break;
        }
    }

    private static readonly string[] RecordReserved = ["EqualityContract", "Equals", "GetHashCode", "ToString", "GetType", "Deconstruct", "PrintMembers", "MemberwiseClone", "Finalize", "Clone"];

    private void EmitRecord(NamedType t, WitRecord r)
    {
        var w = NewFile();
        var scope = new NameScope(false, [t.Name, .. RecordReserved]);
        var members = r.Fields.Select(f => (Field: f, Name: scope.Claim(Pascal(f.Name), Pascal(f.Name) + "Field"))).ToList();
        var positional = members.All(m => m.Name == Pascal(m.Field.Name));
        w.Summary($"WIT <c>{Xml(WitFingerprint.Definition(r))}</c> of {Of(r)}.");
        if (positional)
        {
            foreach (var m in members)
            {
                w.Line($"/// <param name=\"{m.Name}\">WIT field <c>{Xml(WitPrinter.Identifier(m.Field.Name))}: {Xml(m.Field.Type.ToString())}</c>.</param>");
            }
        }

        w.Line(WitAttr(r.Name ?? string.Empty));
        var equality = members.Any(m => HasList(m.Field.Type));
        if (positional && !equality)
        {
            w.Line($"public sealed record {t.Name}({string.Join(", ", members.Select(m => $"{Cs(m.Field.Type)} {m.Name}"))});");
            Save(t.Name, w);
            return;
        }

        w.Open(positional ? $"public sealed record {t.Name}({string.Join(", ", members.Select(m => $"{Cs(m.Field.Type)} {m.Name}"))})" : $"public sealed record {t.Name}");
        if (!positional)
        {
            foreach (var m in members)
            {
                w.Summary($"WIT field <c>{Xml(WitPrinter.Identifier(m.Field.Name))}: {Xml(m.Field.Type.ToString())}</c>.");
                w.Line(WitAttr(m.Field.Name));
                w.Line($"public required {Cs(m.Field.Type)} {m.Name} {{ get; init; }}");
                w.Line();
            }
        }

        if (equality)
        {
            EmitEquality(w, t.Name, members.Select(m => m.Name).ToList());
        }
        else
        {
            w.Line("// Value equality as records have it.");
        }

        w.Close();
        Save(t.Name, w);
    }

    private void EmitEquality(CodeWriter w, string type, List<string> members)
    {
        _needsEquality = true;
        w.Summary("Compares field by field; lists compare element by element.");
        w.Line($"public bool Equals({type}? other) => other is not null{string.Concat(members.Select(m => $" && {EqualityClass}.Equal({m}, other.{m})"))};");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line($"public override int GetHashCode() => {EqualityClass}.Hash({string.Join(", ", members.Select(m => "(object?)" + m))});");
    }

    private void EmitVariant(NamedType t, WitVariant v)
    {
        var w = NewFile();
        var scope = new NameScope(false, [t.Name, "Value", .. RecordReserved]);
        w.Summary($"WIT <c>{Xml(WitFingerprint.Definition(v))}</c> of {Of(v)}: one nested record per case (the payload is\n<c>Value</c>); switch on the case type: <c>x switch {{ {t.Name}.{Pascal(v.Cases[0].Name)} c =&gt; …, … }}</c>.");
        w.Line(WitAttr(v.Name ?? string.Empty));
        var caseNames = new NameScope(false, [t.Name, "Value", .. RecordReserved]);
        Shadowing(v.Cases.Select(c => caseNames.Claim(Pascal(c.Name), Pascal(c.Name) + "Case")), () => WriteVariant(w, t, v, scope));
        Save(t.Name, w);
    }

    private void WriteVariant(CodeWriter w, NamedType t, WitVariant v, NameScope scope)
    {
        w.Open($"public abstract record {t.Name}");
        w.Line($"private {t.Name}()");
        w.Line("{");
        w.Line("}");
        foreach (var c in v.Cases)
        {
            var name = scope.Claim(Pascal(c.Name), Pascal(c.Name) + "Case");
            w.Line();
            w.Summary($"Case <c>{Xml(WitPrinter.Identifier(c.Name) + (c.Payload is null ? string.Empty : "(" + c.Payload + ")"))}</c>.");
            if (c.Payload is not null)
            {
                w.Line($"/// <param name=\"Value\">The payload: WIT <c>{Xml(c.Payload.ToString())}</c>.</param>");
            }

            if (name != Pascal(c.Name))
            {
                w.Line(WitAttr(c.Name));
            }

            if (c.Payload is null)
            {
                w.Line($"public sealed record {name} : {t.Name};");
            }
            else if (HasList(c.Payload))
            {
                w.Open($"public sealed record {name}({Cs(c.Payload)} Value) : {t.Name}");
                EmitEquality(w, name, ["Value"]);
                w.Close();
            }
            else
            {
                w.Line($"public sealed record {name}({Cs(c.Payload)} Value) : {t.Name};");
            }
        }

        w.Close();
    }

    private void EmitEnum(NamedType t, IReadOnlyList<string> cases, bool flags)
    {
        var w = NewFile();
        var scope = new NameScope(true, t.Name, "value__");
        var noneTaken = flags && cases.Any(c => string.Equals(Pascal(c), "None", StringComparison.OrdinalIgnoreCase));
        if (flags && !noneTaken)
        {
            scope.Reserve("None");
        }

        var underlying = !flags ? null : cases.Count <= 8 ? "byte" : cases.Count <= 16 ? "ushort" : cases.Count <= 32 ? "uint" : "ulong";
        var one = underlying switch { "uint" => "1u", "ulong" => "1ul", _ => "1" };
        w.Summary($"WIT <c>{Xml(WitFingerprint.Definition(t.Wit))}</c> of {Of(t.Wit)}.");
        w.Line(WitAttr(t.Wit.Name ?? string.Empty));
        if (flags)
        {
            w.Line("[global::System.Flags]");
        }

        w.Open($"public enum {t.Name}{(underlying is null ? string.Empty : " : " + underlying)}");
        if (flags && !noneTaken)
        {
            w.Summary("No flag set.");
            w.Line("None = 0,");
            w.Line();
        }

        for (var i = 0; i < cases.Count; i++)
        {
            var name = scope.Claim(Pascal(cases[i]), Pascal(cases[i]) + "Value");
            w.Summary($"WIT {(flags ? "flag" : "case")} <c>{Xml(WitPrinter.Identifier(cases[i]))}</c>.");
            if (name != Pascal(cases[i]) || cases.Count(c => string.Equals(Pascal(c), Pascal(cases[i]), StringComparison.OrdinalIgnoreCase)) > 1)
            {
                w.Line(WitAttr(cases[i]));
            }

            w.Line(flags ? $"{name} = {one} << {i}," : $"{name},");
            if (i < cases.Count - 1)
            {
                w.Line();
            }
        }

        w.Close();
        Save(t.Name, w);
    }

    private void EmitGuestResource(NamedType t, WitResource r)
    {
        var saved = _shadowed;
        _shadowed = new HashSet<string>(ResourceFunctions(r).Where(f => f.Kind != WitFunctionKind.Constructor).Select(f => Pascal(f.ShortName)), StringComparer.Ordinal);
        var w = NewFile();
        var owner = _exports.FirstOrDefault(i => i.Wit?.Name == r.Owner);
        var functions = ResourceFunctions(r).ToList();
        var ctor = functions.FirstOrDefault(f => f.Kind == WitFunctionKind.Constructor);
        w.Summary($"WIT <c>resource {Xml(WitPrinter.Identifier(r.Name!))}</c> of {Of(r)}, implemented by the component: each object holds a handle.\n"
            + (ctor is null ? string.Empty : $"Create one with <c>{owner?.Name}.Create{Pascal(r.Name!)}(…)</c>. ")
            + "Dispose it to drop the handle (for an owned handle the component's destructor runs); passing it where WIT\n"
            + "takes an owned handle moves it into the component.");
        w.Line(WitAttr(r.Name!));
        w.Open($"public interface {t.Name} : global::System.IDisposable");
        var scope = new NameScope(false, t.Name, "Dispose");
        var first = true;
        foreach (var f in functions.Where(f => f.Kind == WitFunctionKind.Method))
        {
            if (!first)
            {
                w.Line();
            }

            first = false;
            if (Unsupported(f) is { } why)
            {
                w.Line($"// Not bound: '{f.Signature}': {why}.");
                continue;
            }

            EmitMethod(w, f, scope.Claim(Pascal(f.ShortName), Pascal(f.ShortName) + "Method"), export: true, body: null);
        }

        w.Close();
        _shadowed = saved;
        Save(t.Name, w);
    }

    private void EmitHostResource(NamedType t, WitResource r)
    {
        var saved = _shadowed;
        _shadowed = new HashSet<string>(ResourceFunctions(r).Where(f => f.Kind != WitFunctionKind.Constructor).Select(f => Pascal(f.ShortName)), StringComparer.Ordinal);
        var w = NewFile();
        var functions = ResourceFunctions(r).Where(f => Unsupported(f) is null).ToList();
        var ctor = functions.FirstOrDefault(f => f.Kind == WitFunctionKind.Constructor);
        var statics = functions.Where(f => f.Kind == WitFunctionKind.Static).ToList();
        var register = $"Register the class with <c>imports.Add{Pascal(r.Name!)}&lt;MyClass&gt;()</c> ({BindingsClass}) or\n<c>imports.AddResource&lt;MyClass&gt;({Xml(Literal(r.Owner ?? string.Empty))}, {Xml(Literal(r.Name!))})</c>. ";
        w.Summary($"WIT <c>resource {Xml(WitPrinter.Identifier(r.Name!))}</c> of {Of(r)}, implemented by the host: derive a class from it\n"
            + (ctor is null ? string.Empty : $"with a public constructor <c>({Xml(string.Join(", ", ctor.Parameters.Select(p => Cs(p.Type) + " " + Escape(Camel(p.Name)))))})</c> for WIT <c>{Xml(ctor.Signature)}</c>\n")
            + (statics.Count == 0 ? string.Empty : $"that also implements <c>{t.StaticsName}&lt;TSelf&gt;</c> (the static functions), ")
            + $"and override its methods. {register}Each handle the component holds is one object; when the\ncomponent drops its handle the object is disposed.");
        w.Line(WitAttr(r.Name!));
        w.Open($"public abstract class {t.Name} : global::System.IDisposable");
        var scope = new NameScope(false, t.Name, "Dispose", "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize");
        foreach (var f in functions.Where(f => f.Kind == WitFunctionKind.Method))
        {
            EmitMethod(w, f, scope.Claim(Pascal(f.ShortName), Pascal(f.ShortName) + "Method"), export: false, body: null, modifiers: "public abstract ");
            w.Line();
        }

        foreach (var f in ResourceFunctions(r).Where(f => Unsupported(f) is not null))
        {
            w.Line($"// Not bound: '{f.Signature}': {Unsupported(f)}. Instantiate with TrapUnimplementedImports to run without it.");
            w.Line();
        }

        w.Summary("Called when the component drops its handle to this object.");
        w.Line("public void Dispose()");
        w.Line("{");
        w.Line("    Dispose(disposing: true);");
        w.Line("    global::System.GC.SuppressFinalize(this);");
        w.Line("}");
        w.Line();
        w.Summary("Releases what this object holds; override to clean up when the component drops its handle.");
        w.Line("/// <param name=\"disposing\">True when called from <see cref=\"Dispose()\"/>.</param>");
        w.Line("protected virtual void Dispose(bool disposing)");
        w.Line("{");
        w.Line("}");
        w.Close();

        if (t.StaticsName is not null)
        {
            w.Line();
            w.Summary($"The static functions of WIT <c>resource {Xml(WitPrinter.Identifier(r.Name!))}</c>, which the class implementing <see cref=\"{t.Name}\"/>\nprovides as public static methods.");
            w.Line($"/// <typeparam name=\"TSelf\">The class that implements <see cref=\"{t.Name}\"/>.</typeparam>");
            w.Line($"public interface {t.StaticsName}<TSelf>");
            w.Open($"    where TSelf : {t.Name}, {t.StaticsName}<TSelf>");
            var staticScope = new NameScope(false, t.StaticsName);
            var first = true;
            foreach (var f in statics)
            {
                if (!first)
                {
                    w.Line();
                }

                first = false;
                EmitMethod(w, f, staticScope.Claim(Pascal(f.ShortName), Pascal(f.ShortName) + "Static"), export: false, body: null, modifiers: "static abstract ");
            }

            w.Close();
        }

        _shadowed = saved;
        Save(t.Name, w);
    }

    private void EmitExport(Iface i)
    {
        var saved = _shadowed;
        _shadowed = new HashSet<string>(i.Bound.SelectMany(f => new[] { Pascal(f.ShortName), f.ResourceName is null ? string.Empty : "Create" + Pascal(f.ResourceName), f.ResourceName is null ? string.Empty : Pascal(f.ResourceName) + Pascal(f.ShortName) }), StringComparer.Ordinal);
        var w = NewFile();
        if (i.Wit is null)
        {
            w.Summary($"The functions the component exports at the root of its world. Bind them with\n<c>instance.GetInterface&lt;{i.Name}&gt;()</c> or <c>{BindingsClass}.Bind(instance).Root</c>.");
        }
        else
        {
            w.Summary($"The exported interface <c>{Xml(i.Wit.Name)}</c>. Bind it with <c>instance.GetInterface&lt;{i.Name}&gt;()</c> or\n<c>{BindingsClass}.Bind(instance)</c>.");
        }

        w.Line(WitAttr(i.WitName));
        w.Line($"[global::WasmDynamic.GeneratedBinding({Literal(i.WitName)}, {Literal(WitFingerprint.Compute(i.WitName, i.AllFunctions(_world)))})]");
        w.Open($"public interface {i.Name}");
        var scope = new NameScope(false, i.Name);
        var first = true;
        foreach (var f in i.Bound)
        {
            if (!first)
            {
                w.Line();
            }

            first = false;
            var res = f.ResourceName is null ? string.Empty : Pascal(f.ResourceName);
            var name = f.Kind switch
            {
                WitFunctionKind.Constructor => scope.Claim("Create" + res, "New" + res),
                WitFunctionKind.Static => scope.Claim(res + Pascal(f.ShortName)),
                _ => scope.Claim(Pascal(f.ShortName), Pascal(f.ShortName) + "Function"),
            };
            EmitMethod(w, f, name, export: true, body: null);
        }

        EmitSkipped(w, i, first);
        w.Close();
        _shadowed = saved;
        Save(i.Name, w);
    }

    private static void EmitSkipped(CodeWriter w, Iface i, bool first)
    {
        foreach (var (f, why) in i.Skipped)
        {
            if (!first)
            {
                w.Line();
            }

            first = false;
            w.Line($"// Not bound: '{f.Signature}': {why}.");
        }
    }

    private void EmitImport(Iface i)
    {
        var freestanding = i.Bound.Where(f => f.Kind == WitFunctionKind.Freestanding).ToList();
        if (freestanding.Count == 0 && i.Skipped.All(s => s.Function.Kind != WitFunctionKind.Freestanding))
        {
            return;
        }

        var saved = _shadowed;
        _shadowed = new HashSet<string>(i.Bound.Select(f => Pascal(f.ShortName)), StringComparer.Ordinal);
        var w = NewFile();
        var add = i.Wit is null ? "AddRootImports" : "Add" + Pascal(i.Wit.ShortName);
        w.Summary(i.Wit is null
            ? $"The functions the component imports at the root of its world, implemented by the host. Supply them with\n<c>new ComponentImports().{add}(new MyImports())</c> ({BindingsClass}), or one delegate each with\n<c>imports.Add(\"name\", delegate)</c>."
            : $"The imported interface <c>{Xml(i.Wit.Name)}</c>, implemented by the host. Supply an implementation with\n<c>new ComponentImports().{add}(new MyImpl())</c> ({BindingsClass}), or with\n<c>imports.Add({Xml(Literal(i.Wit.Name))}, obj)</c> for an object whose public methods match by name.");
        w.Line(WitAttr(i.WitName));
        w.Open($"public interface {i.Name}");
        var first = true;
        foreach (var f in freestanding)
        {
            if (!first)
            {
                w.Line();
            }

            first = false;
            EmitMethod(w, f, Pascal(f.ShortName), export: false, body: null);
        }

        EmitSkipped(w, i, first);
        w.Close();
        _shadowed = saved;
        Save(i.Name, w);
    }

    /// <summary>A method with its doc comment: WIT signature, parameters and result.</summary>
    private void EmitMethod(CodeWriter w, WitFunction f, string name, bool export, string? body, string modifiers = "")
    {
        var ps = f.Kind == WitFunctionKind.Method ? f.Parameters.Skip(1).ToList() : f.Parameters.ToList();
        var returns = f.Kind == WitFunctionKind.Constructor && f.Result is null ? "void" : f.Result is null ? "void" : Cs(f.Result);
        w.Summary($"WIT: <c>{Xml(Describe(f))}</c>");
        foreach (var p in ps)
        {
            w.Line($"/// <param name=\"{Camel(p.Name)}\">WIT <c>{Xml(WitPrinter.Identifier(p.Name))}: {Xml(p.Type.ToString())}</c>.</param>");
        }

        if (f.Result is not null)
        {
            w.Line($"/// <returns>WIT <c>{Xml(f.Result.ToString())}</c>.</returns>");
        }

        w.Line(WitAttr(export ? f.Name : f.ShortName));
        var signature = $"{modifiers}{returns} {name}({string.Join(", ", ps.Select(p => $"{Cs(p.Type)} {Escape(Camel(p.Name))}"))})";
        w.Line(body is null ? signature + ";" : signature + " => " + body + ";");
    }

    /// <summary>The WIT signature: <c>add: func(a: u32) -> u32</c>, <c>counter.merge: static func(…) -> counter</c>.</summary>
    private static string Describe(WitFunction f) => f.Signature;

    // ---- WitBindings and WitEquality --------------------------------------------------------------------------

    private void EmitBindings()
    {
        var w = NewFile();
        w.Summary("Binds every exported interface at once, registers host implementations of the imports, and records the\nWIT each generated interface was made from.");
        w.Open($"public static class {BindingsClass}");

        // Fingerprints.
        w.Summary("The fingerprint of the WIT each generated exported interface was made from (SHA-256 over the interface\nname, its function signatures and the named types they use; <c>WasmDynamic.Bindgen.Bindgen.Fingerprint</c>\ncomputes it for a component). A registration hook for a binder that trusts a generated interface whose\nfingerprint matches the component instead of checking it again.");
        w.Line("public static global::System.Collections.Generic.IReadOnlyDictionary<global::System.Type, string> Fingerprints { get; } =");
        w.Line("    new global::System.Collections.Generic.Dictionary<global::System.Type, string>");
        w.Line("    {");
        foreach (var i in _exports)
        {
            w.Line($"        [typeof({i.Name})] = {Literal(WitFingerprint.Compute(i.WitName, i.AllFunctions(_world)))},");
        }

        w.Line("    };");
        w.Line();
        w.Summary("The WIT name of each generated interface (empty for the root exports and imports).");
        w.Line("public static global::System.Collections.Generic.IReadOnlyDictionary<global::System.Type, string> WitNames { get; } =");
        w.Line("    new global::System.Collections.Generic.Dictionary<global::System.Type, string>");
        w.Line("    {");
        foreach (var i in _exports.Concat(_imports).Where(i => _files.ContainsKey(i.Name + ".g.cs")))
        {
            w.Line($"        [typeof({i.Name})] = {Literal(i.WitName)},");
        }

        w.Line("    };");

        // Exports.
        if (_exports.Count > 0)
        {
            var props = new NameScope(false, "Exports", "Instance", "Equals", "GetHashCode", "ToString", "GetType");
            var members = _exports.Select(i => (Iface: i, Property: props.Claim(i.Wit is null ? "Root" : Pascal(i.Wit.ShortName), i.Name[1..]))).ToList();
            w.Line();
            w.Summary("Binds every exported interface of <paramref name=\"instance\"/> now, so a mismatch shows at once.");
            w.Line("/// <param name=\"instance\">An instance of the component these bindings were generated from.</param>");
            w.Line("/// <exception cref=\"global::WasmDynamic.ComponentBindingException\">The component does not fit the generated interfaces.</exception>");
            w.Line("public static Exports Bind(global::WasmDynamic.ComponentInstance instance) => new(instance);");
            w.Line();
            w.Summary("The typed exports of one instance.");
            w.Open("public sealed class Exports");
            w.Line("internal Exports(global::WasmDynamic.ComponentInstance instance)");
            w.Line("{");
            w.Line("    global::System.ArgumentNullException.ThrowIfNull(instance);");
            w.Line("    Instance = instance;");
            foreach (var (i, p) in members)
            {
                w.Line($"    {p} = instance.GetInterface<{i.Name}>({Literal(i.WitName)});");
            }

            w.Line("}");
            w.Line();
            w.Summary("The instance.");
            w.Line("public global::WasmDynamic.ComponentInstance Instance { get; }");
            foreach (var (i, p) in members)
            {
                w.Line();
                w.Summary(i.Wit is null ? "The root exports." : $"The exported interface <c>{Xml(i.Wit.Name)}</c>.");
                w.Line($"public {i.Name} {p} {{ get; }}");
            }

            w.Close();
        }

        // Imports.
        var adapters = new List<Action>();
        var methods = new NameScope(false, "Bind", "Exports", "Fingerprints", "WitNames");
        foreach (var i in _imports.Where(i => _files.ContainsKey(i.Name + ".g.cs")))
        {
            var functions = i.Bound.Where(f => f.Kind == WitFunctionKind.Freestanding).ToList();
            if (functions.Count == 0)
            {
                continue;
            }

            var add = methods.Claim(i.Wit is null ? "AddRootImports" : "Add" + Pascal(i.Wit.ShortName), "Add" + i.Name[1..]);
            w.Line();
            w.Summary(i.Wit is null
                ? "Supplies the host functions the component imports at the root of its world."
                : $"Supplies the host implementation of the imported interface <c>{Xml(i.Wit.Name)}</c>.");
            w.Line("/// <param name=\"imports\">The imports to add to.</param>");
            w.Line("/// <param name=\"implementation\">The implementation.</param>");
            w.Line("/// <returns><paramref name=\"imports\"/>, for chaining.</returns>");
            w.Open($"public static {Imports} {add}(this {Imports} imports, {i.Name} implementation)");
            w.Line("global::System.ArgumentNullException.ThrowIfNull(imports);");
            w.Line("global::System.ArgumentNullException.ThrowIfNull(implementation);");
            if (i.Wit is null)
            {
                foreach (var f in functions)
                {
                    w.Line($"imports.Add({Literal(f.Name)}, new {DelegateType(f)}(implementation.{Pascal(f.ShortName)}));");
                }

                w.Line("return imports;");
            }
            else
            {
                var adapter = i.Name[1..] + "Adapter";
                w.Line($"return imports.Add({Literal(i.Wit.Name)}, new {adapter}(implementation));");
                adapters.Add(() =>
                {
                    w.Line();
                    w.Line($"// Public methods named as WasmDynamic matches them, whatever way {i.Name} is implemented.");
                    w.Open($"private sealed class {adapter}({i.Name} target)");
                    var first = true;
                    foreach (var f in functions)
                    {
                        if (!first)
                        {
                            w.Line();
                        }

                        first = false;
                        var ps = f.Parameters.Select(p => Escape(Camel(p.Name)));
                        EmitMethod(w, f, Pascal(f.ShortName), export: false, body: $"target.{Pascal(f.ShortName)}({string.Join(", ", ps)})", modifiers: "public ");
                    }

                    w.Close();
                });
            }

            w.Close();
        }

        foreach (var t in _typeOrder.Where(t => t.Kind == TypeKind.HostResource))
        {
            var r = (WitResource)t.Wit;
            var add = methods.Claim("Add" + Pascal(r.Name!), "Add" + t.Name);
            w.Line();
            w.Summary($"Supplies <typeparamref name=\"T\"/> as the host's implementation of WIT <c>resource {Xml(WitPrinter.Identifier(r.Name!))}</c> of {Of(r)}.");
            w.Line($"/// <typeparam name=\"T\">The class deriving from <see cref=\"{t.Name}\"/>.</typeparam>");
            w.Line("/// <param name=\"imports\">The imports to add to.</param>");
            w.Line("/// <returns><paramref name=\"imports\"/>, for chaining.</returns>");
            w.Line($"public static {Imports} {add}<T>(this {Imports} imports)");
            w.Line($"    where T : {t.Name}{(t.StaticsName is null ? string.Empty : $", {t.StaticsName}<T>")}");
            w.Line("{");
            w.Line("    global::System.ArgumentNullException.ThrowIfNull(imports);");
            w.Line($"    return imports.AddResource<T>({Literal(r.Owner ?? string.Empty)}, {Literal(r.Name!)});");
            w.Line("}");
        }

        foreach (var a in adapters)
        {
            a();
        }

        w.Close();
        Save(BindingsClass, w);
    }

    private string DelegateType(WitFunction f)
    {
        var ps = f.Parameters.Select(p => Cs(p.Type)).ToList();
        if (f.Result is null)
        {
            return ps.Count == 0 ? "global::System.Action" : $"global::System.Action<{string.Join(", ", ps)}>";
        }

        ps.Add(Cs(f.Result));
        return $"global::System.Func<{string.Join(", ", ps)}>";
    }

    private void EmitEquality()
    {
        var w = NewFile();
        w.Summary("Value equality for generated records whose fields hold lists: sequences compare element by element.");
        w.Open($"internal static class {EqualityClass}");
        w.Lines("""
            public static bool Equal(object? a, object? b)
            {
                if (ReferenceEquals(a, b))
                {
                    return true;
                }

                if (a is null || b is null)
                {
                    return false;
                }

                if (a is global::System.Collections.IEnumerable ea && b is global::System.Collections.IEnumerable eb && a is not string)
                {
                    var ia = ea.GetEnumerator();
                    var ib = eb.GetEnumerator();
                    while (true)
                    {
                        var ma = ia.MoveNext();
                        if (ma != ib.MoveNext())
                        {
                            return false;
                        }

                        if (!ma)
                        {
                            return true;
                        }

                        if (!Equal(ia.Current, ib.Current))
                        {
                            return false;
                        }
                    }
                }

                if (a is global::System.Runtime.CompilerServices.ITuple ta && b is global::System.Runtime.CompilerServices.ITuple tb && a.GetType() == b.GetType())
                {
                    for (var i = 0; i < ta.Length; i++)
                    {
                        if (!Equal(ta[i], tb[i]))
                        {
                            return false;
                        }
                    }

                    return true;
                }

                return a.Equals(b);
            }

            public static int Hash(params object?[] values)
            {
                var hash = new global::System.HashCode();
                foreach (var v in values)
                {
                    hash.Add(HashOne(v));
                }

                return hash.ToHashCode();
            }

            private static int HashOne(object? value)
            {
                switch (value)
                {
                    case null:
                        return 0;
                    case string s:
                        return s.GetHashCode();
                    case global::System.Collections.IEnumerable e:
                    {
                        var hash = new global::System.HashCode();
                        foreach (var x in e)
                        {
                            hash.Add(HashOne(x));
                        }

                        return hash.ToHashCode();
                    }

                    case global::System.Runtime.CompilerServices.ITuple t:
                    {
                        var hash = new global::System.HashCode();
                        for (var i = 0; i < t.Length; i++)
                        {
                            hash.Add(HashOne(t[i]));
                        }

                        return hash.ToHashCode();
                    }

                    default:
                        return value.GetHashCode();
                }
            }
            """);
        w.Close();
        Save(EqualityClass, w);
    }
}
