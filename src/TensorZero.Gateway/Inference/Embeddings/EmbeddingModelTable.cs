using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Inference.Embeddings;

/// <summary>Embedding models: those of <c>[embedding_models]</c>, and shorthand ones (<c>openai::text-embedding-3-small</c>) built on use.</summary>
public sealed class EmbeddingModelTable : ModelCatalog<EmbeddingModel>
{
    private readonly ProviderBuilder _providers;

    private EmbeddingModelTable(IReadOnlyDictionary<string, EmbeddingModel> configured, ProviderBuilder providers)
        : base(configured)
    {
        _providers = providers;
    }

    /// <summary>Builds every configured provider; every problem (missing credential, bad setting) lands in <paramref name="errors"/>.</summary>
    public static EmbeddingModelTable Build(GatewayConfig config, ProviderBuilder providers, List<string> errors)
    {
        var models = new Dictionary<string, EmbeddingModel>(StringComparer.Ordinal);
        foreach (var (name, modelConfig) in config.EmbeddingModels)
        {
            var routed = new List<RoutedEmbeddingProvider>();
            foreach (var providerName in modelConfig.Routing)
            {
                if (modelConfig.Providers.TryGetValue(providerName, out var providerConfig) &&
                    providers.Build(providerConfig, errors) is { } provider)
                {
                    routed.Add(new RoutedEmbeddingProvider(providerName, provider, providerConfig.TimeoutMs));
                }
            }
            models[name] = new EmbeddingModel(name, routed, modelConfig.TimeoutMs, providers.Services.Time);
        }
        return new EmbeddingModelTable(models, providers);
    }

    private protected override EmbeddingModel BuildShorthand(string name)
    {
        var (providerName, provider) = _providers.BuildEmbeddingShorthand(name);
        return new EmbeddingModel(name, [new RoutedEmbeddingProvider(providerName, provider, null)], null, _providers.Services.Time);
    }
}
