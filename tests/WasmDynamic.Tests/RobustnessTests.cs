using System.Diagnostics;
using FluentAssertions;
using WasmDynamic.Native;
using Xunit;
using Xunit.Abstractions;

namespace WasmDynamic.Tests;

public interface IStringEcho
{
    string CallString(string x);
    Color CallColor(Color c);
}

[Collection(SerialCollection.Name)]
public class RobustnessTests(ITestOutputHelper output)
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void Thousands_of_mutated_components_and_wat_texts_give_only_library_exceptions()
    {
        using var runtime = new ComponentRuntime(new ComponentRuntimeOptions { ConsumeFuel = true });
        var random = new Random(12345);
        var seeds = new[] { "scalars.wat", "strings.wat", "compound.wat", "imports.wat", "resources.wat" }
            .Select(f => (Text: File.ReadAllText(Fixture(f)), Binary: ComponentLoader.Wat2Wasm(File.ReadAllBytes(Fixture(f)), f)))
            .ToArray();
        var stopwatch = Stopwatch.StartNew();
        int inputs = 0, loaded = 0, instantiated = 0, calls = 0;
        var unexpected = new List<string>();
        while (inputs < 4000 && stopwatch.Elapsed < TimeSpan.FromSeconds(40))
        {
            var seed = seeds[random.Next(seeds.Length)];
            var text = inputs % 4 == 3;
            var bytes = text ? System.Text.Encoding.UTF8.GetBytes(MutateText(seed.Text, random)) : MutateBinary(seed.Binary, random);
            inputs++;
            try
            {
                using var component = text ? runtime.LoadText(System.Text.Encoding.UTF8.GetString(bytes), "mutant.wat") : runtime.Load(bytes);
                loaded++;
                using var instance = component.Instantiate(new InstanceOptions { TrapUnimplementedImports = true, FuelPerCall = 100_000, MaxMemoryBytes = 16 << 20 });
                instantiated++;
                foreach (var f in component.World.ExportedFunctions.Where(f => f.Parameters.Count == 0))
                {
                    calls++;
                    try
                    {
                        instance.Exports[f.Name]();
                    }
                    catch (WasmDynamicException)
                    {
                    }
                }
            }
            catch (WasmDynamicException)
            {
            }
            catch (Exception e)
            {
                unexpected.Add($"{e.GetType().Name}: {e.Message}");
            }
        }

        output.WriteLine($"fuzzed {inputs} inputs in {stopwatch.Elapsed.TotalSeconds:0.0} s: {loaded} loaded, {instantiated} instantiated, {calls} calls; unexpected exceptions: {unexpected.Count}");
        unexpected.Should().BeEmpty();
        inputs.Should().BeGreaterThan(1000);
        loaded.Should().BeGreaterThan(0, "some mutations keep the component valid, so calls are fuzzed too");
    }

    private static byte[] MutateBinary(byte[] seed, Random random)
    {
        var bytes = seed.ToList();
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(8, bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.RemoveRange(at, Math.Min(random.Next(1, 16), bytes.Count - at)); break;
                case 3: bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 8)).Select(_ => (byte)random.Next(256))); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }

            if (bytes.Count <= 9)
            {
                break;
            }
        }

        return bytes.ToArray();
    }

    private static string MutateText(string seed, Random random)
    {
        var chars = seed.ToCharArray().ToList();
        var edits = random.Next(1, 4);
        const string alphabet = "()\"$ 0123456789abcdefghijklmnopqrstuvwxyz.-_;\n";
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(chars.Count);
            switch (random.Next(3))
            {
                case 0: chars[at] = alphabet[random.Next(alphabet.Length)]; break;
                case 1: chars.RemoveAt(at); break;
                default: chars.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
            }
        }

        return new string(chars.ToArray());
    }

    [Fact]
    public void Thousands_of_load_instantiate_call_dispose_cycles_keep_memory_and_emitted_assemblies_bounded()
    {
        using var runtime = new ComponentRuntime();
        const int cycles = 1500;
        void Cycle(int i)
        {
            // A different world every cycle, so every cycle emits (and must release) its own assembly.
            using var component = runtime.LoadText($$"""
(component
  (core module $m (func (export "f") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  (core instance $i (instantiate $m))
  (func (export "add-{{i}}") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "f")))
)
""");
            using var instance = component.Instantiate();

            // A C# dynamic call site caches a rule per receiver type, which keeps that type alive: a host that loads
            // ever new components reaches them through the indexer (or GetInterface<T>), whose rules are shared.
            var exports = (ComponentProxy)instance.Exports;
            object add = exports[$"add-{i}"];
            ((uint)((dynamic)add)(i, 1)).Should().Be((uint)i + 1);
        }

        for (var i = 0; i < 100; i++)
        {
            Cycle(i);
        }

        Settle();
        var rssBefore = Environment.WorkingSet;
        var managedBefore = GC.GetTotalMemory(true);
        for (var i = 100; i < cycles; i++)
        {
            Cycle(i);
        }

        Settle();
        var rssGrowth = Environment.WorkingSet - rssBefore;
        var managedGrowth = GC.GetTotalMemory(true) - managedBefore;
        var liveWorlds = Emit.WorldTypes.LiveCount;
        output.WriteLine($"{cycles} cycles: RSS {rssBefore / 1048576} MB -> {Environment.WorkingSet / 1048576} MB, managed growth {managedGrowth / 1024} KB, live emitted worlds {liveWorlds}");
        var emittedAssemblies = AppDomain.CurrentDomain.GetAssemblies().Count(a => a.GetName().Name!.StartsWith("WasmDynamic.Emitted", StringComparison.Ordinal));
        output.WriteLine($"emitted assemblies still loaded: {emittedAssemblies}");
        liveWorlds.Should().BeLessThan(50, "emitted types of released components are collected");
        emittedAssemblies.Should().BeLessThan(100, "their collectible assemblies are unloaded");
        managedGrowth.Should().BeLessThan(16L << 20);
        rssGrowth.Should().BeLessThan(96L << 20);
    }

    private static void Settle()
    {
        for (var i = 0; i < 5; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [Fact]
    public void A_failure_deep_in_a_guest_host_guest_chain_is_reported_with_its_cause_and_leaves_nothing_behind()
    {
        using var runtime = new ComponentRuntime();
        using var outerComponent = runtime.Load(Fixture("imports.wat"));
        using var innerComponent = runtime.Load(Fixture("runaway.wat"));
        using var inner = innerComponent.Instantiate();
        var innerApi = inner.GetInterface<IRunaway>("");
        var logged = new List<string>();
        using var outer = outerComponent.Instantiate(new ComponentImports()
            .Add("demo:host/logger", new Action<byte, string>((_, m) => logged.Add(m)))
            .Add("get-number", (Func<uint>)(() =>
            {
                innerApi.Add(1, 1);
                innerApi.Boom();
                return 0;
            })));
        var e = ((Action)(() => ((dynamic)outer.Exports).Run("deep"))).Should().Throw<ComponentTrapException>().Which;
        e.TrapCode.Should().Be(ComponentTrapCode.HostError);
        var cause = e.InnerException.Should().BeOfType<ComponentTrapException>().Which;
        cause.TrapCode.Should().Be(ComponentTrapCode.Unreachable);
        cause.Function.Should().Be("boom");
        logged.Should().Equal("deep");
        innerApi.Invoking(x => x.Add(1, 1)).Should().Throw<ComponentInstancePoisonedException>();

        using var again = innerComponent.Instantiate();
        again.GetInterface<IRunaway>("").Add(2, 3).Should().Be(5, "nothing else was left broken");
    }

    [Fact]
    public void Host_methods_returning_values_that_do_not_fit_give_library_exceptions_quoting_the_wit_signature()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Fixture("host-roundtrip.wat"));
        using var nullString = component.Instantiate(new ComponentImports().Add("demo:host/values", new BadHost()));
        var g = nullString.GetInterface<IStringEcho>("");
        var e = g.Invoking(x => x.CallString("x")).Should().Throw<ComponentTrapException>().Which;
        e.Message.Should().Contain("echo-string: func(x: string) -> string");
        e.InnerException.Should().BeOfType<ComponentArgumentException>();

        using var badEnum = component.Instantiate(new ComponentImports().Add("demo:host/values", new BadHost()));
        var f = badEnum.GetInterface<IStringEcho>("").Invoking(x => x.CallColor(Color.Red)).Should().Throw<ComponentTrapException>().Which;
        f.Message.Should().Contain("echo-color: func(c: color) -> color");
        f.InnerException.Should().BeOfType<ComponentArgumentException>().Which.Message.Should().Contain("999");
    }

    private sealed class BadHost : EchoHost
    {
        public override string EchoString(string x) => null!;

        public override Color EchoColor(Color c) => (Color)999;
    }
}
