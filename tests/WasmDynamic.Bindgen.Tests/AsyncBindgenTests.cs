using System.Reflection;
using System.Text;
using FluentAssertions;
using WasmDynamic.Wit;
using Xunit;

namespace WasmDynamic.Bindgen.Tests;

/// <summary>
/// <see cref="BindgenOptions.Async"/>: Task-returning twins on exported interfaces, Task-returning host interfaces for
/// imports. The code must compile, keep the synchronous members exactly as they are without the option, and name every
/// async member the way WasmDynamic's async binding rule reads it (<c>XAsync</c> binds to WIT <c>x</c>, a trailing
/// <see cref="CancellationToken"/>, <c>[WitName]</c> on each member).
/// </summary>
public class AsyncBindgenTests
{
    private static readonly ComponentRuntime Runtime = new();
    private static readonly BindgenOptions Async = new() { Async = true };

    private static IReadOnlyDictionary<string, byte[]> Generate(string fixture, string ns, BindgenOptions? options)
    {
        using var component = Runtime.Load(Fixtures.Path(fixture));
        return Bindgen.Generate(ns, component.World, options);
    }

    private static string Text(IReadOnlyDictionary<string, byte[]> files, string file) => Encoding.UTF8.GetString(files[file]);

    [Theory]
    [MemberData(nameof(PolicyContractTests.Components), MemberType = typeof(PolicyContractTests))]
    public void Async_bindings_compile_and_agree_with_the_synchronous_ones_and_the_async_naming_rule(string fixture)
    {
        WasmComponent component;
        try
        {
            component = Runtime.Load(Fixtures.Path(fixture));
        }
        catch (ComponentLoadException)
        {
            return; // deliberately broken fixtures are not in the contract
        }

        using (component)
        {
            var sync = Compiler.Compile(Bindgen.Generate("Contract", component.World));
            var async = Compiler.Compile(Bindgen.Generate("Contract", component.World, Async));
            var problems = new List<string>();
            var witNames = (IReadOnlyDictionary<Type, string>)async.GetType("Contract.WitBindings")!.GetProperty("WitNames")!.GetValue(null)!;
            foreach (var generated in witNames.Keys)
            {
                var plain = sync.GetType(generated.FullName!);
                if (plain is null)
                {
                    problems.Add($"{generated.Name}: generated only with Async.");
                }
                else if (generated.GetCustomAttribute<GeneratedBindingAttribute>() is not null)
                {
                    CheckExport(generated, plain, problems);
                }
                else
                {
                    CheckHost(generated, plain, problems);
                }
            }

            problems.Should().BeEmpty($"async bindings follow the async binding rule ({fixture})");
        }
    }

    [Fact]
    public void The_contract_covers_async_exports_and_host_interfaces()
    {
        // Guards the theory against passing vacuously: these fixtures have async members of both kinds.
        var async = Compiler.Compile(Generate("imports.wat", "Contract", Async));
        var root = async.GetType("Contract.IRootExports")!;
        root.GetMethods().Select(m => m.Name).Should().BeEquivalentTo(["Run", "RunAsync"]);
        var host = async.GetType("Contract.ILoggerImport")!;
        host.GetMethods().Select(m => m.Name).Should().Equal("LogAsync");
        var compound = Compiler.Compile(Generate("compound.wat", "Contract", Async));
        compound.GetTypes().Where(t => t.IsInterface).SelectMany(t => t.GetMethods()).Count(m => m.Name.EndsWith("Async", StringComparison.Ordinal))
            .Should().BeGreaterThan(20);
    }

