using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>The host's implementation of <c>resource blob</c> of demo:host/store (a plain class).</summary>
public sealed class Blob : IDisposable
{
    public static List<Blob> Created { get; } = new();

    private readonly System.Text.StringBuilder _text;

    public Blob(string init)
    {
        _text = new System.Text.StringBuilder(init);
        lock (Created)
        {
            Created.Add(this);
        }
    }

    public bool Disposed { get; private set; }

    public string Text => _text.ToString();

    public void Append(string s) => _text.Append(s);

    public uint Len() => (uint)_text.Length;

    public static Blob Concat(Blob a, Blob b) => new(a.Text + b.Text);

    public Blob Copy() => new(Text + Text);

    public Blob Join(Blob other) => new(Text + other.Text);

    public uint Same(Blob other) => ReferenceEquals(this, other) ? 1u : 0u;

    public void Dispose() => Disposed = true;
}

public interface IHostResourceUser
{
    uint Run(string s);
    uint Twice(string s);
    uint Keep(string s);
}

public class HostResourceTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Component = new(() => Runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "host-resources.wat")));

    [Fact]
    public void A_host_class_implements_an_imported_resource_and_is_disposed_when_the_guest_drops_it()
    {
        using var instance = Component.Value.Instantiate(new ComponentImports().AddResource<Blob>("demo:host/store@0.1.0", "blob"));
        var user = instance.GetInterface<IHostResourceUser>("");
        var before = Blob.Created.Count;
        user.Run("abc").Should().Be(4);
        var blob = Blob.Created.Skip(before).Single();
        blob.Text.Should().Be("abc!");
        blob.Disposed.Should().BeTrue("the guest dropped its own handle");
    }

    [Fact]
    public void Borrows_passed_to_the_host_arrive_as_the_same_objects()
    {
        using var instance = Component.Value.Instantiate(new ComponentImports().AddResource<Blob>("demo:host/store", "blob"));
        uint n = instance.Exports.Twice("xy");
        n.Should().Be(4);
        var copies = Blob.Created.Where(b => b.Text == "xyxy").ToList();
        copies.Should().NotBeEmpty();
        copies.Should().OnlyContain(b => b.Disposed, "the guest dropped the copy it owned");
    }

    [Fact]
    public void Two_borrowed_host_resources_in_one_host_call_arrive_as_the_same_object()
    {
        using var instance = Component.Value.Instantiate(new ComponentImports().AddResource<Blob>("demo:host/store", "blob"));
        uint same = instance.Exports.Same("ab");
        same.Should().Be(1, "self and other borrow one handle, so the host sees one object twice");
    }

    [Fact]
    public void With_concurrency_support_on_two_borrowed_host_resources_hit_a_Wasmtime_50_bug_that_surfaces_as_a_typed_trap()
    {
        // Wasmtime 50.0.1's concurrency path traps with "BUG: deferred host scope has no call context" whenever a host
        // function receives two borrow<T> of host resources, whatever the host does. The process must survive it.
        using var runtime = new ComponentRuntime(new ComponentRuntimeOptions { ConcurrencySupport = true });
        using var component = runtime.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "host-resources.wat"));
        using var instance = component.Instantiate(new ComponentImports().AddResource<Blob>("demo:host/store", "blob"));
        var act = () => (object)instance.Exports.Same("ab");
        act.Should().Throw<ComponentTrapException>().WithMessage("*deferred host scope*");
        using var fresh = component.Instantiate(new ComponentImports().AddResource<Blob>("demo:host/store", "blob"));
        uint n = fresh.Exports.Run("ok");
        n.Should().Be(3);
    }

    [Fact]
    public void A_resource_without_an_implementation_is_reported_with_the_class_to_write()
    {
        var act = () => Component.Value.Instantiate();
        act.Should().Throw<ComponentBindingException>().WithMessage("*resource 'blob'*demo:host/store@0.1.0*public Blob(string init)*public void Append(string s)*public static Blob Concat(Blob a, Blob b)*");
    }
}
