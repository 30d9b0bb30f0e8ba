using WasmDynamic.Wit;

namespace WasmDynamic.Binding;

/// <summary>
/// Finds the function a .NET or WIT name designates among one interface's functions, by precedence: the exact WIT name
/// (<c>add</c>, <c>[static]x.add</c>) first, then the function's .NET names (<c>Add</c>, <c>XAdd</c>,
/// <c>CreateCounter</c>, and a constructor's aliases <c>NewCounter</c>, <c>Counter</c>: see <see cref="BindingNames"/>), then a freestanding function's short name, and only then a resource function's short name.
/// A name that designates two functions of the same precedence is ambiguous; the caller reports the candidates.
/// </summary>
internal sealed class FunctionNameIndex
{
    private readonly Dictionary<string, List<int>>[] _tiers;
    private readonly IReadOnlyList<WitFunction> _functions;

    /// <param name="functions">The candidates, in the component's order.</param>
    /// <param name="methodNames">The .NET method name of each function, when already emitted; null: the default map's names.</param>
    public FunctionNameIndex(IReadOnlyList<WitFunction> functions, IReadOnlyList<string>? methodNames = null)
    {
        _functions = functions;
        _tiers = new Dictionary<string, List<int>>[4];
        _tiers[0] = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var t = 1; t < _tiers.Length; t++)
        {
            _tiers[t] = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        }

        for (var i = 0; i < functions.Count; i++)
        {
            var f = functions[i];
            Add(0, f.Name, i);
            Add(1, methodNames?[i] ?? BindingNames.DefaultName(f), i);
            foreach (var alias in BindingNames.Aliases(f))
            {
                Add(1, alias, i);
            }

            if (f.Kind == WitFunctionKind.Constructor)
            {
                continue;
            }

            var tier = f.Kind == WitFunctionKind.Freestanding ? 2 : 3;
            Add(tier, f.ShortName, i);
            Add(tier, Naming.ToPascalCase(f.ShortName), i);
        }
    }

    /// <summary>
    /// The index of the function <paramref name="name"/> designates (a WIT name, or a .NET name in any casing), or
    /// -1 when none does. When two functions of the same precedence share the name, returns -1 and sets
    /// <paramref name="ambiguous"/> to them.
    /// </summary>
    public int Find(string name, out IReadOnlyList<WitFunction>? ambiguous)
    {
        ambiguous = null;
        var kebab = Naming.ToKebabCase(name);
        foreach (var tier in _tiers)
        {
            if (tier.TryGetValue(name, out var hits) || tier.TryGetValue(kebab, out hits))
            {
                if (hits.Count == 1)
                {
                    return hits[0];
                }

                ambiguous = hits.Select(i => _functions[i]).ToList();
                return -1;
            }
        }

        return -1;
    }

    /// <summary>The message for an ambiguous name: every candidate with its WIT signature and the name that selects it.</summary>
    public static string Ambiguity(string name, IReadOnlyList<WitFunction> candidates) =>
        $"'{name}' designates {candidates.Count} functions: {string.Join("; ", candidates.Select(f => $"{f.Name} ({f.Signature}), selected by '{BindingNames.DefaultName(f)}' or its WIT name"))}. Use one of those names.";

    private void Add(int tier, string key, int index)
    {
        if (!_tiers[tier].TryGetValue(key, out var list))
        {
            _tiers[tier][key] = list = new List<int>(1);
        }

        if (!list.Contains(index))
        {
            list.Add(index);
        }
    }
}