    [Fact]
    public void Exports_get_a_Task_twin_with_an_optional_token_and_imports_become_Task_returning_host_interfaces()
    {
        var files = Generate("imports.wat", "Demo.Imp", Async);
        var root = Text(files, "IRootExports.g.cs");
        root.Should().Contain("[global::WasmDynamic.WitName(\"run\")]\n    uint Run(string msg);")
            .And.Contain("[global::WasmDynamic.WitName(\"run\")]\n    global::System.Threading.Tasks.Task<uint> RunAsync(string msg, global::System.Threading.CancellationToken cancellationToken = default);");
        Text(files, "ILoggerImport.g.cs").Should()
            .Contain("[global::WasmDynamic.WitName(\"log\")]\n    global::System.Threading.Tasks.Task LogAsync(byte level, string msg, global::System.Threading.CancellationToken cancellationToken);")
            .And.NotContain("void Log(");
        Text(files, "IRootImports.g.cs").Should()
            .Contain("global::System.Threading.Tasks.Task<uint> GetNumberAsync(global::System.Threading.CancellationToken cancellationToken);");
        var bindings = Text(files, "WitBindings.g.cs");
        bindings.Should().Contain("imports.Add(\"get-number\", new global::System.Func<global::System.Threading.CancellationToken, global::System.Threading.Tasks.Task<uint>>(implementation.GetNumberAsync));")
            .And.Contain("public global::System.Threading.Tasks.Task LogAsync(byte level, string msg, global::System.Threading.CancellationToken cancellationToken) => target.LogAsync(level, msg, cancellationToken);");

        // A host writes async implementations and registers them; a caller awaits the export, with or without a token.
        var assembly = Compiler.Compile(files, """
            using System.Threading;
            using System.Threading.Tasks;
            using Demo.Imp;
            using WasmDynamic;

            public sealed class Logger : ILoggerImport
            {
                public async Task LogAsync(byte level, string msg, CancellationToken cancellationToken) => await Task.Delay(1, cancellationToken);
            }

            public sealed class Numbers : IRootImports
            {
                public Task<uint> GetNumberAsync(CancellationToken cancellationToken) => Task.FromResult(41u);
            }

            public static class Scenario
            {
                public static ComponentImports Imports() => new ComponentImports().AddLogger(new Logger()).AddRootImports(new Numbers());

                public static async Task<uint> Call(IRootExports exports, CancellationToken token) => await exports.RunAsync("x") + await exports.RunAsync("y", token) + exports.Run("z");
            }
            """);
        var imports = (ComponentImports)Compiler.Call(assembly, "Imports")!;
        imports.Entries.Select(e => e.Name).Should().Equal("demo:host/logger@0.1.0", "get-number");
        var adapter = imports.Entries[0].Implementation.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Should().ContainSingle().Subject;
        adapter.Name.Should().Be("LogAsync");
        adapter.GetCustomAttribute<WitNameAttribute>()!.Name.Should().Be("log");
        adapter.GetParameters().Select(p => p.ParameterType).Should().Equal(typeof(byte), typeof(string), typeof(CancellationToken));
        ((Delegate)imports.Entries[1].Implementation).Method.ReturnType.Should().Be(typeof(Task<uint>));
    }

    [Fact]
    public async Task Generated_async_bindings_run_against_the_runtime_imports_awaited_exports_awaited_and_cancelled()
    {
        using var component = Runtime.Load(Fixtures.Path("imports.wat"));
        var assembly = Compiler.Compile(Bindgen.Generate("Demo.ImpRun", component.World, Async), """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Demo.ImpRun;
            using WasmDynamic;

            public sealed class Logger : ILoggerImport
            {
                public List<string> Lines { get; } = new();

                public async Task LogAsync(byte level, string msg, CancellationToken cancellationToken)
                {
                    await Task.Delay(20, cancellationToken);
                    Lines.Add(level + ":" + msg);
                }
            }

            public sealed class Numbers : IRootImports
            {
                public async Task<uint> GetNumberAsync(CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    return 41;
                }
            }

            public static class Scenario
            {
                public static async Task<object?[]> Run(WasmComponent component)
                {
                    var logger = new Logger();
                    await using var instance = await component.InstantiateAsync(new ComponentImports().AddLogger(logger).AddRootImports(new Numbers()));
                    var root = WitBindings.Bind(instance).Root;
                    var first = await root.RunAsync("hello");
                    var second = root.Run("again");
                    string canceled;
                    try
                    {
                        await root.RunAsync("never", new CancellationToken(true));
                        canceled = "ran";
                    }
                    catch (ComponentCanceledException)
                    {
                        canceled = "canceled";
                    }

                    return [instance.IsAsync, first, second, canceled, string.Join("|", logger.Lines)];
                }
            }
            """);

        var typed = await (Task<object?[]>)Compiler.Call(assembly, "Run", component)!;

        var lines = new List<string>();
        using var instance = component.Instantiate(new ComponentImports()
            .Add("demo:host/logger@0.1.0", new { Log = (Action<byte, string>)((level, msg) => lines.Add(level + ":" + msg)) })
            .Add("get-number", (Func<uint>)(() => 41)));
        object first = instance.Exports.Run("hello");
        object second = instance.Exports.Run("again");
        typed.Should().Equal(true, first, second, "canceled", string.Join("|", lines));
    }

