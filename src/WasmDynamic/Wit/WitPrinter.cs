// Over 400 lines on purpose: one recursive walk whose ordering, naming and `use` rules must be read together to
// print exactly what `wasm-tools component wit` prints; splitting it by item kind would scatter those rules.
using System.Text;

namespace WasmDynamic.Wit;

/// <summary>
/// Prints the WIT model as text, in the layout of <c>wasm-tools component wit</c>: <c>package root:component;</c>,
/// the <c>world root</c> block (imported interfaces, world types, imported functions, a blank line, exports), then one
/// nested <c>package ns:pkg@ver { interface … { … } }</c> block per foreign package, in dependency order.
/// </summary>
/// <remarks>
/// <para>
/// The world block is what <c>jco wit</c> prints (jco prints only that block). The package blocks follow wasm-tools'
/// printer: a blank line between the items of an interface (<c>use</c> statements excepted), none between the
/// interfaces of a package, two between packages; resources with their constructor, methods and static functions;
/// <c>use</c> statements for types owned by other interfaces, with the full <c>ns:pkg/iface@ver</c> path across
/// packages.
/// </para>
/// <para>
/// The model comes from the component binary (<see cref="WitWorld.Read(ReadOnlySpan{byte})"/>), so names, aliases
/// (<c>type a = b</c>, <c>size: filesize</c>, handle aliases) and world-level types print as the binary has them. Doc
/// comments are not printed (the reader does not read the <c>package-docs</c> section). A world function that refers
/// to an interface's type without the world importing it by name prints the name without a <c>use</c>, as wasm-tools
/// does. Unnamed records, variants, enums and flags (possible only in hand-written components) are declared under
/// made-up names (<c>record0</c>).
/// </para>
/// </remarks>
public static class WitPrinter
{
    /// <summary>The package wasm-tools puts a component's world in.</summary>
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
    internal static string Identifier(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Keywords.Contains(name) ? "%" + name : name;
    }

    /// <summary>The whole world as WIT text: the world block followed by the foreign packages.</summary>
    /// <param name="world">The world to print.</param>
    /// <returns>The text, ending with a newline.</returns>
    public static string Print(WitWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        return new Writer().Print(world);
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
        var text = new TypeText(null);
        return f.Kind switch
        {
            WitFunctionKind.Freestanding => Identifier(f.ShortName) + ": " + text.Function(f),
            WitFunctionKind.Constructor => Identifier(f.ResourceName ?? f.ShortName) + ": " + text.Function(f),
            _ => Identifier(f.ResourceName ?? string.Empty) + "." + text.ResourceMember(f),
        };
    }

    /// <summary>
    /// A type where it is used: its name if it has one (<c>point</c>), otherwise its structure (<c>list&lt;u8&gt;</c>).
    /// An unnamed record, variant, enum or flags is spelled out inline (<c>record { x: s32, y: s32 }</c>), which WIT
    /// itself never does.
    /// </summary>
    /// <param name="t">The type.</param>
    public static string TypeReference(WitType t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new TypeText(null).Reference(t);
    }

    /// <summary>Spells types, with names made up for unnamed nominal types where the printer declared them.</summary>
    private sealed class TypeText(IReadOnlyDictionary<WitType, string>? madeUp)
    {
        public string Reference(WitType t)
        {
            if (t.Name is not null)
            {
                return Identifier(t.Name);
            }

            return madeUp is not null && madeUp.TryGetValue(t, out var name) ? Identifier(name) : Structure(t);
        }

