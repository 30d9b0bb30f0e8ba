// Over 400 lines on purpose: the command-line definition of every command and its action, one command per method.
using System.Text.RegularExpressions;
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
            var command = new Command("bindgen", "Generate C# bindings for the component: interfaces for GetInterface<T>, host interfaces for its imports, and its types.") { component, name, outDir };
            command.SetAction(result => Guard(() =>
            {
                var bytes = ReadComponent(result.GetValue(component)!);
                var files = Bindgen.Bindgen.Generate(result.GetValue(name)!, bytes);
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
            var (timeout, fuel, maxMemory) = (TimeoutOption(), FuelOption(), MaxMemoryOption());
            var command = new Command("invoke", "Call an exported function with arguments written in WAVE and print the result in WAVE.") { component, call, env, timeout, fuel, maxMemory };
            command.SetAction(result => Guard(() => Invoke(result, result.GetValue(component)!, result.GetValue(call)!, result.GetValue(env) ?? [], Limits(result, timeout, fuel, maxMemory))));
            return command;
        }

        public Command RunCommand()
        {
            var component = ComponentArgument();
            var args = new Argument<string[]>("args") { Description = "Arguments for the component (after -- when they start with -).", Arity = ArgumentArity.ZeroOrMore };
            var env = EnvOption();
            var inheritEnv = new System.CommandLine.Option<bool>("--inherit-env") { Description = "Give the component this process's environment variables." };
            var dirs = new System.CommandLine.Option<string[]>("--dir") { Description = "Preopen a host directory: HOST or HOST::GUEST (repeatable).", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
            var (timeout, fuel, maxMemory) = (TimeoutOption(), FuelOption(), MaxMemoryOption());
            var command = new Command("run", "Run a wasi:cli/run command component with stdin, stdout and stderr inherited; exit with its exit code.") { component, args, env, inheritEnv, dirs, timeout, fuel, maxMemory };
            command.SetAction(result => Guard(() => RunCommandComponent(result, result.GetValue(component)!, result.GetValue(args) ?? [], result.GetValue(env) ?? [], result.GetValue(inheritEnv), result.GetValue(dirs) ?? [], Limits(result, timeout, fuel, maxMemory))));
            return command;
        }

        private static System.CommandLine.Option<string[]> EnvOption() =>
            new("--env") { Description = "Set an environment variable for the component: NAME=VALUE (repeatable).", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };

        private int Invoke(ParseResult parsed, string path, string callText, string[] env, (TimeSpan? Timeout, ulong? Fuel, long? MaxMemory) limits)
        {
            string designator;
            IReadOnlyList<WaveNode> arguments;
            try
            {
                (designator, arguments) = WaveParser.ParseCall(callText);
            }
            catch (WaveException e)
            {
                return Fail($"invalid call: {e.Message}{Where(callText, e.Position)}");
            }

            using var runtime = Runtime(parsed, fuel: limits.Fuel is not null);
            using var component = Load(runtime, path);
            var world = component.World;
            _world = world;
            var (iface, function) = Resolve(world, designator);
            if (function is null)
            {
                return 1;
            }

            if (function.Kind != WitFunctionKind.Freestanding)
            {
                return Fail($"'{function.Name}' is a resource function; invoke calls plain functions (resources cannot be written in WAVE).");
            }

            if (arguments.Count != function.Parameters.Count)
            {
                return Fail($"'{function.Signature}' takes {function.Parameters.Count} argument(s) but {arguments.Count} were given.");
            }

            using var instance = component.Instantiate(new InstanceOptions
            {
                TrapUnimplementedImports = true,
                Wasi = Wasi([], ParseEnv(env), inheritEnv: false, [], stdin: false),
                CallTimeout = limits.Timeout,
                FuelPerCall = limits.Fuel,
                MaxMemoryBytes = limits.MaxMemory,
            });
            var qualified = iface is null ? function.Name : $"{iface.Name}#{function.Name}";
            IReadOnlyList<Type> types;
            try
            {
                types = instance.ParameterTypes(qualified);
            }
            catch (ComponentExportNotFoundException)
            {
                return Fail($"'{function.Signature}' uses types WasmDynamic cannot marshal yet, so it cannot be invoked.");
            }

            var values = new object?[types.Count];
            for (var i = 0; i < types.Count; i++)
            {
                try
                {
                    values[i] = WaveValues.ToClr(arguments[i], function.Parameters[i].Type, types[i]);
                }
                catch (WaveException e)
                {
                    return Fail($"argument '{function.Parameters[i].Name}' of '{function.Signature}': {e.Message}{Where(callText, e.Position)}");
                }
            }

            var value = instance.Invoke(qualified, values);
            if (function.Result is not null)
            {
                output.WriteLine(WaveValues.Format(value, function.Result));
            }

            return 0;
        }

        private (WitInterface? Interface, WitFunction? Function) Resolve(WitWorld world, string designator)
        {
            var hash = designator.LastIndexOf('#');
            if (hash < 0)
            {
                var f = world.ExportedFunctions.FirstOrDefault(x => x.Name == designator)
                    ?? world.ExportedFunctions.FirstOrDefault(x => x.Kind == WitFunctionKind.Freestanding && x.ShortName == designator);
                if (f is null)
                {
                    var inInterfaces = world.Exports.Where(i => i.Functions.Any(x => x.Name == designator)).Select(i => $"{i.Name}#{designator}").ToList();
                    Fail($"the component exports no function '{designator}' at its root."
                        + (inInterfaces.Count > 0 ? $" Did you mean {string.Join(" or ", inInterfaces)}?" : string.Empty)
                        + $" Exported functions: {string.Join(", ", AllFunctions(world))}.");
                }

                return (null, f);
            }

            var ifaceName = designator[..hash];
            var fname = designator[(hash + 1)..];
            var iface = world.FindExport(ifaceName);
            if (iface is null)
            {
                Fail($"the component exports no interface '{ifaceName}'. Exported interfaces: {(world.Exports.Count == 0 ? "none" : string.Join(", ", world.Exports.Select(e => e.Name)))}.");
                return (null, null);
            }

            var function = iface.Functions.FirstOrDefault(x => x.Name == fname)
                ?? iface.Functions.FirstOrDefault(x => x.Kind == WitFunctionKind.Freestanding && x.ShortName == fname);
            if (function is null)
            {
                Fail($"interface '{iface.Name}' has no function '{fname}'. Its functions: {string.Join(", ", iface.Functions.Select(x => x.Name))}.");
            }

            return (iface, function);
        }

        private static IEnumerable<string> AllFunctions(WitWorld world) =>
            world.ExportedFunctions.Select(f => f.Name).Concat(world.Exports.SelectMany(i => i.Functions.Where(f => f.Kind == WitFunctionKind.Freestanding).Select(f => $"{i.Name}#{f.Name}")));

        private int RunCommandComponent(ParseResult parsed, string path, string[] args, string[] env, bool inheritEnv, string[] dirs, (TimeSpan? Timeout, ulong? Fuel, long? MaxMemory) limits)
        {
            using var runtime = Runtime(parsed, fuel: limits.Fuel is not null);
            using var component = Load(runtime, path);
            var run = component.World.Exports.FirstOrDefault(i => i.ParsedName is { Namespace: "wasi", Package: "cli", Interface: "run" } && i.Version()?.StartsWith("0.2", StringComparison.Ordinal) != false);
            var function = run?.FindFunction("run");
            if (run is null || function is null)
            {
                return Fail($"'{path}' is not a command component: it does not export wasi:cli/run@0.2.x with a 'run' function. Its exports: {string.Join(", ", component.World.Exports.Select(e => e.Name).Concat(component.World.ExportedFunctions.Select(f => f.Name)))}.");
            }

            var directories = new List<WasiDirectory>();
            foreach (var d in dirs)
            {
                var sep = d.IndexOf("::", StringComparison.Ordinal);
                directories.Add(sep < 0 ? new WasiDirectory(d, d, ReadOnly: false) : new WasiDirectory(d[..sep], d[(sep + 2)..], ReadOnly: false));
            }

            using var instance = component.Instantiate(new InstanceOptions
            {
                Wasi = Wasi([Path.GetFileName(path), .. args], ParseEnv(env), inheritEnv, directories, stdin: true),
                CallTimeout = limits.Timeout,
                FuelPerCall = limits.Fuel,
                MaxMemoryBytes = limits.MaxMemory,
            });
            object? result;
            try
            {
                result = instance.Invoke($"{run.Name}#run");
            }
            catch (ComponentTrapException trap) when (trap.ExitStatus is { } status)
            {
                return status;
            }

            return result is Result<Unit, Unit> { IsOk: true } ? 0 : 1;
        }

        private WasiOptions Wasi(IReadOnlyList<string> args, Dictionary<string, string> env, bool inheritEnv, IReadOnlyList<WasiDirectory> dirs, bool stdin) => new()
        {
            StandardOutput = ConsoleMode ? WasiOutput.Console : WasiOutput.To(output),
            StandardError = ConsoleMode ? WasiOutput.Console : WasiOutput.To(error),
            StandardInput = stdin && ConsoleMode && Console.IsInputRedirected ? WasiInput.From(Console.OpenStandardInput()) : WasiInput.Empty,
            Arguments = args,
            Environment = env,
            InheritEnvironment = inheritEnv ? _ => true : null,
            Directories = dirs,
        };

        private static Dictionary<string, string> ParseEnv(string[] env)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var e in env)
            {
                var eq = e.IndexOf('=');
                if (eq <= 0)
                {
                    throw new UsageException($"--env takes NAME=VALUE, not '{e}'.");
                }

                result[e[..eq]] = e[(eq + 1)..];
            }

            return result;
        }

        private static byte[] ReadComponent(string path)
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new UsageException($"cannot read '{path}': {e.Message}");
            }
        }

        private static string Where(string text, int position) =>
            position < 0 ? string.Empty : $"\n  {text}\n  {new string(' ', Math.Min(position, text.Length))}^";

        /// <summary>
        /// For Wasmtime's "unknown import: `iface#func` has not been defined" trap: one line naming the import and its WIT
        /// signature (and the export that was running), or null for any other trap.
        /// </summary>
        private string? UnimplementedImport(string message)
        {
            var m = UnknownImport().Match(message);
            if (!m.Success)
            {
                return null;
            }

            var name = m.Groups[1].Value;
            var hash = name.LastIndexOf('#');
            var function = hash < 0
                ? _world?.ImportedFunctions.FirstOrDefault(f => f.Name == name)
                : _world?.Imports.FirstOrDefault(i => i.Name == name[..hash])?.FindFunction(name[(hash + 1)..]);
            var signature = function is null ? string.Empty : $" ({function.Signature})";
            var during = message.IndexOf(" In component function ", StringComparison.Ordinal) is var at and >= 0
                ? Headline(message[(at + 1)..]).Split('\n')[0]
                : string.Empty;
            return $"the component called the import {name}{signature}, which is not implemented here: it traps when called. {during}".TrimEnd();
        }

        [GeneratedRegex(@"unknown import: `([^`]+)` has not been defined")]
        private static partial Regex UnknownImport();

        /// <summary>A trap's message without the guest backtrace that follows it (kept for --verbose).</summary>
        private static string Headline(string message)
        {
            var at = message.IndexOf("Guest backtrace:", StringComparison.Ordinal);
            var head = (at < 0 ? message : message[..at]).TrimEnd();
            var lines = head.Split('\n');
            return lines.Length <= 3 ? head : string.Join('\n', lines.Take(3)) + "\n  (--verbose prints the whole trap)";
        }

        private int Fail(string message)
        {
            error.WriteLine("error: " + message);
            return 1;
        }

        /// <summary>Runs a command, turning the library's exceptions into a message and exit code 1.</summary>
        private int Guard(Func<int> action)
        {
            try
            {
                return action();
            }
            catch (UsageException e)
            {
                return Fail(e.Message);
            }
            catch (ComponentLoadException e)
            {
                return Fail(e.Message);
            }
            catch (ComponentBindingException e)
            {
                return Fail(e.Message);
            }
            catch (ComponentTrapException e)
            {
                return Fail(UnimplementedImport(e.Message) ?? "the component trapped: " + (_verbose ? e.Message : Headline(e.Message)));
            }
            catch (WasmDynamicException e)
            {
                return Fail(e.Message);
            }
            catch (ArgumentException e)
            {
                return Fail(e.Message);
            }
            catch (IOException e)
            {
                return Fail(e.Message);
            }
            catch (UnauthorizedAccessException e)
            {
                return Fail(e.Message);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return Fail($"{e.GetType().Name}: {e.Message}");
            }
        }
    }

    private sealed class UsageException(string message) : Exception(message);
}

internal static class WitInterfaceExtensions
{
    public static string? Version(this WitInterface iface) => iface.ParsedName.Version;
}
