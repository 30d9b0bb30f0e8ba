using System.Text;
using FluentAssertions;
using WasmDynamic.Native;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// Every bad input to <see cref="ComponentRuntime"/>'s Load methods ends in a <see cref="ComponentLoadException"/>
/// (never a raw Wasmtime error, an I/O exception or a crash) whose message names the source and says what is wrong.
/// </summary>
public sealed unsafe class LoadErrorTests : IDisposable
{
    private static readonly ComponentRuntime Runtime = new();

    private static readonly string ScalarsPath = Path.Combine(AppContext.BaseDirectory, "Fixtures", "scalars.wat");

    private readonly string _dir = Directory.CreateTempSubdirectory("wasmdynamic-load-errors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // ---------------------------------------------------------------- bytes that are not a component

    [Fact]
    public void Empty_bytes_are_reported_as_an_empty_input()
    {
        var e = LoadFails(() => Runtime.Load(Array.Empty<byte>()));
        e.ComponentSource.Should().Be("<bytes>");
        e.Message.Should().StartWith("Cannot load component '<bytes>': the input is empty");

        LoadFails(() => Runtime.Load(ReadOnlySpan<byte>.Empty, "empty.wasm")).Message.Should().Contain("'empty.wasm'").And.Contain("empty (0 bytes)");
    }

    [Fact]
    public void Random_bytes_are_reported_as_neither_a_binary_nor_text_with_their_first_bytes()
    {
        var bytes = new byte[64];
        new Random(42).NextBytes(bytes);

        var e = LoadFails(() => Runtime.Load(bytes, "random.bin"));

        e.ComponentSource.Should().Be("random.bin");
        e.Message.Should().Contain("'random.bin'")
            .And.Contain("neither a WebAssembly binary")
            .And.Contain("0x" + Convert.ToHexString(bytes, 0, 8))
            .And.Contain("nor WAT text");
    }

    [Fact]
    public void A_web_page_saved_instead_of_a_component_is_recognized_as_HTML()
    {
        var e = LoadFails(() => Runtime.Load("<!DOCTYPE html><html><body>Not Found</body></html>"u8, "download.wasm"));

        e.Message.Should().Contain("'download.wasm'").And.Contain("looks like HTML");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(7)]
    public void The_wasm_magic_with_a_truncated_header_is_reported_as_truncated(int length)
    {
        var bytes = new byte[] { 0x00, 0x61, 0x73, 0x6D, 0x0D, 0x00, 0x01, 0x00 }[..length];

        var e = LoadFails(() => Runtime.Load(bytes, "short.wasm"));

        e.Message.Should().Contain("'short.wasm'").And.Contain("the binary is truncated").And.Contain($"it has {length} bytes");
    }

    [Fact]
    public void A_core_module_binary_is_reported_as_a_core_module_not_a_component()
    {
        var module = NativeWat2Wasm("(module (func (export \"f\")))");
        module[6].Should().Be(0, "wat2wasm of (module) writes layer 0");

        var e = LoadFails(() => Runtime.Load(module, "core.wasm"));

        e.Message.Should().Contain("'core.wasm'").And.Contain("core WebAssembly module, not a component").And.Contain("wasm-tools component new");
    }

    [Fact]
    public void Core_module_WAT_text_is_reported_as_a_core_module_not_a_component()
    {
        var e = LoadFails(() => Runtime.LoadText("(module)", "core.wat"));

        e.Message.Should().Contain("'core.wat'").And.Contain("core WebAssembly module `(module ...)`, not a component `(component ...)`");
    }

    [Fact]
    public void A_core_module_WAT_file_is_reported_as_a_core_module_with_its_path()
    {
        var path = Write("module.wat", "(module (memory 1))"u8);

        LoadFails(() => Runtime.Load(path)).Message.Should().Contain(path).And.Contain("core WebAssembly module");
    }

    [Fact]
    public void A_header_with_an_unknown_layer_is_reported_as_corrupt()
    {
        var bytes = GoodComponent();
        bytes[6] = 2;

        LoadFails(() => Runtime.Load(bytes, "layer.wasm")).Message.Should().Contain("unknown layer 2");
    }

    [Fact]
    public void A_header_with_another_encoding_version_says_which_version_Wasmtime_reads()
    {
        var bytes = GoodComponent();
        bytes[4] = 0x0E;

        var e = LoadFails(() => Runtime.Load(bytes, "future.wasm"));

        e.Message.Should().Contain("'future.wasm'").And.Contain("unknown binary version").And.Contain("version 0x0e").And.Contain("version 0x0d");
    }

    // ---------------------------------------------------------------- damaged components

    [Fact]
    public void A_component_truncated_in_the_middle_reports_the_end_of_file_offset_and_its_length()
    {
        var good = GoodComponent();
        var half = good[..(good.Length / 2)];

        var e = LoadFails(() => Runtime.Load(half, "half.wasm"));

        e.Message.Should().Contain("'half.wasm'")
            .And.Contain("unexpected end-of-file (at offset 0x")
            .And.Contain($"The input ({half.Length} bytes)")
            .And.Contain("truncated");
    }

    [Fact]
    public void Cutting_a_component_at_any_point_is_a_load_error_not_a_crash()
    {
        var good = GoodComponent();
        var loaded = new List<int>();
        for (var length = 0; length < good.Length; length += 37)
        {
            try
            {
                Runtime.Load(good[..length], $"cut-{length}.wasm").Dispose();
                loaded.Add(length);
            }
            catch (ComponentLoadException e)
            {
                e.ComponentSource.Should().Be($"cut-{length}.wasm");
            }
        }

        // A binary has no total length: a cut that falls exactly between two sections leaves a shorter, valid component.
        loaded.Should().OnlyContain(length => IsSectionBoundary(good, length));
    }

    [Fact]
    public void A_corrupted_section_id_is_reported_with_the_offset_Wasmtime_found_it_at()
    {
        var bytes = GoodComponent();
        bytes[8] = 0x7F; // the id of the first section

        var e = LoadFails(() => Runtime.Load(bytes, "corrupt.wasm"));

        e.Message.Should().Contain("'corrupt.wasm'").And.Contain("malformed section id: 127 (at offset 0x");
    }

    [Fact]
    public void Flipping_bytes_anywhere_in_a_component_never_escapes_as_anything_but_a_load_error()
    {
        var good = GoodComponent();
        var random = new Random(7);
        for (var i = 0; i < 60; i++)
        {
            var bytes = (byte[])good.Clone();
            var at = random.Next(8, bytes.Length);
            bytes[at] ^= (byte)random.Next(1, 256);
            try
            {
                Runtime.Load(bytes, "flipped.wasm").Dispose(); // some flips (in names, constants) still validate
            }
            catch (ComponentLoadException e)
            {
                e.Message.Should().StartWith("Cannot load component 'flipped.wasm': ");
            }
        }
    }

    [Fact]
    public void A_component_that_fails_validation_keeps_the_reason_Wasmtime_gives_after_Caused_by()
    {
        const string wat = """
            (component
              (core module $m (func (export "f") (result i32) i64.const 1)))
            """;

        var e = LoadFails(() => Runtime.LoadText(wat, "invalid.wat"));

        // Wasmtime's message is "failed to compile: ...\n\nCaused by:\n    0: ...\n    1: <the reason>".
        e.Message.Should().Contain("'invalid.wat'")
            .And.Contain("failed to compile")
            .And.Contain("type mismatch: expected i32, found i64");
        e.Message.Should().NotContain("Caused by", "the chain is flattened into one line that keeps every cause");
    }

    [Fact]
    public void A_component_with_a_missing_instantiation_argument_says_which_one()
    {
        const string wat = """
            (component
              (core module $m (import "env" "log" (func)))
              (core instance (instantiate $m)))
            """;

        LoadFails(() => Runtime.LoadText(wat, "args.wat")).Message.Should().Contain("missing module instantiation argument named `env`");
    }

    // ---------------------------------------------------------------- invalid WAT text

    [Fact]
    public void Invalid_WAT_reports_the_source_name_line_column_and_the_offending_line()
    {
        const string wat = "(component\n  (core module $m\n    (func (result i32) i32.const oops))\n)";

        var e = LoadFails(() => Runtime.LoadText(wat, "calc.wat"));

        e.ComponentSource.Should().Be("calc.wat");
        e.Message.Should().Contain("the WAT text is invalid at line 3, column 34 (calc.wat:3:34): expected a i32")
            .And.Contain("--> calc.wat:3:34")
            .And.Contain("(func (result i32) i32.const oops))")
            .And.NotContain("<anon>");
        e.Message.Split('\n').Last().TrimEnd().Should().EndWith("^", "the caret under the column ends the snippet");
    }

    [Fact]
    public void Invalid_WAT_in_a_file_is_reported_with_the_file_path_and_position()
    {
        var path = Write("broken.wat", "(component\n  (func $f (param \"x\" u32)))\n"u8);

        var e = LoadFails(() => Runtime.Load(path));

        e.ComponentSource.Should().Be(path);
        e.Message.Should().Contain($"{path}:2:").And.Contain("expected `(`");
    }

    [Fact]
    public void A_WAT_error_Wasmtime_reports_without_a_snippet_gets_one()
    {
        // wast reports some errors as "expected `(` at <anon>:1:N", without the source line.
        var wat = "(component " + string.Concat(Enumerable.Repeat("(type (list u8)) ", 5)) + "oops)";

        var e = LoadFails(() => Runtime.LoadText(wat, "min.wat"));

        var column = wat.IndexOf("oops", StringComparison.Ordinal) + 1;
        e.Message.Should().Contain($"(min.wat:1:{column}): expected `(`").And.Contain("oops)");
        var caretLine = e.Message.Split('\n').Last().TrimEnd();
        var sourceLine = e.Message.Split('\n')[^2];
        caretLine.IndexOf('^').Should().Be(sourceLine.IndexOf("oops", StringComparison.Ordinal), "the caret points at the error");
    }

    [Fact]
    public void A_WAT_error_on_a_very_long_line_shows_only_a_window_around_the_column()
    {
        var wat = "(component " + new string('(', 200_000) + new string(')', 200_000) + ")";

        var e = LoadFails(() => Runtime.LoadText(wat, "minified.wat"));

        e.Message.Should().Contain("minified.wat:1:");
        e.Message.Length.Should().BeLessThan(1_000);
    }

    [Fact]
    public void Deeply_nested_WAT_is_a_load_error_not_a_stack_overflow()
    {
        var wat = "(component (type $t " + string.Concat(Enumerable.Repeat("(list ", 100_000)) + "u8" + new string(')', 100_000) + "))";

        LoadFails(() => Runtime.LoadText(wat, "deep.wat")).Message.Should().Contain("item nesting too deep").And.Contain("deep.wat:1:");
    }

    [Fact]
    public void A_wat_file_that_is_not_UTF8_text_says_so()
    {
        var bytes = new byte[64];
        new Random(42).NextBytes(bytes);
        var path = Write("garbage.wat", bytes);

        LoadFails(() => Runtime.Load(path)).Message.Should().Contain(path).And.Contain("not valid utf-8");
    }

    [Fact]
    public void WAT_text_with_a_byte_order_mark_or_in_UTF16_loads()
    {
        var text = File.ReadAllText(ScalarsPath);
        var utf8WithBom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray();
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(text)).ToArray();

        using var fromBom = Runtime.Load(Write("bom.wat", utf8WithBom));
        using var fromUtf16 = Runtime.Load(utf16, "utf16.wat");

        fromBom.ToWit().Should().Contain("add: func(a: u32, b: u32) -> u32;");
        fromUtf16.ToWit().Should().Contain("add: func(a: u32, b: u32) -> u32;");
    }