    [Fact]
    public void Async_names_never_clash_with_a_WIT_function_that_already_ends_in_async()
    {
        const string wat = """
            (component
              (import "demo:n/host" (instance $h
                (export "x" (func (result u32)))
                (export "x-async" (func (result u32)))))
              (core module $m
                (func (export "x") (result i32) i32.const 1)
                (func (export "x-async") (result i32) i32.const 2))
              (core instance $i (instantiate $m))
              (func (export "x") (result u32) (canon lift (core func $i "x")))
              (func (export "x-async") (result u32) (canon lift (core func $i "x-async"))))
            """;
        using var component = Runtime.LoadText(wat);
        var assembly = Compiler.Compile(Bindgen.Generate("Demo.Clash", component.World, Async));
        var root = assembly.GetType("Demo.Clash.IRootExports")!.GetMethods()
            .ToDictionary(m => m.Name, m => (Wit: m.GetCustomAttribute<WitNameAttribute>()!.Name, m.ReturnType));
        root.Should().BeEquivalentTo(new Dictionary<string, (string, Type)>
        {
            ["X"] = ("x", typeof(uint)),
            ["XAsync"] = ("x-async", typeof(uint)),
            ["XAsync2"] = ("x", typeof(Task<uint>)),
            ["XAsyncAsync"] = ("x-async", typeof(Task<uint>)),
        });
        assembly.GetType("Demo.Clash.IHostImport")!.GetMethods().Select(m => (m.Name, m.GetCustomAttribute<WitNameAttribute>()!.Name))
            .Should().BeEquivalentTo([("XAsync", "x"), ("XAsyncAsync", "x-async")]);
    }

