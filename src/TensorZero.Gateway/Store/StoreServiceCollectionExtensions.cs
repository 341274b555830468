using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Store.Cache;

namespace TensorZero.Gateway.Store;

/// <summary>The store's state for the endpoints: its writer, or none when storage is off.</summary>
public sealed record StoreRuntime(StoreWriter? Writer) : IAsyncDisposable
{
    public IInferenceStore? Store => Writer?.Store;

    public ValueTask DisposeAsync() => Writer?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>Registers the store: the engine the config picks, its write queue (a hosted service) and the recorder.</summary>
public static class StoreServiceCollectionExtensions
{
    public static IServiceCollection AddInferenceStore(this IServiceCollection services, GatewayConfig config)
    {
        var settings = config.Gateway.Observability ?? ObservabilityConfig.Default(config.BaseDirectory);
        services.AddSingleton(sp =>
        {
            var store = StoreFactory.Create(settings, sp.GetRequiredService<IEnvironmentVariables>());
            return new StoreRuntime(store is null ? null : new StoreWriter(
                store, settings, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<StoreWriter>>()));
        });
        services.AddHostedService(sp => new StoreWriterHost(sp.GetRequiredService<StoreRuntime>()));
        services.AddModelInferenceCache();
        services.AddSingleton(sp => new InferenceRecorder(
            sp.GetRequiredService<StoreRuntime>().Writer, sp.GetRequiredService<SecretRegistry>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Starts and stops the writer when there is one.</summary>
    private sealed class StoreWriterHost(StoreRuntime runtime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => runtime.Writer?.StartAsync(cancellationToken) ?? Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => runtime.Writer?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }
}
