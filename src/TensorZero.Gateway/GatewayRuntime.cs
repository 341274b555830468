using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Inference.Functions;
using TensorZero.Gateway.Inference.Embeddings;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway;

/// <summary>
/// Everything built once from the config at startup: credential resolvers, providers, models, functions with their
/// variants, and the inference service. Building it fails with one <see cref="ConfigException"/> listing every problem.
/// </summary>
public sealed class GatewayRuntime
{
    private GatewayRuntime(GatewayConfig config, ModelTable models, EmbeddingModelTable embeddingModels, FunctionTable functions, InferenceService inference)
    {
        Config = config;
        Models = models;
        EmbeddingModels = embeddingModels;
        Functions = functions;
        Inference = inference;
    }

    public GatewayConfig Config { get; }

    public ModelTable Models { get; }

    public EmbeddingModelTable EmbeddingModels { get; }

    public FunctionTable Functions { get; }

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
            Reloader = services.CredentialFiles,
        };
        var errors = credentials.ValidateTypeDefaultForms(type => registry.Find(type)?.Descriptor.Credentials).ToList();
        var providers = new ProviderBuilder(registry, credentials, services);
        var models = ModelTable.Build(config, providers, errors);
        var embeddingModels = EmbeddingModelTable.Build(config, providers, errors);
        var functions = FunctionTable.Build(config, models, services.Time, errors, services.Loggers);
        if (errors.Count > 0)
        {
            throw new ConfigException(errors.Distinct(StringComparer.Ordinal).ToList());
        }
        return new GatewayRuntime(config, models, embeddingModels, functions, new InferenceService(config, functions, models, services.Time));
    }
}
