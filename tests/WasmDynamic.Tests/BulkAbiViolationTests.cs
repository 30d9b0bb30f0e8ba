using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

public interface IAbiBreaker
{
    void SetMode(uint mode);

    uint Sum8(byte[] x);

    uint Sum32(uint[] x);

    uint Greet(string s);

    byte[] Echo8(byte[] x);

    uint[] Echo32(uint[] x);

    string Name(byte[] x);

    uint Tag(byte[] x, string s);
}

/// <summary>
/// A guest that breaks the canonical ABI in each way the flat twin checks on its behalf (BulkAdapter/AbiViolations.cs):
/// its realloc returns a misaligned or out-of-bounds block, its return area or the list in it is misaligned or outside
/// its memory. With the adapter the call fails exactly as without it: Wasmtime's words, the same trap code, no adapter
/// frame, the instance poisoned.
/// </summary>
public class BulkAbiViolationTests
{
    internal const string Wat = """
        (component
          (core module $m
            (memory (export "memory") 1)
            (global $mode (mut i32) (i32.const 0))
            (func (export "set-mode") (param i32) (global.set $mode (local.get 0)))
            (func (export "realloc") (param i32 i32 i32 i32) (result i32)
              (if (i32.eq (global.get $mode) (i32.const 1)) (then (return (i32.const 65530))))
              (if (i32.eq (global.get $mode) (i32.const 2)) (then (return (i32.const 1026))))
              ;; One good block, then blocks beyond the end.
              (if (i32.eq (global.get $mode) (i32.const 7)) (then (global.set $mode (i32.const 1)) (return (i32.const 1024))))
              (i32.const 1024))
            (func (export "sum") (param i32 i32) (result i32) (local.get 1))
            (func (export "sum4") (param i32 i32 i32 i32) (result i32) (local.get 3))
            (func $area (param $p i32) (param $n i32) (result i32)
              (if (i32.eq (global.get $mode) (i32.const 3)) (then (return (i32.const 18))))
              (if (i32.eq (global.get $mode) (i32.const 4)) (then (local.set $p (i32.const 60000)) (local.set $n (i32.const 10000))))
              (if (i32.eq (global.get $mode) (i32.const 5)) (then (local.set $p (i32.const 1026))))
              (if (i32.eq (global.get $mode) (i32.const 6)) (then (local.set $n (i32.const 0x40000001))))
              (i32.store (i32.const 16) (local.get $p))
              (i32.store (i32.const 20) (local.get $n))
              (i32.const 16))
            (func (export "echo") (param i32 i32) (result i32) (call $area (local.get 0) (local.get 1))))
          (core instance $i (instantiate $m))
          (func (export "set-mode") (param "mode" u32) (canon lift (core func $i "set-mode")))
          (func (export "sum8") (param "x" (list u8)) (result u32)
            (canon lift (core func $i "sum") (memory (core memory $i "memory")) (realloc (core func $i "realloc"))))
          (func (export "sum32") (param "x" (list u32)) (result u32)
            (canon lift (core func $i "sum") (memory (core memory $i "memory")) (realloc (core func $i "realloc"))))
          (func (export "greet") (param "s" string) (result u32)
            (canon lift (core func $i "sum") (memory (core memory $i "memory")) (realloc (core func $i "realloc"))))
          (func (export "echo8") (param "x" (list u8)) (result (list u8))
            (canon lift (core func $i "echo") (memory (core memory $i "memory")) (realloc (core func $i "realloc"))))
          (func (export "echo32") (param "x" (list u32)) (result (list u32))
            (canon lift (core func $i "echo") (memory (core memory $i "memory")) (realloc (core func $i "realloc"))))
          (func (export "name") (param "x" (list u8)) (result string)
            (canon lift (core func $i "echo") (memory (core memory $i "memory")) (realloc (core func $i "realloc"))))
          (func (export "tag") (param "x" (list u8)) (param "s" string) (result u32)
            (canon lift (core func $i "sum4") (memory (core memory $i "memory")) (realloc (core func $i "realloc")))))
        """;

    private static ComponentRuntime Runtime(bool bulk) =>
        new(new ComponentRuntimeOptions { UseCompiledComponentCache = false, BulkByteAdapter = bulk });

