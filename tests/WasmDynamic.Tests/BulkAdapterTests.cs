using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using FluentAssertions;
using WasmDynamic.BulkAdapter;
using WasmDynamic.Marshalling;
using WasmDynamic.Native;
using WasmDynamic.Wit;
using Xunit;
using Xunit.Abstractions;

namespace WasmDynamic.Tests;

/// <summary>numlists.wat, typed with the arrays of each element type.</summary>
public interface INumLists
{
    uint SumU32(uint[] x);

    uint[] EchoU32(uint[] x);

    long SumS64(long[] x);

    long[] EchoS64(long[] x);

    float SumF32(float[] x);

    float[] EchoF32(float[] x);

    double SumF64(double[] x);

    double[] EchoF64(double[] x);

    short[] EchoS16(short[] x);

    ushort[] EchoU16(ushort[] x);

    sbyte[] EchoS8(sbyte[] x);

    ulong[] EchoU64(ulong[] x);

    int[] EchoS32(int[] x);

    uint[] Halves(uint[] a, double[] b, uint k);

    ulong Count(ushort[] a, string s, long[] b);
}

public interface IBulkBytes
{
    uint Sum(byte[] x);

    byte[] RoundtripListU8(byte[] x);
}

public interface IBulkByteLists
{
    uint Sum(List<byte> x);

    List<byte> RoundtripListU8(IReadOnlyList<byte> x);
}

public interface IBulkByteSequences
{
    uint Sum(IEnumerable<byte> x);

    ImmutableArray<byte> RoundtripListU8(ImmutableArray<byte> x);
}

public interface IBulkTraps
{
    byte[] Check(byte[] data, uint limit);

    uint Count(string label, byte[] data);
}

/// <summary>
/// The bulk-bytes adapter (<see cref="ComponentRuntimeOptions.BulkByteAdapter"/>): the same component loaded with it on
/// and off must be indistinguishable except for speed — the same world, results and exceptions.
/// </summary>
public class BulkAdapterTests(ITestOutputHelper output)
{
    private static readonly string[] Fixtures =
    [
        "compound.wat", "host-resources-more.wat", "host-resources.wat", "host-roundtrip.wat", "imports.wat",
        "resource-containers.wat", "resources.wat", "scalars.wat", "strings.wat", "numlists.wat", "wasi-env.wat", "wasi-files.wat",
        "wasi-random.wat", "wasi-stdout.wat", "wit/alltypes.wat", "wit/keywords.wat", "wit/map.wat", "wit/uses.wat",
        "wit/world.wat", "identity/abort.wat", "identity/same-shape.wat", "identity/things.wat", "identity/random.wat",
        "identity/world-types.wat", "identity/import-export.wat", "identity/same-shape-exports.wat", "identity/renamed-use.wat",
    ];

    // A guest that traps from inside a function taking bytes (unreachable when a byte exceeds the limit), and one that
    // mixes a string with bytes.
    private const string TrapsWat = """
        (component
          (core module $m
            (memory (export "memory") 1)
            (global $heap (mut i32) (i32.const 64))
            (func $realloc (export "realloc") (param i32 i32 i32 i32) (result i32)
              (local $p i32)
              (local.set $p (global.get $heap))
              (global.set $heap (i32.add (local.get $p) (i32.add (local.get 3) (i32.const 8))))
              (if (i32.gt_u (global.get $heap) (i32.shl (memory.size) (i32.const 16)))
                (then (drop (memory.grow (i32.add (i32.shr_u (local.get 3) (i32.const 16)) (i32.const 1))))))
              (local.get $p))
            (func (export "check") (param $p i32) (param $n i32) (param $limit i32) (result i32)
              (local $i i32)
              (block $done (loop $next
                (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                (if (i32.gt_u (i32.load8_u (i32.add (local.get $p) (local.get $i))) (local.get $limit)) (then unreachable))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $next)))
              (i32.store (i32.const 0) (local.get $p))
              (i32.store (i32.const 4) (local.get $n))
              (i32.const 0))
            (func (export "count") (param i32 i32 i32 i32) (result i32)
              (i32.add (local.get 1) (local.get 3))))
          (core instance $i (instantiate $m))
          (func (export "check") (param "data" (list u8)) (param "limit" u32) (result (list u8))
            (canon lift (core func $i "check") (memory (core memory $i "memory")) (realloc (core func $i "realloc"))))
          (func (export "count") (param "label" string) (param "data" (list u8)) (result u32)
            (canon lift (core func $i "count") (memory (core memory $i "memory")) (realloc (core func $i "realloc")) string-encoding=utf8)))
        """;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static ComponentRuntime Runtime(bool bulk) =>
        new(new ComponentRuntimeOptions { UseCompiledComponentCache = false, BulkByteAdapter = bulk });

