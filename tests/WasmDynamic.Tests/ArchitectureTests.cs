using System.Reflection;
using System.Reflection.Emit;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// The folders of src/WasmDynamic form one chain, each using only those before it:
/// Native → Wit → BulkAdapter (the load-time component rewrite) → Binding → Marshalling → Emit → {Imports, Exports} →
/// Dynamic → facade (the root namespace). Imports (the guest calling the host) and Exports (calling into the guest) are
/// one link: neither uses the other. The public vocabulary in the root namespace that every layer speaks (exceptions,
/// WIT values, attributes, options, the naming rule) is the first link; the bases emitted types derive from
/// (<c>ComponentProxy</c>, <c>ComponentResource</c>) are the facade's. References are read from the compiled
/// assembly: base types, interfaces, fields, signatures, attributes and every token inside method bodies.
/// </summary>
public class ArchitectureTests
{
    /// <summary>The links in order; the layers of one link (separated by '|') may not use each other.</summary>
    private static readonly string[] Chain = ["Contract", "Native", "Wit", "BulkAdapter", "Binding", "Marshalling", "Emit", "Imports|Exports", "Dynamic", "Facade"];

    private static int Rank(string layer) => Array.FindIndex(Chain, link => link.Split('|').Contains(layer));

    /// <summary>Root-namespace types that every layer may use: the public vocabulary, not the facade.</summary>
    private static readonly HashSet<string> ContractTypes =
    [
        "WasmDynamicException", "ComponentLoadException", "ComponentBindingException", "ComponentArgumentException",
        "ComponentExportNotFoundException", "ComponentErrorException", "ComponentTrapException", "ComponentTrapCode",
        "ComponentInterruptedException", "ComponentTimeoutException", "ComponentCanceledException",
        "ComponentOutOfFuelException", "ComponentResourceLimitException", "ComponentInstancePoisonedException",
        "ComponentReentrancyException", "ComponentDeadlockException",
        "Unit", "Option`1", "Result`2", "ComponentRecord", "ComponentVariant",
        "WitNameAttribute", "GeneratedBindingAttribute", "WitEquality", "Naming",
        "ComponentRuntimeOptions", "PoolingAllocatorOptions", "InstanceOptions", "WasiOptions", "WasiInput", "WasiOutput", "WasiDirectory", "ComponentImports",
    ];

    private static string? Layer(Type t)
    {
        t = Outer(t);

        return t.Namespace switch
        {
            "WasmDynamic" => ContractTypes.Contains(t.Name) ? "Contract" : "Facade",
            "WasmDynamic.Native" => "Native",
            "WasmDynamic.Wit" or "WasmDynamic.Wit.Binary" => "Wit",
            "WasmDynamic.BulkAdapter" => "BulkAdapter",
            "WasmDynamic.Binding" => "Binding",
            "WasmDynamic.Marshalling" => "Marshalling",
            "WasmDynamic.Emit" => "Emit",
            "WasmDynamic.Imports" => "Imports",
            "WasmDynamic.Exports" => "Exports",
            "WasmDynamic.Dynamic" => "Dynamic",
            { } ns when ns.StartsWith("WasmDynamic", StringComparison.Ordinal) => "Unknown:" + ns,
            _ => null,
        };
    }

    [Fact]
    public void Every_namespace_of_the_library_is_a_link_of_the_chain()
    {
        var unknown = typeof(ComponentRuntime).Assembly.GetTypes().Select(Layer).Where(l => l?.StartsWith("Unknown:", StringComparison.Ordinal) == true).Distinct();
        unknown.Should().BeEmpty("every folder (namespace) must have its place in the chain");
    }

    [Fact]
    public void Each_folder_uses_only_the_folders_before_it()
    {
        string.Join(Environment.NewLine, BackReferences(typeof(ComponentRuntime).Assembly)).Should().BeEmpty("each folder may use only the folders before it in {0}", string.Join(" → ", Chain));
    }

    [Fact]
    public void The_check_sees_a_back_reference_inside_a_method_body()
    {
        // A "WasmDynamic.Native" type that calls the facade only inside a method body (no field, no signature).
        var assembly = Probe("WasmDynamic.Native.Probe", typeof(ComponentRuntime).GetConstructor(Type.EmptyTypes)!);

        BackReferences(assembly).Should().ContainSingle().Which.Should().Be("Native → Facade: WasmDynamic.Native.Probe uses WasmDynamic.ComponentRuntime");
    }

