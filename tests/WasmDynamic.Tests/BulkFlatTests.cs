using FluentAssertions;
using WasmDynamic.Marshalling;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>Fixtures/bulk/flat-*.wat: the same functions in each export shape.</summary>
public interface IFlatFixture
{
    uint Sum(byte[] x);

    byte[] Echo(byte[] x);

    uint SumU32(uint[] x);

    uint Boom(byte[] x);

    /// <summary>The guest's record of its realloc calls since the last call: (old, old size, align, size) each.</summary>
    uint[] Log();

    uint Posts();

    uint Pages();
}

/// <summary>
/// The flat twin (BulkAdapter/WrapperGenerator.Flat.cs): which export shapes get it, and that it keeps the canonical
/// ABI's contract with the guest — the realloc calls it makes, the post-return it chains, traps.
/// </summary>
public class BulkFlatTests
{
    // An import declared after a definition (the core module): outside the nested form, which copies the original's
    // import sections to the wrapper's front; the flat form appends and does not mind.
    private const string LateImportWat = """
        (component
          (core module $m
            (import "h" "tick" (func $tick (param i32)))
            (memory (export "memory") 1)
            (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
            (func (export "sum") (param $p i32) (param $n i32) (result i32)
              (local $i i32) (local $s i32)
              (call $tick (local.get $n))
              (block $done (loop $next
                (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $next)))
              (local.get $s)))
          (import "test:late/host" (instance $h (export "tick" (func (param "n" u32)))))
          (core func $tick (canon lower (func $h "tick")))
          (core instance $i (instantiate $m (with "h" (instance (export "tick" (func $tick))))))
          (func (export "sum") (param "x" (list u8)) (result u32)
            (canon lift (core func $i "sum") (memory (core memory $i "memory")) (realloc (core func $i "realloc")))))
        """;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "bulk", name);

    private static ComponentRuntime Runtime(bool bulk) =>
        new(new ComponentRuntimeOptions { UseCompiledComponentCache = false, BulkByteAdapter = bulk });

    private static string Interface(string fixture) => fixture == "flat-root.wat" || fixture == "flat-nested-lift.wat" ? string.Empty : "test:flat/api";

    private static int Twins(ComponentInstance instance, WasmComponent component, string function)
    {
        var iface = component.World.Exports.SingleOrDefault();
        var f = iface is null ? component.World.ExportedFunctions.Single(x => x.Name == function) : iface.Functions.Single(x => x.Name == function);
        return instance.Invoker(iface, f).TwinCalls;
    }

    public interface ILateSum
    {
        uint Sum(byte[] x);
    }

    public sealed class TickHost
    {
        public List<uint> Ticks { get; } = [];

        public void Tick(uint n) => Ticks.Add(n);
    }

    [Fact]
    public void A_component_with_an_import_after_its_definitions_gets_the_flat_twin_and_its_imports_work()
    {
        using var plain = Runtime(false);
        using var bulk = Runtime(true);
        using var p = plain.LoadText(LateImportWat);
        using var b = bulk.LoadText(LateImportWat);
        b.Bulk.Should().NotBeNull("the nested form refuses this shape, the flat one takes it");
        b.Bulk!.Flat.Should().BeTrue();
        var (ph, bh) = (new TickHost(), new TickHost());
        using var pi = p.Instantiate(new InstanceOptions { Imports = new ComponentImports().Add("test:late/host", ph) });
        using var bi = b.Instantiate(new InstanceOptions { Imports = new ComponentImports().Add("test:late/host", bh) });
        var data = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        bi.GetInterface<ILateSum>("").Sum(data).Should().Be(pi.GetInterface<ILateSum>("").Sum(data)).And.Be((uint)data.Sum(x => x));
        bh.Ticks.Should().Equal(ph.Ticks).And.Equal(300u);
        bi.Invoker(null, b.World.ExportedFunctions.Single()).TwinCalls.Should().Be(1);
    }

    [Theory]
    [InlineData("flat-root.wat", true)]
    [InlineData("flat-instance.wat", true)]
    [InlineData("flat-shim.wat", true)]
    [InlineData("flat-nested-lift.wat", false)]
    public void Each_export_shape_gets_the_form_its_lifts_allow_and_the_plain_paths_results(string fixture, bool flat)
    {
        using var plain = Runtime(false);
        using var bulk = Runtime(true);
        using var p = plain.Load(Fixture(fixture));
        using var b = bulk.Load(Fixture(fixture));
        b.Bulk.Should().NotBeNull();
        b.Bulk!.Flat.Should().Be(flat, "the lifts of {0} {1} trace to the root", fixture, flat ? "do" : "do not");
        b.World.ToWit().Should().Be(p.World.ToWit(), "the hidden exports never show");

        using var pi = p.Instantiate();
        using var bi = b.Instantiate();
        var pp = pi.GetInterface<IFlatFixture>(Interface(fixture));
        var bp = bi.GetInterface<IFlatFixture>(Interface(fixture));
        var random = new Random(16);
        foreach (var size in new[] { 0, 1, 63, 64, 65, 1000, 65536, 1 << 20 })
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            var words = Enumerable.Range(0, size / 4).Select(_ => (uint)random.Next() ^ ((uint)random.Next() << 1)).ToArray();
            bp.Sum(bytes).Should().Be(pp.Sum(bytes)).And.Be((uint)bytes.Sum(x => x), "size {0}", size);
            bp.Echo(bytes).Should().Equal(pp.Echo(bytes), "size {0}", size);
            bp.SumU32(words).Should().Be(pp.SumU32(words), "size {0}", size);
        }

        Twins(bi, b, "echo").Should().BeGreaterThan(4, "lists from the threshold on took the twin");
        bp.Log().Should().Equal(pp.Log(), "the guest's allocator was asked for the same blocks on both paths");
    }

    [Theory]
    [InlineData("flat-root.wat")]
    [InlineData("flat-shim.wat")]
    [InlineData("flat-nested-lift.wat")]
    public void The_guest_realloc_is_asked_for_exactly_the_lists_layout(string fixture)
    {
        using var plain = Runtime(false);
        using var bulk = Runtime(true);
        using var p = plain.Load(Fixture(fixture));
        using var b = bulk.Load(Fixture(fixture));
        using var pi = p.Instantiate();
        using var bi = b.Instantiate();
        var pp = pi.GetInterface<IFlatFixture>(Interface(fixture));
        var bp = bi.GetInterface<IFlatFixture>(Interface(fixture));
        foreach (var proxy in new[] { pp, bp })
        {
            proxy.Log();
            proxy.Sum(new byte[100]);
            proxy.SumU32(new uint[1000]);
            proxy.Echo(new byte[BulkValues.TwinThreshold]);
            proxy.SumU32(new uint[BulkValues.TwinThreshold / 4 + 1]);
        }

        var expected = new uint[]
        {
            0, 0, 1, 100,
            0, 0, 4, 4000,
            0, 0, 1, (uint)BulkValues.TwinThreshold,
            0, 0, 4, (uint)BulkValues.TwinThreshold + 4,
        };
        pp.Log().Should().Equal(expected, "the canonical ABI's realloc(0, 0, align, n * size) on the plain path");
        bp.Log().Should().Equal(expected, "the twin asks for the list's block, not one sized for its text");
        Twins(bi, b, "sum-u32").Should().Be(2);
        Twins(bi, b, "sum").Should().Be(1);
    }

    [Theory]
    [InlineData("flat-root.wat")]
    [InlineData("flat-instance.wat")]
    [InlineData("flat-shim.wat")]
    public void The_guests_post_return_runs_after_every_twin_call_so_its_memory_stays_bounded(string fixture)
    {
        using var bulk = Runtime(true);
        using var b = bulk.Load(Fixture(fixture));
        b.Bulk!.Flat.Should().BeTrue();
        using var bi = b.Instantiate();
        var proxy = bi.GetInterface<IFlatFixture>(Interface(fixture));
        var data = new byte[64 * 1024];
        new Random(5).NextBytes(data);
        const int Calls = 2000;
        for (var n = 0; n < Calls; n++)
        {
            proxy.Echo(data).AsSpan().SequenceEqual(data).Should().BeTrue();
            proxy.Sum(data);
        }

        Twins(bi, b, "echo").Should().Be(Calls);
        Twins(bi, b, "sum").Should().Be(Calls);
        proxy.Posts().Should().Be(2 * Calls, "the twin's post-return chains the guest's (posts and pages have none)");

        // Without the guest's post-return the heap would hold 2000 × 192 KiB (384 MB) by now.
        proxy.Pages().Should().BeLessThan(16, "the guest freed its heap after every call");
    }

    [Theory]
    [InlineData("flat-root.wat")]
    [InlineData("flat-shim.wat")]
    [InlineData("flat-nested-lift.wat")]
    public void A_trap_inside_the_original_core_function_surfaces_as_on_the_plain_path(string fixture)
    {
        using var plain = Runtime(false);
        using var bulk = Runtime(true);
        using var p = plain.Load(Fixture(fixture));
        using var b = bulk.Load(Fixture(fixture));
        var options = new InstanceOptions { RecreateAfterTrap = true };
        using var pi = p.Instantiate(options);
        using var bi = b.Instantiate(options);
        var pp = pi.GetInterface<IFlatFixture>(Interface(fixture));
        var bp = bi.GetInterface<IFlatFixture>(Interface(fixture));
        var data = new byte[4096];
        var expected = BulkAdapterTests.Outcome(() => pp.Boom(data));
        var actual = BulkAdapterTests.Outcome(() => bp.Boom(data));
        expected.Should().StartWith(nameof(ComponentTrapException) + " Unreachable: wasm `unreachable` instruction executed");
        actual.Should().Be(expected);
        actual.Should().NotContain(BulkAdapter.WrapperGenerator.ModuleName);
        Twins(bi, b, "boom").Should().Be(1);
        var plainTrap = FluentActions.Invoking(() => pp.Boom(data)).Should().Throw<ComponentTrapException>().Which;
        var twinTrap = FluentActions.Invoking(() => bp.Boom(data)).Should().Throw<ComponentTrapException>().Which;
        plainTrap.GuestBacktrace.Should().NotBeEmpty();
        twinTrap.GuestBacktrace.Should().Equal(plainTrap.GuestBacktrace, "the decoder's frames are removed and the guest's kept, at their offsets");

        // The instance was recreated, as after a trap on the plain path.
        bp.Sum(data).Should().Be(0);
    }

    /// <summary>A guest whose memory is at its declared maximum (1 page): a 64,513-byte list cannot be copied in.</summary>
    private const string FullMemoryWat = """
        (component
          (core module $m
            (memory (export "memory") 1 1)
            (global $heap (mut i32) (i32.const 1024))
            (func (export "realloc") (param i32 i32 i32 i32) (result i32)
              (local $p i32)
              (local.set $p (global.get $heap))
              (global.set $heap (i32.add (global.get $heap) (local.get 3)))
              (if (i32.gt_u (global.get $heap) (i32.const 65536)) (then (drop (memory.grow (i32.const 1)))))
              (local.get $p))
            (func (export "sum") (param $p i32) (param $n i32) (result i32) (global.set $heap (i32.const 1024)) (local.get $n)))
          (core instance $i (instantiate $m))
          (func (export "sum") (param "x" (list u8)) (result u32)
            (canon lift (core func $i "sum") (memory (core memory $i "memory")) (realloc (core func $i "realloc")))))
        """;

    [Fact]
    public void A_twin_trap_whose_frames_are_all_the_adapters_has_no_guest_backtrace_instead_of_an_empty_header()
    {
        using var bulk = Runtime(true);
        using var b = bulk.LoadText(FullMemoryWat);
        b.Bulk.Should().NotBeNull();
        b.Bulk!.Flat.Should().BeTrue();
        using var bi = b.Instantiate(new InstanceOptions { RecreateAfterTrap = true });
        var proxy = bi.GetInterface<ILateSum>(string.Empty);
        var trap = FluentActions.Invoking(() => proxy.Sum(new byte[64513])).Should().Throw<ComponentTrapException>().Which;
        trap.GuestBacktrace.Should().BeEmpty("every frame was the adapter's, and they are dropped");
        trap.Message.Should().NotContain("Guest backtrace:");
        proxy.Sum(new byte[100]).Should().Be(100u, "the instance was recreated");
    }
}
