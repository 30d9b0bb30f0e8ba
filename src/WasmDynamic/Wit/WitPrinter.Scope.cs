// WitPrinter: which types a scope prints, including the `use`d types and the unnamed types under made-up names.
namespace WasmDynamic.Wit;

public static partial class WitPrinter
{
    private sealed partial class Writer
    {
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
    }
}