    [Fact]
    public void The_check_sees_the_export_side_using_the_import_side()
    {
        // Exports and Imports are one link: a reference between them, in either direction, is reported.
        var storeState = typeof(ComponentRuntime).Assembly.GetType("WasmDynamic.Imports.StoreState", throwOnError: true)!;
        var assembly = Probe("WasmDynamic.Exports.Probe", storeState.GetConstructor(Type.EmptyTypes)!);

        BackReferences(assembly).Should().ContainSingle().Which.Should().Be("Exports → Imports: WasmDynamic.Exports.Probe uses WasmDynamic.Imports.StoreState");
    }

    /// <summary>A collectible assembly with one type, <paramref name="typeName"/>, whose only method calls <paramref name="ctor"/>.</summary>
    private static Assembly Probe(string typeName, ConstructorInfo ctor)
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("ArchitectureProbe"), AssemblyBuilderAccess.RunAndCollect);
        var module = assembly.DefineDynamicModule("ArchitectureProbe");
        var type = module.DefineType(typeName, TypeAttributes.Public | TypeAttributes.Class);
        var method = type.DefineMethod("Run", MethodAttributes.Public | MethodAttributes.Static, typeof(void), Type.EmptyTypes);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Newobj, ctor);
        il.Emit(OpCodes.Pop);
        il.Emit(OpCodes.Ret);
        type.CreateType();
        return assembly;
    }

    private static List<string> BackReferences(Assembly assembly)
    {
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            var from = Layer(type);
            if (from is null)
            {
                continue;
            }

            foreach (var used in References(type))
            {
                var to = Layer(used);
                if (to is not null && to != from && Rank(to) >= Rank(from))
                {
                    violations.Add($"{from} → {to}: {Outer(type).FullName} uses {Outer(used).FullName}");
                }
            }
        }

        return violations.ToList();
    }

    private static Type Outer(Type t)
    {
        while (t.HasElementType)
        {
            t = t.GetElementType()!;
        }

        while (t.IsNested)
        {
            t = t.DeclaringType!;
        }

        return t.IsGenericType ? t.GetGenericTypeDefinition() : t;
    }

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static IEnumerable<Type> References(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || t.IsGenericParameter || !found.Add(t))
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
            }

            if (t.IsGenericType)
            {
                Add(t.GetGenericTypeDefinition());
                foreach (var a in t.GetGenericArguments())
                {
                    Add(a);
                }
            }
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (var a in type.CustomAttributes)
        {
            Add(a.AttributeType);
        }

        foreach (var f in type.GetFields(Declared))
        {
            Add(f.FieldType);
        }

        foreach (var p in type.GetProperties(Declared))
        {
            Add(p.PropertyType);
        }

        foreach (var m in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (m is MethodInfo mi)
            {
                Add(mi.ReturnType);
            }

            foreach (var p in m.GetParameters())
            {
                Add(p.ParameterType);
            }

            foreach (var used in BodyReferences(m))
            {
                Add(used);
            }
        }

        return found;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The types named by the tokens in a method's IL (calls, field accesses, casts, allocations, ldtoken).</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        foreach (var local in method.GetMethodBody()!.LocalVariables)
        {
            yield return local.LocalType;
        }

        var typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var pos = 0; pos < il.Length;)
        {
            short value = il[pos++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[pos++]);
            }

            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var member = method.Module.ResolveMember(BitConverter.ToInt32(il, pos), typeArgs, methodArgs);
                    if (member is Type t)
                    {
                        yield return t;
                    }
                    else if (member?.DeclaringType is { } declaring)
                    {
                        yield return declaring;
                        if (member is FieldInfo f)
                        {
                            yield return f.FieldType;
                        }
                        else if (member is MethodInfo m)
                        {
                            yield return m.ReturnType;
                            foreach (var a in m.IsGenericMethod ? m.GetGenericArguments() : [])
                            {
                                yield return a;
                            }
                        }
                    }

                    pos += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    pos += 1;
                    break;
                case OperandType.InlineVar:
                    pos += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    pos += 8;
                    break;
                case OperandType.InlineSwitch:
                    pos += 4 + (BitConverter.ToInt32(il, pos) * 4);
                    break;
                default:
                    pos += 4;
                    break;
            }
        }
    }
}