        public string Structure(WitType t) => t switch
        {
            WitPrimitive p => p.Kind == WitTypeKind.ErrorContext ? "error-context" : p.Kind.ToString().ToLowerInvariant(),
            WitList l => $"list<{Reference(l.Element)}>",
            WitFixedSizeList l => $"list<{Reference(l.Element)}, {l.Length}>",
            WitTuple tu => $"tuple<{string.Join(", ", tu.Types.Select(Reference))}>",
            WitOption o => $"option<{Reference(o.Inner)}>",
            WitResult { Ok: null, Err: null } => "result",
            WitResult { Ok: { } ok, Err: null } => $"result<{Reference(ok)}>",
            WitResult { Ok: null, Err: { } err } => $"result<_, {Reference(err)}>",
            WitResult { Ok: { } ok, Err: { } err } => $"result<{Reference(ok)}, {Reference(err)}>",
            WitHandle { IsBorrow: true } h => $"borrow<{Identifier(h.Resource.Name!)}>",
            WitHandle h => Identifier(h.Resource.Name!),
            WitMap m => $"map<{Reference(m.Key)}, {Reference(m.Value)}>",
            WitFuture { Payload: { } payload } => $"future<{Reference(payload)}>",
            WitFuture => "future",
            WitStream { Payload: { } payload } => $"stream<{Reference(payload)}>",
            WitStream => "stream",
            WitRecord r => "record { " + string.Join(", ", r.Fields.Select(f => Identifier(f.Name) + ": " + Reference(f.Type))) + " }",
            WitVariant v => "variant { " + string.Join(", ", v.Cases.Select(Case)) + " }",
            WitEnum e => "enum { " + string.Join(", ", e.Cases.Select(Identifier)) + " }",
            WitFlags f => "flags { " + string.Join(", ", f.Flags.Select(Identifier)) + " }",
            _ => t.Name is null ? t.Kind.ToString().ToLowerInvariant() : Identifier(t.Name),
        };

        public string Case(WitCase c) => Identifier(c.Name) + (c.Payload is null ? string.Empty : "(" + Reference(c.Payload) + ")");

        /// <summary>
        /// <c>func(a: T) -> R</c>, <c>async func(…)</c> or <c>constructor(…)</c>; a method's <c>self</c> is left out, and
        /// so is a constructor's result when it is the resource itself.
        /// </summary>
        public string Function(WitFunction f)
        {
            var sb = new StringBuilder();
            if (f.IsAsync)
            {
                sb.Append("async ");
            }

            sb.Append(f.Kind == WitFunctionKind.Constructor ? "constructor(" : "func(");
            var parameters = f.Kind == WitFunctionKind.Method ? f.Parameters.Skip(1) : f.Parameters;
            sb.Append(string.Join(", ", parameters.Select(p => Identifier(p.Name) + ": " + Reference(p.Type))));
            sb.Append(')');
            var shorthand = f.Kind == WitFunctionKind.Constructor && f.Result is WitHandle { IsBorrow: false } h && h.Resource.Name == f.ResourceName;
            if (f.Result is not null && !shorthand)
            {
                sb.Append(" -> ").Append(Reference(f.Result));
            }

            return sb.ToString();
        }

        /// <summary>A member of <c>resource r { … }</c>, without the semicolon.</summary>
        public string ResourceMember(WitFunction f) => f.Kind switch
        {
            WitFunctionKind.Constructor => Function(f),
            WitFunctionKind.Method => Identifier(f.ShortName) + ": " + Function(f),
            _ => Identifier(f.ShortName) + ": static " + Function(f),
        };

        /// <summary>
        /// <c>name: func(…)</c> for a freestanding function; a resource function that cannot go inside its resource keeps
        /// its full name (<c>[method]r.f</c>), which is not valid WIT but says what it is.
        /// </summary>
        public string Item(WitFunction f) =>
            Identifier(f.Kind == WitFunctionKind.Freestanding ? f.ShortName : f.Name) + ": " + Function(f);
    }

    /// <summary>One printing of a world: the output and the names made up for unnamed types.</summary>
    private sealed class Writer
    {
        private readonly Output _o = new();
        private readonly Dictionary<WitType, string> _madeUp = new();
        private readonly Dictionary<string, int> _next = new(StringComparer.Ordinal);

        public Writer() => Text = new TypeText(_madeUp);

        private TypeText Text { get; }

