using Microsoft.Extensions.DependencyInjection;

namespace WasmDynamic.Extensions.Hosting;

/// <summary>Adds host imports, resolved from the container, to a component registered with <see cref="WasmDynamicServiceCollectionExtensions.AddWasmComponent"/>.</summary>
public sealed class WasmComponentBuilder
{
    internal WasmComponentBuilder(IServiceCollection services, string name, WasmComponentRegistration registration)
    {
        Services = services;
        Name = name;
        Registration = registration;
    }

    /// <summary>The service collection the component is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The component's name (its pool's service key and options name).</summary>
    public string Name { get; }

    internal WasmComponentRegistration Registration { get; }

    /// <summary>
    /// Implements the import <paramref name="importName"/> (an interface, with or without version, or a world-level
    /// function) with a <typeparamref name="TImplementation"/> from the container: the registered service if there is
    /// one, otherwise an object built with constructor injection. One object serves each instance.
    /// </summary>
    /// <typeparam name="TImplementation">A plain class whose methods implement the import's functions.</typeparam>
    /// <param name="importName">The import, e.g. <c>acme:plugin/logger@1.0.0</c> or <c>logger</c>.</param>
    /// <returns>This builder, for chaining.</returns>
    public WasmComponentBuilder AddImport<TImplementation>(string importName)
        where TImplementation : class
    {
        ArgumentNullException.ThrowIfNull(importName);
        Registration.Imports.Add((services, imports) => imports.Add(importName, services.GetService<TImplementation>() ?? ActivatorUtilities.CreateInstance<TImplementation>(services)));
        return this;
    }

    /// <summary>Implements the import <paramref name="importName"/> with the object <paramref name="factory"/> returns for each instance.</summary>
    /// <param name="importName">The import.</param>
    /// <param name="factory">Builds the implementation (an object, or a delegate for a world-level function).</param>
    /// <returns>This builder, for chaining.</returns>
    public WasmComponentBuilder AddImport(string importName, Func<IServiceProvider, object> factory)
    {
        ArgumentNullException.ThrowIfNull(importName);
        ArgumentNullException.ThrowIfNull(factory);
        Registration.Imports.Add((services, imports) => imports.Add(importName, factory(services)));
        return this;
    }

    /// <summary>
    /// Implements the imported <c>resource <paramref name="resourceName"/></c> with <typeparamref name="T"/>, whose
    /// objects are built with constructor injection: the WIT constructor's arguments fill the parameters of their
    /// types, the container the rest (a database, a cache, an <c>ILogger&lt;T&gt;</c>).
    /// </summary>
    /// <typeparam name="T">The class implementing the resource.</typeparam>
    /// <param name="interfaceName">The imported interface (empty for a resource imported at the world level).</param>
    /// <param name="resourceName">The WIT name of the resource.</param>
    /// <returns>This builder, for chaining.</returns>
    public WasmComponentBuilder AddResource<T>(string interfaceName, string resourceName)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        ArgumentNullException.ThrowIfNull(resourceName);
        Registration.Imports.Add((services, imports) => imports.AddResourceFactory(interfaceName, resourceName, args => ActivatorUtilities.CreateInstance<T>(services, args!)));
        return this;
    }

    /// <summary>Adds imports of any other kind (delegates, <see cref="ComponentImports.AddResource{T}(string, string, Delegate)"/>, …).</summary>
    /// <param name="configure">Called for each instance with the container and the imports being built.</param>
    /// <returns>This builder, for chaining.</returns>
    public WasmComponentBuilder ConfigureImports(Action<IServiceProvider, ComponentImports> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Registration.Imports.Add(configure);
        return this;
    }
}

/// <summary>What a component registration collects: its import builders.</summary>
internal sealed class WasmComponentRegistration(string name)
{
    public string Name { get; } = name;

    public List<Action<IServiceProvider, ComponentImports>> Imports { get; } = new();
}
