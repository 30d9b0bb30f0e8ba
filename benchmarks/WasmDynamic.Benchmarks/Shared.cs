using WasmDynamic.Benchmarks.Floor;
using Wt = Wasmtime;
using WtC = Wasmtime.Components;

namespace WasmDynamic.Benchmarks;

/// <summary>Per-process engines and compiled fixtures, shared by every benchmark class.</summary>
internal static class Shared
{
    private static readonly Dictionary<string, WasmComponent> Components = new();
    private static readonly Dictionary<string, WtC.Component> DotnetComponents = new();
    private static readonly Dictionary<string, nint> FloorComponents = new();
    private static readonly Dictionary<string, nint> FloorAsyncComponents = new();

    /// <summary>
    /// The runtime of every case but <c>BulkBytes</c>: the bulk-bytes adapter off, so byte lists take the C API's
    /// per-element path these cases measure against the floor (BulkBytesBenchmarks compares the two).
    /// </summary>
    public static ComponentRuntime Runtime { get; } = new(new ComponentRuntimeOptions { BulkByteAdapter = false });

    /// <summary>Wasmtime.Dotnet's own engine (its <c>Config</c> defaults, component model on).</summary>
    public static Wt.Engine DotnetEngine { get; } = new(new Wt.Config().WithComponentModel(true));

    /// <summary>A fixture copied next to the binaries (see the .csproj).</summary>
    public static string FixturePath(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Fixture '{name}' is not next to the benchmark binaries.", path);
    }

    public static WasmComponent Component(string fixture)
    {
        lock (Components)
        {
            if (!Components.TryGetValue(fixture, out var c))
            {
                c = Runtime.Load(FixturePath(fixture));
                _ = c.World;
                Components[fixture] = c;
            }

            return c;
        }
    }

    public static WtC.Component DotnetComponent(string fixture)
    {
        lock (DotnetComponents)
        {
            if (!DotnetComponents.TryGetValue(fixture, out var c))
            {
                c = WtC.Component.FromTextFile(DotnetEngine, FixturePath(fixture));
                DotnetComponents[fixture] = c;
            }

            return c;
        }
    }

    public static nint FloorComponent(string fixture)
    {
        lock (FloorComponents)
        {
            if (!FloorComponents.TryGetValue(fixture, out var c))
            {
                c = FloorEngine.Compile(File.ReadAllText(FixturePath(fixture)));
                FloorComponents[fixture] = c;
            }

            return c;
        }
    }

    /// <summary>A fixture compiled for <see cref="FloorAsyncEngine"/>.</summary>
    public static nint FloorAsyncComponent(string fixture)
    {
        lock (FloorAsyncComponents)
        {
            if (!FloorAsyncComponents.TryGetValue(fixture, out var c))
            {
                c = FloorAsyncEngine.Compile(File.ReadAllText(FixturePath(fixture)));
                FloorAsyncComponents[fixture] = c;
            }

            return c;
        }
    }

    public static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Benchmark self-check failed: " + what);
        }
    }
}

/// <summary>
/// One instance of a fixture in each of the three stacks: WasmDynamic, Wasmtime.Dotnet and the raw C API (floor).
/// Recreated per iteration, because the fixtures' bump allocators never free guest memory.
/// </summary>
internal sealed class Instances : IDisposable
{
    private static readonly FloorLinker EmptyFloorLinker = new();
    private static readonly WtC.ComponentLinker EmptyDotnetLinker = new(Shared.DotnetEngine);

    public Instances(string fixture, object? imports = null, WtC.ComponentLinker? dotnetLinker = null, FloorLinker? floorLinker = null)
    {
        WasmDynamic = imports is null ? Shared.Component(fixture).Instantiate() : Shared.Component(fixture).Instantiate(imports);
        DotnetStore = new Wt.Store(Shared.DotnetEngine);
        Dotnet = (dotnetLinker ?? EmptyDotnetLinker).Instantiate(DotnetStore, Shared.DotnetComponent(fixture));
        Floor = new FloorInstance(Shared.FloorComponent(fixture), floorLinker ?? EmptyFloorLinker);
    }

    public ComponentInstance WasmDynamic { get; }

    public Wt.Store DotnetStore { get; }

    public WtC.ComponentInstance Dotnet { get; }

    public FloorInstance Floor { get; }

    public void Dispose()
    {
        WasmDynamic.Dispose();
        DotnetStore.Dispose();
        Floor.Dispose();
    }
}
