// WitPrinter: the writer of one world, its interfaces, their types and resources (the scope of types is in
// WitPrinter.Scope.cs).
namespace WasmDynamic.Wit;

public static partial class WitPrinter
{
    /// <summary>One printing of a world: the output and the names made up for unnamed types.</summary>
    private sealed partial class Writer
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
}
