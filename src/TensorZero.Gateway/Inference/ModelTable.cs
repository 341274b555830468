using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// Configured models, built once at startup, plus shorthand models (<c>openai::gpt-4o-mini</c>) built on use with the
/// provider type's memoised default credential.
/// </summary>
public sealed class ModelTable
{
    private readonly IReadOnlyDictionary<string, Model> _configured;
    private readonly ProviderRegistry _registry;
    private readonly CredentialResolverFactory _credentials;
    private readonly ProviderServices _services;
    private readonly ShorthandModelCache<Model> _shorthand;

    private ModelTable(
        IReadOnlyDictionary<string, Model> configured,
        ProviderRegistry registry,
        CredentialResolverFactory credentials,
        ProviderServices services)
    {
        _configured = configured;
        _registry = registry;
        _credentials = credentials;
        _services = services;
        _shorthand = new ShorthandModelCache<Model>(BuildShorthand);
    }

    /// <summary>How many shorthand models are cached now (at most <see cref="ShorthandModelCache{TModel}.MaxEntries"/>).</summary>
    internal int CachedShorthandModels => _shorthand.Count;

    /// <summary>Builds every configured provider; every problem (missing credential, bad setting) lands in <paramref name="errors"/>.</summary>
    public static ModelTable Build(
        GatewayConfig config,
        ProviderRegistry registry,
        CredentialResolverFactory credentials,
        ProviderServices services,
        List<string> errors)
    {
        var models = new Dictionary<string, Model>(StringComparer.Ordinal);
        foreach (var (name, modelConfig) in config.Models)
        {
            var routed = new List<RoutedProvider>();
            foreach (var providerName in modelConfig.Routing)
            {
                if (!modelConfig.Providers.TryGetValue(providerName, out var providerConfig))
                {
                    continue;
                }
                var factory = registry.Find(providerConfig.Type)!;
                var descriptor = factory.Descriptor;
                var resolver = credentials.ForProvider(descriptor.Credentials, providerConfig.ApiKeyLocation, providerConfig.Path, errors);
                if (resolver is null)
                {
                    continue;
                }
                var provider = factory.Create(services.Context(providerConfig, descriptor, resolver, credentials.Settings, errors));
                routed.Add(new RoutedProvider(providerName, provider, providerConfig.Timeouts));
            }
            models[name] = new Model(name, routed, modelConfig.Timeouts, services.Time, services.Loggers.CreateLogger<Model>(), services.Secrets);
        }
        var table = new ModelTable(models, registry, credentials, services);

        // Shorthand models named in variants are known now: resolve their default credentials at startup too.
        foreach (var (functionName, function) in config.Functions)
        {
            foreach (var (variantName, variant) in function.Variants)
            {
                if (variant.Model is { } model && !models.ContainsKey(model) && registry.TryParseShorthand(model, out var factory, out _))
                {
                    var resolution = credentials.ForType(factory.Descriptor.Credentials);
                    errors.AddRange(resolution.Problems.Select(p =>
                        $"`functions.{functionName}.variants.{variantName}.model`: {p} ({resolution.Origin})"));
                }
            }
        }
        return table;
    }

    public bool Contains(string name) => _configured.ContainsKey(name) || _registry.IsShorthand(name);

    /// <summary>The model with this name; shorthand names are built on the spot.</summary>
    public Model Get(string name)
    {
        return _configured.TryGetValue(name, out var model) ? model : _shorthand.Get(name);
    }

    private Model BuildShorthand(string name)
    {
        if (!_registry.TryParseShorthand(name, out var factory, out var modelName))
        {
            throw GatewayError.InvalidRequest($"Invalid inference target: Invalid model name: Model name '{name}' not found in model table");
        }
        var type = factory.Descriptor;
        var resolution = _credentials.ForType(type.Credentials);
        if (resolution.Resolver is null)
        {
            throw new GatewayError(ErrorKind.CredentialUnavailable,
                $"API key missing for provider {type.DisplayName}: {string.Join("; ", resolution.Problems)}");
        }
        var providerConfig = new ProviderConfig(type.Type, type.Type, $"models.{name}", modelName, null, null, [], [], null,
            new Dictionary<string, object?>());
        var errors = new List<string>();
        var credentialErrors = new List<string>();
        var context = _services.Context(providerConfig, type, resolution.Resolver, _credentials.Settings, errors) with
        {
            CredentialErrors = credentialErrors,
        };
        var provider = factory.Create(context);
        if (credentialErrors.Count > 0)
        {
            throw new GatewayError(ErrorKind.CredentialUnavailable,
                $"API key missing for provider {type.DisplayName}: {string.Join("; ", credentialErrors)}");
        }
        if (errors.Count > 0)
        {
            throw GatewayError.InvalidRequest($"Invalid inference target: {string.Join("; ", errors)}");
        }
        return new Model(name, [new RoutedProvider(type.Type, provider, null)], null, _services.Time, _services.Loggers.CreateLogger<Model>(), _services.Secrets);
    }
}

/// <summary>Shared services handed to provider factories.</summary>
public sealed record ProviderServices(IHttpClientFactory HttpClients, ILoggerFactory Loggers, TimeProvider Time)
{
    /// <summary>The gateway-held keys: the credential factory registers them, providers redact them from errors.</summary>
    public SecretRegistry Secrets { get; init; } = new();

    public ProviderBuildContext Context(
        ProviderConfig config,
        ProviderDescriptor descriptor,
        CredentialResolver resolver,
        SettingResolver settings,
        ICollection<string> errors) =>
        new(config, descriptor, resolver, HttpClients, Loggers, Time, errors, settings) { Secrets = Secrets };
}
