using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// One linker per component and import shape: <see cref="WasmComponent.Prepare(InstanceOptions)"/>, and the cache that
/// plain <c>Instantiate</c> uses; each call of the shared linker reaches its own instance's host object.
/// </summary>
public class PreparedComponentTests
{
    // A world no other test uses: each test counts the linkers of its own component.
    private const string Wat = """
(component
  (import "prepared-get" (func $get (param "x" u32) (result u32)))
  (core func $get-lowered (canon lower (func $get)))
  (core module $impl
    (import "host" "get" (func $get (param i32) (result i32)))
    (func (export "run") (param i32) (result i32) (call $get (local.get 0)))
    (func (export "boom") unreachable))
  (core instance $host (export "get" (func $get-lowered)))
  (core instance $i (instantiate $impl (with "host" (instance $host))))
  (func $run (param "x" u32) (result u32) (canon lift (core func $i "run")))
  (func $boom (canon lift (core func $i "boom")))
  (export "prepared-run" (func $run))
  (export "prepared-boom" (func $boom))
)
""";

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void Instances_with_host_objects_of_one_type_share_one_linker_and_each_calls_its_own_object_on_parallel_threads()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.LoadText(Wat);
        var hosts = Enumerable.Range(1, 4).Select(i => new OffsetHost((uint)(i * 1000))).ToArray();
        var instances = hosts.Select(h => component.Instantiate(new ComponentImports().Add("prepared-get", new Func<uint, uint>(h.PlanCacheGet)))).ToArray();
        try
        {
            component.LinkerCount.Should().Be(1, "one import shape, one linker, whatever the objects");
            Parallel.For(0, instances.Length, k =>
            {
                for (uint x = 0; x < 500; x++)
                {
                    ((uint)instances[k].Exports.PreparedRun(x)).Should().Be(x + (uint)((k + 1) * 1000));
                }
            });
            hosts.Should().OnlyContain(h => h.Seen.Count == 500, "every call reached the object given to its own instance");
        }
        finally
        {
            foreach (var i in instances)
            {
                i.Dispose();
            }
        }
    }

    [Fact]
    public void A_prepared_component_binds_once_and_every_instance_calls_the_host_object_given_to_Prepare()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.LoadText(Wat);
        var host = new OffsetHost(5);
        var prepared = component.Prepare(new ComponentImports().Add("prepared-get", new Func<uint, uint>(host.PlanCacheGet)));
        prepared.Component.Should().BeSameAs(component);
        for (uint k = 0; k < 20; k++)
        {
            using var instance = prepared.Instantiate();
            ((uint)instance.Exports.PreparedRun(k)).Should().Be(k + 5);
        }

        host.Seen.Should().Equal(Enumerable.Range(0, 20).Select(i => (uint)i));
        component.LinkerCount.Should().Be(1);
    }

    [Fact]
    public void Recreating_after_a_trap_reuses_the_prepared_linker_and_host_object()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.LoadText(Wat);
        var host = new OffsetHost(7);
        var prepared = component.Prepare(new InstanceOptions { Imports = new ComponentImports().Add("prepared-get", new Func<uint, uint>(host.PlanCacheGet)), RecreateAfterTrap = true });
        using var instance = prepared.Instantiate();
        for (uint k = 0; k < 3; k++)
        {
            var boom = () => (object)instance.Exports.PreparedBoom();
            boom.Should().Throw<ComponentTrapException>();
            ((uint)instance.Exports.PreparedRun(k)).Should().Be(k + 7);
        }

        component.LinkerCount.Should().Be(1, "a recreated store is instantiated with the same linker");
        host.Seen.Should().Equal(0u, 1u, 2u);
    }

    [Fact]
    public void Imports_that_do_not_fit_are_refused_by_Prepare_before_any_instance_exists()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.LoadText(Wat);
        var prepare = () => component.Prepare(new ComponentImports());
        prepare.Should().Throw<ComponentBindingException>().WithMessage("*prepared-get*no implementation*");
        component.LinkerCount.Should().Be(0);
    }

    [Fact]
    public void A_prepared_component_of_a_disposed_component_refuses_new_instances_and_old_ones_keep_working()
    {
        using var runtime = new ComponentRuntime();
        var component = runtime.LoadText(Wat);
        var prepared = component.Prepare(new ComponentImports().Add("prepared-get", new Func<uint, uint>(new OffsetHost(1).PlanCacheGet)));
        using var live = prepared.Instantiate();
        component.Dispose();

        var again = () => prepared.Instantiate();
        again.Should().Throw<ObjectDisposedException>();
        var prepare = () => component.Prepare(new ComponentImports());
        prepare.Should().Throw<ObjectDisposedException>();
        ((uint)live.Exports.PreparedRun(1)).Should().Be(2, "the live instance holds the compiled code and its linker");
    }

    [Fact]
    public void A_prepared_WASI_component_gives_each_instance_its_own_WASI_context_from_the_options()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Fixture("wasi-stdout.wat"));
        var lines = new List<string>();
        var prepared = component.Prepare(new InstanceOptions { Wasi = new WasiOptions { StandardOutput = WasiOutput.Lines(lines.Add) } });
        for (var k = 0; k < 3; k++)
        {
            using var instance = prepared.Instantiate();
            instance.GetInterface<IWasiPrint>("").Print($"line {k}\n");
        }

        lines.Should().Equal("line 0", "line 1", "line 2");
        component.LinkerCount.Should().Be(1);
    }

    [Fact]
    public void Host_resources_of_instances_sharing_a_linker_are_created_and_dropped_in_their_own_store()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Fixture("host-resources.wat"));
        using var a = component.Instantiate(new ComponentImports().AddResource<Blob>("demo:host/store@0.1.0", "blob"));
        using var b = component.Instantiate(new ComponentImports().AddResource<Blob>("demo:host/store@0.1.0", "blob"));
        component.LinkerCount.Should().Be(1);
        var ua = a.GetInterface<IHostResourceUser>("");
        var ub = b.GetInterface<IHostResourceUser>("");
        int before;
        lock (Blob.Created)
        {
            before = Blob.Created.Count;
        }

        for (var k = 0; k < 50; k++)
        {
            ua.Run("ab").Should().Be(3);
            ub.Run("abcd").Should().Be(5, "b's destructor and methods reach b's table, never a's");
        }

        a.State.HostResources.TakeOwned().Should().BeEmpty("every blob a created was dropped in a's store");
        b.State.HostResources.TakeOwned().Should().BeEmpty();
        lock (Blob.Created)
        {
            var mine = Blob.Created.Skip(before).Where(x => x.Text is "ab!" or "abcd!").ToList();
            mine.Should().HaveCountGreaterThanOrEqualTo(100).And.OnlyContain(x => x.Disposed);
        }
    }

    [Fact]
    public void A_prepared_component_instantiated_with_other_host_objects_of_its_shape_calls_them_through_the_prepared_linker()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.LoadText(Wat);
        var first = new OffsetHost(1);
        var prepared = component.Prepare(new ComponentImports().Add("prepared-get", new Func<uint, uint>(first.PlanCacheGet)));
        var others = new[] { new OffsetHost(200), new OffsetHost(300), new OffsetHost(400) };
        for (var k = 0; k < others.Length; k++)
        {
            using var instance = prepared.Instantiate(new ComponentImports().Add("prepared-get", new Func<uint, uint>(others[k].PlanCacheGet)));
            instance.Prepared!.Plan.Should().BeSameAs(prepared.Plan, "the same host types find the prepared binding");
            ((uint)instance.Exports.PreparedRun(7)).Should().Be(7 + (uint)(200 + (k * 100)));
        }

        using (var own = prepared.Instantiate())
        {
            ((uint)own.Exports.PreparedRun(7)).Should().Be(8);
        }

        others.Should().OnlyContain(h => h.Seen.SequenceEqual(new uint[] { 7 }), "each instance called the object it was given, once");
        first.Seen.Should().Equal(7u);
        component.LinkerCount.Should().Be(1, "one shape, one linker");

        // Another shape (another delegate type) is bound on its own, as Instantiate would bind it.
        using var other = prepared.Instantiate(new ComponentImports().Add("prepared-get", new Converter<uint, uint>(x => x * 3)));
        ((uint)other.Exports.PreparedRun(7)).Should().Be(21);
        other.Prepared!.Plan.Should().NotBeSameAs(prepared.Plan);
    }
}
