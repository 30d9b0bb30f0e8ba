using System.Text;
using WasmDynamic.Wit;

namespace WasmDynamic.Build;

/// <summary>
/// The generator behind <c>&lt;WitBindings Include="plugin.wasm" Namespace="Acme.Plugin" /&gt;</c>: reads one component
/// binary and writes WasmDynamic.Bindgen's files into a folder, leaving files whose text did not change untouched and
/// deleting generated files the component no longer produces. Errors are printed in MSBuild's canonical form
/// (<c>file: error WDB0001: …</c>) so the build shows them against the component.
/// </summary>
public static class Program
{
    /// <summary>Runs the generator.</summary>
    /// <param name="args"><c>&lt;component.wasm&gt; &lt;namespace&gt; &lt;output folder&gt; [--async]</c>.</param>
    /// <returns>0 on success, 1 on an error.</returns>
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length is not (3 or 4) || (args.Length == 4 && args[3] != "--async"))
        {
            Console.Error.WriteLine("WasmDynamic.Build: error WDB0000: expected <component.wasm> <namespace> <output folder> [--async]; this tool is run by the WitBindings build targets.");
            return 1;
        }

        var (component, name, folder) = (args[0], args[1], args[2]);
        try
        {
            var written = Generate(component, name, folder, new WasmDynamic.Bindgen.BindgenOptions { Async = args.Length == 4 });
            Console.WriteLine($"WitBindings: {Path.GetFileName(component)} -> {folder} ({written} of the files changed)");
            return 0;
        }
        catch (Exception e) when (e is WasmDynamicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"{component}: error WDB0001: {OneLine(e.Message)}");
            return 1;
        }
    }

    /// <summary>Generates the bindings of <paramref name="component"/> into <paramref name="folder"/>.</summary>
    /// <param name="component">The component binary.</param>
    /// <param name="name">The namespace of the generated code.</param>
    /// <param name="folder">Where the files go.</param>
    /// <param name="options">How to write them (null: the defaults).</param>
    /// <returns>How many files were written (new or changed).</returns>
    /// <exception cref="ArgumentException">The file is not a component binary, or the namespace is unusable.</exception>
    /// <exception cref="ComponentLoadException">The binary is not a valid component.</exception>
    public static int Generate(string component, string name, string folder, WasmDynamic.Bindgen.BindgenOptions? options = null)
    {
        var bytes = File.ReadAllBytes(component);
        if (!bytes.AsSpan().StartsWith("\0asm"u8))
        {
            throw new ArgumentException(
                "WitBindings reads component binaries (.wasm) without an engine; this file is not one (component WAT text?). "
                + "Convert it first (`wasm-tools parse x.wat -o x.wasm` or `jco parse`), or generate from WAT with `wasmdynamic bindgen`.");
        }

        var world = WitWorld.Read(bytes);
        var files = WasmDynamic.Bindgen.Bindgen.Generate(name, world, options);
        Directory.CreateDirectory(folder);
        var written = 0;
        foreach (var (file, utf8) in files)
        {
            var path = Path.Combine(folder, file);
            if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(utf8))
            {
                continue;
            }

            File.WriteAllBytes(path, utf8);
            written++;
        }

        foreach (var stale in Directory.EnumerateFiles(folder, "*.g.cs"))
        {
            if (!files.ContainsKey(Path.GetFileName(stale)))
            {
                File.Delete(stale);
            }
        }

        return written;
    }

    private static string OneLine(string message)
    {
        var text = new StringBuilder(message.Length);
        foreach (var c in message)
        {
            text.Append(c is '\r' or '\n' ? ' ' : c);
        }

        return text.ToString();
    }
}
