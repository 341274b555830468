using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Inference.Embeddings;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway;

/// <summary>
/// Everything built once from the config at startup: credential resolvers, providers, models and the inference
/// service. Building it fails with one <see cref="ConfigException"/> listing every problem.
/// </summary>
public sealed class GatewayRuntime
{
    private GatewayRuntime(GatewayConfig config, ModelTable models, EmbeddingModelTable embeddingModels, InferenceService inference)
    {
        Config = config;
        Models = models;
        EmbeddingModels = embeddingModels;
        Inference = inference;
    }

    public GatewayConfig Config { get; }

    public ModelTable Models { get; }

    public EmbeddingModelTable EmbeddingModels { get; }

    public InferenceService Inference { get; }

    public static GatewayRuntime Build(
        GatewayConfig config,
        ProviderRegistry registry,
        IEnvironmentVariables environment,
        ProviderServices services)
    {
        var credentials = new CredentialResolverFactory(environment, config.BaseDirectory, config.ProviderTypeDefaults, services.Loggers)
        {
            Secrets = services.Secrets,
        };
        var errors = credentials.ValidateTypeDefaultForms(type => registry.Find(type)?.Descriptor.Credentials).ToList();
        var models = ModelTable.Build(config, registry, credentials, services, errors);
        var embeddingModels = EmbeddingModelTable.Build(config, registry, credentials, services, errors);
        if (errors.Count > 0)
        {
            throw new ConfigException(errors.Distinct(StringComparer.Ordinal).ToList());
        }
        return new GatewayRuntime(config, models, embeddingModels, new InferenceService(config, models, services.Time));
    }
}
