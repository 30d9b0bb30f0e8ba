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
public static partial class WitPrinter
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
}