    // ---------------------------------------------------------------- paths

    [Fact]
    public void A_missing_file_is_reported_as_missing_with_its_path()
    {
        var path = Path.Combine(_dir, "missing.wasm");

        var e = LoadFails(() => Runtime.Load(path));

        e.ComponentSource.Should().Be(path);
        e.Message.Should().Be($"Cannot load component '{path}': the file does not exist.");
        e.InnerException.Should().BeOfType<FileNotFoundException>();
    }

    [Fact]
    public void A_file_in_a_missing_directory_names_the_missing_directory()
    {
        var path = Path.Combine(_dir, "no-such-dir", "app.wasm");

        var e = LoadFails(() => Runtime.Load(path));

        e.Message.Should().Contain("the file does not exist").And.Contain($"its directory '{Path.Combine(_dir, "no-such-dir")}' does not exist");
        e.InnerException.Should().BeOfType<DirectoryNotFoundException>();
    }

    [Fact]
    public void A_missing_relative_path_is_reported_with_the_current_directory_it_was_resolved_against()
    {
        var e = LoadFails(() => Runtime.Load(Path.Combine("no-such-dir", "app.wasm")));

        e.Message.Should().Contain(Environment.CurrentDirectory);
    }

    [Fact]
    public void A_directory_path_is_reported_as_a_directory_not_as_access_denied()
    {
        var e = LoadFails(() => Runtime.Load(_dir));

        e.Message.Should().Contain($"'{_dir}'").And.Contain("is a directory").And.NotContain("denied");
    }

