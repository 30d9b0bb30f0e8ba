using System.Diagnostics;
using FluentAssertions;
using WasmDynamic.Native;
using WasmDynamic.Wit;
using Xunit;
using Xunit.Abstractions;

namespace WasmDynamic.Tests;

/// <summary>
/// Mutation fuzzing of the managed component reader (<see cref="WitWorld.Read(ReadOnlySpan{byte})"/>): inputs derived
/// from the real fixtures by bit flips, byte inserts and deletes, truncations, LEB128 edge values and huge
/// counts/lengths, plus synthesized deep nesting. Every input must either read or throw
/// <see cref="ComponentLoadException"/>; anything else (another exception, a hang, a crash) fails. Seeds are fixed, so a
/// failure reproduces; the run is bounded in time.
/// </summary>
public class ComponentReaderFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Fixtures =
    [
        "compound.wat", "host-resources-more.wat", "host-resources.wat", "host-roundtrip.wat", "imports.wat",
        "resource-containers.wat", "resources.wat", "scalars.wat", "strings.wat", "wasi-env.wat", "wasi-files.wat",
        "wasi-random.wat", "wasi-stdout.wat", "wit/alltypes.wat", "wit/keywords.wat", "wit/map.wat", "wit/uses.wat",
        "wit/world.wat", "identity/abort.wat", "identity/same-shape.wat", "identity/things.wat", "identity/random.wat",
        "identity/world-types.wat", "identity/import-export.wat", "identity/same-shape-exports.wat", "identity/renamed-use.wat",
    ];

    private static byte[] Binary(string fixture)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture);
        return ComponentLoader.Wat2Wasm(File.ReadAllBytes(path), fixture);
    }

    /// <summary>Reads <paramref name="input"/>; true when it read, false for a <see cref="ComponentLoadException"/>.</summary>
    private static bool Read(byte[] input)
    {
        try
        {
            WitWorld.Read(input).ToWit();
            return true;
        }
        catch (ComponentLoadException e)
        {
            e.Message.Should().Contain("byte offset");
            return false;
        }
    }

    [Fact]
    public void Every_fixture_reads()
    {
        foreach (var fixture in Fixtures)
        {
            Read(Binary(fixture)).Should().BeTrue(fixture);
        }
    }

    [Fact]
    public void Mutations_of_real_components_read_or_throw_ComponentLoadException()
    {
        var seeds = Fixtures.Select(Binary).ToList();
        var budget = Stopwatch.StartNew();
        var random = new Random(20261201);
        int total = 0, read = 0;
        while (total < 6000 || (budget.Elapsed < TimeSpan.FromSeconds(12) && total < 40000))
        {
            var seed = seeds[random.Next(seeds.Count)];
            var input = Mutate(seed, random);
            try
            {
                if (Read(input))
                {
                    read++;
                }
            }
            catch (Exception e) when (e is not ComponentLoadException)
            {
                throw new Xunit.Sdk.XunitException($"input #{total} (seed {Convert.ToHexString(input)}) threw {e}");
            }

            total++;
            if (budget.Elapsed > TimeSpan.FromSeconds(20))
            {
                break;
            }
        }

        output.WriteLine($"{total} mutated inputs, {read} read, {total - read} rejected, in {budget.Elapsed.TotalSeconds:F1} s");
        total.Should().BeGreaterThanOrEqualTo(3000);
        (total - read).Should().BeGreaterThan(0, "mutations must also produce malformed inputs");
    }

    [Fact]
    public void The_componentize_js_component_survives_mutations_of_its_component_sections()
    {
        // The 12 MB component is mostly core modules, which the reader skips; mutate only the last 64 KiB (types,
        // imports, aliases, canon, exports), and truncate at many places.
        var seed = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "js", "demo.wasm"));
        Read(seed).Should().BeTrue();
        var random = new Random(7);
        for (var n = 0; n < 300; n++)
        {
            var input = (byte[])seed.Clone();
            var at = input.Length - 1 - random.Next(Math.Min(input.Length - 8, 65536));
            input[at] ^= (byte)(1 << random.Next(8));
            Read(input);
        }

        for (var n = 0; n < 40; n++)
        {
            Read(seed[..random.Next(8, seed.Length)]);
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(5000)]
    public void Deep_nesting_is_rejected_or_read_without_a_crash(int depth)
    {
        // Nested components, nested instance types, and a chain of list types, each `depth` deep.
        Read(NestedComponents(depth));
        Read(NestedInstanceTypes(depth));
        Read(ListChain(depth));
    }

    [Fact]
    public void Deep_nesting_past_the_limits_names_the_limit()
    {
        var act = () => WitWorld.Read(NestedComponents(1000));
        act.Should().Throw<ComponentLoadException>().WithMessage("*nest deeper than*byte offset*");
        act = () => WitWorld.Read(ListChain(10_000));
        act.Should().Throw<ComponentLoadException>().WithMessage("*nests deeper than*");
    }

    [Fact]
    public void Huge_counts_and_lengths_are_rejected_before_allocating()
    {
        // A type section that declares 0xFFFFFFFF entries, and an import whose name claims 4 GiB.
        var act = () => WitWorld.Read([.. Preamble, 7, 5, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);
        act.Should().Throw<ComponentLoadException>().WithMessage("*count of 4294967295 entries*type section*");
        act = () => WitWorld.Read([.. Preamble, 10, 7, 1, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);
        act.Should().Throw<ComponentLoadException>().WithMessage("*string of 4294967295 bytes*import section*");
        act = () => WitWorld.Read([.. Preamble, 7, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);
        act.Should().Throw<ComponentLoadException>().WithMessage("*section 7 declares 4294967295 bytes*");
        act = () => WitWorld.Read([.. Preamble, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
        act.Should().Throw<ComponentLoadException>().WithMessage("*longer than 5 bytes*");
    }

    [Fact]
    public void Types_that_WIT_cannot_name_are_not_part_of_the_world()
    {
        // The shape of a WIT package encoded as a component: a component type exported as a type, and a function type.
        var binary = ComponentLoader.Wat2Wasm(
            """
            (component
              (type (component (export "t:p/i" (instance (export "f" (func))))))
              (export "t:p/w" (type 0))
              (type (func))
              (export "f-type" (type 2)))
            """u8, "package.wat");
        var world = WitWorld.Read(binary);
        world.ExportedTypes.Should().BeEmpty();
        world.ExportOrder.Should().BeEmpty();
        world.ToWit().Should().Be("package root:component;\n\nworld root {\n}\n");
    }

    [Fact]
    public void Not_a_component_is_rejected()
    {
        var act = () => WitWorld.Read([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]);
        act.Should().Throw<ComponentLoadException>().WithMessage("*core module*");
        act = () => WitWorld.Read([1, 2, 3]);
        act.Should().Throw<ComponentLoadException>().WithMessage("*preamble*");
    }

    private static readonly byte[] Preamble = [0x00, 0x61, 0x73, 0x6D, 0x0D, 0x00, 0x01, 0x00];

    private static readonly byte[][] Leb128Edges =
    [
        [0x00], [0x7F], [0x80, 0x01], [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
        [0x80, 0x80, 0x80, 0x80, 0x80, 0x00], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [0x40], [0x3F], [0x80, 0x80, 0x80, 0x80, 0x10],
    ];

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var data = new List<byte>(seed);
        var edits = 1 + random.Next(4);
        for (var e = 0; e < edits && data.Count > 8; e++)
        {
            var at = 8 + random.Next(data.Count - 8);
            switch (random.Next(7))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data.Insert(at, (byte)random.Next(256));
                    break;
                case 2:
                    data.RemoveAt(at);
                    break;
                case 3:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 4:
                {
                    var edge = Leb128Edges[random.Next(Leb128Edges.Length)];
                    var length = Math.Min(edge.Length, data.Count - at);
                    data.RemoveRange(at, length);
                    data.InsertRange(at, edge);
                    break;
                }

                case 5:
                    data[at] = (byte)random.Next(256);
                    break;
                default:
                {
                    // Duplicate a slice: repeated sections and entries.
                    var length = Math.Min(random.Next(1, 64), data.Count - at);
                    data.InsertRange(at, data.GetRange(at, length));
                    break;
                }
            }
        }

        return data.ToArray();
    }

    private static byte[] Leb(uint value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);

        return bytes.ToArray();
    }

    private static byte[] Section(byte id, byte[] body) => [id, .. Leb((uint)body.Length), .. body];

    private static byte[] NestedComponents(int depth)
    {
        byte[] component = Preamble;
        for (var n = 0; n < depth; n++)
        {
            component = [.. Preamble, .. Section(4, component)];
        }

        return component;
    }

    private static byte[] NestedInstanceTypes(int depth)
    {
        // (type (instance (type (instance ... )))) : 0x42 count=1 decl 0x01 <type>
        byte[] type = [0x42, 0x00];
        for (var n = 0; n < depth; n++)
        {
            type = [0x42, 0x01, 0x01, .. type];
        }

        return [.. Preamble, .. Section(7, [0x01, .. type])];
    }

    private static byte[] ListChain(int depth)
    {
        // type 0 = list<u8>, type n = list<type n-1>, then an import of a function returning the last one.
        var body = new List<byte>();
        body.AddRange(Leb((uint)depth + 1));
        body.AddRange([0x70, 0x7D]);
        for (var n = 1; n < depth; n++)
        {
            body.Add(0x70);
            body.AddRange(SignedIndex((uint)n - 1));
        }

        body.AddRange([0x40, 0x00, 0x00]);
        body.AddRange(SignedIndex((uint)depth - 1));
        var import = new List<byte> { 0x01, 0x00, 0x01, (byte)'f', 0x01 };
        import.AddRange(Leb((uint)depth));
        return [.. Preamble, .. Section(7, body.ToArray()), .. Section(10, import.ToArray())];
    }

    /// <summary>A type index as the s33 a value type is read as (so that 0x40.. is not taken for a negative number).</summary>
    private static byte[] SignedIndex(uint value)
    {
        var bytes = new List<byte>();
        long v = value;
        while (true)
        {
            var b = (byte)(v & 0x7F);
            v >>= 7;
            if (v == 0 && (b & 0x40) == 0)
            {
                bytes.Add(b);
                return bytes.ToArray();
            }

            bytes.Add((byte)(b | 0x80));
        }
    }
}
