using System.Collections.Concurrent;
using WasmDynamic.Binding;
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
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal sealed class WorldTypes
{
    private static readonly Dictionary<WitWorld, WeakReference<WorldTypes>> Cache = new();
    private readonly ConcurrentDictionary<(string Interface, Type? ClrInterface), Lazy<ProxyTypeInfo>> _proxies = new();

    private readonly Dictionary<(WitResource Resource, Type? ClrInterface), GuestResourceClass> _resources = new();
    private readonly Dictionary<WitResource, uint> _hostTags = new();
    private readonly List<Action> _pendingInits = new();
    private int _depth;

    private WorldTypes(WitWorld world, EmittedBases bases)
    {
        World = world;
        Bases = bases;
        Scope = new ModuleScope();
        DataTypes = new DataTypeEmitter(Scope, SyncRoot, DefaultHandleType);
        Converters = new ConverterFactory(DataTypes.ClrType, HandleConverter);
    }

    /// <summary>One lock for all emission into this world's module (types refer to each other).</summary>
    public object SyncRoot { get; } = new();

    public WitWorld World { get; }

    /// <summary>The classes emitted proxies and resource classes derive from (the same for every world).</summary>
    public EmittedBases Bases { get; }

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

    /// <summary>The emitted types of <paramref name="world"/>, deriving from <paramref name="bases"/> (the facade's, one pair per process).</summary>
    public static WorldTypes For(WitWorld world, EmittedBases bases)
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

            var created = new WorldTypes(world, bases);
            Cache[world] = new WeakReference<WorldTypes>(created);
            return created;
        }
    }

    /// <summary>The tag Wasmtime carries for a host resource type (stable per world).</summary>
    public uint HostTag(WitResource resource)
    {
        lock (_hostTags)
        {
            if (!_hostTags.TryGetValue(resource, out var tag))
            {
                tag = (uint)_hostTags.Count + 1;
                _hostTags[resource] = tag;
            }

            return tag;
        }
    }

    /// <summary>The emitted class for a guest resource: the default-map class, or one implementing <paramref name="clrInterface"/>.</summary>
    public GuestResourceClass ResourceClass(WitResource resource, Type? clrInterface)
    {
        lock (SyncRoot)
        {
            if (_resources.TryGetValue((resource, clrInterface), out var existing))
            {
                return existing;
            }

            var info = new GuestResourceClass(resource, clrInterface);
            _resources[(resource, clrInterface)] = info;
            _depth++;
            try
            {
                var tb = Scope.Module.DefineType(
                    Scope.UniqueName(BindingNames.EmittedNamespace(resource.Owner), BindingNames.ResourceClassName(resource, clrInterface)),
                    System.Reflection.TypeAttributes.Public | System.Reflection.TypeAttributes.Sealed | System.Reflection.TypeAttributes.Class,
                    Bases.Resource.Type,
                    clrInterface is null ? Type.EmptyTypes : [clrInterface]);
                info.Type = tb;
                ResourceEmitter.Emit(this, info, tb, _pendingInits);
            }
            catch
            {
                _resources.Remove((resource, clrInterface));
                throw;
            }
            finally
            {
                if (--_depth == 0)
                {
                    var pending = _pendingInits.ToList();
                    _pendingInits.Clear();
                    foreach (var init in pending)
                    {
                        init();
                    }
                }
            }

            return info;
        }
    }

    private Type DefaultHandleType(WitHandle handle) => BindingNames.IsHostResource(handle.Resource) ? typeof(object) : ResourceClass(handle.Resource, null).Type;

    private ValueConverter? HandleConverter(WitHandle handle, Type clr, List<string> problems, string where)
    {
        if (BindingNames.IsHostResource(handle.Resource))
        {
            if (clr.IsValueType)
            {
                problems.Add($"{where}: WIT '{handle}' is a host resource; it needs the class that implements it, not {BindingMessages.Describe(clr)}.");
                return null;
            }

            return (ValueConverter)Activator.CreateInstance(typeof(HostHandleConverter<>).MakeGenericType(clr), handle, HostTag(handle.Resource))!;
        }

        var defaultClass = ResourceClass(handle.Resource, null);
        GuestResourceClass info;
        if (clr == defaultClass.Type || clr == Bases.Resource.Type || clr == typeof(object))
        {
            info = defaultClass;
        }
        else if (clr.IsInterface)
        {
            info = ResourceClass(handle.Resource, clr);
        }
        else
        {
            problems.Add($"{where}: WIT '{handle}' is the component's resource '{handle.Resource.Name}'; declare it as an interface (e.g. {BindingNames.InterfaceName(handle.Resource.Name!)} : IDisposable) with its methods, not {BindingMessages.Describe(clr)}.");
            return null;
        }

        return (ValueConverter)Activator.CreateInstance(typeof(GuestHandleConverter<>).MakeGenericType(clr), handle, info)!;
    }

    /// <summary>The proxy type for <paramref name="iface"/> (null: root functions) implementing <paramref name="clrInterface"/> (null: default map).</summary>
    public ProxyTypeInfo Proxy(WitInterface? iface, Type? clrInterface) =>
        _proxies.GetOrAdd((iface?.Name ?? string.Empty, clrInterface), key => new Lazy<ProxyTypeInfo>(() =>
        {
            lock (SyncRoot)
            {
                return ProxyEmitter.Emit(this, iface, clrInterface);
            }
        })).Value;
}