        public string Print(WitWorld world)
        {
            _o.Str("package " + RootPackage);
            _o.Semicolon();
            _o.Newline();
            _o.Str("world root");
            _o.IndentStart();
            PrintWorld(world);
            _o.IndentEnd();

            var packages = Packages(world);
            for (var n = 0; n < packages.Count; n++)
            {
                if (n > 0)
                {
                    _o.Newline();
                    _o.Newline();
                }

                _o.Str("package " + PackageName(packages[n].Name));
                _o.IndentStart();
                foreach (var i in packages[n].Interfaces)
                {
                    _o.Str("interface " + Identifier(i.ShortName));
                    _o.IndentStart();
                    PrintInterface(i);
                    _o.IndentEnd();
                }

                _o.IndentEnd();
            }

            return _o.ToString();
        }

        /// <summary>Imported interfaces, world types, imported functions, a blank line, then the exports (wasm-tools' order).</summary>
        private void PrintWorld(WitWorld world)
        {
            var previous = _o.ReplaceAnyItems(false);
            var imports = Items(world.ImportOrder, world.Imports, world.ImportedFunctions);
            foreach (var i in imports.OfType<WitInterface>())
            {
                PrintWorldInterface("import", i);

                // No blank line between imports, but whatever follows them is set apart.
                _o.AnyItems = true;
            }

            var functions = world.ImportedFunctions.Concat(world.ExportedFunctions).ToList();
            var types = ScopeTypes(string.Empty, world.ImportedTypes.Concat(world.ExportedTypes), functions);
            var inResources = PrintTypes(string.Empty, types, functions);
            foreach (var f in imports.OfType<WitFunction>().Where(f => !inResources.Contains(f)))
            {
                _o.Str("import " + Text.Item(f));
                _o.Semicolon();
                _o.AnyItems = true;
            }

            var exports = Items(world.ExportOrder, world.Exports, world.ExportedFunctions).Where(e => e is not WitFunction f || !inResources.Contains(f)).ToList();
            if (exports.Count > 0)
            {
                _o.NewItem();
            }

            foreach (var item in exports)
            {
                if (item is WitInterface i)
                {
                    PrintWorldInterface("export", i);
                }
                else
                {
                    _o.Str("export " + Text.Item((WitFunction)item));
                    _o.Semicolon();
                }
            }

            _o.AnyItems = previous;
        }

        /// <summary><c>import wasi:io/poll@0.2.12;</c>, or <c>import host: interface { … }</c> for a plain name.</summary>
        private void PrintWorldInterface(string keyword, WitInterface i)
        {
            if (i.ParsedName.Namespace is not null)
            {
                _o.Str(keyword + " " + InterfacePath(i.Name, RootPackage));
                _o.Semicolon();
                return;
            }

            _o.Str(keyword + " " + Identifier(i.Name) + ": interface");
            _o.IndentStart();
            PrintInterface(i);
            _o.IndentEnd();
        }

        /// <summary>The body of an interface: <c>use</c> statements, type definitions, then freestanding functions.</summary>
        private void PrintInterface(WitInterface i)
        {
            var previous = _o.ReplaceAnyItems(false);
            var inResources = PrintTypes(i.Name, ScopeTypes(i.Name, i.Types, i.Functions), i.Functions);
            foreach (var f in i.Functions.Where(f => !inResources.Contains(f)))
            {
                _o.NewItem();
                _o.Str(Text.Item(f));
                _o.Semicolon();
            }

            _o.AnyItems = previous;
        }

