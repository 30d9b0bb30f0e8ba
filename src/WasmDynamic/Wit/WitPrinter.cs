using System.Text;

namespace WasmDynamic.Wit;

/// <summary>
/// Prints the WIT model as text, in the layout of <c>wasm-tools component wit</c>: <c>package root:component;</c>,
/// the <c>world root</c> block (imported interfaces, world types, imported functions, a blank line, exports), then one
/// nested <c>package ns:pkg@ver { interface … { … } }</c> block per foreign package, in dependency order.
/// </summary>
/// <remarks>
/// <para>
/// The world block is exactly what <c>jco wit</c> prints (jco prints only that block). The nested package blocks follow
/// the rules of wasm-tools' printer: a blank line between the items of an interface (<c>use</c> statements excepted),
/// no blank line between the interfaces of a package, two between packages, resources with their constructor,
/// methods and static functions, and <c>use</c> statements for types owned by other interfaces.
/// </para>
/// <para>
/// Two things differ from wasm-tools, because Wasmtime's type reflection does not carry them: doc comments, and
/// aliases of primitive types where they are used (<c>size: filesize</c> prints as <c>size: u64</c>; the alias itself,
/// <c>type filesize = u64;</c>, is still declared). A component cannot export a type at the world level in WIT; such
/// types (hand-written components only) are declared in the world like imported ones.
/// </para>
/// </remarks>
public static class WitPrinter
{
    /// <summary>The name of the package the world of a component is printed in, as wasm-tools names it.</summary>
    private const string RootPackage = "root:component";

