using System.Reflection;
using FluentAssertions;
using WasmDynamic.Binding;
using WasmDynamic.Wit;
using Xunit;

namespace WasmDynamic.Bindgen.Tests;

/// <summary>
/// The binding-policy contract: for every fixture component that loads, the C# bindgen generates and the proxy types
/// the runtime emits agree — the same member names (resource constructors and statics included), and per parameter
/// and result the same CLR shape, where the two profiles differ only as <see cref="BindingProfile"/> documents.
/// </summary>
public class PolicyContractTests
{
    private static readonly ComponentRuntime Runtime = new();

    public static IEnumerable<object[]> Components() =>
        Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".wat", StringComparison.Ordinal) || p.EndsWith(".wasm", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "Fixtures"), p))
            .Order(StringComparer.Ordinal)
            .Select(p => new object[] { p });

    [Theory]
    [MemberData(nameof(Components))]
    public void Generated_bindings_and_emitted_proxies_agree_on_names_and_types(string fixture)
    {
        WasmComponent component;
        try
        {
            component = Runtime.Load(Fixtures.Path(fixture));
        }
        catch (ComponentLoadException)
        {
            // Only components that load are in the contract (some fixtures are deliberately broken).
            return;
        }

        using (component)
        {
            var problems = Compare(component);
            problems.Should().BeEmpty($"bindgen and the runtime read one binding policy ({fixture})");
        }
    }

    [Fact]
    public void The_contract_covers_exports_resources_and_flags_of_the_fixtures()
    {
        // Guards the theory against passing vacuously: the fixtures have what it compares.
        var checkedMembers = 0;
        var flags = 0;
        foreach (var fixture in new[] { "compound.wat", "resources.wat", "host-resources.wat" })
        {
            using var component = Runtime.Load(Fixtures.Path(fixture));
            var contract = new Contract(component);
            contract.Run();
            checkedMembers += contract.Members;
            flags += contract.Flags;
        }

        checkedMembers.Should().BeGreaterThan(30);
        flags.Should().BeGreaterThan(3);
    }

    internal static List<string> Compare(WasmComponent component)
    {
        var contract = new Contract(component);
        contract.Run();
        return contract.Problems;
    }

    private sealed class Contract(WasmComponent component)
    {
        private readonly HashSet<(Type, Type)> _seen = new();

        public List<string> Problems { get; } = new();

        public int Members { get; private set; }

        public int Flags { get; private set; }

        public void Run()
        {
            var generated = Compiler.Compile(Bindgen.Generate("Contract", component.World));
            var witNames = (IReadOnlyDictionary<Type, string>)generated.GetType("Contract.WitBindings")!.GetProperty("WitNames")!.GetValue(null)!;
            var types = component.Types;
            foreach (var (clr, witName) in witNames.Where(kv => kv.Key.GetCustomAttribute<GeneratedBindingAttribute>() is not null))
            {
                var iface = witName.Length == 0 ? null : component.World.FindExport(witName);
                var proxy = types.Proxy(iface, null).Type;
                CompareMembers($"export '{witName}'", clr, proxy);
            }

            // Guest resources: the generated interface (named by bindgen's planner) against the emitted class.
            var plan = new BindgenPlan("Contract", component.World);
            foreach (var named in plan.TypeOrder.Where(t => t.Kind == TypeKind.GuestResource))
            {
                var resource = (WitResource)named.Wit;
                var clr = generated.GetType("Contract." + named.Name);
                if (clr is null)
                {
                    Problems.Add($"resource '{resource.Name}': bindgen planned {named.Name} but generated no such type.");
                    continue;
                }

                CompareMembers($"resource '{resource.Name}'", clr, types.ResourceClass(resource, null).Type);
            }
        }

        private void CompareMembers(string what, Type generated, Type emitted)
        {
            var emittedByWit = emitted.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.GetCustomAttribute<WitNameAttribute>() is not null)
                .ToDictionary(m => m.GetCustomAttribute<WitNameAttribute>()!.Name);
            foreach (var g in generated.GetMethods())
            {
                var wit = g.GetCustomAttribute<WitNameAttribute>()!.Name;
                if (!emittedByWit.TryGetValue(wit, out var e))
                {
                    Problems.Add($"{what}: bindgen declares {g.Name} for '{wit}', the emitted proxy has no method for it.");
                    continue;
                }

                Members++;
                if (g.Name != e.Name)
                {
                    Problems.Add($"{what}: '{wit}' is {g.Name} in generated code but {e.Name} in the emitted proxy.");
                }

                var function = FindFunction(wit);
                var gps = g.GetParameters();
                var eps = e.GetParameters();
                if (gps.Length != eps.Length)
                {
                    Problems.Add($"{what}: '{wit}' takes {gps.Length} parameter(s) in generated code but {eps.Length} in the emitted proxy.");
                    continue;
                }

                var witParams = function is null ? null : BindingMessages.ClrParameters(function).ToList();
                for (var i = 0; i < gps.Length; i++)
                {
                    if (gps[i].Name != eps[i].Name)
                    {
                        Problems.Add($"{what}: '{wit}' parameter {i} is '{gps[i].Name}' in generated code but '{eps[i].Name}' in the emitted proxy.");
                    }

                    Shape($"{what}: '{wit}' parameter '{gps[i].Name}'", witParams?[i].Type, gps[i].ParameterType, eps[i].ParameterType);
                }

                Shape($"{what}: '{wit}' result", function?.Result, g.ReturnType, e.ReturnType);
            }

            foreach (var wit in emittedByWit.Keys.Where(w => generated.GetMethods().All(g => g.GetCustomAttribute<WitNameAttribute>()!.Name != w)))
            {
                if (FindFunction(wit) is { } f && BindgenPlan.Unsupported(f) is null)
                {
                    Problems.Add($"{what}: the emitted proxy binds '{wit}' as {emittedByWit[wit].Name}, bindgen declares nothing for it.");
                }
            }
        }

        private WitFunction? FindFunction(string witName) =>
            component.World.ExportedFunctions.Concat(component.World.Exports.SelectMany(e => e.Functions)).FirstOrDefault(f => f.Name == witName);

        /// <summary>
        /// Walks WIT type <paramref name="wit"/> with the generated (<see cref="BindingProfile.Bindgen"/>) and the emitted
        /// (<see cref="BindingProfile.Dynamic"/>) CLR type side by side and reports where they part.
        /// </summary>
        private void Shape(string where, WitType? wit, Type generated, Type emitted)
        {
            while (wit?.AliasOf is { } target)
            {
                wit = target;
            }

            void Fail(string why) => Problems.Add($"{where}: {why} (generated {generated}, emitted {emitted}).");

            switch (wit)
            {
                case null:
                    if (generated != typeof(void) || emitted != typeof(void))
                    {
                        Fail("WIT returns nothing, both must be void");
                    }

                    return;
                case WitPrimitive p:
                    var expected = ClrTypeMap.Primitive(p.Kind)?.Clr;
                    if (generated != expected || emitted != expected)
                    {
                        Fail($"both must be {expected}");
                    }

                    return;
                case WitList { Element.Kind: WitTypeKind.U8 }:
                    if (generated != typeof(byte[]) || emitted != typeof(byte[]))
                    {
                        Fail("list<u8> is byte[] in both profiles");
                    }

                    return;
                case WitList l:
                    if (!emitted.IsArray || !generated.IsGenericType || generated.GetGenericTypeDefinition() != typeof(IReadOnlyList<>))
                    {
                        Fail("list<T> is T[] for dynamic and IReadOnlyList<T> for bindgen");
                        return;
                    }

                    Shape(where + " (element)", l.Element, generated.GetGenericArguments()[0], emitted.GetElementType()!);
                    return;
                case WitTuple t:
                    var ga = generated.IsGenericType ? generated.GetGenericArguments() : [];
                    var ea = emitted.IsGenericType ? emitted.GetGenericArguments() : [];
                    if (ga.Length != t.Types.Count || ea.Length != t.Types.Count || generated.GetGenericTypeDefinition() != emitted.GetGenericTypeDefinition())
                    {
                        Fail("tuples must be the same ValueTuple");
                        return;
                    }

                    for (var i = 0; i < t.Types.Count; i++)
                    {
                        Shape($"{where} (item {i + 1})", t.Types[i], ga[i], ea[i]);
                    }

                    return;
                case WitOption o:
                    if (o.Inner.Kind == WitTypeKind.Option)
                    {
                        if (!IsGeneric(generated, typeof(Option<>)) || !IsGeneric(emitted, typeof(Option<>)))
                        {
                            Fail("a nested option is Option<T> in both");
                            return;
                        }

                        Shape(where + " (option)", o.Inner, generated.GetGenericArguments()[0], emitted.GetGenericArguments()[0]);
                        return;
                    }

                    if (generated.IsValueType != emitted.IsValueType || Nullable.GetUnderlyingType(generated) is null != (Nullable.GetUnderlyingType(emitted) is null))
                    {
                        Fail("option<T> is T? in both");
                        return;
                    }

                    Shape(where + " (option)", o.Inner, Nullable.GetUnderlyingType(generated) ?? generated, Nullable.GetUnderlyingType(emitted) ?? emitted);
                    return;
                case WitResult r:
                    if (!IsGeneric(generated, typeof(Result<,>)) || !IsGeneric(emitted, typeof(Result<,>)))
                    {
                        Fail("result is Result<T, E> in both");
                        return;
                    }

                    Side(where + " (ok)", r.Ok, generated.GetGenericArguments()[0], emitted.GetGenericArguments()[0]);
                    Side(where + " (err)", r.Err, generated.GetGenericArguments()[1], emitted.GetGenericArguments()[1]);
                    return;
                case WitHandle h when BindingNames.IsHostResource(h.Resource):
                    // The one named-type difference of the profiles: dynamic passes a host object as object; bindgen
                    // names the abstract class the host derives from.
                    if (emitted != typeof(object) || !generated.IsAbstract || generated.GetCustomAttribute<WitNameAttribute>()?.Name != h.Resource.Name)
                    {
                        Fail("a host resource is object for dynamic and its generated abstract class for bindgen");
                    }

                    return;
                case WitHandle h:
                    if (emitted.Name != BindingNames.ResourceClassName(h.Resource, null) || !generated.IsInterface || generated.GetCustomAttribute<WitNameAttribute>()?.Name != h.Resource.Name)
                    {
                        Fail($"a guest resource is the emitted class {BindingNames.ResourceClassName(h.Resource, null)} and the generated interface for '{h.Resource.Name}'");
                    }

                    return;
                case WitRecord or WitVariant or WitEnum or WitFlags:
                    Named(where, wit, generated, emitted);
                    return;
                default:
                    Fail($"WIT '{wit}' should not be bound");
                    return;
            }
        }

        private void Side(string where, WitType? wit, Type generated, Type emitted)
        {
            if (wit is null)
            {
                if (generated != typeof(Unit) || emitted != typeof(Unit))
                {
                    Problems.Add($"{where}: a missing side is Unit in both (generated {generated}, emitted {emitted}).");
                }

                return;
            }

            Shape(where, wit, generated, emitted);
        }

        private void Named(string where, WitType wit, Type generated, Type emitted)
        {
            if (!_seen.Add((generated, emitted)))
            {
                return;
            }

            // Bindgen may prefix a clashing name with its owner (TodoTask); the emitted type keeps the WIT name.
            if (!generated.Name.EndsWith(emitted.Name, StringComparison.Ordinal))
            {
                Problems.Add($"{where}: WIT '{wit.Name}' is {generated.Name} in generated code but {emitted.Name} emitted.");
            }

            switch (wit)
            {
                case WitRecord r:
                    foreach (var field in r.Fields)
                    {
                        var g = generated.GetProperties().FirstOrDefault(p => p.GetCustomAttribute<WitNameAttribute>()?.Name == field.Name || p.Name == Naming.ToPascalCase(field.Name));
                        var e = emitted.GetProperties().FirstOrDefault(p => p.GetCustomAttribute<WitNameAttribute>()?.Name == field.Name);
                        if (g is null || e is null || g.Name != e.Name)
                        {
                            Problems.Add($"{where}: field '{field.Name}' of '{r.Name}' is {g?.Name ?? "missing"} in generated code and {e?.Name ?? "missing"} emitted.");
                            continue;
                        }

                        Shape($"{where} (field '{field.Name}')", field.Type, g.PropertyType, e.PropertyType);
                    }

                    return;
                case WitEnum or WitFlags:
                    if (wit is WitFlags)
                    {
                        Flags++;
                    }

                    if (Enum.GetUnderlyingType(generated) != Enum.GetUnderlyingType(emitted))
                    {
                        Problems.Add($"{where}: '{wit.Name}' has underlying type {Enum.GetUnderlyingType(generated)} in generated code but {Enum.GetUnderlyingType(emitted)} emitted.");
                    }

                    var gNames = Enum.GetNames(generated);
                    var eNames = Enum.GetNames(emitted);
                    if (!gNames.SequenceEqual(eNames))
                    {
                        Problems.Add($"{where}: '{wit.Name}' has members {string.Join(", ", gNames)} in generated code but {string.Join(", ", eNames)} emitted.");
                    }

                    return;
                case WitVariant v:
                    foreach (var c in v.Cases)
                    {
                        var g = generated.GetNestedTypes().FirstOrDefault(t => t.GetCustomAttribute<WitNameAttribute>()?.Name == c.Name || t.Name == Naming.ToPascalCase(c.Name));
                        var e = emitted.GetNestedTypes().FirstOrDefault(t => t.GetCustomAttribute<WitNameAttribute>()?.Name == c.Name);
                        if (g is null || e is null || g.Name != e.Name)
                        {
                            Problems.Add($"{where}: case '{c.Name}' of '{v.Name}' is {g?.Name ?? "missing"} in generated code and {e?.Name ?? "missing"} emitted.");
                            continue;
                        }

                        if (c.Payload is not null)
                        {
                            Shape($"{where} (case '{c.Name}')", c.Payload, g.GetProperty("Value")!.PropertyType, e.GetProperty("Value")!.PropertyType);
                        }
                    }

                    return;
            }
        }

        private static bool IsGeneric(Type t, Type definition) => t.IsGenericType && t.GetGenericTypeDefinition() == definition;
    }
}
