using System.Reflection;
using WasmDynamic.Emit;
using WasmDynamic.Marshalling;
using WasmDynamic.Wit;

namespace WasmDynamic.Imports;

/// <summary>Where a planned function finds its target in the imports given: an entry, a delegate property of it, or its factory.</summary>
internal sealed record TargetSource(int Entry, PropertyInfo? Property, Func<Delegate, Delegate>? Wrap)
{
    public object? Resolve(ComponentImports imports)
    {
        var target = imports.Entries[Entry].Implementation;
        if (target is ComponentImports.ResourceFactory factory)
        {
            target = factory.Create;
        }

        if (Property is not null)
        {
            target = ComponentImports.ReadHostProperty(Property, target, imports.Entries[Entry].Name);
        }

        return Wrap is null ? target : Wrap((Delegate)target!);
    }
}

/// <summary>
/// One imported function bound to a host member: its converters and adapter, where its target is, and whether the
/// member is async (returns a task), which makes every instance bound with the plan an async instance.
/// </summary>
internal sealed record FunctionPlan(string? Instance, WitFunction Function, string Qualified, ValueConverter[] Parameters, ValueConverter? Result, HostAdapter Adapter, TargetSource? Target, bool Async = false);

/// <summary>The import plans of one world, by shape, and how many were built.</summary>
internal sealed class WorldPlans
{
    public readonly Dictionary<ImportShape, ImportPlan> Cache = new();
    public int Built;
}

/// <summary>Everything binding one shape of imports needs, validated and emitted once; instances only read targets from it.</summary>
internal sealed record ImportPlan(List<FunctionPlan> Functions, List<HostBinder.ResourceDefinition> Resources, List<string> EmptyInstances);

/// <summary>
/// What a plan depends on in the imports given: per entry, its name and the CLR types (and delegate methods) the
/// binder reads, never the objects themselves.
/// </summary>
internal sealed class ImportShape : IEquatable<ImportShape>
{
    private readonly object?[] _parts;
    private readonly int _hash;

    public ImportShape(ComponentImports imports, bool wasiProvided, bool trapUnknown)
    {
        var parts = new List<object?> { wasiProvided, trapUnknown };
        foreach (var (name, implementation) in imports.Entries)
        {
            parts.Add(name);
            switch (implementation)
            {
                case Type t:
                    parts.Add(typeof(Type));
                    parts.Add(t);
                    break;
                case ComponentImports.ResourceFactory f:
                    parts.Add(f.Type);
                    parts.Add(f.Untyped);
                    parts.Add(f.Create.GetType());
                    parts.Add(f.Create.Method);
                    break;
                case Delegate d:
                    parts.Add(d.GetType());
                    parts.Add(d.Method);
                    break;
                default:
                    var type = implementation.GetType();
                    parts.Add(type);
                    foreach (var p in type.GetProperties().Where(p => typeof(Delegate).IsAssignableFrom(p.PropertyType) && p.GetIndexParameters().Length == 0))
                    {
                        var value = ComponentImports.ReadHostProperty(p, implementation, name) as Delegate;
                        parts.Add(value?.GetType());
                        parts.Add(value?.Method);
                    }

                    break;
            }
        }

        _parts = parts.ToArray();
        var hash = new HashCode();
        foreach (var p in _parts)
        {
            hash.Add(p);
        }

        _hash = hash.ToHashCode();
    }

    public bool Equals(ImportShape? other) => other is not null && _parts.SequenceEqual(other._parts);

    public override bool Equals(object? obj) => Equals(obj as ImportShape);

    public override int GetHashCode() => _hash;
}
