namespace WasmDynamic.Benchmarks.Hot;

/// <summary>The runtime with the bulk adapter on, and its compiled fixtures, shared by every adapter pair.</summary>
internal static class AdapterRuntime
{
    private static readonly ComponentRuntime Runtime = new(new ComponentRuntimeOptions { BulkByteAdapter = true });
    private static readonly Dictionary<string, WasmComponent> Components = [];

    public static WasmComponent Component(string fixture)
    {
        lock (Components)
        {
            if (!Components.TryGetValue(fixture, out var c))
            {
                c = Runtime.Load(Shared.FixturePath(fixture));
                Components[fixture] = c;
            }

            return c;
        }
    }
}

/// <summary>
/// One fixture instantiated twice per iteration: <c>PlainProxy</c> with the bulk adapter off (<see cref="Shared.Runtime"/>,
/// one native value per list element) and <c>AdapterProxy</c> with it on (<see cref="ComponentRuntimeOptions.BulkByteAdapter"/>).
/// </summary>
public abstract class AdapterPairBenchmarks<TProxy>
    where TProxy : class
{
    private ComponentInstance _plainInstance = null!;
    private ComponentInstance _bulkInstance = null!;

    protected TProxy PlainProxy { get; private set; } = null!;

    protected TProxy AdapterProxy { get; private set; } = null!;

    /// <summary>The fixture's file name next to the benchmark binaries.</summary>
    protected abstract string Fixture { get; }

    [BenchmarkDotNet.Attributes.IterationSetup]
    public void Setup()
    {
        _plainInstance = Shared.Component(Fixture).Instantiate();
        _bulkInstance = AdapterRuntime.Component(Fixture).Instantiate();
        PlainProxy = _plainInstance.GetInterface<TProxy>("");
        AdapterProxy = _bulkInstance.GetInterface<TProxy>("");
        Warm();
    }

    /// <summary>
    /// Calls each measured method once on the fresh instances, before timing: the first call of an instance faults its
    /// memories' pages in and looks its functions up, which a server calling one instance many times pays once. Both
    /// sides are warmed alike.
    /// </summary>
    protected virtual void Warm()
    {
    }

    [BenchmarkDotNet.Attributes.IterationCleanup]
    public void Cleanup()
    {
        _plainInstance.Dispose();
        _bulkInstance.Dispose();
    }
}