    private const string ReallocBeyondEnd = "realloc return: beyond end of memory";
    private const string ListOutOfBounds = "list pointer/length out of bounds of memory";
    private const string StringOutOfBounds = "string pointer/length out of bounds of memory";
    private const string ReturnNotAligned = "return pointer not aligned";

    /// <summary>(mode, function, Wasmtime's words on the plain path.)</summary>
    public static TheoryData<uint, string, string> Cases => new()
    {
        { 1, "sum8", ReallocBeyondEnd },
        { 1, "sum32", "realloc return: result not aligned" },
        { 2, "sum32", "realloc return: result not aligned" },
        { 7, "tag", ReallocBeyondEnd },
        { 3, "echo8", ReturnNotAligned },
        { 3, "echo32", ReturnNotAligned },
        { 3, "name", ReturnNotAligned },
        { 4, "echo8", ListOutOfBounds },
        { 4, "echo32", ListOutOfBounds },
        { 4, "name", StringOutOfBounds },
        { 5, "echo32", "list pointer is not aligned" },
        { 6, "echo8", ListOutOfBounds },
        { 6, "echo32", ListOutOfBounds },
        { 6, "name", StringOutOfBounds },
    };

    private static string Call(IAbiBreaker p, uint mode, string f)
    {
        p.SetMode(mode);
        var bytes = new byte[4096];
        var words = new uint[1024];
        return f switch
        {
            "sum8" => BulkAdapterTests.Outcome(() => p.Sum8(bytes)),
            "sum32" => BulkAdapterTests.Outcome(() => p.Sum32(words)),
            "tag" => BulkAdapterTests.Outcome(() => p.Tag(bytes, new string('a', 100))),
            "echo8" => BulkAdapterTests.Outcome(() => p.Echo8(bytes)),
            "echo32" => BulkAdapterTests.Outcome(() => p.Echo32(words)),
            _ => BulkAdapterTests.Outcome(() => p.Name(bytes)),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_canonical_ABI_violation_under_the_flat_twin_fails_as_on_the_plain_path(uint mode, string f, string words)
    {
        using var plain = Runtime(false);
        using var bulk = Runtime(true);
        using var p = plain.LoadText(Wat);
        using var b = bulk.LoadText(Wat);
        b.Bulk.Should().NotBeNull();
        b.Bulk!.Flat.Should().BeTrue();
        using var pi = p.Instantiate();
        using var bi = b.Instantiate();
        var expected = Call(pi.GetInterface<IAbiBreaker>(string.Empty), mode, f);
        var actual = Call(bi.GetInterface<IAbiBreaker>(string.Empty), mode, f);

        expected.Should().StartWith($"{nameof(ComponentTrapException)} {nameof(ComponentTrapCode.InvalidValue)}: {words}. In component function '{f}'");
        actual.Should().Be(expected);
        actual.Should().NotContain(BulkAdapter.WrapperGenerator.ModuleName).And.NotContain("unreachable");
        bi.Invoker(null, b.World.ExportedFunctions.Single(x => x.Name == f)).TwinCalls.Should().Be(1, "the call took the twin");
        bi.IsPoisoned.Should().BeTrue("as on the plain path");
        pi.IsPoisoned.Should().BeTrue();
    }

    [Fact]
    public void A_well_behaved_call_of_the_same_guest_takes_the_twin_and_succeeds()
    {
        using var bulk = Runtime(true);
        using var b = bulk.LoadText(Wat);
        using var bi = b.Instantiate();
        var proxy = bi.GetInterface<IAbiBreaker>(string.Empty);
        var bytes = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();
        proxy.Sum8(bytes).Should().Be(4096u);
        proxy.Echo8(bytes).Should().Equal(bytes);
        proxy.Tag(bytes, "hello").Should().Be(5u);
        proxy.Name(Enumerable.Repeat((byte)'z', 100).ToArray()).Should().Be(new string('z', 100));
        bi.Invoker(null, b.World.ExportedFunctions.Single(x => x.Name == "echo8")).TwinCalls.Should().Be(1);
    }
}
