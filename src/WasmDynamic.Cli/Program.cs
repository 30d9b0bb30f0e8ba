using System.CommandLine;
using WasmDynamic.Wit;

namespace WasmDynamic.Cli;

/// <summary>
/// <c>wasmdynamic</c>: <c>wit</c> prints a component's world, <c>bindgen</c> writes C# bindings, <c>invoke</c> calls an
/// export with WAVE arguments and prints the result in WAVE, <c>run</c> runs a <c>wasi:cli/run</c> command component.
/// </summary>
public static partial class Program
{
    /// <summary>Runs the tool with the process's console.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The exit code: 0 on success, 1 on an error (for <c>run</c>, the component's exit code).</returns>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the tool writing to <paramref name="output"/> and <paramref name="error"/> (a component's stdout and stderr too).</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Standard output (when it is <see cref="Console.Out"/>, components write to the console directly and <c>run</c> passes stdin through).</param>
    /// <param name="error">Standard error.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var tool = new Tool(output, error);
        // A plain command named like the tool (a RootCommand takes the executable's name, WasmDynamic.Cli), with the
        // help and version options a RootCommand would add.
        var root = new Command("wasmdynamic", "wasmdynamic: inspect, bind, call and run WebAssembly components (Wasmtime, component model).")
        {
            new System.CommandLine.Help.HelpOption(),
            new VersionOption(),
            tool.WitCommand(),
            tool.BindgenCommand(),
            tool.InvokeCommand(),
            tool.RunCommand(),
            Tool.NoCache,
            Tool.CacheDir,
            Tool.Verbose,
        };
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    private sealed partial class Tool(TextWriter output, TextWriter error)
    {
        /// <summary>Compile every time instead of using the compiled-component cache.</summary>
        public static readonly System.CommandLine.Option<bool> NoCache = new("--no-cache") { Description = "Compile the component instead of loading it from the compiled-component cache.", Recursive = true };

        /// <summary>Where the compiled-component cache lives.</summary>
        public static readonly System.CommandLine.Option<string?> CacheDir = new("--cache-dir") { Description = "The compiled-component cache folder (default: the per-user cache folder).", Recursive = true };

        /// <summary>Full traps (with the guest backtrace) and load timings on standard error.</summary>
        public static readonly System.CommandLine.Option<bool> Verbose = new("--verbose", "-v") { Description = "Print guest backtraces with traps, and how the component was loaded.", Recursive = true };

        private bool _verbose;

        /// <summary>The world of the component being invoked or run, to describe an unimplemented import it called.</summary>
        private WitWorld? _world;

        private bool ConsoleMode => ReferenceEquals(output, Console.Out);

        /// <summary>A runtime configured by the global options (cache on unless --no-cache).</summary>
        private ComponentRuntime Runtime(ParseResult result, bool fuel = false)
        {
            _verbose = result.GetValue(Verbose);
            return new ComponentRuntime(new ComponentRuntimeOptions
            {
                UseCompiledComponentCache = !result.GetValue(NoCache),
                CacheDirectory = result.GetValue(CacheDir),
                ConsumeFuel = fuel,
            });
        }

        /// <summary>Loads a component, saying on standard error with --verbose whether it was compiled or came from the cache.</summary>
        private WasmComponent Load(ComponentRuntime runtime, string path)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var hits = runtime.CacheHits;
            var component = runtime.Load(path);
            if (_verbose)
            {
                error.WriteLine(runtime.CacheHits > hits
                    ? $"loaded {path} from the compiled-component cache in {watch.ElapsedMilliseconds} ms"
                    : $"compiled {path} in {watch.ElapsedMilliseconds} ms");
            }

            return component;
        }

        private static System.CommandLine.Option<string?> TimeoutOption() =>
            new("--timeout") { Description = "Stop a call that runs longer than this: 500ms, 2s, 1m (or seconds)." };

        private static System.CommandLine.Option<ulong?> FuelOption() =>
            new("--fuel") { Description = "Stop a call that executes more than this many units of fuel (about one per instruction)." };

        private static System.CommandLine.Option<string?> MaxMemoryOption() =>
            new("--max-memory") { Description = "The most linear memory the component may grow to: bytes, or 64KiB, 16MiB, 1GiB." };

        /// <summary>Limits from --timeout, --fuel and --max-memory.</summary>
        private static (TimeSpan? Timeout, ulong? Fuel, long? MaxMemory) Limits(ParseResult result, System.CommandLine.Option<string?> timeout, System.CommandLine.Option<ulong?> fuel, System.CommandLine.Option<string?> maxMemory) =>
            (ParseDuration(result.GetValue(timeout)), result.GetValue(fuel), ParseSize(result.GetValue(maxMemory)));

        private static TimeSpan? ParseDuration(string? text)
        {
            if (text is null)
            {
                return null;
            }

            var t = text.Trim();
            var (number, scale) = t.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (t[..^2], 1.0)
                : t.EndsWith('s') ? (t[..^1], 1000.0)
                : t.EndsWith('m') ? (t[..^1], 60_000.0)
                : (t, 1000.0);
            if (!double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || value <= 0 || double.IsInfinity(value))
            {
                throw new UsageException($"--timeout takes a positive duration such as 500ms, 2s or 1m, not '{text}'.");
            }

            return TimeSpan.FromMilliseconds(value * scale);
        }

