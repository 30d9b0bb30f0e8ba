using FluentAssertions;
using WasmDynamic.Binding;
using WasmDynamic.Wit;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>An interface whose name starts with two I's: only the first is the interface prefix.</summary>
public interface IInput
{
    uint Add(uint a, uint b);
}

public class BindingPolicyTests
{
    private static readonly ComponentRuntime Runtime = new();

    [Theory]
    [InlineData("IInput", "Input")]
    [InlineData("IShapes", "Shapes")]
    [InlineData("Input", "Input")]
    [InlineData("Id", "Id")]
    [InlineData("I", "I")]
    public void Only_an_I_before_a_capital_is_an_interface_prefix(string name, string expected) =>
        BindingNames.WithoutInterfacePrefix(name).Should().Be(expected);

    [Fact]
    public void The_proxy_of_an_interface_named_IInput_keeps_the_second_I()
    {
        using var component = Runtime.LoadText("""
(component
  (core module $m (func (export "f") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "f")))
)
""");
        using var instance = component.Instantiate();
        var input = instance.GetInterface<IInput>("");
        input.Add(2, 3).Should().Be(5);
        input.GetType().Name.Should().Be("InputProxy", "TrimStart('I') made it 'nputProxy'");
    }

    [Fact]
    public void Emitted_flags_use_the_underlying_type_the_canonical_ABI_and_bindgen_use()
    {
        using var component = Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "compound.wat"));
        var flags = component.World.Exports.SelectMany(e => e.Types).OfType<WitFlags>().ToDictionary(f => f.Name!);
        Type Underlying(string name) => Enum.GetUnderlyingType(component.Types.DataTypes.ClrType(flags[name]));
        Underlying("perms1").Should().Be(typeof(byte));
        Underlying("perms8").Should().Be(typeof(byte));
        Underlying("perms16").Should().Be(typeof(ushort));
        Underlying("perms32").Should().Be(typeof(uint));
    }

    [Fact]
    public void A_resource_constructor_is_CreateX_in_the_emitted_proxy_and_still_answers_to_X_through_dynamic()
    {
        using var component = Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "resources.wat"));
        var counters = component.World.Exports.Single(e => e.ShortName == "counters");
        var proxy = component.Types.Proxy(counters, null).Type;
        proxy.GetMethod("CreateCounter").Should().NotBeNull("bindgen and the emitted proxy name constructors alike");
        proxy.GetMethod("Counter").Should().BeNull();

        using var instance = component.Instantiate();
        dynamic exports = instance.Exports.Counters;
        using var a = (IDisposable)exports.CreateCounter(3u);
        using var b = (IDisposable)exports.Counter(4u);
        ((uint)((dynamic)b).Get()).Should().Be(4);
    }
}
