using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>The host's <c>resource r</c> of Fixtures/identity/world-resources.wat (a world-level import).</summary>
public sealed class WorldR
{
    private readonly uint _v;

    public WorldR(uint v) => _v = v;

    public uint Get() => _v * 2;
}

/// <summary>The host's <c>thing</c> of the imported t:id/things (the guest exports a different thing of the same name).</summary>
public sealed class HostThing
{
    private readonly uint _n;

    public HostThing(uint n) => _n = n;

    public uint N() => _n + 1;
}

public interface IWorldY : IDisposable
{
    uint Get();
}

public interface IWorldRoot
{
    uint UseR(uint v);
    IWorldY CreateY(uint v);
}

public interface IGuestThing : IDisposable
{
    uint N();
}

[WitName("t:id/things")]
public interface IGuestThings
{
    IGuestThing CreateThing(uint n);
}

[WitName("t:id/calc")]
public interface ICalcWithStatic
{
    uint Add(uint a, uint b);
    uint XAdd(uint a, uint b);
}

[WitName("t:amb/api")]
public interface IAmbiguousApi
{
    uint Make();
}

[WitName("t:amb/api")]
public interface IExplicitApi
{
    uint PMake();
    [WitName("[static]q.make")]
    uint Second();
}

public sealed class LogTen
{
    public uint F() => 4;
}

