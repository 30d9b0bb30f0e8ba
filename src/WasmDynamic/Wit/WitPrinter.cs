using System.Text;

namespace WasmDynamic.Wit;

/// <summary>
/// Prints the WIT model as text, in the layout <c>wasm-tools component wit</c> (and <c>jco wit</c>) use:
/// <c>package root:component;</c>, the <c>world root</c> with imports then exports, then one nested
/// <c>package</c> block per foreign package with its interfaces.
/// </summary>
public static class WitPrinter
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "as", "async", "bool", "borrow", "char", "constructor", "enum", "export", "f32", "f64", "flags", "from", "func",
        "future", "import", "include", "interface", "list", "map", "option", "own", "package", "record", "resource",
        "result", "s16", "s32", "s64", "s8", "static", "stream", "string", "tuple", "type", "u16", "u32", "u64", "u8",
        "use", "variant", "with", "world", "error-context", "_",
    };

    /// <summary>An identifier, escaped with <c>%</c> when it is a WIT keyword.</summary>
    public static string Identifier(string name) => Keywords.Contains(name) ? "%" + name : name;

    /// <summary>The whole world as WIT text.</summary>
    public static string Print(WitWorld world)
    {
        var sb = new StringBuilder();
        sb.Append("package root:component;\n\n");
        sb.Append("world root {\n");
        var imports = WorldLines(world.ImportOrder, world.Imports, world.ImportedFunctions, world.ImportedTypes, "import");
        var exports = WorldLines(world.ExportOrder, world.Exports, world.ExportedFunctions, world.ExportedTypes, "export");
        foreach (var line in imports)
        {
            sb.Append(line);
        }

        if (imports.Count > 0 && exports.Count > 0)
        {
            sb.Append('\n');
        }

        foreach (var line in exports)
        {
            sb.Append(line);
        }

        sb.Append("}\n");

        // Plain-named instances are printed inline in the world above; interfaces with a package are grouped here.
        var packages = new List<(string Id, List<WitInterface> Interfaces)>();
        foreach (var i in world.Imports.Concat(world.Exports))
        {
            var id = i.ParsedName.PackageId;
            if (id is null)
            {
                continue;
            }

            var group = packages.Find(p => p.Id == id);
            if (group.Id is null)
            {
                group = (id, new List<WitInterface>());
                packages.Add(group);
            }

            if (!group.Interfaces.Any(x => x.Name == i.Name))
            {
                group.Interfaces.Add(i);
            }
        }

        foreach (var (id, interfaces) in packages)
        {
            sb.Append("package ").Append(id).Append(" {\n");
            for (var n = 0; n < interfaces.Count; n++)
            {
                PrintInterface(sb, interfaces[n], "  ");
                sb.Append('\n');
            }

            sb.Length--;
            sb.Append("}\n\n");
        }

        if (packages.Count > 0)
        {
            sb.Length--;
        }

        return sb.ToString();
    }

    private static List<string> WorldLines(EquatableArray<string> order, EquatableArray<WitInterface> interfaces, EquatableArray<WitFunction> functions, EquatableArray<WitType> types, string keyword)
    {
        var lines = new List<string>();
        var typeText = new StringBuilder();
        foreach (var t in types)
        {
            PrintTypeDefinition(typeText, t, "  ", ownerForUse: string.Empty);
        }

        if (typeText.Length > 0)
        {
            lines.Add(typeText.ToString());
        }

        var names = order.Count > 0 ? order.ToList() : interfaces.Select(i => i.Name).Concat(functions.Select(f => f.Name)).ToList();
        foreach (var name in names)
        {
            var i = interfaces.FirstOrDefault(x => x.Name == name);
            if (i is not null)
            {
                lines.Add("  " + keyword + " " + WorldItemName(i) + "\n");
                continue;
            }

            var f = functions.FirstOrDefault(x => x.Name == name);
            if (f is not null)
            {
                lines.Add("  " + keyword + " " + FunctionDeclaration(f) + ";\n");
            }
        }

        return lines;
    }

    private static string WorldItemName(WitInterface i)
    {
        if (i.ParsedName.Namespace is not null)
        {
            return i.Name + ";";
        }

        var body = new StringBuilder();
        body.Append(Identifier(i.Name)).Append(": interface {\n");
        PrintInterfaceBody(body, i, "    ");
        body.Append("  }");
        return body.ToString();
    }

    /// <summary>Prints <c>interface name { ... }</c> at <paramref name="indent"/>.</summary>
    internal static void PrintInterface(StringBuilder sb, WitInterface i, string indent)
    {
        sb.Append(indent).Append("interface ").Append(Identifier(i.ShortName)).Append(" {\n");
        PrintInterfaceBody(sb, i, indent + "  ");
        sb.Append(indent).Append("}\n");
    }

    private static void PrintInterfaceBody(StringBuilder sb, WitInterface i, string indent)
    {
        var uses = new List<(string From, List<string> Names)>();
        foreach (var t in i.Types)
        {
            if (t.Owner is not null && t.Owner != i.Name && t.Name is not null)
            {
                var from = UseSource(i, t.Owner);
                var group = uses.Find(u => u.From == from);
                if (group.From is null)
                {
                    group = (from, new List<string>());
                    uses.Add(group);
                }

                group.Names.Add(Identifier(t.Name));
            }
        }

        foreach (var (from, names) in uses)
        {
            sb.Append(indent).Append("use ").Append(from).Append(".{").Append(string.Join(", ", names)).Append("};\n");
        }

        var printedTypes = false;
        foreach (var t in i.Types)
        {
            if (t.Owner is not null && t.Owner != i.Name)
            {
                continue;
            }

            PrintTypeDefinition(sb, t, indent, i.Name, i);
            printedTypes = true;
        }

        var functions = i.Functions.Where(f => f.Kind == WitFunctionKind.Freestanding).ToList();
        if ((printedTypes || uses.Count > 0) && functions.Count > 0)
        {
            sb.Append('\n');
        }

        foreach (var f in functions)
        {
            sb.Append(indent).Append(FunctionDeclaration(f)).Append(";\n");
        }
    }

    private static string UseSource(WitInterface user, string owner)
    {
        var u = user.ParsedName;
        var o = WitName.Parse(owner);
        return u.PackageId is not null && u.PackageId == o.PackageId ? Identifier(o.Interface) : owner;
    }

    private static void PrintTypeDefinition(StringBuilder sb, WitType t, string indent, string ownerForUse, WitInterface? scope = null)
    {
        var name = Identifier(t.Name ?? "unnamed");
        switch (t)
        {
            case WitRecord r:
                sb.Append(indent).Append("record ").Append(name).Append(" {\n");
                foreach (var f in r.Fields)
                {
                    sb.Append(indent).Append("  ").Append(Identifier(f.Name)).Append(": ").Append(TypeReference(f.Type)).Append(",\n");
                }

                sb.Append(indent).Append("}\n");
                break;
            case WitVariant v:
                sb.Append(indent).Append("variant ").Append(name).Append(" {\n");
                foreach (var c in v.Cases)
                {
                    sb.Append(indent).Append("  ").Append(Identifier(c.Name));
                    if (c.Payload is not null)
                    {
                        sb.Append('(').Append(TypeReference(c.Payload)).Append(')');
                    }

                    sb.Append(",\n");
                }

                sb.Append(indent).Append("}\n");
                break;
            case WitEnum e:
                sb.Append(indent).Append("enum ").Append(name).Append(" {\n");
                foreach (var c in e.Cases)
                {
                    sb.Append(indent).Append("  ").Append(Identifier(c)).Append(",\n");
                }

                sb.Append(indent).Append("}\n");
                break;
            case WitFlags fl:
                sb.Append(indent).Append("flags ").Append(name).Append(" {\n");
                foreach (var c in fl.Flags)
                {
                    sb.Append(indent).Append("  ").Append(Identifier(c)).Append(",\n");
                }

                sb.Append(indent).Append("}\n");
                break;
            case WitResource res:
                var members = scope?.Functions.Where(f => f.Kind != WitFunctionKind.Freestanding && f.ResourceName == res.Name).ToList() ?? [];
                sb.Append(indent).Append("resource ").Append(name);
                if (members.Count == 0)
                {
                    sb.Append(";\n");
                    break;
                }

                sb.Append(" {\n");
                foreach (var f in members)
                {
                    sb.Append(indent).Append("  ").Append(ResourceMemberDeclaration(f)).Append(";\n");
                }

                sb.Append(indent).Append("}\n");
                break;
            default:
                sb.Append(indent).Append("type ").Append(name).Append(" = ").Append(Structure(t)).Append(";\n");
                break;
        }
    }

    /// <summary><c>name: func(a: T) -> R</c> for freestanding functions.</summary>
    internal static string FunctionDeclaration(WitFunction f) =>
        Identifier(f.ShortName) + ": " + (f.IsAsync ? "async " : string.Empty) + FuncType(f.Parameters, f.Result);

    private static string ResourceMemberDeclaration(WitFunction f) => f.Kind switch
    {
        WitFunctionKind.Constructor => "constructor(" + Params(f.Parameters) + ")" + (f.Result is WitResult r ? " -> " + TypeReference(r) : string.Empty),
        WitFunctionKind.Method => Identifier(f.ShortName) + ": " + (f.IsAsync ? "async " : string.Empty) + FuncType(f.Parameters.Skip(1), f.Result),
        _ => Identifier(f.ShortName) + ": static " + (f.IsAsync ? "async " : string.Empty) + FuncType(f.Parameters, f.Result),
    };

    /// <summary>The signature of <paramref name="f"/> as WIT declares it: <c>add: func(a: u32, b: u32) -> u32</c>.</summary>
    public static string Signature(WitFunction f) => f.Kind switch
    {
        WitFunctionKind.Freestanding => FunctionDeclaration(f),
        WitFunctionKind.Constructor => $"{f.ResourceName}: " + ResourceMemberDeclaration(f),
        _ => $"{f.ResourceName}.{ResourceMemberDeclaration(f)}",
    };

    private static string FuncType(IEnumerable<WitParameter> ps, WitType? result) =>
        "func(" + Params(ps) + ")" + (result is null ? string.Empty : " -> " + TypeReference(result));

    private static string Params(IEnumerable<WitParameter> ps) => string.Join(", ", ps.Select(p => Identifier(p.Name) + ": " + TypeReference(p.Type)));

    /// <summary>A type where it is used: its name if it has one, otherwise its structure.</summary>
    public static string TypeReference(WitType t) => t.Name is not null && t is not WitHandle ? Identifier(t.Name) : Structure(t);

    private static string Structure(WitType t) => t switch
    {
        WitPrimitive p => p.Kind switch
        {
            WitTypeKind.ErrorContext => "error-context",
            _ => p.Kind.ToString().ToLowerInvariant(),
        },
        WitList l => $"list<{TypeReference(l.Element)}>",
        WitFixedSizeList l => $"list<{TypeReference(l.Element)}, {l.Length}>",
        WitTuple tu => $"tuple<{string.Join(", ", tu.Types.Select(TypeReference))}>",
        WitOption o => $"option<{TypeReference(o.Inner)}>",
        WitResult { Ok: null, Err: null } => "result",
        WitResult { Err: null } r => $"result<{TypeReference(r.Ok!)}>",
        WitResult { Ok: null } r => $"result<_, {TypeReference(r.Err!)}>",
        WitResult r => $"result<{TypeReference(r.Ok!)}, {TypeReference(r.Err!)}>",
        WitHandle { IsBorrow: true } h => $"borrow<{Identifier(h.Resource.Name!)}>",
        WitHandle h => Identifier(h.Resource.Name!),
        WitMap m => $"map<{TypeReference(m.Key)}, {TypeReference(m.Value)}>",
        WitFuture { Payload: null } => "future",
        WitFuture f => $"future<{TypeReference(f.Payload)}>",
        WitStream { Payload: null } => "stream",
        WitStream s => $"stream<{TypeReference(s.Payload)}>",
        _ => t.Name ?? t.Kind.ToString().ToLowerInvariant(),
    };
}
