using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>Host state a resource needs and the guest knows nothing of.</summary>
public sealed class BlobDatabase
{
    public List<string> Created { get; } = new();
}

/// <summary><c>resource blob</c> of host-resources.wat, built by a factory with the host's database.</summary>
public sealed class StoredBlob
{
    private readonly System.Text.StringBuilder _text;

    public StoredBlob(BlobDatabase database, string init)
    {
        Database = database;
        _text = new System.Text.StringBuilder(init);
        database.Created.Add(init);
    }

    public BlobDatabase Database { get; }

    public void Append(string s) => _text.Append(s);

    public uint Len() => (uint)_text.Length;

    public static StoredBlob Concat(StoredBlob a, StoredBlob b) => new(a.Database, a._text.ToString() + b._text);

    public StoredBlob Copy() => new(Database, _text.ToString() + _text);

    public StoredBlob Join(StoredBlob other) => new(Database, _text.ToString() + other._text);

    public uint Same(StoredBlob other) => ReferenceEquals(this, other) ? 1u : 0u;
}

public sealed class ScaledR(uint scale, uint v)
{
    public uint Get() => scale * v;
}

public class HostResourceFactoryTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Blobs = new(() => Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "host-resources.wat")));
    private static readonly Lazy<WasmComponent> WorldResources = new(() => Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "identity", "world-resources.wat")));

    [Fact]
    public void A_factory_creates_host_resource_objects_with_host_state_and_the_constructors_arguments()
    {
        var database = new BlobDatabase();
        using var instance = Blobs.Value.Instantiate(new ComponentImports()
            .AddResource<StoredBlob>("demo:host/store@0.1.0", "blob", (string init) => new StoredBlob(database, init)));
        var user = instance.GetInterface<IHostResourceUser>("");
        user.Run("abc").Should().Be(4);
        database.Created.Should().Equal("abc");
        user.Twice("xy").Should().Be(4, "copy() is a method: it builds its blob itself, with the same database");
        database.Created.Should().Equal("abc", "xy", "xyxy");
    }

    [Fact]
    public void A_factory_serves_a_resource_imported_at_the_world_level()
    {
        using var instance = WorldResources.Value.Instantiate(new ComponentImports().AddResource<ScaledR>("", "r", (uint v) => new ScaledR(10, v)));
        uint result = instance.Exports.UseR(5);
        result.Should().Be(51);
    }

    [Fact]
    public void An_untyped_factory_receives_the_constructors_arguments_as_an_array()
    {
        var database = new BlobDatabase();
        var seen = new List<object?[]>();
        using var instance = Blobs.Value.Instantiate(new ComponentImports()
            .AddResourceFactory("demo:host/store@0.1.0", "blob", args =>
            {
                seen.Add(args);
                return new StoredBlob(database, (string)args[0]!);
            }));
        instance.GetInterface<IHostResourceUser>("").Run("hey").Should().Be(4);
        seen.Should().ContainSingle().Which.Should().Equal("hey");
        database.Created.Should().Equal("hey");
    }

    [Fact]
    public void A_factory_that_does_not_fit_the_constructor_is_reported_with_the_one_to_write()
    {
        var act = () => Blobs.Value.Instantiate(new ComponentImports()
            .AddResource<StoredBlob>("demo:host/store@0.1.0", "blob", (string init, int extra) => new StoredBlob(new BlobDatabase(), init)));
        act.Should().Throw<ComponentBindingException>().Which.Message
            .Should().Contain("the factory for 'demo:host/store@0.1.0#[constructor]blob'").And.Contain("(string init) => new StoredBlob(…)");
    }
}
