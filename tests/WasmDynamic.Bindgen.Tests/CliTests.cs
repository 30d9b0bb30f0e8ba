using System.Diagnostics;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Bindgen.Tests;

/// <summary>End-to-end tests of the <c>wasmdynamic</c> tool, in this process through <c>Program.Run</c>.</summary>
public class CliTests
{
    private static readonly string Compound = Fixtures.Path("compound.wat");
    private static readonly string Command = Fixtures.Path("command.wat");

    [Fact]
    public void Wit_prints_the_components_world()
    {
        var (code, output, error) = Cli.Run("wit", Compound);
        code.Should().Be(0, error);
        using var runtime = new ComponentRuntime();
        using var component = runtime.Load(Compound);
        output.Should().Be(component.ToWit());
        output.Should().Contain("export demo:types/shapes@0.1.0;");
    }

    [Fact]
    public void Wit_reports_a_missing_or_invalid_component_with_exit_code_1()
    {
        var (code, output, error) = Cli.Run("wit", Fixtures.Path("no-such.wasm"));
        code.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().StartWith("error: ").And.Contain("no-such.wasm");

        var bad = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.wat");
        File.WriteAllText(bad, "(component (func $f (param i32)))) oops");
        try
        {
            Cli.Run("wit", bad).ExitCode.Should().Be(1);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void Bindgen_writes_sources_that_compile()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"bindgen-{Guid.NewGuid():N}");
        try
        {
            var (code, output, error) = Cli.Run("bindgen", Fixtures.Path("resources.wat"), "--name", "Demo.Res", "--out", dir);
            code.Should().Be(0, error);
            output.Should().Contain("Wrote 4 files");
            var files = Directory.GetFiles(dir).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
            files.Keys.Should().BeEquivalentTo(["ICounter.g.cs", "ICounters.g.cs", "IRootExports.g.cs", "WitBindings.g.cs"]);
            Compiler.Compile(files);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void Bindgen_requires_its_options()
    {
        var (code, _, error) = Cli.Run("bindgen", Compound, "--out", Path.GetTempPath());
        code.Should().NotBe(0);
        error.Should().Contain("--name");
    }

    [Theory]
    [InlineData("shapes#make-point(3, -4)", "{x: 3, y: -4}")]
    [InlineData("demo:types/shapes#roundtrip-point({y: 2, x: 1})", "{x: 1, y: 2}")]
    [InlineData("demo:types/shapes@0.1.0#roundtrip-drawing({name: \"d\\n\", shapes: [circle(1.5), rect({x: 1, y: -2}), %none], tint: some(blue-ish)})", "{name: \"d\\n\", shapes: [circle(1.5), rect({x: 1, y: -2}), %none], tint: some(blue-ish)}")]
    [InlineData("shapes#roundtrip-drawing({name: \"no tint\", shapes: []})", "{name: \"no tint\", shapes: []}")]
    [InlineData("shapes#area(rect({x: 3, y: 4}))", "12")]
    [InlineData("shapes#area(circle(1))", "3.141592653589793")]
    [InlineData("shapes#roundtrip-list-shape([none, circle(0.5)])", "[%none, circle(0.5)]")]
    [InlineData("shapes#roundtrip-list-option-point([some({x: 1, y: 2}), none])", "[some({x: 1, y: 2}), none]")]
    [InlineData("shapes#roundtrip-list-list-string([[\"a\", \"b\"], [], ['x' ]])", null)]
    [InlineData("shapes#roundtrip-list-list-string([[\"a\", \"b\"], [], [\"\\u{1F600}\"]])", "[[\"a\", \"b\"], [], [\"\U0001F600\"]]")]
    [InlineData("shapes#roundtrip-option(some(\"x\"))", "some(\"x\")")]
    [InlineData("shapes#roundtrip-option(none)", "none")]
    [InlineData("shapes#roundtrip-nested-options(some(none))", "some(none)")]
    [InlineData("shapes#roundtrip-nested-options(some(some(7)))", "some(some(7))")]
    [InlineData("shapes#roundtrip-result(ok(7))", "ok(7)")]
    [InlineData("shapes#roundtrip-result(err(\"no\"))", "err(\"no\")")]
    [InlineData("shapes#roundtrip-result-unit(err)", "err")]
    [InlineData("shapes#roundtrip-result-list(err(green))", "err(green)")]
    [InlineData("shapes#divide(1, 0)", "err(\"division by zero\")")]
    [InlineData("shapes#divide(1, 4)", "ok(0.25)")]
    [InlineData("shapes#roundtrip-perms8({read, audit})", "{read, audit}")]
    [InlineData("shapes#roundtrip-perms8({})", "{}")]
    [InlineData("shapes#roundtrip-perms32({f31, f0})", "{f0, f31}")]
    [InlineData("shapes#roundtrip-color(blue-ish)", "blue-ish")]
    [InlineData("shapes#roundtrip-tuple((1, \"a\\\"b'\", -inf))", "(1, \"a\\\"b\\'\", -inf)")]
    [InlineData("shapes#roundtrip-tuple((4294967295, \"\", nan))", "(4294967295, \"\", nan)")]
    [InlineData("shapes#roundtrip-tuple((0, \"big\", 1e21))", "(0, \"big\", 1000000000000000000000)")]
    [InlineData("shapes#roundtrip-big({a: 255, b: 65535, c: 1, d: 18446744073709551615, e: -128, f: -1, g: -2147483648, h: -9223372036854775808, i: 0.5, j: -2.25, k: '\\'', l: true, m: \"m\", n: {x: 0, y: 0}, o: red})", "{a: 255, b: 65535, c: 1, d: 18446744073709551615, e: -128, f: -1, g: -2147483648, h: -9223372036854775808, i: 0.5, j: -2.25, k: '\\'', l: true, m: \"m\", n: {x: 0, y: 0}, o: red}")]
    public void Invoke_converts_WAVE_arguments_with_the_WIT_types_and_prints_the_result_in_WAVE(string call, string? expected)
    {
        var (code, output, error) = Cli.Run("invoke", Compound, call);
        if (expected is null)
        {
            code.Should().Be(1);
            error.Should().Contain("expected a string");
            return;
        }

        code.Should().Be(0, error);
        output.Should().Be(expected + "\n");
    }

    [Theory]
    [InlineData("shapes#make-point(1,", "invalid call: expected a value but the text ended")]
    [InlineData("make-point 1 2", "invalid call: expected a call such as add(1, 2)")]
    [InlineData("shapes#make-point(1, 2) extra", "unexpected 'e' after the call's closing ')'")]
    [InlineData("make-point(1, 2)", "exports no function 'make-point' at its root. Did you mean demo:types/shapes@0.1.0#make-point?")]
    [InlineData("nope#f()", "exports no interface 'nope'")]
    [InlineData("shapes#nope()", "has no function 'nope'")]
    [InlineData("shapes#make-point(1)", "takes 2 argument(s) but 1 were given")]
    [InlineData("shapes#make-point(1, 2147483648)", "2147483648 is out of range for WIT 's32'")]
    [InlineData("shapes#make-point(1, 2.5)", "expected an integer for WIT 's32', found the number 2.5")]
    [InlineData("shapes#roundtrip-point({x: 1})", "record 'point' needs field 'y: s32'")]
    [InlineData("shapes#roundtrip-point({x: 1, y: 2, z: 3})", "record 'point' has no field 'z'")]
    [InlineData("shapes#roundtrip-color(purple)", "'purple' is not a case of enum 'color'")]
    [InlineData("shapes#roundtrip-shape(circle)", "case 'circle' of variant 'shape' needs a payload of type f64")]
    [InlineData("shapes#roundtrip-perms8({read, fly})", "'fly' is not a flag of 'perms8'")]
    [InlineData("shapes#roundtrip-option(\"x\")", "expected some(…) or none")]
    [InlineData("shapes#roundtrip-tuple((1, \"x\"))", "has 3 elements, but the tuple has 2")]
    [InlineData("shapes#roundtrip-option(some(\"unterminated))", "unterminated string")]
    [InlineData("shapes#roundtrip-option(some(\"bad \\q escape\"))", "unknown escape '\\q'")]
    public void Invoke_reports_bad_input_clearly_with_exit_code_1(string call, string message)
    {
        var (code, output, error) = Cli.Run("invoke", Compound, call);
        code.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().StartWith("error: ").And.Contain(message);
    }

    [Fact]
    public void Invoke_points_at_the_bad_argument()
    {
        var (_, _, error) = Cli.Run("invoke", Compound, "shapes#make-point(1, true)");
        var caret = new string(' ', 2 + "shapes#make-point(1, ".Length) + "^";
        error.Should().Be($"error: argument 'y' of 'make-point: func(x: s32, y: s32) -> point': expected an integer for WIT 's32', found the label 'true'\n  shapes#make-point(1, true)\n{caret}\n");
    }

    [Fact]
    public void Invoke_calls_the_freestanding_function_when_a_static_resource_function_has_the_same_short_name()
    {
        var (code, output, error) = Cli.Run("invoke", Fixtures.Path("identity/same-names.wat"), "t:id/calc#add(1, 2)");
        code.Should().Be(0, error);
        output.Should().Be("3\n");
    }

    [Fact]
    public void Invoke_calls_root_functions_and_reports_traps_and_unimplemented_imports()
    {
        var (code, output, error) = Cli.Run("invoke", Fixtures.Path("resources.wat"), "drops()");
        code.Should().Be(0, error);
        output.Should().Be("0\n");

        (code, _, error) = Cli.Run("invoke", Fixtures.Path("imports.wat"), "run(\"x\")");
        code.Should().Be(1);
        error.Trim().Should().Be("error: the component called the import demo:host/logger@0.1.0#log (log: func(level: u8, msg: string)), "
            + "which is not implemented here: it traps when called. In component function 'run' (run: func(msg: string) -> u32).");

        (code, _, error) = Cli.Run("invoke", Fixtures.Path("resources.wat"), "demo:res/counters#[constructor]counter(1)");
        code.Should().Be(1);
        error.Should().Contain("is a resource function");
    }

    [Fact]
    public void Invoke_answers_stubbed_imports_with_their_WAVE_values()
    {
        var imports = Fixtures.Path("imports.wat");
        var (code, output, error) = Cli.Run("invoke", imports, "run(\"x\")", "--stub", "get-number=41", "--stub", "logger#log");
        code.Should().Be(0, error);
        output.Should().Be("42\n", "run returns get-number() + 1 after logging, which the stub does silently");

        var roundtrip = Fixtures.Path("host-roundtrip.wat");
        (code, output, error) = Cli.Run("invoke", roundtrip, "call-point({x: 5, y: 6})", "--stub", "demo:host/values@0.1.0#echo-point={x: 1, y: -2}");
        code.Should().Be(0, error);
        output.Should().Be("{x: 1, y: -2}\n");

        (code, output, error) = Cli.Run("invoke", roundtrip, "call-shape(none)", "--stub", "demo:host/values#echo-shape=rect({x: 3, y: 4})", "--stub", "values#echo-color=blue-ish");
        code.Should().Be(0, error);
        output.Should().Be("rect({x: 3, y: 4})\n");

        (code, output, error) = Cli.Run("invoke", roundtrip, "call-result(ok(1))", "--stub", "echo-result=err(\"stubbed\")");
        code.Should().Be(0, error);
        output.Should().Be("err(\"stubbed\")\n", "a short function name that only one imported interface has is enough");

        (code, output, error) = Cli.Run("invoke", roundtrip, "call-option(none)", "--stub", "values#echo-option=some(\"on\")");
        code.Should().Be(0, error);
        output.Should().Be("some(\"on\")\n");
    }

    [Fact]
    public void Invoke_keeps_the_one_line_trap_for_the_functions_a_stubbed_interface_does_not_stub()
    {
        var (code, _, error) = Cli.Run("invoke", Fixtures.Path("host-roundtrip.wat"), "call-u32(7)", "--stub", "values#echo-point={x: 1, y: 2}");
        code.Should().Be(1);
        error.Trim().Should().StartWith("error: the component called the import demo:host/values@0.1.0#echo-u32 (echo-u32: func(x: u32) -> u32), which is not implemented here: it traps when called.");
        error.Trim().Split('\n').Should().ContainSingle("the trap is one line");

        (code, _, error) = Cli.Run("invoke", Fixtures.Path("imports.wat"), "run(\"x\")", "--stub", "get-number=41");
        code.Should().Be(1);
        error.Trim().Should().StartWith("error: the component called the import demo:host/logger@0.1.0#log (log: func(level: u8, msg: string)), which is not implemented here");
    }

    [Theory]
    [InlineData("get-number=x", "error: --stub get-number: 'x' is not a WAVE value of u32, the result of get-number (get-number: func() -> u32): ")]
    [InlineData("get-number=-1", "error: --stub get-number: '-1' is not a WAVE value of u32, the result of get-number (get-number: func() -> u32): ")]
    [InlineData("get-number", "error: --stub get-number: get-number (get-number: func() -> u32) returns u32; give its value in WAVE: --stub 'get-number=VALUE'.")]
    [InlineData("logger#log=1", "error: --stub logger#log: demo:host/logger@0.1.0#log (log: func(level: u8, msg: string)) returns nothing; write --stub logger#log without a value.")]
    [InlineData("get-numbers=1", "error: --stub get-numbers: the component imports no function 'get-numbers'. Its imported functions: get-number, demo:host/logger@0.1.0#log.")]
    [InlineData("nope#log", "error: --stub nope#log: the component imports no interface 'nope'.")]
    [InlineData("logger#warn", "error: --stub logger#warn: interface 'demo:host/logger@0.1.0' has no function 'warn'. Its functions: log.")]
    [InlineData("=1", "error: --stub takes NAME=WAVE")]
    public void Invoke_reports_a_bad_stub_in_one_line_naming_the_import_and_its_WIT_signature(string stub, string message)
    {
        var (code, output, error) = Cli.Run("invoke", Fixtures.Path("imports.wat"), "run(\"x\")", "--stub", stub);
        code.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().StartWith(message);
        error.Trim().Split('\n').Should().ContainSingle();
    }

    [Fact]
    public void Run_takes_stubs_too_and_reports_one_that_names_no_import()
    {
        var (code, output, error) = Cli.Run("run", Command, "--stub", "get-number=1");
        code.Should().Be(1);
        output.Should().BeEmpty();
        error.Trim().Should().StartWith("error: --stub get-number: the component imports no function 'get-number'.");
    }

    [Fact]
    public void Help_describes_the_stub_option()
    {
        var (code, output, _) = Cli.Run("invoke", "--help");
        code.Should().Be(0);
        output.Should().Contain("--stub").And.Contain("NAME=WAVE");
    }

    [Fact]
    public void Invoke_works_on_the_componentize_js_demo()
    {
        var (code, output, error) = Cli.Run("invoke", Fixtures.Path("js/demo.wasm"), "types#swap((7, \"x\"))");
        code.Should().Be(0, error);
        output.Should().Be("(\"x\", 7)\n");
    }

    [Fact]
    public void Run_runs_a_wasi_cli_command_and_returns_its_exit_code()
    {
        var (code, output, error) = Cli.Run("run", Command);
        code.Should().Be(0, error);
        output.Should().Be("hello from a wasi:cli command\n");

        (code, output, error) = Cli.Run("run", Command, "--", "--fail", "more");
        code.Should().Be(1, "the command returns err when it is given an argument");
        output.Should().Be("hello from a wasi:cli command\n--fail\n");
        error.Should().BeEmpty();
    }

    [Fact]
    public void Run_rejects_a_component_that_is_not_a_command()
    {
        var (code, _, error) = Cli.Run("run", Compound);
        code.Should().Be(1);
        error.Should().Contain("is not a command component").And.Contain("wasi:cli/run");
    }

    [Theory]
    [InlineData("wit")]
    [InlineData("bindgen")]
    [InlineData("invoke")]
    [InlineData("run")]
    public void Every_command_has_help(string command)
    {
        var (code, output, _) = Cli.Run(command, "--help");
        code.Should().Be(0);
        output.Should().Contain("Usage:").And.Contain(command).And.Contain("<component>");
    }

    [Fact]
    public void Help_names_the_tool_wasmdynamic()
    {
        var (code, output, _) = Cli.Run("--help");
        code.Should().Be(0);
        output.Should().Contain("wasmdynamic [command] [options]").And.NotContain("WasmDynamic.Cli");
        Cli.Run("invoke", "--help").Output.Should().Contain("wasmdynamic invoke <component> <call> [options]")
            .And.Contain("--timeout").And.Contain("--fuel").And.Contain("--max-memory").And.Contain("--no-cache").And.Contain("--verbose");
    }

    [Fact]
    public void Invoke_stops_a_runaway_call_with_timeout_or_fuel_and_limits_memory()
    {
        var runaway = Fixtures.Path("runaway.wat");
        var watch = Stopwatch.StartNew();
        var (code, _, error) = Cli.Run("invoke", runaway, "spin()", "--timeout", "200ms");
        code.Should().Be(1);
        error.Should().StartWith("error: the component trapped").And.Contain("spin");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));

        (code, _, error) = Cli.Run("invoke", runaway, "spin()", "--fuel", "100000");
        code.Should().Be(1);
        error.Should().Contain("fuel");

        var (okCode, output, okError) = Cli.Run("invoke", runaway, "grow(1)", "--max-memory", "128KiB");
        okCode.Should().Be(0, okError);
        output.Should().Be("1\n", "one page more fits in 128 KiB");
        (okCode, output, _) = Cli.Run("invoke", runaway, "grow(10)", "--max-memory", "128KiB");
        output.Should().Be("-1\n", "memory.grow past the limit fails in the guest");

        (code, _, error) = Cli.Run("invoke", runaway, "spin()", "--timeout", "soon");
        code.Should().Be(1);
        error.Should().Contain("--timeout takes a positive duration");
        (code, _, error) = Cli.Run("invoke", runaway, "add(1, 2)", "--max-memory", "-5");
        code.Should().Be(1);
        error.Should().Contain("--max-memory takes a positive size");
    }