    [Fact]
    public void The_CLI_writes_async_bindings_with_async()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"bindgen-async-{Guid.NewGuid():N}");
        try
        {
            var (code, _, error) = Cli.Run("bindgen", Fixtures.Path("imports.wat"), "--name", "Demo.Imp", "--out", dir, "--async");
            code.Should().Be(0, error);
            File.ReadAllText(Path.Combine(dir, "IRootExports.g.cs")).Should().Contain("RunAsync(string msg, global::System.Threading.CancellationToken cancellationToken = default)");
            (code, _, error) = Cli.Run("bindgen", Fixtures.Path("imports.wat"), "--name", "Demo.Imp", "--out", dir);
            code.Should().Be(0, error);
            File.ReadAllText(Path.Combine(dir, "IRootExports.g.cs")).Should().NotContain("Async", "without --async the bindings are synchronous");
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>Every sync member is unchanged; every plain function has one Task twin bound to the same WIT name.</summary>
    private static void CheckExport(Type generated, Type plain, List<string> problems)
    {
        var methods = generated.GetMethods();
        var syncMembers = methods.Where(m => !IsTask(m.ReturnType)).Select(Signature).ToList();
        syncMembers.Should().BeEquivalentTo(plain.GetMethods().Select(Signature), $"{generated.Name} keeps its synchronous members as they are without Async");
        foreach (var m in methods.Where(m => IsTask(m.ReturnType)))
        {
            var wit = m.GetCustomAttribute<WitNameAttribute>()?.Name;
            var twin = methods.SingleOrDefault(s => !IsTask(s.ReturnType) && s.GetCustomAttribute<WitNameAttribute>()?.Name == wit);
            if (twin is null)
            {
                problems.Add($"{generated.Name}.{m.Name}: no synchronous member with [WitName(\"{wit}\")].");
                continue;
            }

            CheckAsyncShape($"{generated.Name}.{m.Name}", m, twin, tokenOptional: true, methods.Select(x => x.Name), problems);
        }

        foreach (var s in methods.Where(s => !IsTask(s.ReturnType)))
        {
            // Plain functions get a twin; resource constructors and statics ("[constructor]x", "[static]x.y") do not.
            var wit = s.GetCustomAttribute<WitNameAttribute>()!.Name;
            if (!wit.StartsWith('[') && methods.Count(m => IsTask(m.ReturnType) && m.GetCustomAttribute<WitNameAttribute>()?.Name == wit) != 1)
            {
                problems.Add($"{generated.Name}.{s.Name} ('{wit}'): needs exactly one Task-returning twin.");
            }
        }
    }

    /// <summary>A host interface: only Task members, each the async shape of the synchronous generation's member.</summary>
    private static void CheckHost(Type generated, Type plain, List<string> problems)
    {
        var methods = generated.GetMethods();
        if (methods.FirstOrDefault(m => !IsTask(m.ReturnType)) is { } blocking)
        {
            problems.Add($"{generated.Name}.{blocking.Name}: a host interface has only Task-returning members with Async.");
        }

        methods.Select(m => m.GetCustomAttribute<WitNameAttribute>()!.Name).Should().BeEquivalentTo(plain.GetMethods().Select(m => m.GetCustomAttribute<WitNameAttribute>()!.Name));
        foreach (var m in methods)
        {
            var twin = plain.GetMethods().Single(s => s.GetCustomAttribute<WitNameAttribute>()!.Name == m.GetCustomAttribute<WitNameAttribute>()!.Name);
            CheckAsyncShape($"{generated.Name}.{m.Name}", m, twin, tokenOptional: false, methods.Select(x => x.Name), problems);
        }
    }

    private static void CheckAsyncShape(string where, MethodInfo m, MethodInfo twin, bool tokenOptional, IEnumerable<string> names, List<string> problems)
    {
        var ps = m.GetParameters();
        if (ps.Length == 0 || ps[^1].ParameterType != typeof(CancellationToken))
        {
            problems.Add($"{where}: the last parameter must be a CancellationToken.");
            return;
        }

        if (ps[^1].HasDefaultValue != tokenOptional)
        {
            problems.Add($"{where}: the token must {(tokenOptional ? string.Empty : "not ")}have a default.");
        }

        // By name: the twin of a host member comes from the synchronous generation, another assembly.
        if (!ps[..^1].Select(p => p.ParameterType.ToString()).SequenceEqual(twin.GetParameters().Select(p => p.ParameterType.ToString())))
        {
            problems.Add($"{where}: parameters differ from {twin.Name}'s.");
        }

        var expected = twin.ReturnType == typeof(void) ? typeof(Task).ToString() : $"System.Threading.Tasks.Task`1[{twin.ReturnType}]";
        if (m.ReturnType.ToString() != expected)
        {
            problems.Add($"{where}: returns {m.ReturnType}, expected {expected}.");
        }

        // The runtime's rule: XAsync binds to WIT x (X as the synchronous member is named); where that name is taken the
        // member gets a number, and its [WitName] binds it.
        if (m.GetCustomAttribute<WitNameAttribute>() is null || !(m.Name == twin.Name + "Async" || names.Contains(twin.Name + "Async")))
        {
            problems.Add($"{where}: must be named {twin.Name}Async unless that name is taken, and carry [WitName].");
        }
    }

    private static bool IsTask(Type t) => t == typeof(Task) || (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Task<>));

    private static string Signature(MethodInfo m) =>
        $"{m.ReturnType} {m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType))}) [{m.GetCustomAttribute<WitNameAttribute>()?.Name}]";
}
