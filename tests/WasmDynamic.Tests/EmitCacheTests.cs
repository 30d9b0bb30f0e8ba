using System.Runtime.CompilerServices;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

public interface IUniqueAdd
{
    uint AddForCacheTest(uint a, uint b);
}

public interface IUniqueAddToCollect
{
    uint AddForCollectTest(uint a, uint b);
}

public class EmitCacheTests
{
    // A world no other test uses, so nothing else keeps its emitted types alive.
    private static string Wat(string name) => $$"""
(component
  (core module $m (func (export "f") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  (core instance $i (instantiate $m))
  (func (export "{{name}}") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "f")))
)
""";

    [Fact]
    public void Loading_the_same_component_twice_emits_its_proxy_types_once()
    {
        using var runtime = new ComponentRuntime();
        using var first = runtime.LoadText(Wat("add-for-cache-test"));
        using var second = runtime.LoadText(Wat("add-for-cache-test"));
        using var a = first.Instantiate();
        using var b = second.Instantiate();
        var pa = a.GetInterface<IUniqueAdd>("");
        var pb = b.GetInterface<IUniqueAdd>("");
        pa.GetType().Should().BeSameAs(pb.GetType());
        pa.AddForCacheTest(1, 2).Should().Be(3);
        pb.AddForCacheTest(3, 4).Should().Be(7);
        first.Types.Should().BeSameAs(second.Types);
    }

    [Fact]
    public void The_emitted_assembly_is_collected_after_the_component_and_its_instances_are_released()
    {
        using var runtime = new ComponentRuntime();
        var assembly = UseAndRelease(runtime);
        CollectWhileAlive(assembly);
        assembly.IsAlive.Should().BeFalse("nothing references the component, its instance or the emitted types any more");
    }

    [Fact]
    public void Emitted_record_and_variant_types_are_collected_after_use_through_their_emitted_codecs()
    {
        // The record and variant codecs are dynamic methods that reference the emitted data types: they must not keep
        // the collectible assembly alive once the component and its instances are released.
        using var runtime = new ComponentRuntime();
        var assembly = UseDataTypesAndRelease(runtime);
        CollectWhileAlive(assembly);
        assembly.IsAlive.Should().BeFalse("nothing references the component, its instance or the emitted types any more");
    }

    private static void CollectWhileAlive(WeakReference reference)
    {
        for (var i = 0; i < 20 && reference.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference UseDataTypesAndRelease(ComponentRuntime runtime)
    {
        const string Wat = """
(component
  (type $pair0 (record (field "a" u32) (field "b" u32)))
  (export $pair "pair-for-collect-test" (type $pair0))
  (type $v0 (variant (case "none") (case "num" u32)))
  (export $v "v-for-collect-test" (type $v0))
  (core module $m
    (memory (export "mem") 1)
    (func (export "sum") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
    (func (export "mk") (param i32) (result i32)
      (i32.store8 (i32.const 8) (i32.const 1)) (i32.store (i32.const 12) (local.get 0)) (i32.const 8)))
  (core instance $i (instantiate $m))
  (func (export "sum-pair-for-collect-test") (param "p" $pair) (result u32) (canon lift (core func $i "sum")))
  (func (export "mk-for-collect-test") (param "x" u32) (result $v) (canon lift (core func $i "mk") (memory (core memory $i "mem"))))
)
""";
        using var component = runtime.LoadText(Wat);
        using var instance = component.Instantiate();
        // Invoke, not dynamic: a C# dynamic call site caches the receiver's type in a static field of the caller.
        var value = instance.Invoke("mk-for-collect-test", 5u)!;
        value.GetType().GetProperty("Value")!.GetValue(value).Should().Be(5u);
        instance.Invoke("sum-pair-for-collect-test", new { A = 2u, B = 3u }).Should().Be(5u);
        instance.Invoke("sum-pair-for-collect-test", value.GetType().Assembly.GetTypes().Single(t => t.Name.Contains("Pair", StringComparison.OrdinalIgnoreCase)) is var pairType
            ? Activator.CreateInstance(pairType)! : null).Should().Be(0u);
        value.GetType().Assembly.IsCollectible.Should().BeTrue();
        return new WeakReference(value.GetType().Assembly);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference UseAndRelease(ComponentRuntime runtime)
    {
        using var component = runtime.LoadText(Wat("add-for-collect-test"));
        using var instance = component.Instantiate();
        var proxy = instance.GetInterface<IUniqueAddToCollect>("");
        proxy.AddForCollectTest(2, 2).Should().Be(4);
        proxy.GetType().Assembly.IsCollectible.Should().BeTrue();
        return new WeakReference(proxy.GetType().Assembly);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    /// <summary>Tests that measure process memory run alone, so other tests do not move the figures.</summary>
    public const string Name = "serial";
}

[Collection(SerialCollection.Name)]
public class MemoryTests
{
    [Fact]
    public void A_million_typed_scalar_calls_allocate_nothing_and_leave_memory_flat()
    {
        using var runtime = new ComponentRuntime();
        using var scalars = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "scalars.wat"));
        using var instance = scalars.Instantiate();
        var add = instance.GetInterface<IScalars>("");
        for (var i = 0; i < 1_000_000; i++)
        {
            add.Add(1, 2);
        }

        GC.Collect();
        var rssBefore = Environment.WorkingSet;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000_000; i++)
        {
            add.Add((uint)i, 1);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        GC.Collect();
        var rssGrowth = Environment.WorkingSet - rssBefore;
        allocated.Should().BeLessThan(100_000, "a typed scalar call allocates nothing on the managed heap");
        rssGrowth.Should().BeLessThan(16L * 1024 * 1024);
    }
}

[Collection(SerialCollection.Name)]
public class CompoundMemoryTests
{
    private const int Calls = 100_000;

    private static long AllocatedBy(Action call)
    {
        for (var i = 0; i < 5_000; i++)
        {
            call();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            call();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Typed_variant_option_and_result_calls_whose_values_are_structs_allocate_nothing()
    {
        using var runtime = new ComponentRuntime();
        using var compound = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "compound.wat"));
        using var instance = compound.Instantiate();
        var shapes = instance.GetInterface<IShapes>();
        Shape rect = new Shape.Rect(new Point(3, 4));
        var some = Option<uint?>.Some(5);
        var ok = Result<uint, string>.Ok(7);

        // Less than a byte a call: nothing per call (the first calls of a tier-up may allocate a little).
        AllocatedBy(() => shapes.Area(rect)).Should().BeLessThan(Calls, "a variant argument with a record payload is lowered without boxing");
        AllocatedBy(() => shapes.RoundtripNestedOptions(some)).Should().BeLessThan(Calls, "nested options of a scalar are lowered and lifted without boxing");
        AllocatedBy(() => shapes.RoundtripResult(ok)).Should().BeLessThan(Calls, "an ok result of a scalar is lowered and lifted without boxing");
        AllocatedBy(() => shapes.RoundtripPoint(new Point(1, 2))).Should().BeLessThan(Calls, "a record struct is lowered and lifted without boxing");
    }

    [Fact]
    public void A_typed_call_whose_guest_calls_two_host_imports_allocates_only_the_string_the_host_receives()
    {
        using var runtime = new ComponentRuntime();
        using var imports = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "imports.wat"));
        var logger = new LastLogger();
        using var instance = imports.Instantiate(new { Logger = logger, GetNumber = (Func<uint>)(() => 41) });
        var runner = instance.GetInterface<IImportRunner>("");
        const string message = "a message for the host's logger";
        runner.Run(message).Should().Be(42);
        logger.Last.Should().Be(message);

        // run(msg) = one export call with a string, then log(u8, string) and get-number() -> u32 in the host. The
        // message decoded for Log is a new string each call (22 bytes of header and length plus 2 per char, rounded
        // up to 8); nothing else may be allocated: no boxes, closures, arrays or argument objects.
        var perString = (22 + (2L * message.Length) + 7) / 8 * 8;
        AllocatedBy(() => runner.Run(message)).Should().BeLessThan(Calls * (perString + 1), "the host-import path lifts scalars and strings in place and lowers the u32 in place");
    }

