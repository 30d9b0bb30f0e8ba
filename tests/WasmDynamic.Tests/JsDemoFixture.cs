using Xunit;

namespace WasmDynamic.Tests;

/// <summary>The componentize-js demo (tests/fixtures/js/demo), compiled once per test run (~6-8 s).</summary>
public sealed class JsDemoFixture : IDisposable
{
    public JsDemoFixture()
    {
        Runtime = new ComponentRuntime();
        Component = Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "js", "demo.wasm"));
    }

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
