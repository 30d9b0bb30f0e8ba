using System.Security.Cryptography;
using System.Text;

namespace WasmDynamic.Wit;

/// <summary>
/// A fingerprint of an interface's shape: SHA-256 (hex) over the interface name, each function's signature and the
/// definition of every named type those signatures reach. Bindgen stamps it on the interfaces it generates
/// (<see cref="GeneratedBindingAttribute"/>); <c>GetInterface&lt;T&gt;</c> trusts such an interface when the fingerprint
/// still matches the component.
/// </summary>
public static class WitFingerprint
{
    /// <summary>The fingerprint of <paramref name="interfaceName"/> (empty for the root) with <paramref name="functions"/>.</summary>
    public static string Compute(string interfaceName, IEnumerable<WitFunction> functions)
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

    /// <summary>The fingerprint of an exported interface of <paramref name="world"/> (empty name: the root functions).</summary>
    /// <exception cref="ArgumentException">The world exports no such interface.</exception>
    public static string Of(WitWorld world, string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (string.IsNullOrEmpty(interfaceName))
        {
            return Compute(string.Empty, world.ExportedFunctions);
        }

        var iface = world.FindExport(interfaceName) ?? throw new ArgumentException($"The world exports no interface named '{interfaceName}'.", nameof(interfaceName));
        return Compute(iface.Name, iface.Functions);
    }

    /// <summary>A named type's definition on one line: <c>record point { x: s32, y: s32 }</c>.</summary>
    internal static string Definition(WitType t)
    {
        var name = WitPrinter.Identifier(t.Name ?? "_");
        return t switch
        {
            WitRecord r => $"record {name} {{ {string.Join(", ", r.Fields.Select(f => WitPrinter.Identifier(f.Name) + ": " + f.Type))} }}",
            WitVariant v => $"variant {name} {{ {string.Join(", ", v.Cases.Select(c => WitPrinter.Identifier(c.Name) + (c.Payload is null ? string.Empty : "(" + c.Payload + ")")))} }}",
            WitEnum e => $"enum {name} {{ {string.Join(", ", e.Cases.Select(WitPrinter.Identifier))} }}",
            WitFlags f => $"flags {name} {{ {string.Join(", ", f.Flags.Select(WitPrinter.Identifier))} }}",
            WitResource => $"resource {name}",
            _ => $"type {name} = {(t with { Name = null })}",
        };
    }

    private static void Collect(WitType t, HashSet<WitType> seen, List<WitType> types)
    {
        if (t.Name is not null && t is not WitHandle)
        {
            if (!seen.Add(t))
            {
                return;
            }

            types.Add(t);
        }

        foreach (var child in Children(t))
        {
            Collect(child, seen, types);
        }
    }

    /// <summary>The types directly inside <paramref name="t"/>.</summary>
    internal static IEnumerable<WitType> Children(WitType t) => t switch
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
