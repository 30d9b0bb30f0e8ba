// --stub NAME=WAVE: host implementations, made at run time, that answer an import the component calls with a fixed value.
using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;
using WasmDynamic.Wit;

namespace WasmDynamic.Cli;

/// <summary>
/// Builds the <see cref="ComponentImports"/> of <c>--stub</c> options: an imported interface gets an object with a
/// method per function, where the functions not stubbed throw <see cref="UnimplementedImportException"/> and so keep the
/// one-line "not implemented here" trap; a world-level function gets a delegate.
/// </summary>
internal static class ImportStubs
{
    /// <summary>One <c>--stub</c>: the import function's name and the WAVE text of its answer (null: none given).</summary>
    public sealed record Stub(string Name, string? Wave);

    /// <summary>Splits each <c>NAME=WAVE</c> (or a bare <c>NAME</c>, for a function without a result).</summary>
    /// <exception cref="StubException">A stub has no name.</exception>
    public static IReadOnlyList<Stub> Parse(IEnumerable<string> options)
    {
        var stubs = new List<Stub>();
        foreach (var option in options)
        {
            var eq = option.IndexOf('=');
            var name = (eq < 0 ? option : option[..eq]).Trim();
            if (name.Length == 0)
            {
                throw new StubException($"--stub takes NAME=WAVE (e.g. --stub 'get-number=41' or --stub 'demo:host/clock#now=7'), not '{option}'.");
            }

            stubs.Add(new Stub(name, eq < 0 ? null : option[(eq + 1)..]));
        }

        return stubs;
    }

    /// <summary>The imports that implement <paramref name="stubs"/> for <paramref name="component"/>.</summary>
    /// <exception cref="StubException">A stub names no import, names an import that cannot be stubbed, or its value does not fit.</exception>
    public static ComponentImports Build(WasmComponent component, IReadOnlyList<Stub> stubs)
    {
        var imports = new ComponentImports();
        if (stubs.Count == 0)
        {
            return imports;
        }

        var world = component.World;
        var byInterface = new Dictionary<WitInterface, Dictionary<WitFunction, Stub>>();
        foreach (var stub in stubs)
        {
            var (iface, function) = Resolve(world, stub.Name);
            if (iface is null)
            {
                var (instance, methods) = Emit(component, null, [function], new Dictionary<WitFunction, Stub> { [function] = stub });
                var invoke = methods[0];
                var parameterTypes = invoke.GetParameters().Select(p => p.ParameterType);
                var delegateType = invoke.ReturnType == typeof(void)
                    ? Expression.GetActionType(parameterTypes.ToArray())
                    : Expression.GetFuncType([.. parameterTypes, invoke.ReturnType]);
                imports.Add(function.Name, Delegate.CreateDelegate(delegateType, instance, invoke));
                continue;
            }

            if (!byInterface.TryGetValue(iface, out var functions))
            {
                byInterface[iface] = functions = new Dictionary<WitFunction, Stub>();
            }

            if (!functions.TryAdd(function, stub))
            {
                throw new StubException($"--stub {stub.Name}: {iface.Name}#{function.Name} is stubbed twice; give one value.");
            }
        }

        foreach (var (iface, stubbed) in byInterface)
        {
            imports.Add(iface.Name, Emit(component, iface, iface.Functions, stubbed).Instance);
        }

        return imports;
    }

    private static (WitInterface? Interface, WitFunction Function) Resolve(WitWorld world, string name)
    {
        var hash = name.LastIndexOf('#');
        if (hash < 0)
        {
            if (world.ImportedFunctions.FirstOrDefault(f => f.Name == name) is { } rootFunction)
            {
                return (null, rootFunction);
            }

            var inInterfaces = world.Imports.SelectMany(i => i.Functions.Where(f => f.Name == name).Select(f => (i, f))).ToList();
            if (inInterfaces.Count == 1)
            {
                return Check(inInterfaces[0].i, inInterfaces[0].f, name);
            }

            throw new StubException(inInterfaces.Count > 1
                ? $"--stub {name}: {inInterfaces.Count} imported interfaces have a function '{name}' ({string.Join(", ", inInterfaces.Select(x => $"{x.i.Name}#{name}"))}); write INTERFACE#{name}."
                : $"--stub {name}: the component imports no function '{name}'. {ImportedFunctions(world)}");
        }

        var ifaceName = name[..hash];
        var fname = name[(hash + 1)..];
        var candidates = world.Imports.Where(i => i.Name == ifaceName).ToList();
        if (candidates.Count == 0)
        {
            candidates = world.Imports.Where(i => i.ParsedName.WithoutVersion == ifaceName).ToList();
        }

        if (candidates.Count == 0)
        {
            candidates = world.Imports.Where(i => i.ShortName == ifaceName).ToList();
        }

        if (candidates.Count != 1)
        {
            throw new StubException(candidates.Count > 1
                ? $"--stub {name}: '{ifaceName}' fits {candidates.Count} imported interfaces ({string.Join(", ", candidates.Select(i => i.Name))}); use the full name."
                : $"--stub {name}: the component imports no interface '{ifaceName}'. {ImportedFunctions(world)}");
        }

        var iface = candidates[0];
        var function = iface.FindFunction(fname)
            ?? throw new StubException($"--stub {name}: interface '{iface.Name}' has no function '{fname}'. Its functions: {string.Join(", ", iface.Functions.Select(f => f.Name))}.");
        return Check(iface, function, name);
    }

