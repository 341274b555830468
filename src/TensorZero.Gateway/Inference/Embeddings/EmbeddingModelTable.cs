using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Inference.Embeddings;

/// <summary>
/// Configured embedding models, built once at startup, plus shorthand ones (<c>openai::text-embedding-3-small</c>)
/// built on first use with the provider type's memoised default credential.
/// </summary>
public sealed class EmbeddingModelTable
{
    private readonly IReadOnlyDictionary<string, EmbeddingModel> _configured;
    private readonly ProviderRegistry _registry;
    private readonly CredentialResolverFactory _credentials;
    private readonly ProviderServices _services;
    private readonly ShorthandModelCache<EmbeddingModel> _shorthand;

    private EmbeddingModelTable(
        IReadOnlyDictionary<string, EmbeddingModel> configured,
        ProviderRegistry registry,
        CredentialResolverFactory credentials,
        ProviderServices services)
    {
        _configured = configured;
        _registry = registry;
        _credentials = credentials;
        _services = services;
        _shorthand = new ShorthandModelCache<EmbeddingModel>(BuildShorthand);
    }

    /// <summary>Builds every configured provider; every problem (missing credential, bad setting) lands in <paramref name="errors"/>.</summary>
    public static EmbeddingModelTable Build(
        GatewayConfig config,
        ProviderRegistry registry,
        CredentialResolverFactory credentials,
        ProviderServices services,
        List<string> errors)
    {
        var models = new Dictionary<string, EmbeddingModel>(StringComparer.Ordinal);
        foreach (var (name, modelConfig) in config.EmbeddingModels)
        {
            var routed = new List<RoutedEmbeddingProvider>();
            foreach (var providerName in modelConfig.Routing)
            {
                if (!modelConfig.Providers.TryGetValue(providerName, out var providerConfig) ||
                    registry.FindEmbedding(providerConfig.Type) is not { } factory)
                {
                    continue;
                }
                var resolver = credentials.ForProvider(factory.Descriptor.Credentials, providerConfig.ApiKeyLocation, providerConfig.Path, errors);
                if (resolver is null)
                {
                    continue;
                }
                var provider = factory.Create(new EmbeddingProviderBuildContext(
                    providerConfig, factory.Descriptor, resolver, services.HttpClients, services.Time, errors) { Secrets = services.Secrets });
                routed.Add(new RoutedEmbeddingProvider(providerName, provider, providerConfig.TimeoutMs));
            }
            models[name] = new EmbeddingModel(name, routed, modelConfig.TimeoutMs, services.Time);
        }
        return new EmbeddingModelTable(models, registry, credentials, services);
    }

    /// <summary>The embedding model with this name; shorthand names are built on the spot. Unknown names are a 404.</summary>
    public EmbeddingModel Get(string name)
    {
        return _configured.TryGetValue(name, out var model) ? model : _shorthand.Get(name);
    }

    private EmbeddingModel BuildShorthand(string name)
    {
        if (!_registry.TryParseShorthand(name, out var chat, out var modelName) || _registry.FindEmbedding(chat.Descriptor.Type) is not { } factory)
        {
            throw new GatewayError(ErrorKind.UnknownModel, $"Model not found: {name}");
        }
        var type = factory.Descriptor;
        var resolution = _credentials.ForType(type.Credentials);
        if (resolution.Resolver is null)
        {
            throw new GatewayError(ErrorKind.CredentialUnavailable,
                $"API key missing for provider {type.DisplayName}: {string.Join("; ", resolution.Problems)}");
        }
        var providerConfig = new EmbeddingProviderConfig(type.Type, type.Type, $"embedding_models.{name}", modelName, null, null, [], [], null);
        var errors = new List<string>();
        var provider = factory.Create(new EmbeddingProviderBuildContext(
            providerConfig, type, resolution.Resolver, _services.HttpClients, _services.Time, errors) { Secrets = _services.Secrets });
        if (errors.Count > 0)
        {
            throw GatewayError.InvalidRequest($"Invalid embedding model: {string.Join("; ", errors)}");
        }
        return new EmbeddingModel(name, [new RoutedEmbeddingProvider(type.Type, provider, null)], null, _services.Time);
    }
}