    [Fact]
    public void Base128_round_trips_every_length_and_byte_value()
    {
        var random = new Random(16);
        foreach (var n in Enumerable.Range(0, 460).Concat([1119, 1120, 1121, 65536, 65537]))
        {
            var data = new byte[n];
            random.NextBytes(data);
            var encoded = new byte[Base128.EncodedLength(n)];
            unsafe
            {
                fixed (byte* s = data)
                fixed (byte* e = encoded)
                {
                    Base128.Encode(s, n, e);
                    encoded.Where(b => b >= 0x80).Should().BeEmpty("the encoding is ASCII, hence valid UTF-8");
                    Base128.DecodedLength(e, encoded.Length).Should().Be(n);
                    var back = new byte[n];
                    fixed (byte* b = back)
                    {
                        Base128.Decode(e, n, b);
                    }

                    back.Should().Equal(data);
                }
            }
        }
    }

    [Fact]
    public void The_wrapped_component_shows_the_original_world_and_hides_the_twins()
    {
        using var plain = Runtime(false);
        using var bulk = Runtime(true);
        var wrapped = 0;
        foreach (var fixture in Fixtures)
        {
            using var p = plain.Load(Fixture(fixture));
            using var b = bulk.Load(Fixture(fixture));
            b.ToWit().Should().Be(p.ToWit(), fixture);
            b.World.Should().Be(p.World, fixture);
            b.ToWit().Should().NotContain("wasmdynamic", fixture);
            output.WriteLine($"{fixture}: planned {BulkPlan.For(p.World)?.Functions.Count ?? 0}, wrapped {b.Bulk is not null}");
            if (b.Bulk is not null)
            {
                wrapped++;
                p.Bulk.Should().BeNull();
            }
        }

        output.WriteLine($"{wrapped} of {Fixtures.Length} fixtures wrapped");
        wrapped.Should().BeGreaterThanOrEqualTo(3, "strings, host-roundtrip and wasi-random have functions of scalars and byte lists");
    }