    private static (WitInterface, WitFunction) Check(WitInterface iface, WitFunction function, string name)
    {
        if (iface.Name.StartsWith("wasi:", StringComparison.Ordinal))
        {
            throw new StubException($"--stub {name}: '{iface.Name}' is WASI, which the tool provides; only the component's other imports can be stubbed.");
        }

        if (function.Kind != WitFunctionKind.Freestanding || iface.Functions.Any(f => f.Kind != WitFunctionKind.Freestanding))
        {
            throw new StubException($"--stub {name}: interface '{iface.Name}' has resources, which cannot be written in WAVE; only interfaces of plain functions can be stubbed.");
        }

        return (iface, function);
    }

    private static string ImportedFunctions(WitWorld world)
    {
        var all = world.ImportedFunctions.Select(f => f.Name)
            .Concat(world.Imports.Where(i => !i.Name.StartsWith("wasi:", StringComparison.Ordinal)).SelectMany(i => i.Functions.Select(f => $"{i.Name}#{f.Name}")))
            .ToList();
        return all.Count == 0 ? "It imports no function that can be stubbed." : $"Its imported functions: {string.Join(", ", all)}.";
    }

    /// <summary>
    /// An object with a method per function of <paramref name="functions"/>, named as the host binder looks for it
    /// (PascalCase of the WIT name) and typed with the component's default CLR types: a stubbed one ignores its arguments
    /// and returns the stub's value, any other throws <see cref="UnimplementedImportException"/>. It is emitted because
    /// the names and types are the component's; the binder reads methods, and a delegate made from one has exactly the
    /// WIT parameters.
    /// </summary>
    private static (object Instance, MethodInfo[] Methods) Emit(WasmComponent component, WitInterface? iface, IReadOnlyList<WitFunction> functions, IReadOnlyDictionary<WitFunction, Stub> stubs)
    {
        var types = component.Types.Converters;
        var module = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("WasmDynamic.Cli.Stubs"), AssemblyBuilderAccess.RunAndCollect).DefineDynamicModule("Stubs");
        var type = module.DefineType("Stub." + (iface is null ? "Root" : Naming.ToPascalCase(iface.ShortName)), TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class);
        var values = new List<(string Field, object? Value)>();
        var unimplemented = typeof(UnimplementedImportException).GetConstructor([typeof(string)])!;
        foreach (var f in functions)
        {
            var qualified = iface is null ? f.Name : $"{iface.Name}#{f.Name}";
            var stub = stubs.GetValueOrDefault(f);
            var parameterTypes = f.Parameters.Select(p => types.DefaultType(p.Type)).ToArray();
            var resultType = f.Result is null ? typeof(void) : types.DefaultType(f.Result);
            if (stub is not null && parameterTypes.Length > 16)
            {
                throw new StubException($"--stub {stub.Name}: '{f.Signature}' has {parameterTypes.Length} parameters; a stub takes at most 16.");
            }

            var method = type.DefineMethod(Naming.ToPascalCase(f.ShortName), MethodAttributes.Public | MethodAttributes.HideBySig, resultType, parameterTypes);
            for (var i = 0; i < f.Parameters.Count; i++)
            {
                method.DefineParameter(i + 1, ParameterAttributes.None, Naming.ToPascalCase(f.Parameters[i].Name));
            }

            var il = method.GetILGenerator();
            if (stub is null)
            {
                // throw new UnimplementedImportException("iface#name");
                il.Emit(OpCodes.Ldstr, qualified);
                il.Emit(OpCodes.Newobj, unimplemented);
                il.Emit(OpCodes.Throw);
                continue;
            }

            var value = StubValue(f, qualified, stub, resultType);
            if (resultType != typeof(void))
            {
                // return (TResult)this._vN;
                var field = type.DefineField("_v" + values.Count, typeof(object), FieldAttributes.Public);
                values.Add((field.Name, value));
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldfld, field);
                il.Emit(OpCodes.Unbox_Any, resultType);
            }

            il.Emit(OpCodes.Ret);
        }

        var created = type.CreateType();
        var instance = Activator.CreateInstance(created)!;
        foreach (var (field, value) in values)
        {
            created.GetField(field)!.SetValue(instance, value);
        }

        return (instance, functions.Select(f => created.GetMethod(Naming.ToPascalCase(f.ShortName))!).ToArray());
    }

    /// <summary>The stub's answer as a value of <paramref name="resultType"/> (null for a function without a result).</summary>
    private static object? StubValue(WitFunction f, string qualified, Stub stub, Type resultType)
    {
        if (f.Result is null)
        {
            return string.IsNullOrWhiteSpace(stub.Wave)
                ? null
                : throw new StubException($"--stub {stub.Name}: {qualified} ({f.Signature}) returns nothing; write --stub {stub.Name} without a value.");
        }

        if (string.IsNullOrWhiteSpace(stub.Wave))
        {
            throw new StubException($"--stub {stub.Name}: {qualified} ({f.Signature}) returns {f.Result}; give its value in WAVE: --stub '{stub.Name}=VALUE'.");
        }

        try
        {
            return WaveValues.ToClr(WaveParser.ParseValue(stub.Wave), f.Result, resultType);
        }
        catch (WaveException e)
        {
            throw new StubException($"--stub {stub.Name}: '{stub.Wave}' is not a WAVE value of {f.Result}, the result of {qualified} ({f.Signature}): {e.Message}.");
        }
    }
}

/// <summary>A <c>--stub</c> that cannot be used; the message names the stub, the import and its WIT signature.</summary>
internal sealed class StubException(string message) : Exception(message);

/// <summary>
/// Thrown by a stubbed interface's functions that have no stub: the component called an import not implemented here.
/// Public because the emitted stub methods, in their own assembly, construct it.
/// </summary>
public sealed class UnimplementedImportException(string import) : Exception($"the import {import} is not implemented here")
{
    /// <summary>The import function, <c>interface#function</c> or a world-level name.</summary>
    public string Import { get; } = import;
}
