using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Inference.Routing;

/// <summary>
/// One provider of a model, in routing order: the provider as its factory built it, and the same provider wrapped with
/// its own timeouts, the inference cache, stream-failure translation, failure logging, metrics, the custom-tool guard
/// and the warning for parameters it can't send (<see cref="Pipeline"/>), which routing calls.
/// </summary>
public sealed class RoutedProvider
{
    public RoutedProvider(string name, IModelProvider provider, TimeoutsConfig? timeouts, string modelName, ProviderServices services)
    {
        Name = name;
        Provider = provider;
        Timeouts = timeouts;
        var logger = services.Loggers.CreateLogger<Model>();
        IModelProvider pipeline = new StreamFailureTranslation(
            new CustomToolGuard(new IgnoredParamWarning(provider, logger), name, modelName), name, services.Secrets);
        if (services.Cache is { } cache)
        {
            // Inside the provider's timeouts, as TensorZero bounds its cache lookup by them.
            pipeline = new ModelInferenceCaching(pipeline, modelName, name, cache, services.Secrets);
        }
        if (timeouts is not null)
        {
            pipeline = new ProviderTimeout(pipeline, name, timeouts, services.Time);
        }
        pipeline = new FailureLogging(pipeline, name, modelName, logger);
        Pipeline = services.Metrics is { } metrics ? new Observability.ProviderMetrics(pipeline, metrics, metrics.ForProvider(modelName, name)) : pipeline;
    }

    public string Name { get; }

    /// <summary>The typed provider client, unwrapped.</summary>
    public IModelProvider Provider { get; }

    public TimeoutsConfig? Timeouts { get; }

    /// <summary>The provider with its timeouts, failure translation and logging around it.</summary>
    public IModelProvider Pipeline { get; }
}
