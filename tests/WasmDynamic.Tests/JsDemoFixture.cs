using Xunit;

namespace WasmDynamic.Tests;

/// <summary>The componentize-js demo (tests/fixtures/js/demo), compiled once per test run (~6-8 s).</summary>
public sealed class JsDemoFixture : IDisposable
{
    public JsDemoFixture()
    {
        Runtime = new ComponentRuntime(new ComponentRuntimeOptions { CacheDirectory = SharedCacheDirectory });
        Component = Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "js", "demo.wasm"));
    }

    /// <summary>Compiled components shared by the tests of one machine (the JS demo takes seconds to compile).</summary>
    public static string SharedCacheDirectory { get; } = Path.Combine(Path.GetTempPath(), "wasmdynamic-test-cache");

    public ComponentRuntime Runtime { get; }

    public WasmComponent Component { get; }

    public void Dispose()
    {
        Component.Dispose();
        Runtime.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class JsDemoCollection : ICollectionFixture<JsDemoFixture>
{
    public const string Name = "js-demo";
}
