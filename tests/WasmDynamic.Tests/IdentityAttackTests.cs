using FluentAssertions;
using WasmDynamic.Wit;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary><c>point</c> of the imported t:a/x (Fixtures/identity/host-same-shape.wat).</summary>
public sealed record XPoint(uint X);

/// <summary><c>point</c> of the imported t:b/y: the same shape as <see cref="XPoint"/>, another WIT type.</summary>
public sealed record YPoint(uint X);

public sealed class XHost
{
    public Type? Seen { get; private set; }

    public XPoint F(XPoint p)
    {
        Seen = p.GetType();
        return new XPoint(p.X + 1);
    }
}

public sealed class YHost
{
    public Type? Seen { get; private set; }

    public YPoint F(YPoint p)
    {
        Seen = p.GetType();
        return new YPoint(p.X + 2);
    }
}

/// <summary><c>r</c> of the imported t:x/a (Fixtures/identity/import-export-records.wat).</summary>
public sealed record ImportedR(uint A);

/// <summary><c>r</c> of the exported t:x/a: the same name and interface, another shape.</summary>
public sealed record ExportedR(ulong A);

public sealed class AHost
{
    public ImportedR F(uint v) => new(v * 2);
}

[WitName("t:x/a")]
public interface IExportedA
{
    ExportedR G(uint v);
}

/// <summary>Shapes found while attacking identity (issue 11 review).</summary>
public class IdentityAttackTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "identity", name);

    /// <summary>
    /// A small binary whose functions all refer to one large type (each type is under the reader's size limit): 19 KB
    /// of WAT text, 2^18 nodes per reference spelled out, times <paramref name="functions"/>.
    /// </summary>
    private static byte[] TypeBomb(int functions)
    {
        var wat = new System.Text.StringBuilder("(component (import \"t:b/bomb\" (instance (type $t0 (tuple u32 u32))\n");
        for (var i = 1; i < 18; i++)
        {
            wat.Append($"(type $t{i} (tuple $t{i - 1} $t{i - 1}))\n");
        }

        wat.Append("(type $ft (func (param \"p\" $t17)))\n");
        for (var i = 0; i < functions; i++)
        {
            wat.Append($"(export \"f{i}\" (func (type $ft)))\n");
        }

        return Native.ComponentLoader.Wat2Wasm(System.Text.Encoding.UTF8.GetBytes(wat.Append(")))").ToString()), "bomb.wat");
    }

    [Fact]
    public void Many_functions_referring_to_one_large_type_are_refused_instead_of_hashing_and_printing_for_hours()
    {
        // Before: WitWorld.Read returned in 0.1 s, then GetHashCode (the emitted-types cache key) and ToWit walked
        // 200 x 2^18 nodes (ToWit: gigabytes of text); Load hung in the same place.
        var binary = TypeBomb(200);
        var read = () => WitWorld.Read(binary);
        read.Should().Throw<ComponentLoadException>().WithMessage("*larger than 4000000 when spelled out*");

        using var runtime = new ComponentRuntime();
        var load = () => runtime.Load(binary, "bomb");
        load.Should().Throw<ComponentLoadException>();
    }

    [Fact]
    public void Instantiating_a_component_of_large_types_many_times_is_bounded_by_its_real_cost()
    {
        // Before: each instantiation counted as one step per item whatever its size; 30 records of 3000 fields
        // instantiated 4000 times (600 KB) took 26 s in WitWorld.Read. Fields now count as steps.
        var fields = string.Concat(Enumerable.Range(0, 3000).Select(i => $"(field \"f{i}\" u32)"));
        var wat = $"(component (component $c (type (record {fields}))) {string.Concat(Enumerable.Repeat("(instance (instantiate $c))", 2000))})";
        var binary = Native.ComponentLoader.Wat2Wasm(System.Text.Encoding.UTF8.GetBytes(wat), "instances.wat");
        var read = () => WitWorld.Read(binary);
        read.Should().Throw<ComponentLoadException>().WithMessage("*takes more than 4000000 steps*");
    }

    [Fact]
    public void A_few_references_to_a_large_type_still_read_hash_and_print()
    {
        var world = WitWorld.Read(TypeBomb(3));
        world.Imports.Single().Functions.Should().HaveCount(3);
        world.GetHashCode().Should().Be(WitWorld.Read(TypeBomb(3)).GetHashCode());
        world.ToWit().Should().Contain("f2: func(p: tuple<tuple<tuple<");
    }

    [Fact]
    public void An_interface_imported_and_exported_under_one_name_with_different_records_of_one_name_binds_both()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Fixture("import-export-records.wat"));
        var imported = (WitRecord)component.World.FindImport("t:x/a")!.Types.Single();
        var exported = (WitRecord)component.World.FindExport("t:x/a")!.Types.Single();
        imported.Fields.Single().Type.Should().Be(WitType.U32);
        exported.Fields.Single().Type.Should().Be(WitType.U64);

        using var instance = component.Instantiate(new ComponentImports().Add("t:x/a", new AHost()));
        object viaDynamic = instance.Exports["t:x/a"].G(5u);
        ((ulong)((dynamic)viaDynamic).A).Should().Be(110);
        instance.GetInterface<IExportedA>().G(6).Should().Be(new ExportedR(112));
    }

    [Fact]
    public void Host_imports_of_same_shape_records_in_two_interfaces_each_get_their_own_record_type()
    {
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Fixture("host-same-shape.wat"));
        var x = new XHost();
        var y = new YHost();
        using var instance = component.Instantiate(new ComponentImports().Add("t:a/x", x).Add("t:b/y", y));
        uint result = instance.Exports.Run(5u);
        result.Should().Be(6007);
        x.Seen.Should().Be(typeof(XPoint));
        y.Seen.Should().Be(typeof(YPoint));
    }
}