public class IdentityBindingTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> WorldResources = new(() => Runtime.Load(Fixture("world-resources.wat")));
    private static readonly Lazy<WasmComponent> Ambiguous = new(() => Runtime.Load(Fixture("ambiguous.wat")));
    private static readonly Lazy<WasmComponent> SameNames = new(() => Runtime.Load(Fixture("same-names.wat")));

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "identity", name);

    [Fact]
    public void A_resource_imported_at_the_world_level_is_implemented_by_a_class_registered_under_the_empty_interface_name()
    {
        using var instance = WorldResources.Value.Instantiate(new ComponentImports().AddResource<WorldR>("", "r"));
        uint result = instance.Exports.UseR(5);
        result.Should().Be(11, "the guest calls r(5).get() on the host class and adds 1");
        instance.GetInterface<IWorldRoot>("").UseR(20).Should().Be(41);
    }

    [Fact]
    public void A_world_level_resource_class_can_also_be_given_as_a_type_under_the_resource_name()
    {
        using var instance = WorldResources.Value.Instantiate(new { R = typeof(WorldR) });
        uint result = instance.Exports.UseR(1);
        result.Should().Be(3);
    }

    [Fact]
    public void A_missing_world_level_resource_is_reported_with_the_registration_that_fixes_it()
    {
        var act = () => WorldResources.Value.Instantiate();
        var error = act.Should().Throw<ComponentBindingException>().Which;
        error.Message.Should().Contain("resource 'r'").And.Contain("AddResource<MyR>(\"\", \"r\")");
        error.Message.Should().NotContain("[constructor]r\", ");
    }

    [Fact]
    public void Doing_what_the_message_says_makes_the_world_level_resource_work()
    {
        // The registration the binding error suggests is exactly the one that works (the old message suggested
        // imports.Add("[constructor]r", …), which Wasmtime then refused).
        using var instance = WorldResources.Value.Instantiate(new ComponentImports().AddResource(string.Empty, "r", typeof(WorldR)));
        instance.GetInterface<IWorldRoot>("").UseR(2).Should().Be(5);
    }

    [Fact]
    public void A_resource_exported_at_the_world_level_is_constructed_and_called_through_dynamic_and_GetInterface()
    {
        using var instance = WorldResources.Value.Instantiate(new ComponentImports().AddResource<WorldR>("", "r"));
        using var y = instance.Exports.Y(5);
        uint got = y.Get();
        got.Should().Be(12);

        var root = instance.GetInterface<IWorldRoot>("");
        using var typed = root.CreateY(1);
        typed.Get().Should().Be(8);
        ((ComponentResource)typed).ResourceName.Should().Be("y");
    }

    [Fact]
    public void A_freestanding_function_is_not_hidden_by_a_static_resource_function_of_the_same_short_name()
    {
        using var instance = SameNames.Value.Instantiate(new ComponentImports().AddResource<HostThing>("t:id/things", "thing"));
        uint plain = instance.Exports.Calc.Add(1, 2);
        plain.Should().Be(3, "calc.add is the freestanding function");
        uint scoped = instance.Exports.Calc.XAdd(1, 2);
        scoped.Should().Be(1003, "x.add is the static function, named XAdd");

        ((object)instance.Exports["t:id/calc"]["add"](1u, 2u)).Should().Be(3u);
        ((object)instance.Exports["t:id/calc"]["[static]x.add"](1u, 2u)).Should().Be(1003u);
        instance.Invoke("t:id/calc#add", 1u, 2u).Should().Be(3u);
        instance.Invoke("t:id/calc#[static]x.add", 1u, 2u).Should().Be(1003u);

        var calc = instance.GetInterface<ICalcWithStatic>();
        calc.Add(1, 2).Should().Be(3);
        calc.XAdd(1, 2).Should().Be(1003);
    }

    [Fact]
    public void An_interface_imported_and_exported_under_one_name_keeps_the_hosts_resource_apart_from_the_guests()
    {
        using var instance = SameNames.Value.Instantiate(new ComponentImports().AddResource<HostThing>("t:id/things", "thing"));
        uint viaHost = instance.Exports.UseThing(4);
        viaHost.Should().Be(5, "the guest's use-thing calls the host's thing");

        using var guest = instance.Exports.Things.Thing(4);
        uint n = guest.N();
        n.Should().Be(40, "the exported thing is the guest's");

        var things = instance.GetInterface<IGuestThings>();
        using var typed = things.CreateThing(3);
        typed.N().Should().Be(30);
    }

    [Fact]
    public void The_world_keeps_the_imported_and_exported_resource_of_one_name_distinct()
    {
        var world = SameNames.Value.World;
        var imported = world.FindImport("t:id/things")!.Resources.Single();
        var exported = world.FindExport("t:id/things")!.Resources.Single();
        imported.Direction.Should().Be(Wit.WitDirection.Import);
        exported.Direction.Should().Be(Wit.WitDirection.Export);
        imported.Should().NotBe(exported);
    }

    [Fact]
    public void A_method_name_that_fits_two_resource_functions_is_an_error_listing_both()
    {
        using var instance = Ambiguous.Value.Instantiate(new ComponentImports().Add("a:x/log", new LogTen()).Add("b:y/log", new LogTen()));
        var act = () => instance.GetInterface<IAmbiguousApi>();
        var error = act.Should().Throw<ComponentBindingException>().Which;
        error.Message.Should().Contain("[static]p.make").And.Contain("[static]q.make").And.Contain("PMake").And.Contain("QMake");

        var api = instance.GetInterface<IExplicitApi>();
        api.PMake().Should().Be(1);
        api.Second().Should().Be(2);

        var dynamicCall = () => (object)instance.Exports.Api.Make();
        dynamicCall.Should().Throw<Exception>().Which.Message.Should().Contain("[static]p.make").And.Contain("[static]q.make");
        ((object)instance.Exports.Api.QMake()).Should().Be(2u);
    }

    [Fact]
    public void A_short_import_name_that_fits_two_interfaces_is_refused_and_full_names_bind()
    {
        var act = () => Ambiguous.Value.Instantiate(new ComponentImports().Add("log", new LogTen()));
        act.Should().Throw<ComponentBindingException>().Which.Message.Should().Contain("'log' fits 2 imports (a:x/log, b:y/log)");

        using var instance = Ambiguous.Value.Instantiate(new ComponentImports().Add("a:x/log", new LogTen()).Add("b:y/log", new LogTen()));
        ((object)instance.Exports.Sum()).Should().Be(44u);
    }

    [Fact]
    public void A_class_supplied_for_a_resource_without_functions_is_accepted()
    {
        // The abort shape: two interfaces with a `thing` resource each and no functions.
        using var component = Runtime.Load(Fixture("abort.wat"));
        using var instance = component.Instantiate(new ComponentImports().AddResource<HostThing>("t:x/a", "thing").AddResource<HostThing>("t:x/b", "thing"));
        instance.Component.World.Imports.SelectMany(i => i.Resources).Should().HaveCount(2).And.OnlyHaveUniqueItems();
    }
}
