using System.Collections.Concurrent;
using WasmDynamic.Marshalling;
using WasmDynamic.Wit;

namespace WasmDynamic.Emit;

/// <summary>
/// Everything emitted for one component world: the collectible module, the default-map data types, the converter
/// cache and the proxy types (default map and each <c>GetInterface&lt;T&gt;</c>).
/// </summary>
/// <remarks>
/// Cache policy: worlds are keyed by value (<see cref="WitWorld"/> equality), so loading the same component twice,
/// or two components of the same world, emits once. The cache holds its entries weakly: a world's types live while a
/// <see cref="WasmComponent"/> (or an instance or emitted object) of that world is reachable, then the collectible
/// assembly is collected and the entry is dropped on the next lookup. Per world, proxy types grow with the number of
/// distinct interface types bound with <c>GetInterface&lt;T&gt;</c>.
/// </remarks>
internal sealed class WorldTypes
{
    private static readonly Dictionary<WitWorld, WeakReference<WorldTypes>> Cache = new();
    private readonly ConcurrentDictionary<(string Interface, Type? ClrInterface), Lazy<ProxyTypeInfo>> _proxies = new();

    private WorldTypes(WitWorld world)
    {
        World = world;
        Scope = new ModuleScope();
        DataTypes = new DataTypeEmitter(Scope);
        Converters = new ConverterFactory(DataTypes.ClrType);
    }

    public WitWorld World { get; }

    public ModuleScope Scope { get; }

    public DataTypeEmitter DataTypes { get; }

    public ConverterFactory Converters { get; }

    /// <summary>How many worlds currently have live emitted types (for tests and diagnostics).</summary>
    internal static int LiveCount
    {
        get
        {
            lock (Cache)
            {
                return Cache.Values.Count(w => w.TryGetTarget(out _));
            }
        }
    }

    public static WorldTypes For(WitWorld world)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(world, out var weak) && weak.TryGetTarget(out var existing))
            {
                return existing;
            }

            foreach (var dead in Cache.Where(kv => !kv.Value.TryGetTarget(out _)).Select(kv => kv.Key).ToList())
            {
                Cache.Remove(dead);
            }

            var created = new WorldTypes(world);
            Cache[world] = new WeakReference<WorldTypes>(created);
            return created;
        }
    }

    /// <summary>The proxy type for <paramref name="iface"/> (null: root functions) implementing <paramref name="clrInterface"/> (null: default map).</summary>
    public ProxyTypeInfo Proxy(WitInterface? iface, Type? clrInterface) =>
        _proxies.GetOrAdd((iface?.Name ?? string.Empty, clrInterface), key => new Lazy<ProxyTypeInfo>(() => ProxyEmitter.Emit(this, iface, clrInterface))).Value;
}
