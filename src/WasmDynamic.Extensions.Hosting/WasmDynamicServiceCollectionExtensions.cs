using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WasmDynamic.Extensions.Hosting;

/// <summary>Registers WasmDynamic runtimes and components in an <see cref="IServiceCollection"/>.</summary>
public static class WasmDynamicServiceCollectionExtensions
{
    /// <summary>
    /// Registers the container's <see cref="ComponentRuntime"/> (a singleton, disposed with the container), configured by
    /// <see cref="WasmDynamicOptions"/>. Calling it again only adds configuration.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets engine options; optional.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddWasmDynamic(this IServiceCollection services, Action<WasmDynamicOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<WasmDynamicOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(sp => new ComponentRuntime(sp.GetRequiredService<IOptions<WasmDynamicOptions>>().Value.ToRuntimeOptions()));
        return services;
    }

    /// <summary>
    /// Registers the component <paramref name="name"/>: a <see cref="WasmComponentPool"/> singleton under the service key
    /// <paramref name="name"/> (<c>[FromKeyedServices("calc")] WasmComponentPool pool</c>, or
    /// <c>GetRequiredKeyedService&lt;WasmComponentPool&gt;("calc")</c>), which loads the component on first use and
    /// hands out its instances. Options are the named <see cref="WasmComponentOptions"/> of that name.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The component's name: its service key, options name and log category suffix.</param>
    /// <param name="configure">Sets the component's options (at least <see cref="WasmComponentOptions.Path"/> or <see cref="WasmComponentOptions.Bytes"/>).</param>
    /// <returns>A builder for the component's host imports.</returns>
    /// <exception cref="ArgumentException">A component of that name is already registered.</exception>
    public static WasmComponentBuilder AddWasmComponent(this IServiceCollection services, string name, Action<WasmComponentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, name) && d.ServiceType == typeof(WasmComponentPool)))
        {
            throw new ArgumentException($"A component named '{name}' is already registered; give each component its own name.", nameof(name));
        }

        services.AddWasmDynamic();
        var options = services.AddOptions<WasmComponentOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        var registration = new WasmComponentRegistration(name);
        services.AddKeyedSingleton(name, (sp, _) => new WasmComponentPool(
            name,
            sp.GetRequiredService<ComponentRuntime>(),
            sp.GetRequiredService<IOptionsMonitor<WasmComponentOptions>>().Get(name),
            registration,
            sp,
            sp.GetService<ILoggerFactory>()));
        return new WasmComponentBuilder(services, name, registration);
    }
}