        private static long? ParseSize(string? text)
        {
            if (text is null)
            {
                return null;
            }

            var t = text.Trim();
            var (number, scale) = t.EndsWith("GiB", StringComparison.OrdinalIgnoreCase) ? (t[..^3], 1L << 30)
                : t.EndsWith("MiB", StringComparison.OrdinalIgnoreCase) ? (t[..^3], 1L << 20)
                : t.EndsWith("KiB", StringComparison.OrdinalIgnoreCase) ? (t[..^3], 1L << 10)
                : (t, 1L);
            if (!long.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) || value <= 0 || value > long.MaxValue / scale)
            {
                throw new UsageException($"--max-memory takes a positive size such as 65536, 64KiB, 16MiB or 1GiB, not '{text}'.");
            }

            return value * scale;
        }

        private static System.CommandLine.Option<string[]> StubOption() =>
            new("--stub")
            {
                Description = "Answer an import function with a fixed value: NAME=WAVE, where NAME is a world-level function or INTERFACE#FUNCTION "
                    + "(full interface name, without version, or short name) and WAVE its result, e.g. --stub 'get-number=41' "
                    + "--stub 'demo:host/config#get=some(\"on\")'; a function without a result takes just NAME (it does nothing). Repeatable. "
                    + "Other imports trap when called, with one line naming them.",
                Arity = ArgumentArity.ZeroOrMore,
                AllowMultipleArgumentsPerToken = false,
            };

        private static Argument<string> ComponentArgument() => new("component") { Description = "The component: a .wasm binary or component WAT text." };

        public Command WitCommand()
        {
            var component = ComponentArgument();
            var command = new Command("wit", "Print the component's world as WIT (as `wasm-tools component wit` prints it).") { component };
            command.SetAction(result => Guard(() =>
            {
                using var runtime = Runtime(result);
                using var loaded = Load(runtime, result.GetValue(component)!);
                output.Write(loaded.ToWit());
                return 0;
            }));
            return command;
        }

        public Command BindgenCommand()
        {
            var component = ComponentArgument();
            var name = new System.CommandLine.Option<string>("--name", "-n") { Description = "The namespace of the generated code, e.g. Demo.Calc.", Required = true };
            var outDir = new System.CommandLine.Option<string>("--out", "-o") { Description = "The directory to write the .cs files into (created if missing).", Required = true };
            var async = new System.CommandLine.Option<bool>("--async")
            {
                Description = "Also write Task XAsync(…, CancellationToken) methods on exported interfaces, and write the host interfaces of imports with Task-returning methods only.",
            };
            var command = new Command("bindgen", "Generate C# bindings for the component: interfaces for GetInterface<T>, host interfaces for its imports, and its types.") { component, name, outDir, async };
            command.SetAction(result => Guard(() =>
            {
                var bytes = ReadComponent(result.GetValue(component)!);
                var files = Bindgen.Bindgen.Generate(result.GetValue(name)!, bytes, new Bindgen.BindgenOptions { Async = result.GetValue(async) });
                var dir = result.GetValue(outDir)!;
                Directory.CreateDirectory(dir);
                foreach (var (file, utf8) in files)
                {
                    File.WriteAllBytes(Path.Combine(dir, file), utf8);
                }

                output.WriteLine($"Wrote {files.Count} files to {dir}: {string.Join(", ", files.Keys)}");
                return 0;
            }));
            return command;
        }

        public Command InvokeCommand()
        {
            var component = ComponentArgument();
            var call = new Argument<string>("call")
            {
                Description = "The call in WAVE syntax, quoted: \"add(1, 2)\", \"area(rect({x: 2, y: 3}))\". Functions of an exported interface are "
                    + "named interface#function: \"demo:calc/types#area(circle(1.5))\" (full name, without version, or short name).",
            };
            var env = EnvOption();
            var stubs = StubOption();
            var (timeout, fuel, maxMemory) = (TimeoutOption(), FuelOption(), MaxMemoryOption());
            var command = new Command("invoke", "Call an exported function with arguments written in WAVE and print the result in WAVE. Imports trap when called, unless stubbed with --stub.") { component, call, env, stubs, timeout, fuel, maxMemory };
            command.SetAction(result => Guard(() => Invoke(result, result.GetValue(component)!, result.GetValue(call)!, result.GetValue(env) ?? [], ImportStubs.Parse(result.GetValue(stubs) ?? []), Limits(result, timeout, fuel, maxMemory))));
            return command;
        }

        public Command RunCommand()
        {
            var component = ComponentArgument();
            var args = new Argument<string[]>("args") { Description = "Arguments for the component (after -- when they start with -).", Arity = ArgumentArity.ZeroOrMore };
            var env = EnvOption();
            var inheritEnv = new System.CommandLine.Option<bool>("--inherit-env") { Description = "Give the component this process's environment variables." };
            var dirs = new System.CommandLine.Option<string[]>("--dir") { Description = "Preopen a host directory: HOST or HOST::GUEST (repeatable).", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
            var stubs = StubOption();
            var (timeout, fuel, maxMemory) = (TimeoutOption(), FuelOption(), MaxMemoryOption());
            var command = new Command("run", "Run a wasi:cli/run command component with stdin, stdout and stderr inherited; exit with its exit code.") { component, args, env, inheritEnv, dirs, stubs, timeout, fuel, maxMemory };
            command.SetAction(result => Guard(() => RunCommandComponent(result, result.GetValue(component)!, result.GetValue(args) ?? [], result.GetValue(env) ?? [], result.GetValue(inheritEnv), result.GetValue(dirs) ?? [], ImportStubs.Parse(result.GetValue(stubs) ?? []), Limits(result, timeout, fuel, maxMemory))));
            return command;
        }
    }

    private sealed class UsageException(string message) : Exception(message);
}

internal static class WitInterfaceExtensions
{
    public static string? Version(this WitInterface iface) => iface.ParsedName.Version;
}
