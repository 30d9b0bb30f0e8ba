using System.Diagnostics.CodeAnalysis;

namespace WasmDynamic;

/// <summary>
/// Host implementations for a component's imports, as plain .NET objects: an object per imported interface (its
/// methods match the interface's functions by name), and delegates for world-level functions.
/// </summary>
/// <example>
/// <code>
/// var imports = new ComponentImports()
///     .Add("demo:calc/logger@0.1.0", new ConsoleLogger())
///     .Add("get-number", (Func&lt;uint&gt;)(() =&gt; 41));
/// using var instance = component.Instantiate(imports);
/// </code>
/// </example>
public sealed class ComponentImports
{
    /// <summary>What binding reads of a host resource class: its constructors and its instance and static methods.</summary>
    private const DynamicallyAccessedMemberTypes Resource = DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.NonPublicConstructors
        | DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods;

    private readonly List<(string Name, object Implementation)> _entries = new();

    /// <summary>The entries, in the order they were added.</summary>
    public IReadOnlyList<(string Name, object Implementation)> Entries => _entries;

    /// <summary>
    /// Supplies <paramref name="implementation"/> for the import <paramref name="name"/>: an interface
    /// (<c>demo:calc/logger@0.1.0</c>, with or without version, or its short name <c>logger</c>), an instance a
    /// hand-written component imports (<c>host</c>), or a world-level function (then pass a delegate).
    /// </summary>
    /// <returns>This object, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    [RequiresUnreferencedCode("The host methods are read from implementation.GetType(), which a trimmed app may have trimmed: use Add<T> with the implementation's static type.")]
    public ComponentImports Add(string name, object implementation)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(implementation);
        _entries.Add((name, implementation));
        return this;
    }

    /// <summary>
    /// Supplies <paramref name="implementation"/> for the import <paramref name="name"/>, as
    /// <see cref="Add(string, object)"/> does; a trimmed app keeps the public methods, properties, constructors and nested
    /// classes (resource implementations) of <typeparamref name="T"/>, which binding reads.
    /// </summary>
    /// <typeparam name="T">The implementation's class (for a delegate, its delegate type).</typeparam>
    /// <returns>This object, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public ComponentImports Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicNestedTypes)] T>(string name, T implementation)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(implementation);
        _entries.Add((name, implementation));
        return this;
    }

    /// <summary>
    /// Supplies the .NET class that implements <c>resource <paramref name="resourceName"/></c> of the imported interface
    /// <paramref name="interfaceName"/>: its constructors serve <c>[constructor]</c>, instance methods the resource's
    /// methods and static methods its static functions. Each guest handle stands for one object; when the guest drops
    /// its handle the object is released (and disposed if it is <see cref="IDisposable"/>). A class nested in the
    /// interface's implementation and named after the resource is found without this call.
    /// </summary>
    /// <returns>This object, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public ComponentImports AddResource(string interfaceName, string resourceName, [DynamicallyAccessedMembers(Resource)] Type implementation)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        ArgumentNullException.ThrowIfNull(resourceName);
        ArgumentNullException.ThrowIfNull(implementation);
        _entries.Add(($"{interfaceName}#{resourceName}", implementation));
        return this;
    }

    /// <summary>
    /// Supplies <typeparamref name="T"/> as the implementation of a host resource whose objects <paramref name="factory"/>
    /// creates: the factory takes the WIT constructor's parameters (in the types a host method would take) and returns
    /// the object, so the class can take host state the guest knows nothing of, e.g.
    /// <c>imports.AddResource&lt;Blob&gt;("demo:host/store", "blob", (string init) =&gt; new Blob(database, init))</c>.
    /// Methods and static functions bind to <typeparamref name="T"/>'s members as with
    /// <see cref="AddResource(string, string, Type)"/>.
    /// </summary>
    /// <typeparam name="T">The class implementing the resource.</typeparam>
    /// <param name="interfaceName">The imported interface (empty for a resource imported at the world level).</param>
    /// <param name="resourceName">The WIT name of the resource.</param>
    /// <param name="factory">Called for each <c>[constructor]</c> call; any delegate type whose parameters fit.</param>
    /// <returns>This object, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public ComponentImports AddResource<[DynamicallyAccessedMembers(Resource)] T>(string interfaceName, string resourceName, Delegate factory)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        ArgumentNullException.ThrowIfNull(resourceName);
        ArgumentNullException.ThrowIfNull(factory);
        _entries.Add(($"{interfaceName}#{resourceName}", new ResourceFactory(typeof(T), factory)));
        return this;
    }

    /// <summary>
    /// Supplies <typeparamref name="T"/> as the implementation of a host resource whose objects <paramref name="create"/>
    /// builds from the WIT constructor's arguments, passed in the default type map as an array (the shape a dependency
    /// injection container wants: <c>args =&gt; ActivatorUtilities.CreateInstance&lt;T&gt;(services, args)</c>). Use
    /// <see cref="AddResource{T}(string, string, Delegate)"/> for a typed factory.
    /// </summary>
    /// <typeparam name="T">The class implementing the resource.</typeparam>
    /// <param name="interfaceName">The imported interface (empty for a resource imported at the world level).</param>
    /// <param name="resourceName">The WIT name of the resource.</param>
    /// <param name="create">Called for each <c>[constructor]</c> call with its arguments, in order.</param>
    /// <returns>This object, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public ComponentImports AddResourceFactory<[DynamicallyAccessedMembers(Resource)] T>(string interfaceName, string resourceName, Func<object?[], T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        ArgumentNullException.ThrowIfNull(resourceName);
        ArgumentNullException.ThrowIfNull(create);
        _entries.Add(($"{interfaceName}#{resourceName}", new ResourceFactory(typeof(T), create, Untyped: true)));
        return this;
    }

    /// <summary>A host resource class with the factory that creates its objects (an <c>object?[]</c> one when untyped).</summary>
    internal sealed record ResourceFactory(Type Type, Delegate Create, bool Untyped = false);

    /// <summary>Supplies <typeparamref name="T"/> as the implementation of a host resource; see <see cref="AddResource(string, string, Type)"/>.</summary>
    /// <returns>This object, for chaining.</returns>
    public ComponentImports AddResource<[DynamicallyAccessedMembers(Resource)] T>(string interfaceName, string resourceName)
        where T : class => AddResource(interfaceName, resourceName, typeof(T));

    /// <summary>Builds imports from a plain object whose properties match imports by short PascalCase name.</summary>
    /// <param name="imports">For example <c>new { Logger = new ConsoleLogger(), GetNumber = (Func&lt;uint&gt;)(() =&gt; 41) }</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="imports"/> is null.</exception>
    [RequiresUnreferencedCode("The properties are read from imports.GetType(), and the host methods from each property value's type, which a trimmed app may have trimmed: use FromObject<T> or Add<T>.")]
    public static ComponentImports FromObject(object imports)
    {
        ArgumentNullException.ThrowIfNull(imports);
        return imports as ComponentImports ?? Read(imports, imports.GetType());
    }

    /// <summary>
    /// Builds imports from a plain object whose properties match imports by short PascalCase name, reading the
    /// properties of <typeparamref name="T"/> (for <c>new { … }</c>, the anonymous type), which a trimmed app keeps.
    /// Delegates in it keep their targets; a class instance in it keeps, in a trimmed app, only the methods the app uses
    /// elsewhere (the trimmer cannot see that binding reads them): pass it with <see cref="Add{T}(string, T)"/>, or root
    /// its methods, e.g. <c>[DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(ConsoleLogger))]</c>
    /// on the method that instantiates.
    /// </summary>
    /// <param name="imports">For example <c>new { Logger = new ConsoleLogger(), GetNumber = (Func&lt;uint&gt;)(() =&gt; 41) }</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="imports"/> is null.</exception>
    public static ComponentImports FromObject<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(T imports)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(imports);
        return imports as ComponentImports ?? Read(imports, typeof(T));
    }

    private static ComponentImports Read(object imports, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type)
    {
        var result = new ComponentImports();
        foreach (var p in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length == 0 && ReadHostProperty(p, imports, p.Name) is { } value)
            {
                result._entries.Add((p.Name, value));
            }
        }

        return result;
    }

    /// <summary>
    /// The value of <paramref name="property"/> of the host object <paramref name="target"/>, read for the import
    /// <paramref name="import"/>; a getter that throws becomes a <see cref="ComponentBindingException"/> naming both.
    /// </summary>
    /// <exception cref="ComponentBindingException">The getter threw (its exception is the inner exception).</exception>
    internal static object? ReadHostProperty(System.Reflection.PropertyInfo property, object target, string import)
    {
        try
        {
            return property.GetValue(target);
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is { } inner)
        {
            throw new ComponentBindingException(
                $"Reading property '{property.Name}' of {target.GetType().Name} for the import '{import}' threw {inner.GetType().Name}: {inner.Message} WasmDynamic reads the public properties of a host object to find its imports: make the getter return a value (null for an import not provided), or give the imports one by one with ComponentImports.Add.",
                [],
                inner);
        }
    }
}
