using FluentAssertions;
using WasmDynamic.Wit;
using Xunit;

namespace WasmDynamic.Bindgen.Tests;

/// <summary>Generated interfaces carry [GeneratedBinding] with the WIT fingerprint; a match is bound without re-checking.</summary>
public class RegistrationTests
{
    private static readonly ComponentRuntime Runtime = new();

    [Fact]
    public void Generated_interfaces_are_stamped_with_the_fingerprint_the_library_computes()
    {
        using var component = Runtime.Load(Fixtures.Path("compound.wat"));
        var files = Bindgen.Generate("Gen.Stamp", component.World);
        var text = string.Concat(files.Values.Select(System.Text.Encoding.UTF8.GetString));
        text.Should().Contain($"[global::WasmDynamic.GeneratedBinding(\"demo:types/shapes@0.1.0\", \"{WitFingerprint.Of(component.World, "demo:types/shapes@0.1.0")}\")]");
    }

    [Fact]
    public void A_generated_interface_whose_fingerprint_matches_is_bound_as_trusted_and_works()
    {
        using var component = Runtime.Load(Fixtures.Path("compound.wat"));
        var assembly = Compiler.Compile(Bindgen.Generate("Gen.Trusted", component.World), """
            using WasmDynamic;
            using Gen.Trusted;

            public static class Scenario
            {
                public static object Run(ComponentInstance instance) => instance.GetInterface<IShapes>().MakePoint(3, 4);
            }
            """);
        using var instance = component.Instantiate();
        Compiler.Call(assembly, "Run", instance)!.ToString().Should().Contain("3").And.Contain("4");
        var shapes = component.World.FindExport("demo:types/shapes")!;
        instance.Types.Proxy(shapes, assembly.GetType("Gen.Trusted.IShapes")!).Trusted.Should().BeTrue();
    }

    [Fact]
    public void A_generated_interface_for_a_changed_component_is_checked_like_any_other()
    {
        using var original = Runtime.LoadText(Wat("add"));
        using var changed = Runtime.LoadText(Wat("add", extra: true));
        var assembly = Compiler.Compile(Bindgen.Generate("Gen.Changed", original.World), """
            using WasmDynamic;
            using Gen.Changed;

            public static class Scenario
            {
                public static object Run(ComponentInstance instance) => instance.GetInterface<IRootExports>().Add(2, 5);
            }
            """);
        using var instance = changed.Instantiate();
        Compiler.Call(assembly, "Run", instance).Should().Be(7u, "the interface still fits, so it binds after a full check");
        instance.Types.Proxy(null, assembly.GetType("Gen.Changed.IRootExports")!).Trusted.Should().BeFalse("the fingerprint no longer matches the changed component");
    }

    private static string Wat(string name, bool extra = false) => $$"""
        (component
          (core module $m (func (export "f") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
          (core instance $i (instantiate $m))
          (func (export "{{name}}") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "f")))
          {{(extra ? "(func (export \"sub\") (param \"a\" u32) (param \"b\" u32) (result u32) (canon lift (core func $i \"f\")))" : string.Empty)}}
        )
        """;
}