    [Fact]
    public void A_file_without_read_permission_fails_for_users_and_loads_for_root()
    {
        var path = Write("locked.wasm", GoodComponent());
        if (OperatingSystem.IsWindows())
        {
            // No mode bits on Windows; the Unix behaviour is what this test is about.
            Runtime.Load(path).Dispose();
            return;
        }

        File.SetUnixFileMode(path, UnixFileMode.None);
        if (Environment.IsPrivilegedProcess)
        {
            // root bypasses permission bits (CAP_DAC_OVERRIDE): the file is read and the component loads.
            using var component = Runtime.Load(path);
            component.Name.Should().Be(path);
        }
        else
        {
            var e = LoadFails(() => Runtime.Load(path));
            e.Message.Should().Contain(path).And.Contain("permission to read the file is denied");
            e.InnerException.Should().BeOfType<UnauthorizedAccessException>();
        }
    }

    [Fact]
    public void A_file_whose_read_fails_with_an_IO_error_is_reported_with_the_system_message()
    {
        // Reading /proc/self/mem from offset 0 fails with EIO (page 0 is never mapped), even for root.
        const string path = "/proc/self/mem";

        var e = LoadFails(() => Runtime.Load(path));

        e.ComponentSource.Should().Be(path);
        if (OperatingSystem.IsLinux())
        {
            e.Message.Should().Contain("the file cannot be read").And.Contain("Input/output error");
            e.InnerException.Should().BeAssignableTo<IOException>();
        }
    }

