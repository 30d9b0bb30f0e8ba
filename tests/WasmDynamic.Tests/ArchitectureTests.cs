using System.Reflection;
using System.Reflection.Emit;
using FluentAssertions;
using Xunit;

namespace WasmDynamic.Tests;

/// <summary>
/// The folders of src/WasmDynamic form one chain, each using only those before it:
/// Native → Wit → BulkAdapter (the load-time component rewrite) → Binding → Marshalling → Emit → Imports → Exports → Dynamic → facade (the root namespace).
/// The public vocabulary in the root namespace that every layer speaks (exceptions, WIT values, attributes, options,
/// the bases emitted types derive from) is the first link. References are read from the compiled assembly: base
/// types, interfaces, fields, signatures, attributes and every token inside method bodies.
/// </summary>
public class ArchitectureTests
{
    private static readonly string[] Chain = ["Contract", "Native", "Wit", "BulkAdapter", "Binding", "Marshalling", "Emit", "Imports", "Exports", "Dynamic", "Facade"];

    /// <summary>Root-namespace types that every layer may use: the public vocabulary, not the facade.</summary>
    private static readonly HashSet<string> ContractTypes =
    [
        "WasmDynamicException", "ComponentLoadException", "ComponentBindingException", "ComponentArgumentException",
        "ComponentExportNotFoundException", "ComponentErrorException", "ComponentTrapException", "ComponentTrapCode",
        "ComponentInterruptedException", "ComponentTimeoutException", "ComponentCanceledException",
        "ComponentOutOfFuelException", "ComponentResourceLimitException", "ComponentInstancePoisonedException",
        "ComponentReentrancyException", "ComponentDeadlockException",
        "Unit", "Option`1", "Result`2", "ComponentRecord", "ComponentVariant",
        "WitNameAttribute", "GeneratedBindingAttribute", "WitEquality", "Structural",
        "ComponentRuntimeOptions", "PoolingAllocatorOptions", "InstanceOptions", "WasiOptions", "WasiInput", "WasiOutput", "WasiDirectory", "ComponentImports",
    ];

    /// <summary>The public export-side types (bases of emitted proxies and resource classes): the Exports link.</summary>
    private static readonly HashSet<string> ExportTypes = ["ComponentProxy", "ComponentResource"];

    /// <summary>
    /// Back-references that remain, as "from type → used type" (issue 13): all of them come from the two public bases
    /// emitted types derive from, which hold their export binding, are dynamic objects and (public API) name the instance.
    /// The list may only shrink: a new back-reference fails, and so does an entry that no longer occurs.
    /// </summary>
    private static readonly HashSet<string> Known =
    [
        // Emitted proxies derive from the public base ComponentProxy, which holds its Exports binding.
        "WasmDynamic.Emit.ProxyEmitter → WasmDynamic.ComponentProxy",
        // The base constructors and members the emitted IL calls (ComponentProxy.Invokers, the private protected ctors).
        "WasmDynamic.Emit.Tokens → WasmDynamic.ComponentProxy",
        // As above, for the resource base class.
        "WasmDynamic.Emit.Tokens → WasmDynamic.ComponentResource",
        // Emitted resource classes derive from ComponentResource; a handle typed as the base itself is accepted too.
        "WasmDynamic.Emit.WorldTypes → WasmDynamic.ComponentResource",
        // The public base implements IDynamicMetaObjectProvider: it creates its meta-object (the dynamic layer).
        "WasmDynamic.ComponentProxy → WasmDynamic.Dynamic.ProxyMetaObject",
        // Public API: ComponentProxy.Instance returns the facade ComponentInstance (a cast of its IExportHost).
        "WasmDynamic.ComponentProxy → WasmDynamic.ComponentInstance",
        // The public resource base implements IDynamicMetaObjectProvider, as ComponentProxy does.
        "WasmDynamic.ComponentResource → WasmDynamic.Dynamic.ResourceMetaObject",
        // ToString prints PascalCase field names from the WIT names of the protected (public API) GetFieldNames; the rule is Wit.Naming's.
        "WasmDynamic.ComponentRecord → WasmDynamic.Wit.Naming",
    ];

    private static string? Layer(Type t)
    {
        t = Outer(t);

        return t.Namespace switch
        {
            "WasmDynamic" => ContractTypes.Contains(t.Name) ? "Contract" : ExportTypes.Contains(t.Name) ? "Exports" : "Facade",
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
        var found = BackReferences(typeof(ComponentRuntime).Assembly).Select(v => v[(v.IndexOf(": ", StringComparison.Ordinal) + 2)..].Replace(" uses ", " → ", StringComparison.Ordinal)).ToHashSet();
        string.Join(Environment.NewLine, found.Except(Known).Order()).Should().BeEmpty("each folder may use only the folders before it in {0}", string.Join(" → ", Chain));
        string.Join(Environment.NewLine, Known.Except(found).Order()).Should().BeEmpty("a back-reference that is gone must leave the known list too");
    }

    [Fact]
    public void The_check_sees_a_back_reference_inside_a_method_body()
    {
        // A collectible assembly whose "WasmDynamic.Native" type calls the facade only inside a method body (no field,
        // no signature): the check must report it.
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("ArchitectureProbe"), AssemblyBuilderAccess.RunAndCollect);
        var module = assembly.DefineDynamicModule("ArchitectureProbe");
        var type = module.DefineType("WasmDynamic.Native.Probe", TypeAttributes.Public | TypeAttributes.Class);
        var method = type.DefineMethod("Run", MethodAttributes.Public | MethodAttributes.Static, typeof(void), Type.EmptyTypes);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Newobj, typeof(ComponentRuntime).GetConstructor(Type.EmptyTypes)!);
        il.Emit(OpCodes.Pop);
        il.Emit(OpCodes.Ret);
        type.CreateType();

        BackReferences(assembly).Should().ContainSingle().Which.Should().Be("Native → Facade: WasmDynamic.Native.Probe uses WasmDynamic.ComponentRuntime");
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
                if (to is not null && Array.IndexOf(Chain, to) > Array.IndexOf(Chain, from))
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
