using Microsoft.Extensions.DependencyInjection.Extensions;
using TensorZero.Gateway.Auth;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Hosting;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Egress;
using TensorZero.Gateway.Networking;
using TensorZero.Gateway.Observability;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway;

/// <summary>Registers the gateway's services in one call, as <c>AddReverseProxy()</c> does for YARP.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers the built-in provider factories (<see cref="BuiltInProviders"/>), the <see cref="ProviderRegistry"/>
    /// built from every registered factory, and the services the gateway runs on: the config, the clock, the
    /// environment, the providers' HTTP client behind the egress guard, the error handler, CORS and the
    /// <see cref="GatewayRuntime"/>.
    /// Singletons are added with <c>TryAdd</c>, so a service registered earlier wins.
    /// </summary>
    public static IServiceCollection AddTensorZeroGateway(this IServiceCollection services, GatewayConfig config)
    {
        foreach (var factory in BuiltInProviders.CreateFactories())
        {
            services.TryAddProviderFactory(factory);
        }
        foreach (var factory in BuiltInProviders.CreateEmbeddingFactories())
        {
            services.TryAddEmbeddingProviderFactory(factory);
        }
        services.TryAddSingleton(sp => new ProviderRegistry(sp.GetServices<IProviderFactory>(), sp.GetServices<IEmbeddingProviderFactory>()));
        services.TryAddSingleton<ProtectedHeaders>();

        services.TryAddSingleton(config);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEnvironmentVariables, ProcessEnvironmentVariables>();
        // Client-chosen (`dynamic::`) URLs pass the egress guard; every provider call has a connect timeout and no redirects.
        var egressGuard = new DynamicUrlGuard(DynamicHostAllowList.Parse(config.Gateway.AllowedDynamicHosts), new SystemHostResolver());
        // A non-streamed answer is buffered whole: bounded, so a broken or hostile upstream can't exhaust memory.
        services.AddHttpClient(ProviderHttp.ClientName, client =>
            {
                client.Timeout = TimeSpan.FromMilliseconds(config.Gateway.GlobalOutboundHttpTimeoutMs);
                client.MaxResponseContentBufferSize = config.Gateway.MaxProviderResponseBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new EgressHandler(
                egressGuard, TimeSpan.FromMilliseconds(config.Gateway.OutboundConnectTimeoutMs), sp.GetRequiredService<ILoggerFactory>().CreateLogger<EgressHandler>()))
            // One handler for the process's life: its connection pools renew connections (and DNS) every 5 minutes.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.TryAddSingleton<SecretRegistry>();
        // `path::` files are re-read when they change and on SIGHUP (started with the host, after the runtime is built).
        services.TryAddSingleton<CredentialFileReloader>();
        services.AddHostedService(sp => sp.GetRequiredService<CredentialFileReloader>());
        services.TryAddSingleton(sp => new ProviderServices(
            new SharedHttpClients(sp.GetRequiredService<IHttpClientFactory>()), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>())
        {
            Secrets = sp.GetRequiredService<SecretRegistry>(),
            Cache = sp.GetService<Store.Cache.ModelInferenceCache>(),
            CredentialFiles = sp.GetRequiredService<CredentialFileReloader>(),
            Metrics = sp.GetRequiredService<GatewayMetrics>(),
        });
        // The one error boundary, CORS (answered only for `[gateway.cors] allowed_origins`) and the memory release after bursts.
        services.AddExceptionHandler<GatewayExceptionHandler>();
        services.AddCors();
        services.AddHostedService<Hosting.IdleMemoryRelease>();
        // SIGTERM drains (`/health` 503 for `[gateway.shutdown] drain_delay_ms`) before the host stops within `deadline_ms`.
        services.AddGatewayShutdown(config.Gateway.Shutdown);
        services.AddInferenceStore(config);
        services.AddGatewayMetrics(config);
        services.AddGatewayAuth(config);
        services.TryAddSingleton(sp => GatewayRuntime.Build(
            sp.GetRequiredService<GatewayConfig>(),
            sp.GetRequiredService<ProviderRegistry>(),
            sp.GetRequiredService<IEnvironmentVariables>(),
            sp.GetRequiredService<ProviderServices>()));
        // Endpoints take the parts they use, not the whole runtime.
        services.TryAddSingleton(sp => sp.GetRequiredService<GatewayRuntime>().Inference);
        services.TryAddSingleton(sp => sp.GetRequiredService<GatewayRuntime>().EmbeddingModels);
        return services;
    }

    /// <summary>
    /// Registers a provider factory unless one of its TOML type is registered already: <c>TryAddEnumerable</c>'s rule,
    /// keyed on the provider type instead of the class, since the OpenAI-family flavours share one factory class.
    /// </summary>
    public static IServiceCollection TryAddProviderFactory(this IServiceCollection services, IProviderFactory factory)
    {
        if (!services.Any(d => RegistersType<IProviderFactory>(d, factory.Descriptor.Type, f => f.Descriptor)))
        {
            services.AddSingleton(factory);
        }
        return services;
    }

    /// <summary>Registers an embedding provider factory unless one of its TOML type is registered already.</summary>
    public static IServiceCollection TryAddEmbeddingProviderFactory(this IServiceCollection services, IEmbeddingProviderFactory factory)
    {
        if (!services.Any(d => RegistersType<IEmbeddingProviderFactory>(d, factory.Descriptor.Type, f => f.Descriptor)))
        {
            services.AddSingleton(factory);
        }
        return services;
    }

    // Whether a registration is a factory instance of this provider type (instances are what these methods add).
    private static bool RegistersType<TFactory>(ServiceDescriptor registration, string type, Func<TFactory, ProviderDescriptor> descriptorOf) =>
        registration.ServiceType == typeof(TFactory) && !registration.IsKeyedService &&
        registration.ImplementationInstance is TFactory factory && descriptorOf(factory).Type == type;
}