        /// <summary>
        /// <c>use</c> statements for the types owned elsewhere (consecutive types from one interface share a statement),
        /// then a definition for each other type, separated by blank lines.
        /// </summary>
        /// <returns>The functions printed inside their resource.</returns>
        private HashSet<WitFunction> PrintTypes(string owner, List<WitType> types, IEnumerable<WitFunction> functions)
        {
            var inResources = new HashSet<WitFunction>(ReferenceEqualityComparer.Instance);
            var uses = new List<(string From, List<string> Names)>();
            var declared = new List<WitType>();
            foreach (var t in types)
            {
                // A renaming use (`use i.{b as a}`) is an alias whose target belongs to another interface.
                var renamed = t.AliasOf is { Name: not null, Owner: not null } target && target.Owner != owner && !IsUse(t, owner) ? target : null;
                if (IsUse(t, owner) || renamed is not null)
                {
                    var from = renamed?.Owner ?? t.Owner!;
                    var name = renamed is null ? Identifier(t.Name!) : Identifier(renamed.Name!) + " as " + Identifier(t.Name!);
                    if (uses.Count > 0 && uses[^1].From == from)
                    {
                        uses[^1].Names.Add(name);
                    }
                    else
                    {
                        uses.Add((from, [name]));
                    }
                }
                else
                {
                    declared.Add(t);
                }
            }

            var package = owner.Length == 0 ? RootPackage : WitName.Parse(owner).PackageId;
            foreach (var (from, names) in uses)
            {
                _o.AnyItems = true;
                _o.Str("use " + InterfacePath(from, package) + ".{" + string.Join(", ", names) + "}");
                _o.Semicolon();
            }

            foreach (var t in declared)
            {
                _o.NewItem();
                if (t is WitResource r)
                {
                    var members = functions.Where(f => f.Kind != WitFunctionKind.Freestanding && f.ResourceName == r.Name).ToList();
                    inResources.UnionWith(members);
                    PrintResource(r, members);
                }
                else
                {
                    DeclareType(t);
                }
            }

            return inResources;
        }

        private static bool IsUse(WitType t, string owner) => t.Name is not null && t.Owner is not null && t.Owner != owner;

        /// <summary>
        /// The types to print in a scope (an interface, or the world for <paramref name="owner"/> ""): those the model
        /// lists, then the named types of other interfaces that the scope uses but does not list (a <c>use</c> the
        /// world must have had), and the unnamed records, variants, enums and flags it uses, under made-up names.
        /// </summary>
        private List<WitType> ScopeTypes(string owner, IEnumerable<WitType> listed, IEnumerable<WitFunction> functions)
        {
            var seen = new HashSet<WitType>();
            var types = listed.Where(seen.Add).ToList();
            var taken = new HashSet<string>(types.Where(t => t.Name is not null).Select(t => t.Name!), StringComparer.Ordinal);
            var declared = new List<WitType>();
            foreach (var t in types.Where(t => !IsUse(t, owner)).ToList())
            {
                VisitChildren(t);
            }

            foreach (var f in functions)
            {
                foreach (var p in f.Parameters)
                {
                    Visit(p.Type);
                }

                if (f.Result is not null)
                {
                    Visit(f.Result);
                }
            }

            return declared.Concat(types).ToList();

            void Visit(WitType t)
            {
                if (t is WitHandle h)
                {
                    Visit(h.Resource);
                    return;
                }

                if (t.Name is not null)
                {
                    // A named type of another interface that the scope does not list is printed by name without a
                    // `use`, as wasm-tools prints it (a world that refers to an interface's types without importing
                    // them by name).
                    if (seen.Add(t) && !IsUse(t, owner))
                    {
                        declared.Add(t);
                        VisitChildren(t);
                    }

                    return;
                }

                if (t.IsNominal)
                {
                    if (seen.Add(t) && !_madeUp.ContainsKey(t))
                    {
                        var kind = t.Kind.ToString().ToLowerInvariant();
                        string name;
                        do
                        {
                            var n = _next.GetValueOrDefault(kind);
                            _next[kind] = n + 1;
                            name = kind + n;
                        }
                        while (taken.Contains(name));

                        _madeUp.Add(t, name);
                        declared.Add(t);
                        VisitChildren(t);
                    }

                    return;
                }

                VisitChildren(t);
            }

            void VisitChildren(WitType t)
            {
                switch (t)
                {
                    case WitList l: Visit(l.Element); break;
                    case WitFixedSizeList l: Visit(l.Element); break;
                    case WitOption o: Visit(o.Inner); break;
                    case WitTuple tu:
                        foreach (var x in tu.Types)
                        {
                            Visit(x);
                        }

                        break;
                    case WitResult r:
                        if (r.Ok is not null)
                        {
                            Visit(r.Ok);
                        }

                        if (r.Err is not null)
                        {
                            Visit(r.Err);
                        }

                        break;
                    case WitRecord r:
                        foreach (var f in r.Fields)
                        {
                            Visit(f.Type);
                        }

                        break;
                    case WitVariant v:
                        foreach (var c in v.Cases.Where(c => c.Payload is not null))
                        {
                            Visit(c.Payload!);
                        }

                        break;
                    case WitMap m:
                        Visit(m.Key);
                        Visit(m.Value);
                        break;
                    case WitFuture { Payload: { } payload }: Visit(payload); break;
                    case WitStream { Payload: { } payload }: Visit(payload); break;
                    case WitHandle h: Visit(h.Resource); break;
                }
            }
        }

