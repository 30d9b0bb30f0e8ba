using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

public sealed record UserRecord1(uint A);

public sealed record UserRecord2(uint A);

[WitName("t:d/api")]
public interface IDistinctApi
{
    UserRecord1 Make1(uint a);
    UserRecord2 Make2(uint a);
    UserRecord2 EchoAlias(UserRecord2 x);
}

/// <summary>Distinct WIT types of one shape stay distinct, and an alias names its target (Fixtures/identity/distinct.wat).</summary>
public class DistinctTypesTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Component = new(() => Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "identity", "distinct.wat")));

    [Fact]
    public void Each_function_keeps_the_named_type_it_declares()
    {
        var api = Component.Value.World.FindExport("t:d/api")!;
        api.FindFunction("make1")!.Result!.Name.Should().Be("list-in-record1");
        api.FindFunction("make2")!.Result!.Name.Should().Be("list-in-record2");
        api.FindFunction("echo-alias")!.Parameters[0].Type.Name.Should().Be("list-in-alias");
        var wit = Component.Value.ToWit();
        wit.Should().Contain("make2: func(a: u32) -> list-in-record2;");
        wit.Should().Contain("type list-in-alias = list-in-record2;");
        wit.Should().Contain("echo-alias: func(x: list-in-alias) -> list-in-alias;");
    }

    [Fact]
    public void Same_shape_records_are_distinct_emitted_types_and_an_alias_is_its_targets_type()
    {
        using var instance = Component.Value.Instantiate();
        var api = instance.Exports.Api;
        object one = api.Make1(1);
        object two = api.Make2(1);
        one.GetType().Name.Should().Be("ListInRecord1");
        two.GetType().Name.Should().Be("ListInRecord2");
        one.GetType().Should().NotBe(two.GetType());
        object echoed = api.EchoAlias(two);
        echoed.GetType().Should().Be(two.GetType(), "list-in-alias is another name for list-in-record2");
        ((object)((dynamic)echoed).A).Should().Be(4u);
    }

    [Fact]
    public void GetInterface_binds_user_records_to_each_named_type()
    {
        using var instance = Component.Value.Instantiate();
        var api = instance.GetInterface<IDistinctApi>();
        api.Make1(5).Should().Be(new UserRecord1(5));
        api.Make2(5).Should().Be(new UserRecord2(6));
        api.EchoAlias(new UserRecord2(7)).Should().Be(new UserRecord2(14));
    }
}
