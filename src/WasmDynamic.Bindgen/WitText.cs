using System.Security.Cryptography;
using System.Text;
using WasmDynamic.Wit;

namespace WasmDynamic.Bindgen;

/// <summary>WIT text for doc comments and fingerprints: definitions of named types and function signatures.</summary>
internal static class WitText
{
    /// <summary>A named type's definition on one line: <c>record point { x: s32, y: s32 }</c>.</summary>
    public static string Definition(WitType t)
    {
        var name = WitPrinter.Identifier(t.Name ?? "_");
        return t switch
        {
            WitRecord r => $"record {name} {{ {string.Join(", ", r.Fields.Select(f => WitPrinter.Identifier(f.Name) + ": " + f.Type))} }}",
            WitVariant v => $"variant {name} {{ {string.Join(", ", v.Cases.Select(c => WitPrinter.Identifier(c.Name) + (c.Payload is null ? string.Empty : "(" + c.Payload + ")")))} }}",
            WitEnum e => $"enum {name} {{ {string.Join(", ", e.Cases.Select(WitPrinter.Identifier))} }}",
            WitFlags f => $"flags {name} {{ {string.Join(", ", f.Flags.Select(WitPrinter.Identifier))} }}",
            WitResource => $"resource {name}",
            _ => $"type {name} = {Structure(t)}",
        };
    }

    /// <summary>A type spelled out without its own name (for aliases).</summary>
    private static string Structure(WitType t) => (t with { Name = null }).ToString();

    /// <summary>
    /// A fingerprint of what a generated interface was made from: SHA-256 (hex) over the interface name, each function
    /// signature and the definition of every named type those signatures reach, structure included.
    /// </summary>
    public static string Fingerprint(string interfaceName, IEnumerable<WitFunction> functions)
    {
        var text = new StringBuilder(interfaceName).Append('\n');
        var seen = new HashSet<WitType>();
        var types = new List<WitType>();
        foreach (var f in functions)
        {
            text.Append(f.Name).Append(": ").Append(f.Signature).Append('\n');
            foreach (var p in f.Parameters)
            {
                Collect(p.Type, seen, types);
            }

            if (f.Result is not null)
            {
                Collect(f.Result, seen, types);
            }
        }

        foreach (var t in types)
        {
            text.Append(t.Owner).Append(' ').Append(Definition(t)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void Collect(WitType t, HashSet<WitType> seen, List<WitType> types)
    {
        if (t.Name is not null && t is not WitHandle && !seen.Add(t))
        {
            return;
        }

        if (t.Name is not null && t is not WitHandle)
        {
            types.Add(t);
        }

        foreach (var child in Children(t))
        {
            Collect(child, seen, types);
        }
    }

    /// <summary>The types directly inside <paramref name="t"/>.</summary>
    public static IEnumerable<WitType> Children(WitType t) => t switch
    {
        WitList l => [l.Element],
        WitFixedSizeList l => [l.Element],
        WitRecord r => r.Fields.Select(f => f.Type),
        WitTuple tu => tu.Types,
        WitVariant v => v.Cases.Where(c => c.Payload is not null).Select(c => c.Payload!),
        WitOption o => [o.Inner],
        WitResult r => new[] { r.Ok, r.Err }.Where(x => x is not null).Select(x => x!),
        WitHandle h => [h.Resource],
        WitMap m => [m.Key, m.Value],
        WitFuture { Payload: { } p } => [p],
        WitStream { Payload: { } p } => [p],
        _ => [],
    };
}