    // Kept in sync with wasm-tools' `is_keyword` (crates/wit-component/src/printing.rs).
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "use", "type", "func", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "float32", "float64",
        "char", "resource", "record", "flags", "variant", "enum", "bool", "string", "option", "result", "future", "stream",
        "list", "own", "borrow", "_", "as", "from", "static", "interface", "tuple", "world", "import", "export", "package",
        "with", "include", "constructor", "error-context", "async", "map",
    };

    /// <summary>An identifier, escaped with <c>%</c> when it is a WIT keyword (<c>type</c> → <c>%type</c>).</summary>
    /// <param name="name">The kebab-case name.</param>
    public static string Identifier(string name) => Keywords.Contains(name) ? "%" + name : name;

    /// <summary>The whole world as WIT text: the world block followed by the foreign packages.</summary>
    /// <param name="world">The world to print.</param>
    /// <returns>The text, ending with a newline.</returns>
    public static string Print(WitWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var o = new Output();
        o.Str("package " + RootPackage);
        o.Semicolon();
        o.Newline();
        o.Str("world root");
        o.IndentStart();
        PrintWorld(o, world);
        o.IndentEnd();

        var packages = Packages(world);
        for (var n = 0; n < packages.Count; n++)
        {
            if (n > 0)
            {
                o.Newline();
                o.Newline();
            }

            o.Str("package " + PackageName(packages[n].Name));
            o.IndentStart();
            foreach (var i in packages[n].Interfaces)
            {
                o.Str("interface " + Identifier(i.ShortName));
                o.IndentStart();
                PrintInterface(o, i);
                o.IndentEnd();
            }

            o.IndentEnd();
        }

        return o.ToString();
    }

    /// <summary>
    /// The signature of <paramref name="f"/> for messages: <c>add: func(a: u32, b: u32) -> u32</c>,
    /// <c>counter: constructor(start: u32)</c>, <c>counter.get: func() -> u32</c>,
    /// <c>counter.merge: static func(a: borrow&lt;counter&gt;, b: borrow&lt;counter&gt;) -> counter</c>.
    /// </summary>
    /// <param name="f">The function.</param>
    public static string Signature(WitFunction f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return f.Kind switch
        {
            WitFunctionKind.Freestanding => Identifier(f.ShortName) + ": " + FunctionType(f),
            WitFunctionKind.Constructor => Identifier(f.ResourceName ?? f.ShortName) + ": " + FunctionType(f),
            _ => Identifier(f.ResourceName ?? string.Empty) + "." + ResourceMember(f),
        };
    }

    /// <summary>A type where it is used: its name if it has one (<c>point</c>), otherwise its structure (<c>list&lt;u8&gt;</c>).</summary>
    /// <param name="t">The type.</param>
    public static string TypeReference(WitType t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return t.Name is not null && t is not WitHandle ? Identifier(t.Name) : Structure(t);
    }

    /// <summary>Imported interfaces, world types, imported functions, a blank line, then the exports (wasm-tools' order).</summary>
    private static void PrintWorld(Output o, WitWorld world)
    {
        var previous = o.ReplaceAnyItems(false);
        var imports = Items(world.ImportOrder, world.Imports, world.ImportedFunctions);
        foreach (var i in imports.OfType<WitInterface>())
        {
            PrintWorldInterface(o, "import", i);

            // No blank line between imports, but whatever follows them is set apart.
            o.AnyItems = true;
        }

        var types = world.ImportedTypes.Concat(world.ExportedTypes);
        var resourceFunctions = world.ImportedFunctions.Concat(world.ExportedFunctions).Where(f => f.Kind != WitFunctionKind.Freestanding).ToList();
        var inResources = PrintTypes(o, string.Empty, types, resourceFunctions);
        foreach (var f in imports.OfType<WitFunction>().Where(f => !inResources.Contains(f)))
        {
            o.Str("import " + FunctionItem(f));
            o.Semicolon();
            o.AnyItems = true;
        }

        var exports = Items(world.ExportOrder, world.Exports, world.ExportedFunctions).Where(e => e is not WitFunction f || !inResources.Contains(f)).ToList();
        if (exports.Count > 0)
        {
            o.NewItem();
        }

        foreach (var item in exports)
        {
            if (item is WitInterface i)
            {
                PrintWorldInterface(o, "export", i);
            }
            else
            {
                o.Str("export " + FunctionItem((WitFunction)item));
                o.Semicolon();
            }
        }

        o.AnyItems = previous;
    }

    /// <summary>
    /// <c>name: func(…)</c> for a freestanding function; a resource function that could not be printed inside its
    /// resource keeps its full name (<c>[method]r.f</c>), which is not valid WIT but says what it is.
    /// </summary>
    private static string FunctionItem(WitFunction f) =>
        Identifier(f.Kind == WitFunctionKind.Freestanding ? f.ShortName : f.Name) + ": " + FunctionType(f);

    /// <summary>The world's interfaces and functions in the component's order.</summary>
    private static IEnumerable<object> Items(EquatableArray<string> order, EquatableArray<WitInterface> interfaces, EquatableArray<WitFunction> functions)
    {
        if (order.Count == 0)
        {
            return interfaces.Cast<object>().Concat(functions);
        }

        var items = new List<object>();
        foreach (var name in order)
        {
            var i = interfaces.FirstOrDefault(x => x.Name == name);
            if (i is not null)
            {
                items.Add(i);
                continue;
            }

            var f = functions.FirstOrDefault(x => x.Name == name);
            if (f is not null)
            {
                items.Add(f);
            }
        }

        return items;
    }

    /// <summary><c>import wasi:io/poll@0.2.12;</c>, or <c>import host: interface { … }</c> for a plain name.</summary>
    private static void PrintWorldInterface(Output o, string keyword, WitInterface i)
    {
        if (i.ParsedName.Namespace is not null)
        {
            o.Str(keyword + " " + InterfacePath(i.Name, RootPackage));
            o.Semicolon();
            return;
        }

        o.Str(keyword + " " + Identifier(i.Name) + ": interface");
        o.IndentStart();
        PrintInterface(o, i);
        o.IndentEnd();
    }

    /// <summary>The body of an interface: <c>use</c> statements, type definitions, then freestanding functions.</summary>
    private static void PrintInterface(Output o, WitInterface i)
    {
        var previous = o.ReplaceAnyItems(false);
        var inResources = PrintTypes(o, i.Name, i.Types, i.Functions.Where(f => f.Kind != WitFunctionKind.Freestanding).ToList());
        foreach (var f in i.Functions.Where(f => !inResources.Contains(f)))
        {
            o.NewItem();
            o.Str(FunctionItem(f));
            o.Semicolon();
        }

        o.AnyItems = previous;
    }

    /// <summary>
    /// <c>use</c> statements for the types owned elsewhere (consecutive types from one interface share a statement),
    /// then a definition for each type <paramref name="owner"/> owns, separated by blank lines.
    /// </summary>
    /// <returns>The resource functions printed inside their resource.</returns>
    private static HashSet<WitFunction> PrintTypes(Output o, string owner, IEnumerable<WitType> types, IReadOnlyList<WitFunction> resourceFunctions)
    {
        var inResources = new HashSet<WitFunction>(ReferenceEqualityComparer.Instance);
        var uses = new List<(string From, List<string> Names)>();
        var declared = new List<WitType>();
        var seen = new HashSet<WitType>();
        foreach (var t in types)
        {
            if (!seen.Add(t))
            {
                continue;
            }

            if (t.Name is not null && t.Owner is not null && t.Owner != owner)
            {
                if (uses.Count > 0 && uses[^1].From == t.Owner)
                {
                    uses[^1].Names.Add(Identifier(t.Name));
                }
                else
                {
                    uses.Add((t.Owner, [Identifier(t.Name)]));
                }

                continue;
            }

            declared.Add(t);
        }

        var package = owner.Length == 0 ? RootPackage : WitName.Parse(owner).PackageId;
        foreach (var (from, names) in uses)
        {
            o.AnyItems = true;
            o.Str("use " + InterfacePath(from, package) + ".{" + string.Join(", ", names) + "}");
            o.Semicolon();
        }

        foreach (var t in declared)
        {
            o.NewItem();
            if (t is WitResource r)
            {
                var functions = resourceFunctions.Where(f => f.ResourceName == r.Name).ToList();
                inResources.UnionWith(functions);
                PrintResource(o, r, functions);
            }
            else
            {
                DeclareType(o, t);
            }
        }

        return inResources;
    }

    /// <summary><c>resource r;</c> or <c>resource r { constructor(…); m: func(…); s: static func(…); }</c>.</summary>
    private static void PrintResource(Output o, WitResource r, List<WitFunction> functions)
    {
        o.Str("resource " + Identifier(r.Name!));
        if (functions.Count == 0)
        {
            o.Semicolon();
            return;
        }

        o.IndentStart();
        foreach (var f in functions)
        {
            o.Str(ResourceMember(f));
            o.Semicolon();
        }

        o.IndentEnd();
    }

    private static void DeclareType(Output o, WitType t)
    {
        var name = Identifier(t.Name ?? "unnamed");
        switch (t)
        {
            case WitRecord r:
                Block(o, "record " + name, r.Fields.Select(f => Identifier(f.Name) + ": " + TypeReference(f.Type)));
                break;
            case WitVariant v:
                Block(o, "variant " + name, v.Cases.Select(c => Identifier(c.Name) + (c.Payload is null ? string.Empty : "(" + TypeReference(c.Payload) + ")")));
                break;
            case WitEnum e:
                Block(o, "enum " + name, e.Cases.Select(Identifier));
                break;
            case WitFlags f:
                Block(o, "flags " + name, f.Flags.Select(Identifier));
                break;
            case WitHandle h:
                // wasm-tools spells out `own<r>` here: `type a = r` would be an alias of the resource itself.
                o.Str("type " + name + " = " + (h.IsBorrow ? "borrow<" : "own<") + Identifier(h.Resource.Name!) + ">");
                o.Semicolon();
                break;
            default:
                o.Str("type " + name + " = " + Structure(t));
                o.Semicolon();
                break;
        }
    }

    private static void Block(Output o, string header, IEnumerable<string> members)
    {
        o.Str(header);
        o.IndentStart();
        foreach (var m in members)
        {
            o.Str(m + ",");
            o.Newline();
        }

        o.IndentEnd();
    }

    /// <summary>A resource member as it appears inside <c>resource r { … }</c>, without the semicolon.</summary>
    private static string ResourceMember(WitFunction f) => f.Kind switch
    {
        WitFunctionKind.Constructor => FunctionType(f),
        WitFunctionKind.Method => Identifier(f.ShortName) + ": " + FunctionType(f),
        _ => Identifier(f.ShortName) + ": static " + FunctionType(f),
    };

    /// <summary>
    /// <c>func(a: T) -> R</c>, <c>async func(…)</c> or <c>constructor(…)</c>; a method's <c>self</c> is left out, and so is a
    /// constructor's result when it is the resource itself.
    /// </summary>
    private static string FunctionType(WitFunction f)
    {
        var sb = new StringBuilder();
        if (f.IsAsync)
        {
            sb.Append("async ");
        }

        sb.Append(f.Kind == WitFunctionKind.Constructor ? "constructor(" : "func(");
        var parameters = f.Kind == WitFunctionKind.Method ? f.Parameters.Skip(1) : f.Parameters;
        sb.Append(string.Join(", ", parameters.Select(p => Identifier(p.Name) + ": " + TypeReference(p.Type))));
        sb.Append(')');
        var shorthand = f.Kind == WitFunctionKind.Constructor && f.Result is WitHandle { IsBorrow: false } h && h.Resource.Name == f.ResourceName;
        if (f.Result is not null && !shorthand)
        {
            sb.Append(" -> ").Append(TypeReference(f.Result));
        }

        return sb.ToString();
    }

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
        WitResult { Ok: { } ok, Err: null } => $"result<{TypeReference(ok)}>",
        WitResult { Ok: null, Err: { } err } => $"result<_, {TypeReference(err)}>",
        WitResult { Ok: { } ok, Err: { } err } => $"result<{TypeReference(ok)}, {TypeReference(err)}>",
        WitHandle { IsBorrow: true } h => $"borrow<{Identifier(h.Resource.Name!)}>",
        WitHandle h => Identifier(h.Resource.Name!),
        WitMap m => $"map<{TypeReference(m.Key)}, {TypeReference(m.Value)}>",
        WitFuture { Payload: { } payload } => $"future<{TypeReference(payload)}>",
        WitFuture => "future",
        WitStream { Payload: { } payload } => $"stream<{TypeReference(payload)}>",
        WitStream => "stream",
        _ => t.Name is null ? t.Kind.ToString().ToLowerInvariant() : Identifier(t.Name),
    };

    /// <summary><c>wasi:io@0.2.12</c>, with namespace and name escaped.</summary>
    private static string PackageName(string packageId)
    {
        var colon = packageId.IndexOf(':');
        var at = packageId.IndexOf('@');
        var name = at < 0 ? packageId[(colon + 1)..] : packageId[(colon + 1)..at];
        return Identifier(packageId[..colon]) + ":" + Identifier(name) + (at < 0 ? string.Empty : packageId[at..]);
    }

    /// <summary>
    /// How <paramref name="interfaceName"/> is named from inside <paramref name="package"/>: its bare name in the same
    /// package, else <c>ns:pkg/iface@ver</c>.
    /// </summary>
    private static string InterfacePath(string interfaceName, string? package)
    {
        var n = WitName.Parse(interfaceName);
        if (n.Namespace is null)
        {
            return Identifier(n.Interface);
        }

        if (n.PackageId == package)
        {
            return Identifier(n.Interface);
        }

        return Identifier(n.Namespace) + ":" + Identifier(n.Package!) + "/" + Identifier(n.Interface) + (n.Version is null ? string.Empty : "@" + n.Version);
    }

    /// <summary>
    /// The foreign packages and their interfaces, in the order wasm-tools decodes them: first seen first (imports, then
    /// exports), then sorted so that a package comes after the packages it uses types from.
    /// </summary>
    private static List<(string Name, List<WitInterface> Interfaces)> Packages(WitWorld world)
    {
        var found = new List<(string Name, List<WitInterface> Interfaces)>();
        foreach (var i in world.Imports.Concat(world.Exports))
        {
            var id = i.ParsedName.PackageId;
            if (id is null)
            {
                continue;
            }

            var index = found.FindIndex(p => p.Name == id);
            if (index < 0)
            {
                found.Add((id, [i]));
            }
            else if (!found[index].Interfaces.Any(x => x.Name == i.Name))
            {
                found[index].Interfaces.Add(i);
            }
        }

        var order = new List<int>();
        var visiting = new HashSet<int>();
        for (var n = 0; n < found.Count; n++)
        {
            Visit(n);
        }

        return order.Select(n => found[n]).ToList();

        void Visit(int index)
        {
            // `visiting` also stops a (malformed) cycle from recursing forever.
            if (order.Contains(index) || !visiting.Add(index))
            {
                return;
            }

            foreach (var i in found[index].Interfaces)
            {
                foreach (var t in i.Types)
                {
                    if (t.Owner is { Length: > 0 } owner && owner != i.Name)
                    {
                        var id = WitName.Parse(owner).PackageId;
                        var dependency = found.FindIndex(p => p.Name == id);
                        if (dependency >= 0 && dependency != index)
                        {
                            Visit(dependency);
                        }
                    }
                }
            }

            order.Add(index);
        }
    }

    /// <summary>Text output with two-space indentation and wasm-tools' blank-line bookkeeping.</summary>
    private sealed class Output
    {
        private readonly StringBuilder _text = new();
        private int _indent;
        private bool _needsIndent;

        /// <summary>Whether an item has been printed in the current block, so that the next one needs a blank line first.</summary>
        public bool AnyItems { get; set; }

        public bool ReplaceAnyItems(bool value)
        {
            var previous = AnyItems;
            AnyItems = value;
            return previous;
        }

        public void NewItem()
        {
            if (AnyItems)
            {
                Newline();
            }

            AnyItems = true;
        }

        public void Str(string text)
        {
            if (_needsIndent)
            {
                _text.Append(' ', 2 * _indent);
                _needsIndent = false;
            }

            _text.Append(text);
        }

        public void Newline()
        {
            _text.Append('\n');
            _needsIndent = true;
        }

        public void Semicolon()
        {
            _text.Append(';');
            Newline();
        }

        public void IndentStart()
        {
            _text.Append(" {");
            _indent++;
            Newline();
        }

        public void IndentEnd()
        {
            _indent = Math.Max(0, _indent - 1);
            Str("}");
            Newline();
        }

        public override string ToString() => _text.ToString();
    }
}
