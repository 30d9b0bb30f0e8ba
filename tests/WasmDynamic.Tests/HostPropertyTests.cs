using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>Host objects whose property getters throw while imports are bound (Fixtures/imports.wat).</summary>
public sealed class HostPropertyTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Component = new(() => Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "imports.wat")));

    public sealed class ThrowingImports
    {
        public object Logger => throw new InvalidOperationException("getter boom");

        public Func<uint> GetNumber => () => 1;
    }

    public sealed class LoggerWithThrowingDelegate
    {
        public Action<byte, string> Log => throw new InvalidOperationException("no logger today");
    }

    [Fact]
    public void A_throwing_getter_of_an_imports_object_gives_a_binding_exception_naming_the_property()
    {
        var instantiate = () => Component.Value.Instantiate(new ThrowingImports());
        var prepare = () => Component.Value.Prepare(new ThrowingImports());

        foreach (var bind in new[] { instantiate, (Func<object>)prepare })
        {
            var e = bind.Should().Throw<ComponentBindingException>().Which;
            e.Message.Should().StartWith("Reading property 'Logger' of ThrowingImports for the import 'Logger' threw InvalidOperationException: getter boom")
                .And.Contain("ComponentImports.Add");
            e.InnerException.Should().BeOfType<InvalidOperationException>();
        }
    }

    [Fact]
    public void A_throwing_delegate_property_of_a_host_object_gives_a_binding_exception_naming_it_and_the_import()
    {
        var imports = new ComponentImports()
            .Add("demo:host/logger@0.1.0", new LoggerWithThrowingDelegate())
            .Add("get-number", (Func<uint>)(() => 1));

        var instantiate = () => Component.Value.Instantiate(new InstanceOptions { Imports = imports });

        var e = instantiate.Should().Throw<ComponentBindingException>().Which;
        e.Message.Should().StartWith("Reading property 'Log' of LoggerWithThrowingDelegate for the import 'demo:host/logger@0.1.0' threw InvalidOperationException: no logger today");
        e.InnerException.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("no logger today");
    }
}
