using FluentAssertions;
using WasmDynamic.Imports;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>A host for the plan-cache world: answers with its own offset, so each instance shows which object it calls.</summary>
public sealed class OffsetHost(uint offset)
{
    public List<uint> Seen { get; } = new();

    public uint PlanCacheGet(uint x)
    {
        Seen.Add(x);
        return x + offset;
    }
}

public class ImportPlanCacheTests
{
    // A world no other test uses, so the count of import plans built for it is this test's alone.
    private const string Wat = """
(component
  (import "plan-cache-get" (func $get (param "x" u32) (result u32)))
  (core func $get-lowered (canon lower (func $get)))
  (core module $impl
    (import "host" "get" (func $get (param i32) (result i32)))
    (func (export "run") (param i32) (result i32) (call $get (local.get 0)))
    (func (export "boom") unreachable))
  (core instance $host (export "get" (func $get-lowered)))
  (core instance $i (instantiate $impl (with "host" (instance $host))))
  (func $run (param "x" u32) (result u32) (canon lift (core func $i "run")))
  (func $boom (canon lift (core func $i "boom")))
  (export "plan-cache-run" (func $run))
  (export "plan-cache-boom" (func $boom))
)
""";

    [Fact]
    public void A_second_instance_with_the_same_host_type_reuses_the_import_plan_and_calls_its_own_object()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.LoadText(Wat);
        var first = new OffsetHost(100);
        var second = new OffsetHost(200);
        using var a = component.Instantiate(new ComponentImports().Add("plan-cache-get", first));
        var built = HostBinder.PlansBuilt(component.Types);
        built.Should().Be(1, "the first instance validates the imports and emits their adapters");

        using var b = component.Instantiate(new ComponentImports().Add("plan-cache-get", second));
        HostBinder.PlansBuilt(component.Types).Should().Be(1, "the same host types bind with the cached plan: nothing is validated or emitted again");

        ((uint)a.Exports.PlanCacheRun(1)).Should().Be(101);
        ((uint)b.Exports.PlanCacheRun(2)).Should().Be(202, "the cached adapter calls the object given to this instance");
        first.Seen.Should().Equal(1u);
        second.Seen.Should().Equal(2u);
    }

    [Fact]
    public void Host_objects_of_one_class_share_a_plan_and_another_class_gets_its_own()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.LoadText(Wat.Replace("plan-cache-", "plan-cache-class-", StringComparison.Ordinal));
        var one = new ClassHost(1);
        var two = new ClassHost(2);
        using var a = component.Instantiate(new ComponentImports().Add("plan-cache-class-get", new Func<uint, uint>(one.Get)));
        using var b = component.Instantiate(new ComponentImports().Add("plan-cache-class-get", new Func<uint, uint>(two.Get)));
        HostBinder.PlansBuilt(component.Types).Should().Be(1);
        using var c = component.Instantiate(new ComponentImports().Add("plan-cache-class-get", (Func<uint, uint>)(x => x * 10)));
        HostBinder.PlansBuilt(component.Types).Should().Be(2, "a delegate of another method is another shape");

        ((uint)a.Exports.PlanCacheClassRun(5)).Should().Be(6);
        ((uint)b.Exports.PlanCacheClassRun(5)).Should().Be(7);
        ((uint)c.Exports.PlanCacheClassRun(5)).Should().Be(50);
    }

    [Fact]
    public void Recreating_an_instance_after_a_trap_binds_its_imports_without_a_new_plan()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.LoadText(Wat.Replace("plan-cache-", "plan-cache-trap-", StringComparison.Ordinal));
        var host = new OffsetHost(7);
        using var instance = component.Instantiate(new InstanceOptions
        {
            Imports = ComponentImports.FromObject(new { PlanCacheTrapGet = new Func<uint, uint>(host.PlanCacheGet) }),
            RecreateAfterTrap = true,
        });
        HostBinder.PlansBuilt(component.Types).Should().Be(1);

        var boom = () => (object)instance.Exports.PlanCacheTrapBoom();
        boom.Should().Throw<ComponentTrapException>();
        ((uint)instance.Exports.PlanCacheTrapRun(3)).Should().Be(10, "the recreated instance calls the same host object");
        boom.Should().Throw<ComponentTrapException>();
        ((uint)instance.Exports.PlanCacheTrapRun(4)).Should().Be(11);
        HostBinder.PlansBuilt(component.Types).Should().Be(1, "each recreation reuses the plan");
        host.Seen.Should().Equal(3u, 4u);
    }

    private sealed class ClassHost(uint offset)
    {
        public uint Get(uint x) => x + offset;
    }
}