    [Fact]
    public void An_empty_file_is_reported_as_empty()
    {
        var path = Write("empty.wasm", ReadOnlySpan<byte>.Empty);

        LoadFails(() => Runtime.Load(path)).Message.Should().Contain(path).And.Contain("the input is empty");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_path_is_a_load_error(string path)
    {
        LoadFails(() => Runtime.Load(path)).Message.Should().Contain("the path is empty");
    }

    [Fact]
    public void A_path_with_a_NUL_character_is_a_load_error()
    {
        LoadFails(() => Runtime.Load("app\0.wasm")).Message.Should().Contain("the path is not valid");
    }

    [Fact]
    public void A_URL_is_reported_as_not_a_local_path()
    {
        LoadFails(() => Runtime.Load("https://example.com/app.wasm")).Message.Should().Contain("not a URL");
    }

    [Fact]
    public void Null_arguments_throw_ArgumentNullException()
    {
        FluentActions.Invoking(() => Runtime.Load((string)null!)).Should().ThrowExactly<ArgumentNullException>().WithParameterName("path");
        FluentActions.Invoking(() => Runtime.Load((byte[])null!)).Should().ThrowExactly<ArgumentNullException>().WithParameterName("bytes");
        FluentActions.Invoking(() => Runtime.LoadText(null!)).Should().ThrowExactly<ArgumentNullException>().WithParameterName("wat");
        FluentActions.Invoking(() => Runtime.LoadText("(component)", null!)).Should().ThrowExactly<ArgumentNullException>().WithParameterName("name");
        FluentActions.Invoking(() => Runtime.Load("(component)"u8, null!)).Should().ThrowExactly<ArgumentNullException>().WithParameterName("name");
    }

    // ---------------------------------------------------------------- the process survives

    [Fact]
    public void After_every_kind_of_bad_input_the_same_runtime_still_loads_and_runs_a_good_component()
    {
        using var runtime = new ComponentRuntime();
        var good = GoodComponent();
        var corrupt = (byte[])good.Clone();
        corrupt[8] = 0x7F;
        var garbage = new byte[256];
        new Random(1).NextBytes(garbage);
        var failures = new Action[]
        {
            () => runtime.Load(Array.Empty<byte>()),
            () => runtime.Load(garbage),
            () => runtime.Load("\0asm"u8.ToArray()),
            () => runtime.Load(NativeWat2Wasm("(module)")),
            () => runtime.LoadText("(module)"),
            () => runtime.Load(good[..(good.Length / 2)]),
            () => runtime.Load(corrupt),
            () => runtime.LoadText("(component (core module $m (func (result i32) i64.const 1)))"),
            () => runtime.LoadText("(component (func"),
            () => runtime.Load(Path.Combine(_dir, "missing.wasm")),
            () => runtime.Load(_dir),
            () => runtime.Load("/proc/self/mem"),
        };

        for (var round = 0; round < 3; round++)
        {
            foreach (var fail in failures)
            {
                fail.Should().ThrowExactly<ComponentLoadException>();
            }
        }

        using var component = runtime.Load(good, "scalars.wasm");
        using var instance = component.Instantiate();
        uint sum = instance.Exports.Add(40u, 2u);
        sum.Should().Be(42u);
    }

    // ---------------------------------------------------------------- helpers

    private static ComponentLoadException LoadFails(Func<WasmComponent> load)
    {
        var e = FluentActions.Invoking(load).Should().ThrowExactly<ComponentLoadException>().Which;
        e.Message.Should().StartWith($"Cannot load component '{e.ComponentSource}': ");
        return e;
    }

    /// <summary>The binary of Fixtures/scalars.wat, a valid component.</summary>
    private static byte[] GoodComponent() => NativeWat2Wasm(File.ReadAllText(ScalarsPath));

    /// <summary>Wasmtime's <c>wasmtime_wat2wasm</c> as is: it turns core module text into a core module binary.</summary>
    private static byte[] NativeWat2Wasm(string wat)
    {
        var text = Encoding.UTF8.GetBytes(wat);
        ByteVec wasm;
        nint error;
        fixed (byte* p = text)
        {
            error = WasmtimeApi.wasmtime_wat2wasm(p, (nuint)text.Length, &wasm);
        }

        error.Should().Be(0);
        try
        {
            return new ReadOnlySpan<byte>(wasm.Data, checked((int)wasm.Size)).ToArray();
        }
        finally
        {
            WasmtimeApi.wasm_byte_vec_delete(&wasm);
        }
    }

    /// <summary>Whether <paramref name="offset"/> is where a top-level section of the binary starts or the binary ends.</summary>
    private static bool IsSectionBoundary(byte[] binary, int offset)
    {
        var at = 8;
        while (at < offset)
        {
            at++; // section id
            uint size = 0;
            var shift = 0;
            byte b;
            do
            {
                b = binary[at++];
                size |= (uint)(b & 0x7F) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);
            at += (int)size;
        }

        return at == offset;
    }

    private string Write(string name, ReadOnlySpan<byte> content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
