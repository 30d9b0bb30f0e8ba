using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

public interface IWasiEnv
{
    (string, string)[] Env();
    string[] Args();
}

public interface IWasiRandom
{
    byte[] RandomBytes(ulong len);
    ulong RandomU64();
}

public interface IWasiPrint
{
    void Print(string msg);
}

/// <summary>Replaces wasi:random/random: deterministic "randomness" for tests.</summary>
public sealed class FixedRandom
{
    public byte[] GetRandomBytes(ulong len) => Enumerable.Repeat((byte)7, (int)len).ToArray();

    public ulong GetRandomU64() => 42;
}

/// <summary>Replaces wasi:cli/environment.</summary>
public sealed class FakeEnvironment
{
    public (string, string)[] GetEnvironment() => [("FROM", "host-object")];

    public string[] GetArguments() => ["fake"];

    public string? InitialCwd() => "/fake";
}

public class WasiTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly Lazy<WasmComponent> Env = new(() => Runtime.Load(Fixture("wasi-env.wat")));
    private static readonly Lazy<WasmComponent> Random = new(() => Runtime.Load(Fixture("wasi-random.wat")));
    private static readonly Lazy<WasmComponent> Stdout = new(() => Runtime.Load(Fixture("wasi-stdout.wat")));

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void WASI_is_sandboxed_by_default_no_environment_and_no_arguments()
    {
        using var instance = Env.Value.Instantiate();
        var env = instance.GetInterface<IWasiEnv>("");
        env.Env().Should().BeEmpty();
        env.Args().Should().BeEmpty();
    }

    [Fact]
    public void Explicit_environment_and_arguments_reach_the_guest()
    {
        using var instance = Env.Value.Instantiate(new InstanceOptions
        {
            Wasi = new WasiOptions { Environment = new Dictionary<string, string> { ["MODE"] = "test", ["UNI"] = "ü😀" }, Arguments = ["app", "--flag"] },
        });
        var env = instance.GetInterface<IWasiEnv>("");
        env.Env().Should().BeEquivalentTo(new[] { ("MODE", "test"), ("UNI", "ü😀") });
        env.Args().Should().Equal("app", "--flag");
    }

    [Fact]
    public void The_inherited_environment_is_filtered()
    {
        Environment.SetEnvironmentVariable("WD_TEST_VISIBLE", "yes");
        Environment.SetEnvironmentVariable("SECRET_WD_TEST", "hidden");
        Environment.SetEnvironmentVariable("TOKEN_WD_TEST", "hidden");
        using var instance = Env.Value.Instantiate(new InstanceOptions
        {
            Wasi = new WasiOptions { InheritEnvironment = WasiOptions.AllExcept("SECRET_*", "TOKEN_*") },
        });
        var names = instance.GetInterface<IWasiEnv>("").Env().Select(e => e.Item1).ToList();
        names.Should().Contain("WD_TEST_VISIBLE").And.NotContain("SECRET_WD_TEST").And.NotContain("TOKEN_WD_TEST");
        names.Should().Contain(Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => !k.StartsWith("SECRET_", StringComparison.OrdinalIgnoreCase) && !k.StartsWith("TOKEN_", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void A_plain_object_overrides_wasi_cli_environment()
    {
        using var instance = Env.Value.Instantiate(new ComponentImports().Add("wasi:cli/environment", new FakeEnvironment()));
        var env = instance.GetInterface<IWasiEnv>("");
        env.Env().Should().Equal(("FROM", "host-object"));
        env.Args().Should().Equal("fake");
    }

    [Fact]
    public void The_built_in_random_works_and_a_plain_object_overrides_wasi_random()
    {
        using (var builtIn = Random.Value.Instantiate())
        {
            var r = builtIn.GetInterface<IWasiRandom>("");
            r.RandomBytes(32).Should().HaveCount(32);
            r.RandomU64().Should().NotBe(r.RandomU64());
        }

        using var instance = Random.Value.Instantiate(new ComponentImports().Add("wasi:random/random@0.2.3", new FixedRandom()));
        var fixedRandom = instance.GetInterface<IWasiRandom>("");
        fixedRandom.RandomBytes(4).Should().Equal(7, 7, 7, 7);
        fixedRandom.RandomU64().Should().Be(42);
    }

    [Fact]
    public void Guest_stdout_goes_to_a_text_writer_a_stream_or_a_callback()
    {
        var writer = new StringWriter();
        using (var instance = Stdout.Value.Instantiate(new InstanceOptions { Wasi = new WasiOptions { StandardOutput = writer } }))
        {
            instance.GetInterface<IWasiPrint>("").Print("hello ✓ ");
            instance.GetInterface<IWasiPrint>("").Print(new string('x', 10_000));
        }

        writer.ToString().Should().Be("hello ✓ " + new string('x', 10_000));

        var stream = new MemoryStream();
        using (var instance = Stdout.Value.Instantiate(new InstanceOptions { Wasi = new WasiOptions { StandardOutput = stream } }))
        {
            instance.GetInterface<IWasiPrint>("").Print("bytes");
        }

        stream.ToArray().Should().Equal("bytes"u8.ToArray());

        var pieces = new List<string>();
        using (var instance = Stdout.Value.Instantiate(new InstanceOptions { Wasi = new WasiOptions { StandardOutput = WasiOutput.To(pieces.Add) } }))
        {
            instance.GetInterface<IWasiPrint>("").Print("cb");
        }

        string.Concat(pieces).Should().Be("cb");
    }

    [Fact]
    public void Lines_arrive_whole_however_the_guest_splits_its_writes_and_the_last_one_when_the_instance_ends()
    {
        var lines = new List<string>();
        using (var instance = Stdout.Value.Instantiate(new InstanceOptions { Wasi = new WasiOptions { StandardOutput = WasiOutput.Lines(lines.Add) } }))
        {
            var print = instance.GetInterface<IWasiPrint>("");
            print.Print("version() ");
            print.Print("called");
            lines.Should().BeEmpty("no line is complete yet");
            print.Print("\nsecond\r\nthi");
            lines.Should().Equal("version() called", "second");
            print.Print("rd\n\nfourth ✓");
            lines.Should().Equal("version() called", "second", "third", string.Empty);
        }

        lines.Should().Equal("version() called", "second", "third", string.Empty, "fourth ✓");

        var chunks = new List<string>();
        using (var instance = Stdout.Value.Instantiate(new InstanceOptions { Wasi = new WasiOptions { StandardOutput = WasiOutput.Lines(chunks.Add) } }))
        {
            instance.GetInterface<IWasiPrint>("").Print(new string('x', WasiOutput.MaxLineLength * 2 + 5));
            chunks.Should().HaveCount(2, "a guest that never ends its line cannot make the host buffer without bound");
            chunks.Should().OnlyContain(c => c.Length == WasiOutput.MaxLineLength);
        }

        chunks.Should().HaveCount(3);
        chunks[2].Should().Be("xxxxx");
    }

    [Fact]
    public void Preopened_directories_must_exist()
    {
        var act = () => Env.Value.Instantiate(new InstanceOptions { Wasi = new WasiOptions { Directories = [new WasiDirectory("/no/such/dir", "/data")] } });
        act.Should().Throw<WasmDynamicException>().WithMessage("*/no/such/dir*");
    }
}