    /// <summary>Every component fixture on disk (WAT, and the componentize-js demo), by path under Fixtures.</summary>
    private static List<string> AllFixtures()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        return Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".wat", StringComparison.Ordinal) || f.EndsWith(".wasm", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [Fact]
    public void Listing_a_wrapped_components_exports_through_the_C_API_hides_the_twins()
    {
        using var plain = Runtime(false);
        using var bulk = Runtime(true);
        foreach (var fixture in new[] { "strings.wat", "host-roundtrip.wat", "wasi-random.wat" })
        {
            using var p = plain.Load(Fixture(fixture));
            using var b = bulk.Load(Fixture(fixture));
            b.Bulk.Should().NotBeNull(fixture);
            b.NativeExports().Select(e => e.Name).Should().Equal(p.NativeExports().Select(e => e.Name), fixture);
            b.NativeExports().Should().NotContain(e => e.Name.StartsWith("wasmdynamic-bulk", StringComparison.Ordinal));

            // The twins are there all the same: the wrapper's type has one more root export per twin.
            unsafe
            {
                var type = ComponentApi.wasmtime_component_type(b.Handle.Pointer);
                try
                {
                    ((int)ComponentApi.wasmtime_component_type_export_count(type, bulk.Engine.Pointer)).Should().Be(p.NativeExports().Count + b.Bulk!.Functions.Count, fixture);
                }
                finally
                {
                    ComponentApi.wasmtime_component_type_delete(type);
                }
            }
        }
    }

    [Fact]
    public void Every_byte_list_function_of_every_fixture_gives_the_same_results_and_exceptions_through_both_paths()
    {
        using var plain = new ComponentRuntime(new ComponentRuntimeOptions { CacheDirectory = JsDemoFixture.SharedCacheDirectory, BulkByteAdapter = false });
        using var bulk = new ComponentRuntime(new ComponentRuntimeOptions { CacheDirectory = JsDemoFixture.SharedCacheDirectory, BulkByteAdapter = true });
        var random = new Random(1616);
        var calls = 0;
        var functions = 0;
        var succeeded = 0;
        var wrapped = new List<string>();
        var fixtures = AllFixtures();
        fixtures.Should().Contain("strings.wat").And.HaveCountGreaterThan(40);

        // host-roundtrip twice: its imports trapping as unimplemented, and implemented (the twin's inner call calls the host).
        foreach (var source in fixtures.Append("traps").Append("host-roundtrip.wat+host"))
        {
            var fixture = source.Replace("+host", string.Empty, StringComparison.Ordinal);
            WasmComponent Load(ComponentRuntime runtime) => fixture == "traps" ? runtime.LoadText(TrapsWat) : runtime.Load(Fixture(fixture));
            using var b = Load(bulk);
            if (b.Bulk is not { } plan)
            {
                continue;
            }

            // Every wrapped fixture's lifts trace to its root, so every one must get the flat twin (an internal hook:
            // a fall-back to the nested form would otherwise pass unseen); bulk/flat-nested-lift.wat's lifts do not.
            plan.Flat.Should().Be(fixture != "bulk/flat-nested-lift.wat", source);
            wrapped.Add(source + (plan.Flat ? " (flat)" : " (nested)"));
            using var p = Load(plain);
            var options = source.EndsWith("+host", StringComparison.Ordinal)
                ? new InstanceOptions { Imports = new ComponentImports().Add("demo:host/values@0.1.0", new EchoHost()), RecreateAfterTrap = true }
                : new InstanceOptions { TrapUnimplementedImports = true, RecreateAfterTrap = true };
            ComponentInstance? pi = null, bi = null;
            var instantiated = Outcome(() => pi = p.Instantiate(options));
            Outcome(() => bi = b.Instantiate(options)).Should().Be(instantiated, source);
            using var pd = pi;
            using var bd = bi;
            if (pi is null || bi is null)
            {
                continue;
            }

            foreach (var f in plan.Functions)
            {
                functions++;
                var name = f.Interface is null ? f.Function.Name : f.Interface + "#" + f.Function.Name;
                for (var n = 0; n < 40; n++)
                {
                    var args = f.Function.Parameters.Select(x => Arbitrary(x.Type, random, n)).ToArray();
                    var expected = Outcome(() => pi.Invoke(name, args));
                    var actual = Outcome(() => bi.Invoke(name, args));
                    if (actual != expected)
                    {
                        output.WriteLine("EXPECTED " + expected + "\nACTUAL " + actual);
                    }

                    actual.Should().Be(expected, $"{source} {name} call {n}");
                    calls++;
                    succeeded += expected.StartsWith("ok ", StringComparison.Ordinal) ? 1 : 0;
                }
            }
        }

        output.WriteLine($"wrapped: {string.Join(", ", wrapped)}; {functions} functions, {calls} calls compared, {succeeded} returned");
        functions.Should().BeGreaterThanOrEqualTo(7);
        succeeded.Should().BeGreaterThan(calls / 2, "most calls return; the traps are the unimplemented imports and the trap fixture's");
    }

    [Fact]
    public void Typed_proxies_of_every_byte_collection_shape_and_dynamic_calls_agree_with_the_plain_path()
    {
        using var plain = Runtime(false);
        using var bulk = Runtime(true);
        using var p = plain.Load(Fixture("strings.wat"));
        using var b = bulk.Load(Fixture("strings.wat"));
        b.Bulk.Should().NotBeNull();
        using var pi = p.Instantiate();
        using var bi = b.Instantiate();
        var random = new Random(3);
        foreach (var length in new[] { 0, 1, 6, 7, 8, 13, 14, 15, 100, 111, 112, 113, 119, 120, 223, 224, 225, 232, 4096, 70_000 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            var sum = (uint)data.Sum(x => x);
            bi.GetInterface<IBulkBytes>("").Sum(data).Should().Be(sum);
            bi.GetInterface<IBulkBytes>("").RoundtripListU8(data).Should().Equal(data);
            bi.GetInterface<IBulkByteLists>("").Sum(data.ToList()).Should().Be(sum);
            bi.GetInterface<IBulkByteLists>("").RoundtripListU8(data.ToList()).Should().Equal(data);
            bi.GetInterface<IBulkByteSequences>("").Sum(data.Select(x => x)).Should().Be(sum);
            bi.GetInterface<IBulkByteSequences>("").RoundtripListU8(data.ToImmutableArray()).Should().Equal(data);
            ((byte[])bi.Exports.RoundtripListU8(data)).Should().Equal(data);
            ((uint)bi.Exports.Sum(data)).Should().Be(sum);
            pi.GetInterface<IBulkBytes>("").RoundtripListU8(data).Should().Equal(data);
        }

        // Arguments the plain path refuses are refused alike: a null array, an out-of-range covariant sbyte[].
        Outcome(() => bi.GetInterface<IBulkBytes>("").Sum(null!)).Should().Be(Outcome(() => pi.GetInterface<IBulkBytes>("").Sum(null!)));
        object covariant = new sbyte[] { 1, -1 };
        Outcome(() => bi.GetInterface<IBulkBytes>("").Sum((byte[])covariant)).Should().Be(Outcome(() => pi.GetInterface<IBulkBytes>("").Sum((byte[])covariant)));
        Outcome(() => bi.GetInterface<IBulkByteSequences>("").Sum((IEnumerable<byte>)covariant)).Should().Be(Outcome(() => pi.GetInterface<IBulkByteSequences>("").Sum((IEnumerable<byte>)covariant)));
    }

    [Fact]
    public async Task Byte_lists_on_both_sides_of_the_twin_threshold_give_the_plain_paths_results()
    {
        using var plain = Runtime(false);
        using var bulk = Runtime(true);
        using var p = plain.Load(Fixture("strings.wat"));
        using var b = bulk.Load(Fixture("strings.wat"));
        using var pi = p.Instantiate();
        using var bi = b.Instantiate();
        using var ai = await b.InstantiateAsync();
        var random = new Random(64);
        const int T = BulkValues.TwinThreshold;
        foreach (var length in new[] { 0, 1, T / 2, T - 2, T - 1, T, T + 1, T + 7, 2 * T, 5 * T })
        {
            var data = new byte[length];
            random.NextBytes(data);
            var sum = pi.GetInterface<IBulkBytes>("").Sum(data);
            sum.Should().Be((uint)data.Sum(x => x));
            bi.GetInterface<IBulkBytes>("").Sum(data).Should().Be(sum, $"{length} bytes");
            bi.GetInterface<IBulkByteLists>("").Sum(data.ToList()).Should().Be(sum, $"{length} bytes as a List<byte>");
            bi.GetInterface<IBulkByteSequences>("").Sum(data.Select(x => x)).Should().Be(sum, $"{length} bytes as an IEnumerable<byte>");
            ((uint)bi.Exports.Sum(data)).Should().Be(sum);
            ((uint)(await ai.InvokeAsync("sum", data))!).Should().Be(sum, $"{length} bytes, async");
            ai.GetInterface<IBulkBytes>("").Sum(data).Should().Be(sum, $"{length} bytes, async instance called synchronously");
            bi.GetInterface<IBulkBytes>("").RoundtripListU8(data).Should().Equal(data);
            ((byte[])(await ai.InvokeAsync("roundtrip-list-u8", data))!).Should().Equal(data);

        }
    }

    [Fact]
    public void Lists_of_every_number_type_take_twins_and_agree_bit_for_bit_with_the_plain_path()
    {
        using var plain = Runtime(false);
        using var bulk = Runtime(true);
        using var p = plain.Load(Fixture("numlists.wat"));
        using var b = bulk.Load(Fixture("numlists.wat"));
        b.Bulk.Should().NotBeNull();
        b.Bulk!.Functions.Select(f => f.Function.Name).Should().BeEquivalentTo(p.World.ExportedFunctions.Select(f => f.Name), "every function of numlists has number lists");
        b.Bulk.Functions.Single(f => f.Function.Name == "count").BulkParameters.Should().Be(0b101UL, "the string parameter is not a bulk list");
        using var pi = p.Instantiate();
        using var bi = b.Instantiate();
        var pp = pi.GetInterface<INumLists>("");
        var bp = bi.GetInterface<INumLists>("");
        var random = new Random(1617);
        foreach (var count in new[] { 0, 1, 3, 15, 16, 17, 100, 16_384 })
        {
            T[] Make<T>(Func<byte[], T[]> cast, int size)
                where T : unmanaged
            {
                var raw = new byte[count * size];
                random.NextBytes(raw);
                return cast(raw);
            }

            var u32 = Make(r => MemoryMarshal.Cast<byte, uint>(r).ToArray(), 4);
            var s64 = Make(r => MemoryMarshal.Cast<byte, long>(r).ToArray(), 8);
            var f32 = Make(r => MemoryMarshal.Cast<byte, float>(r).ToArray(), 4);
            var f64 = Make(r => MemoryMarshal.Cast<byte, double>(r).ToArray(), 8);
            if (count > 2)
            {
                // NaNs with payloads (quiet and signalling, both signs), infinity and negative zero.
                f32[0] = BitConverter.UInt32BitsToSingle(0x7FA0_0001);
                f32[1] = BitConverter.UInt32BitsToSingle(0xFFC0_1234);
                f32[2] = float.NegativeInfinity;
                f64[0] = BitConverter.UInt64BitsToDouble(0x7FF4_0000_0000_0001);
                f64[1] = BitConverter.UInt64BitsToDouble(0xFFF8_0000_0000_BEEF);
                f64[2] = -0.0;
            }

            static uint[] Bits32(float[] x) => x.Select(BitConverter.SingleToUInt32Bits).ToArray();
            static ulong[] Bits64(double[] x) => x.Select(BitConverter.DoubleToUInt64Bits).ToArray();

            var because = $"{count} elements";
            bp.SumU32(u32).Should().Be(pp.SumU32(u32), because).And.Be(u32.Aggregate(0u, (a, x) => unchecked(a + x)), because);
            bp.EchoU32(u32).Should().Equal(u32, because);
            bp.SumS64(s64).Should().Be(pp.SumS64(s64), because).And.Be(s64.Aggregate(0L, (a, x) => unchecked(a + x)), because);
            bp.EchoS64(s64).Should().Equal(s64, because);
            BitConverter.SingleToUInt32Bits(bp.SumF32(f32)).Should().Be(BitConverter.SingleToUInt32Bits(pp.SumF32(f32)), because);
            Bits32(bp.EchoF32(f32)).Should().Equal(Bits32(pp.EchoF32(f32)), because).And.Equal(Bits32(f32), because);
            BitConverter.DoubleToUInt64Bits(bp.SumF64(f64)).Should().Be(BitConverter.DoubleToUInt64Bits(pp.SumF64(f64)), because);
            Bits64(bp.EchoF64(f64)).Should().Equal(Bits64(pp.EchoF64(f64)), because).And.Equal(Bits64(f64), because);
            var s16 = s64.Select(x => (short)x).ToArray();
            bp.EchoS16(s16).Should().Equal(s16, because);
            var u16 = s64.Select(x => (ushort)(x >> 16)).ToArray();
            bp.EchoU16(u16).Should().Equal(u16, because);
            var s8 = s64.Select(x => (sbyte)x).ToArray();
            bp.EchoS8(s8).Should().Equal(s8, because);
            var u64 = s64.Select(x => unchecked((ulong)x)).ToArray();
            bp.EchoU64(u64).Should().Equal(u64, because);
            var s32 = u32.Select(x => unchecked((int)x)).ToArray();
            bp.EchoS32(s32).Should().Equal(s32, because);
            bp.Halves(u32, f64, 7).Should().Equal(pp.Halves(u32, f64, 7), because).And.Equal(u32.Select(x => unchecked(x + 7 + (uint)count)), because);
            bp.Count(u16, "abc", s64).Should().Be(pp.Count(u16, "abc", s64), because).And.Be((ulong)((2 * count) + 3), because);
        }
    }

    [Fact]
    public async Task Number_and_byte_lists_from_the_threshold_on_go_through_the_twin_and_shorter_ones_through_the_plain_export()
    {
        using var bulk = Runtime(true);
        using var b = bulk.Load(Fixture("numlists.wat"));
        using var bi = b.Instantiate();
        using var ai = await b.InstantiateAsync();
        const int T = BulkValues.TwinThreshold;
        foreach (var instance in new[] { bi, ai })
        {
            var proxy = instance.GetInterface<INumLists>("");
            int Twins(string name) => instance.Invoker(null, b.World.ExportedFunctions.Single(f => f.Name == name)).TwinCalls;
            void Expect(string name, Action call, int added, string because)
            {
                var before = Twins(name);
                call();
                Twins(name).Should().Be(before + added, $"{name}: {because} ({(instance == ai ? "async" : "sync")} instance)");
            }

            Expect("sum-u32", () => proxy.SumU32(new uint[T / 4]), 1, "a list argument of exactly the threshold's bytes");
            Expect("sum-u32", () => proxy.SumU32(new uint[(T / 4) - 1]), 0, "a list argument one element short of it");
            Expect("sum-f64", () => proxy.SumF64(new double[4096]), 1, "32 KiB of doubles");
            Expect("sum-f64", () => proxy.SumF64(new double[1]), 0, "one double");
            Expect("echo-u32", () => proxy.EchoU32(new uint[T]), 1, "a big argument; the result comes back the same way");
            Expect("echo-u32", () => proxy.EchoU32(new uint[2]), 0, "a number-list result of a function with a short list argument");
            Expect("echo-s8", () => proxy.EchoS8(new sbyte[T]), 1, "s8 elements of the threshold's bytes");
            Expect("echo-s8", () => proxy.EchoS8(new sbyte[T - 1]), 0, "one byte short of it");
            Expect("halves", () => proxy.Halves(new uint[1], new double[T / 8], 3), 1, "one of two list arguments reaching the threshold");
            Expect("halves", () => proxy.Halves(new uint[1], new double[1], 3), 0, "two short list arguments");
            Expect("count", () => proxy.Count(new ushort[T / 2], "abc", new long[1]), 1, "the first list reaching the threshold around a string");
            ((uint)instance.Exports.SumU32(new uint[T])).Should().Be(0u);
            Twins("sum-u32").Should().Be(2, "dynamic calls with a big number list take the twin too");
        }
    }

    [Fact]
    public unsafe void Only_a_marked_slot_whose_list_reaches_the_threshold_is_lowered_as_a_string()
    {
        using var runtime = Runtime(true);
        using var c = runtime.Load(Fixture("strings.wat"));
        using var instance = c.Instantiate();
        var cx = instance.ArgumentContext;
        var args = stackalloc Val[2];
        cx.MarkBulkSlots(args, 0b01, BulkValues.TwinThreshold);
        try
        {
            cx.IsBulkSlot(args, BulkValues.TwinThreshold - 1).Should().BeFalse();
            cx.IsBulkSlot(args, BulkValues.TwinThreshold).Should().BeTrue();
            cx.IsBulkSlot(args + 1, 1 << 20).Should().BeFalse("slot 1 is not a byte list of the twin");
            args[0] = default;
            args[0].Kind = ValKind.List;
            BulkValues.AnyEncoded(args, 0b01).Should().BeFalse("a list below the threshold sends the call to the plain export");
            BulkValues.Lower(new byte[BulkValues.TwinThreshold], args, cx);
            BulkValues.AnyEncoded(args, 0b01).Should().BeTrue();
        }
        finally
        {
            cx.MarkBulkSlots(null, 0);
            cx.Reset();
        }
    }

    [Fact]
    public void A_trap_inside_the_original_function_surfaces_as_it_does_without_the_adapter()
    {
        using var plain = Runtime(false);
        using var bulk = Runtime(true);
        using var p = plain.LoadText(TrapsWat);
        using var b = bulk.LoadText(TrapsWat);
        b.Bulk!.Functions.Should().HaveCount(2);
        var data = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        using (var pi = p.Instantiate())
        using (var bi = b.Instantiate())
        {
            bi.GetInterface<IBulkTraps>("").Check(data, 255).Should().Equal(data);
            bi.GetInterface<IBulkTraps>("").Count("héllo", data).Should().Be(306);
            var expected = Outcome(() => pi.GetInterface<IBulkTraps>("").Check(data, 200));
            var actual = Outcome(() => bi.GetInterface<IBulkTraps>("").Check(data, 200));
            expected.Should().StartWith("ComponentTrapException");
            actual.Should().Be(expected);

            // The store is poisoned the same way afterwards.
            Outcome(() => bi.GetInterface<IBulkTraps>("").Check(data, 255)).Should().Be(Outcome(() => pi.GetInterface<IBulkTraps>("").Check(data, 255)));
        }
    }

    [Fact]
    public void A_timeout_inside_the_original_function_surfaces_as_it_does_without_the_adapter()
    {
        const string Spin = """
            (component
              (core module $m
                (memory (export "memory") 1)
                (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 64))
                (func (export "spin") (param i32 i32) (result i32) (loop $l (br $l)) (i32.const 0)))
              (core instance $i (instantiate $m))
              (func (export "spin") (param "data" (list u8)) (result u32)
                (canon lift (core func $i "spin") (memory (core memory $i "memory")) (realloc (core func $i "realloc")))))
            """;
        using var plain = Runtime(false);
        using var bulk = Runtime(true);
        using var p = plain.LoadText(Spin);
        using var b = bulk.LoadText(Spin);
        b.Bulk.Should().NotBeNull();
        var options = new InstanceOptions { CallTimeout = TimeSpan.FromMilliseconds(50) };
        using var pi = p.Instantiate(options);
        using var bi = b.Instantiate(options);
        var expected = Outcome(() => pi.Invoke("spin", new byte[] { 1, 2, 3 }));
        expected.Should().StartWith("ComponentTimeoutException");
        Outcome(() => bi.Invoke("spin", new byte[] { 1, 2, 3 })).Should().Be(expected);
    }

    [Fact]
    public void The_disk_cache_stores_the_compiled_wrapper()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wasmdynamic-bulk-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new ComponentRuntimeOptions { CacheDirectory = dir, BulkByteAdapter = true };
            using (var first = new ComponentRuntime(options))
            using (var c = first.Load(Fixture("strings.wat")))
            {
                c.Bulk.Should().NotBeNull();
                first.CacheHits.Should().Be(0);
            }

            using var second = new ComponentRuntime(options);
            using var again = second.Load(Fixture("strings.wat"));
            second.CacheHits.Should().Be(1);
            again.Bulk.Should().NotBeNull();
            using var instance = again.Instantiate();
            instance.GetInterface<IBulkBytes>("").RoundtripListU8([1, 2, 3, 250]).Should().Equal(1, 2, 3, 250);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Mutations_of_real_components_load_or_throw_library_exceptions_with_the_adapter_on()
    {
        using var bulk = Runtime(true);
        var seeds = new[] { "strings.wat", "wasi-random.wat", "host-roundtrip.wat", "wit/alltypes.wat" }
            .Select(f => ComponentLoader.Wat2Wasm(File.ReadAllBytes(Fixture(f)), f)).ToList();
        var random = new Random(20261216);
        var budget = Stopwatch.StartNew();
        int total = 0, loaded = 0, wrapped = 0;
        while (total < 60 || (budget.Elapsed < TimeSpan.FromSeconds(15) && total < 400))
        {
            var seed = seeds[random.Next(seeds.Count)];
            var input = (byte[])seed.Clone();
            for (var k = random.Next(1, 3); k > 0; k--)
            {
                input[random.Next(8, input.Length)] ^= (byte)(1 << random.Next(8));
            }

            try
            {
                using var c = bulk.Load(input);
                loaded++;
                if (c.Bulk is not null)
                {
                    wrapped++;
                }
            }
            catch (Exception e) when (e is WasmDynamicException)
            {
            }

            total++;
        }

        output.WriteLine($"{total} mutated inputs, {loaded} loaded ({wrapped} wrapped), in {budget.Elapsed.TotalSeconds:F1} s");
        total.Should().BeGreaterThanOrEqualTo(60);
    }

    [Fact]
    public void Wrapped_mutations_of_real_components_called_through_their_twins_throw_only_library_exceptions_in_a_child_process()
    {
        // A child process: a mutation that validates but makes Wasmtime abort must not take the test host with it.
        var result = ChildProcess.Run("bulk-mutations", TimeSpan.FromSeconds(120));
        output.WriteLine(result.ToString());
        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().StartWith("OK ").And.Contain("only library exceptions");
    }

    [Fact]
    public void A_warm_one_MiB_echo_through_the_adapter_reuses_native_blocks_instead_of_faulting_fresh_pages_in_each_call()
    {
        // A child process, so that only this scenario's allocations count. Wasmtime allocates and frees three ~1.2 MB
        // blocks per such call; with glibc's default thresholds each is mapped afresh (~1,180 faults per call measured
        // here), with the allocator primed (NativeHeap) ~330 remain (the guest's own memory growth and the result array).
        var result = ChildProcess.Run("bulk-echo-page-faults", TimeSpan.FromSeconds(120));
        output.WriteLine(result.ToString());
        result.ExitCode.Should().Be(0, result.ToString());
        var faults = int.Parse(result.Output.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        faults.Should().BeLessThan(600, "large native blocks are reused after the first large transfer primed the allocator");
    }

    /// <summary>A random argument of a scalar, string or byte-list type (in the dynamic default type map).</summary>
    private static object Arbitrary(WitType t, Random r, int n)
    {
        if (BulkPlan.IsBytes(t))
        {
            var data = new byte[n == 7 ? 70_000 : n % 5 == 0 ? BulkValues.TwinThreshold - 1 + (n / 5 % 3) : r.Next(0, 300)];
            r.NextBytes(data);
            return data;
        }

        if (BulkPlan.IsBulkList(t))
        {
            // Sizes in bytes around the threshold and one large list; random bits, so floats include NaNs with payloads.
            var kind = ((WitPrimitive)((WitList)t).Element).PrimitiveKind;
            var size = 1 << BulkPlan.ElementShift(t);
            var bytes = n == 7 ? 70_000 : n % 5 == 0 ? BulkValues.TwinThreshold - size + (n / 5 % 3 * size) : r.Next(0, 300);
            var raw = new byte[bytes / size * size];
            r.NextBytes(raw);
            if (n % 3 == 1 && kind is WitTypeKind.F32 or WitTypeKind.F64)
            {
                // Quiet and signalling NaNs with payloads, infinities and negative zero among ordinary numbers.
                for (var i = 0; i + size <= raw.Length; i += size * 3)
                {
                    if (size == 4)
                    {
                        BitConverter.TryWriteBytes(raw.AsSpan(i), i % 2 == 0 ? 0x7FA0_0001u : 0xFFC0_1234u);
                    }
                    else
                    {
                        BitConverter.TryWriteBytes(raw.AsSpan(i), i % 2 == 0 ? 0x7FF4_0000_0000_0001UL : 0x8000_0000_0000_0000UL);
                    }
                }
            }

            return kind switch
            {
                WitTypeKind.U8 => raw,
                WitTypeKind.S8 => MemoryMarshal.Cast<byte, sbyte>(raw).ToArray(),
                WitTypeKind.U16 => MemoryMarshal.Cast<byte, ushort>(raw).ToArray(),
                WitTypeKind.S16 => MemoryMarshal.Cast<byte, short>(raw).ToArray(),
                WitTypeKind.U32 => MemoryMarshal.Cast<byte, uint>(raw).ToArray(),
                WitTypeKind.S32 => MemoryMarshal.Cast<byte, int>(raw).ToArray(),
                WitTypeKind.U64 => MemoryMarshal.Cast<byte, ulong>(raw).ToArray(),
                WitTypeKind.S64 => MemoryMarshal.Cast<byte, long>(raw).ToArray(),
                WitTypeKind.F32 => MemoryMarshal.Cast<byte, float>(raw).ToArray(),
                _ => MemoryMarshal.Cast<byte, double>(raw).ToArray(),
            };
        }

        // Integers stay small: some fixtures allocate what they are asked for.
        return t.Kind switch
        {
            WitTypeKind.Bool => r.Next(2) == 1,
            WitTypeKind.S8 => (sbyte)r.Next(-128, 128),
            WitTypeKind.U8 => (byte)r.Next(256),
            WitTypeKind.S16 => (short)r.Next(-300, 300),
            WitTypeKind.U16 => (ushort)r.Next(300),
            WitTypeKind.S32 => r.Next(-300, 300),
            WitTypeKind.U32 => (uint)r.Next(300),
            WitTypeKind.S64 => (long)r.Next(-300, 300),
            WitTypeKind.U64 => (ulong)r.Next(300),
            WitTypeKind.F32 => (float)(r.NextDouble() * 100),
            WitTypeKind.F64 => r.NextDouble() * 100,
            WitTypeKind.Char => new Rune(r.Next(2) == 0 ? r.Next('a', 'z') : r.Next(0x100, 0xD000)),
            _ => new string(Enumerable.Range(0, r.Next(0, 40)).Select(_ => (char)r.Next(0x20, 0x2FF)).ToArray()),
        };
    }

    /// <summary>What a call did, as text: the result (byte arrays spelled out) or the exception's type and message.</summary>
    internal static string Outcome(Func<object?> call)
    {
        try
        {
            return "ok " + Describe(call());
        }
        catch (Exception e)
        {
            return e.GetType().Name + (e is ComponentTrapException t ? " " + t.TrapCode : string.Empty) + ": " + e.Message;
        }
    }

    internal static string Outcome(Action call) => Outcome(() =>
    {
        call();
        return null;
    });

    private static string Describe(object? value) => value switch
    {
        null => "null",
        byte[] bytes => "bytes " + Convert.ToHexString(bytes),

        // Floats by their bits: a NaN's payload must come back as the plain path returns it.
        float f => "f32 " + BitConverter.SingleToUInt32Bits(f).ToString("x8", CultureInfo.InvariantCulture),
        double d => "f64 " + BitConverter.DoubleToUInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>().Select(Describe)) + "]",
        _ => value.GetType().Name + " " + value,
    };
}
