using System.Collections;
using System.Collections.Immutable;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>List arguments that cannot be read: a default ImmutableArray, a collection that throws (Fixtures/numlists.wat).</summary>
public sealed class CollectionArgumentTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Component = new(() => Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "numlists.wat")));

    public interface IImmutableSum
    {
        uint SumU32(ImmutableArray<uint> x);
    }

    public interface ISequenceSum
    {
        uint SumU32(IEnumerable<uint> x);
    }

    /// <summary>Yields 1, then throws.</summary>
    private sealed class Broken : IEnumerable<uint>
    {
        public IEnumerator<uint> GetEnumerator()
        {
            yield return 1;
            throw new InvalidOperationException("the source went away");
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public void A_default_ImmutableArray_list_argument_gives_an_argument_exception_naming_the_parameter()
    {
        using var instance = Component.Value.Instantiate();
        var api = instance.GetInterface<IImmutableSum>("");

        var call = () => api.SumU32(default);

        var e = call.Should().Throw<ComponentArgumentException>().Which;
        e.Parameter.Should().Be("x");
        e.Message.Should().StartWith("A default (uninitialized) ImmutableArray was given where WIT 'list<u32>' needs a list").And.Contain("ImmutableArray<UInt32>.Empty");
        api.SumU32(ImmutableArray.Create(1u, 2u)).Should().Be(3u, "the instance is not harmed");
    }

    [Fact]
    public void A_list_argument_whose_enumerator_throws_gives_an_argument_exception_with_the_users_exception_inside()
    {
        using var instance = Component.Value.Instantiate();
        var api = instance.GetInterface<ISequenceSum>("");

        var call = () => api.SumU32(new Broken());

        var e = call.Should().Throw<ComponentArgumentException>().Which;
        e.Parameter.Should().Be("x");
        e.Message.Should().StartWith("Reading the Broken given where WIT 'list<u32>' needs a list threw InvalidOperationException: the source went away").And.Contain("Argument 'x' of 'sum-u32'");
        e.GetBaseException().Should().BeOfType<InvalidOperationException>("the collection's own exception is kept inside");
        api.SumU32([1u, 2u]).Should().Be(3u);
    }

    [Fact]
    public void A_dynamic_list_argument_whose_enumerator_throws_gives_an_argument_exception_with_the_users_exception_inside()
    {
        using var instance = Component.Value.Instantiate();

        var call = () => (uint)instance.Exports.SumU32(new Broken());

        var e = call.Should().Throw<ComponentArgumentException>().Which;
        e.Parameter.Should().Be("x");
        e.Message.Should().Contain("the source went away").And.Contain("'sum-u32'");
        e.GetBaseException().Should().BeOfType<InvalidOperationException>("the collection's own exception is kept inside");
    }
}
