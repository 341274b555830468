using Microsoft.Extensions.DependencyInjection.Extensions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Observability;

/// <summary>Registers <see cref="GatewayMetrics"/>, its label values taken from the config and the registered provider types.</summary>
public static class MetricsServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services, GatewayConfig config)
    {
        services.TryAddSingleton(sp => new GatewayMetrics(
            new MetricLabels(config, sp.GetRequiredService<ProviderRegistry>().Types),
            // Looked up at the first scrape: the store is built (and its file opened) by its own registration.
            () => sp.GetRequiredService<StoreRuntime>().Writer,
            config.Gateway.OverheadBuckets,
            () => sp.GetService<Credentials.CredentialFileReloader>()));
        return services;
    }
}
