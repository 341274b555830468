using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Providers;

/// <summary>
/// Turns provider config into typed provider clients: finds the type's factory, resolves its credential and builds the
/// client. Configured providers are built at startup and report problems into a list; shorthand ones
/// (<c>openai::gpt-4o-mini</c>) are built on use, with the type's default credential, and fail as a request error.
/// </summary>
public sealed class ProviderBuilder(ProviderRegistry registry, CredentialResolverFactory credentials, ProviderServices services)
{
    public ProviderRegistry Registry => registry;

    public ProviderServices Services => services;

    /// <summary>A configured chat provider, or null after adding its problems to <paramref name="errors"/>.</summary>
    public IModelProvider? Build(ProviderConfig config, ICollection<string> errors)
    {
        var factory = registry.Find(config.Type)!;
        var resolver = credentials.ForProvider(factory.Descriptor.Credentials, config.ApiKeyLocation, config.Path, errors);
        return resolver is null ? null : factory.Create(Context(config, factory.Descriptor, resolver, errors));
    }

    /// <summary>A configured embedding provider, or null after adding its problems to <paramref name="errors"/>.</summary>
    public IEmbeddingProvider? Build(EmbeddingProviderConfig config, ICollection<string> errors)
    {
        if (registry.FindEmbedding(config.Type) is not { } factory)
        {
            return null;
        }
        var resolver = credentials.ForProvider(factory.Descriptor.Credentials, config.ApiKeyLocation, config.Path, errors);
        return resolver is null ? null : factory.Create(EmbeddingContext(config, factory.Descriptor, resolver, errors));
    }

    /// <summary>The default-credential problems of a shorthand name, each as <c>problem (origin)</c>; empty if fine or not shorthand.</summary>
    public IReadOnlyList<string> ShorthandCredentialProblems(string name)
    {
        if (!registry.TryParseShorthand(name, out var factory, out _))
        {
            return [];
        }
        var resolution = credentials.ForType(factory.Descriptor.Credentials);
        return resolution.Problems.Select(p => $"{p} ({resolution.Origin})").ToList();
    }

    /// <summary>The chat provider a shorthand name stands for, with its type as the provider name.</summary>
    /// <exception cref="GatewayError">The name is no shorthand (400), the type's credential is unavailable, or a setting is bad.</exception>
    public (string ProviderName, IModelProvider Provider) BuildShorthand(string name)
    {
        if (!registry.TryParseShorthand(name, out var factory, out var modelName))
        {
            throw GatewayError.InvalidRequest($"Invalid inference target: Invalid model name: Model name '{name}' not found in model table");
        }
        var type = factory.Descriptor;
        var shorthand = factory.Shorthand(modelName)!;
        var config = new ProviderConfig(type.Type, type.Type, $"models.{name}", shorthand.ModelName, null, null, [], [], null,
            shorthand.Settings);
        var errors = new List<string>();
        var credentialErrors = new List<string>();
        var context = Context(config, type, DefaultCredential(type), errors) with { CredentialErrors = credentialErrors };
        var provider = factory.Create(context);
        if (credentialErrors.Count > 0)
        {
            throw MissingKey(type, credentialErrors);
        }
        if (errors.Count > 0)
        {
            throw GatewayError.InvalidRequest($"Invalid inference target: {string.Join("; ", errors)}");
        }
        return (type.Type, provider);
    }

    /// <summary>The embedding provider a shorthand name stands for, with its type as the provider name.</summary>
    /// <exception cref="GatewayError">Unknown name or type that can't embed (404), unavailable credential, or a bad setting.</exception>
    public (string ProviderName, IEmbeddingProvider Provider) BuildEmbeddingShorthand(string name)
    {
        if (!registry.TryParseShorthand(name, out var chat, out var modelName) || registry.FindEmbedding(chat.Descriptor.Type) is not { } factory)
        {
            throw new GatewayError(ErrorKind.UnknownModel, $"Model not found: {name}");
        }
        var type = factory.Descriptor;
        var config = new EmbeddingProviderConfig(type.Type, type.Type, $"embedding_models.{name}", modelName, null, null, [], [], null);
        var errors = new List<string>();
        var provider = factory.Create(EmbeddingContext(config, type, DefaultCredential(type), errors));
        if (errors.Count > 0)
        {
            throw GatewayError.InvalidRequest($"Invalid embedding model: {string.Join("; ", errors)}");
        }
        return (type.Type, provider);
    }

    private CredentialResolver DefaultCredential(ProviderDescriptor type)
    {
        var resolution = credentials.ForType(type.Credentials);
        return resolution.Resolver ?? throw MissingKey(type, resolution.Problems);
    }

    private static GatewayError MissingKey(ProviderDescriptor type, IEnumerable<string> problems) =>
        new(ErrorKind.CredentialUnavailable, $"API key missing for provider {type.DisplayName}: {string.Join("; ", problems)}");

    private ProviderBuildContext Context(ProviderConfig config, ProviderDescriptor descriptor, CredentialResolver resolver, ICollection<string> errors) =>
        new(config, descriptor, resolver, services.HttpClients, services.Loggers, services.Time, errors, credentials.Settings)
        {
            Secrets = services.Secrets,
        };

    private EmbeddingProviderBuildContext EmbeddingContext(
        EmbeddingProviderConfig config,
        ProviderDescriptor descriptor,
        CredentialResolver resolver,
        ICollection<string> errors) =>
        new(config, descriptor, resolver, services.HttpClients, services.Time, errors, credentials.Settings) { Secrets = services.Secrets };
}