        /// <summary><c>resource r;</c> or <c>resource r { constructor(…); m: func(…); s: static func(…); }</c>.</summary>
        private void PrintResource(WitResource r, List<WitFunction> members)
        {
            _o.Str("resource " + Identifier(r.Name!));
            if (members.Count == 0)
            {
                _o.Semicolon();
                return;
            }

            _o.IndentStart();
            foreach (var f in members)
            {
                _o.Str(Text.ResourceMember(f));
                _o.Semicolon();
            }

            _o.IndentEnd();
        }

        private void DeclareType(WitType t)
        {
            var text = Text;
            var name = Identifier(t.Name ?? _madeUp.GetValueOrDefault(t) ?? "unnamed");
            if (t.AliasOf is { } aliased)
            {
                _o.Str("type " + name + " = " + text.Reference(aliased));
                _o.Semicolon();
                return;
            }

            switch (t)
            {
                case WitRecord r:
                    Block("record " + name, r.Fields.Select(f => Identifier(f.Name) + ": " + text.Reference(f.Type)));
                    break;
                case WitVariant v:
                    Block("variant " + name, v.Cases.Select(text.Case));
                    break;
                case WitEnum e:
                    Block("enum " + name, e.Cases.Select(Identifier));
                    break;
                case WitFlags f:
                    Block("flags " + name, f.Flags.Select(Identifier));
                    break;
                case WitHandle h:
                    // wasm-tools spells out `own<r>` here: `type a = r` would be an alias of the resource itself.
                    _o.Str("type " + name + " = " + (h.IsBorrow ? "borrow<" : "own<") + Identifier(h.Resource.Name!) + ">");
                    _o.Semicolon();
                    break;
                default:
                    _o.Str("type " + name + " = " + text.Structure(t));
                    _o.Semicolon();
                    break;
            }
        }

        private void Block(string header, IEnumerable<string> members)
        {
            _o.Str(header);
            _o.IndentStart();
            foreach (var m in members)
            {
                _o.Str(m + ",");
                _o.Newline();
            }

            _o.IndentEnd();
        }
    }

    /// <summary>The world's interfaces and functions in the component's order.</summary>
    private static List<object> Items(EquatableArray<string> order, EquatableArray<WitInterface> interfaces, EquatableArray<WitFunction> functions)
    {
        if (order.Count == 0)
        {
            return interfaces.Cast<object>().Concat(functions).ToList();
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

    /// <summary><c>wasi:io@0.2.12</c>, with namespace and name escaped.</summary>
    private static string PackageName(string packageId)
    {
        var colon = packageId.IndexOf(':');
        var at = packageId.IndexOf('@', colon + 1);
        var name = at < 0 ? packageId[(colon + 1)..] : packageId[(colon + 1)..at];
        return Identifier(packageId[..colon]) + ":" + Identifier(name) + (at < 0 ? string.Empty : packageId[at..]);
    }

    /// <summary>
    /// How <paramref name="interfaceName"/> is written from inside <paramref name="package"/>: its bare name in the same
    /// package, else <c>ns:pkg/iface@ver</c>.
    /// </summary>
    private static string InterfacePath(string interfaceName, string? package)
    {
        var n = WitName.Parse(interfaceName);
        if (n.Namespace is null || n.PackageId == package)
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

        /// <summary>Whether the current block has an item already, so that the next one is set apart by a blank line.</summary>
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
