// Program: the actions of the invoke and run commands.
using System.CommandLine;
using WasmDynamic.Wit;

namespace WasmDynamic.Cli;

public static partial class Program
{
    private sealed partial class Tool
    {
        private static System.CommandLine.Option<string[]> EnvOption() =>
            new("--env") { Description = "Set an environment variable for the component: NAME=VALUE (repeatable).", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };

        private int Invoke(ParseResult parsed, string path, string callText, string[] env, IReadOnlyList<ImportStubs.Stub> stubs, (TimeSpan? Timeout, ulong? Fuel, long? MaxMemory) limits)
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
                Imports = ImportStubs.Build(component, stubs),
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

        private int RunCommandComponent(ParseResult parsed, string path, string[] args, string[] env, bool inheritEnv, string[] dirs, IReadOnlyList<ImportStubs.Stub> stubs, (TimeSpan? Timeout, ulong? Fuel, long? MaxMemory) limits)
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
                Imports = ImportStubs.Build(component, stubs),
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
    }
}
