using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

public interface IFiles
{
    Result<string, string> ReadFile(string path);
    Result<Unit, string> WriteFile(string path, string contents);
}

public interface IBoxCounter : IDisposable
{
    uint Get();
}

public sealed record Holder(string Name, IBoxCounter Item);

[WitName("demo:res/boxes")]
public interface IBoxes
{
    IBoxCounter CreateCounter(uint start);
    Holder Wrap(string name, IBoxCounter c);
    IBoxCounter Unwrap(Holder h);
    IBoxCounter? Maybe(IBoxCounter? c);
    uint Sum(IReadOnlyList<IBoxCounter> cs);
    List<IBoxCounter> MakeMany(uint n);
}

/// <summary>The host's blob for host-resources-more.wat: statics taking a borrow and an own.</summary>
public sealed class MeasuredBlob : IDisposable
{
    public MeasuredBlob(string init) => Text = init;

    public static List<MeasuredBlob> Taken { get; } = new();

    public string Text { get; }

    public bool Disposed { get; private set; }

    public uint Len() => (uint)Text.Length;

    public static uint Measure(MeasuredBlob b) => (uint)b.Text.Length;

    public static uint Take(MeasuredBlob b)
    {
        lock (Taken)
        {
            Taken.Add(b);
        }

        return (uint)b.Text.Length * 10;
    }

    public void Dispose() => Disposed = true;
}

public class FileAndContainerTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Files = new(() => Runtime.Load(Fixture("wasi-files.wat")));
    private static readonly Lazy<WasmComponent> Boxes = new(() => Runtime.Load(Fixture("resource-containers.wat")));
    private static readonly Lazy<WasmComponent> MoreBlobs = new(() => Runtime.Load(Fixture("host-resources-more.wat")));

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void A_read_write_preopened_directory_lets_the_guest_read_and_write_files()
    {
        var dir = Directory.CreateTempSubdirectory("wasmdynamic-rw").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "hello.txt"), "héllo from the host");
            using var instance = Files.Value.Instantiate(new InstanceOptions { Wasi = new WasiOptions { Directories = [new WasiDirectory(dir, "/", ReadOnly: false)] } });
            var files = instance.GetInterface<IFiles>("");
            files.ReadFile("hello.txt").Should().Be(Result.Ok<string, string>("héllo from the host"));
            files.WriteFile("out.txt", "written by the guest").IsOk.Should().BeTrue();
            File.ReadAllText(Path.Combine(dir, "out.txt")).Should().Be("written by the guest");
            files.ReadFile("missing.txt").Should().Be(Result.Err<string, string>("no-entry"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_read_only_preopened_directory_refuses_writes()
    {
        var dir = Directory.CreateTempSubdirectory("wasmdynamic-ro").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "keep.txt"), "original");
            using var instance = Files.Value.Instantiate(new InstanceOptions { Wasi = new WasiOptions { Directories = [new WasiDirectory(dir, "/", ReadOnly: true)] } });
            var files = instance.GetInterface<IFiles>("");
            files.ReadFile("keep.txt").Should().Be(Result.Ok<string, string>("original"));
            files.WriteFile("keep.txt", "overwritten").IsErr.Should().BeTrue();
            files.WriteFile("new.txt", "x").IsErr.Should().BeTrue();
            File.ReadAllText(Path.Combine(dir, "keep.txt")).Should().Be("original");
            File.Exists(Path.Combine(dir, "new.txt")).Should().BeFalse();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Without_preopens_the_guest_sees_no_directories()
    {
        using var instance = Files.Value.Instantiate();
        instance.GetInterface<IFiles>("").ReadFile("hello.txt").IsErr.Should().BeTrue();
    }

    [Fact]
    public void Resources_travel_inside_records_options_and_lists()
    {
        using var instance = Boxes.Value.Instantiate();
        var boxes = instance.GetInterface<IBoxes>();
        uint Drops() => (uint)instance.Invoke("drops")!;
        var c = boxes.CreateCounter(7);
        var holder = boxes.Wrap("seven", c);
        ((ComponentResource)c).IsDisposed.Should().BeTrue("an own<counter> inside the call moved into the guest");
        holder.Name.Should().Be("seven");
        holder.Item.Get().Should().Be(7);
        var back = boxes.Unwrap(holder);
        back.Get().Should().Be(7);
        boxes.Maybe(null).Should().BeNull();
        var same = boxes.Maybe(back);
        same!.Get().Should().Be(7);
        Drops().Should().Be(0);
        var many = boxes.MakeMany(5);
        many.Select(x => x.Get()).Should().Equal(0u, 1u, 2u, 3u, 4u);
        boxes.Sum(many.Append(same).ToList()).Should().Be(17, "borrows in a list do not give the handles up");
        many.ForEach(x => x.Dispose());
        Drops().Should().Be(5);
        same.Dispose();
        Drops().Should().Be(6);
    }

    [Fact]
    public void Host_resource_statics_receive_borrows_and_owns_as_the_same_objects()
    {
        using var instance = MoreBlobs.Value.Instantiate(new ComponentImports().AddResource<MeasuredBlob>("demo:host/store", "blob"));
        instance.Invoke("measure-new", "hello").Should().Be(5u);
        instance.Invoke("give", "abcd").Should().Be(40u);
        MeasuredBlob.Taken.Should().Contain(b => b.Text == "abcd" && !b.Disposed, "an own handed to the host belongs to the host now");
    }
}