    [Fact]
    public void A_64_KiB_string_result_is_decoded_straight_into_the_string_without_a_buffer_besides_it()
    {
        using var runtime = new ComponentRuntime();
        using var strings = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "strings.wat"));
        using var instance = strings.Instantiate();
        var echo = instance.GetInterface<IStrings>("");
        var text = new string('a', 64 * 1024);
        echo.Echo(text).Should().Be(text);
        const int calls = 50;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++)
        {
            echo.Echo(text);
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / calls;

        // The string itself is 128 KiB of UTF-16 plus its header; a UTF-8 copy or a char buffer would add 64-128 KiB.
        perCall.Should().BeInRange(2L * text.Length, (2L * text.Length) + 1024, "the result's UTF-8 is decoded from native memory into the string, and the argument encoded into native memory");
    }

    [Fact]
    public void A_dynamic_scalar_call_with_arguments_of_the_parameter_types_allocates_only_the_boxed_result()
    {
        using var runtime = new ComponentRuntime();
        using var scalars = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "scalars.wat"));
        using var instance = scalars.Instantiate();
        dynamic exports = instance.Exports;
        uint a = 40, b = 2;
        var allocated = AllocatedBy(() =>
        {
            uint r = exports.Add(a, b);
            a = r - 2;
        });

        // One boxed uint (24 bytes on 64-bit) for the call site's object result; the arguments are not boxed.
        (allocated / Calls).Should().BeLessThanOrEqualTo(24, "arguments already of the parameter types pass to the typed proxy as they are");
        a.Should().Be(40);
    }
}

[Collection(SerialCollection.Name)]
public class StringMemoryTests
{
    [Fact]
    public void Many_string_calls_into_a_real_guest_allocator_leave_memory_flat()
    {
        // The hand-written WAT fixtures use a bump allocator that never frees; the JS guest frees after each call.
        using var runtime = new ComponentRuntime(new ComponentRuntimeOptions { CacheDirectory = JsDemoFixture.SharedCacheDirectory });
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "js", "demo.wasm"));
        using var instance = component.Instantiate(new { Logger = new Action<byte, string>((_, _) => { }) });
        var calc = instance.GetInterface<ICalcRoot>("");
        var name = new string('x', 1024);
        for (var i = 0; i < 3_000; i++)
        {
            calc.Greet(name);
        }

        GC.Collect();
        var rssBefore = Environment.WorkingSet;
        for (var i = 0; i < 20_000; i++)
        {
            calc.Greet(name);
        }

        GC.Collect();
        var rssGrowth = Environment.WorkingSet - rssBefore;
        rssGrowth.Should().BeLessThan(32L * 1024 * 1024, "results are freed and argument memory is reused");
    }
}

public interface IImportRunner
{
    uint Run(string msg);
}

internal sealed class LastLogger
{
    public string Last = string.Empty;

    public void Log(byte level, string msg) => Last = msg;
}