    [Fact]
    public void A_trap_prints_its_cause_in_a_few_lines_and_verbose_adds_the_backtrace()
    {
        var runaway = Fixtures.Path("runaway.wat");
        var (code, _, error) = Cli.Run("invoke", runaway, "boom()");
        code.Should().Be(1);
        error.Should().StartWith("error: the component trapped").And.Contain("unreachable");
        error.Trim().Split('\n').Length.Should().BeLessThanOrEqualTo(4);

        var (_, _, verbose) = Cli.Run("invoke", runaway, "boom()", "--verbose");
        verbose.Length.Should().BeGreaterThan(error.Length);
    }

    [Fact]
    public void A_second_process_loads_the_component_from_the_compiled_cache_and_no_cache_compiles()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wasmdynamic-cli-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, _, error) = Process("wit", Compound, "--cache-dir", dir, "--verbose");
            code.Should().Be(0, error);
            error.Should().StartWith($"compiled {Compound}");
            (code, _, error) = Process("wit", Compound, "--cache-dir", dir, "--verbose");
            code.Should().Be(0, error);
            error.Should().StartWith($"loaded {Compound} from the compiled-component cache");
            (code, _, error) = Process("wit", Compound, "--cache-dir", dir, "--verbose", "--no-cache");
            code.Should().Be(0, error);
            error.Should().StartWith($"compiled {Compound}");
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void An_unknown_command_fails()
    {
        var (code, _, error) = Cli.Run("frobnicate");
        code.Should().NotBe(0);
        error.Should().NotBeEmpty();
    }

    [Fact]
    public void The_tool_runs_as_a_process_with_stdio_inherited_and_its_exit_code()
    {
        var (code, output, error) = Process("run", Command);
        code.Should().Be(0, error);
        output.Should().Be("hello from a wasi:cli command\n");

        (code, output, _) = Process("run", Command, "--", "boom");
        code.Should().Be(1);
        output.Should().Be("hello from a wasi:cli command\nboom\n");

        (code, output, error) = Process("invoke", Compound, "shapes#make-point(1, 2)");
        code.Should().Be(0, error);
        output.Should().Be("{x: 1, y: 2}\n");

        (code, _, error) = Process("invoke", Compound, "shapes#make-point(");
        code.Should().Be(1);
        error.Should().StartWith("error: invalid call");
    }

    private static (int ExitCode, string Output, string Error) Process(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "WasmDynamic.Cli.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit(120_000).Should().BeTrue("the tool must finish");
        return (process.ExitCode, output.Result, error.Result);
    }
}
