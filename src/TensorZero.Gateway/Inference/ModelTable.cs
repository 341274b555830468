using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Inference.Routing;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Inference;

/// <summary>Chat models: those of <c>[models]</c>, the shorthand ones that variants name, and shorthand ones built on use.</summary>
public sealed class ModelTable : ModelCatalog<Model>
{
    private readonly ProviderBuilder _providers;

    private ModelTable(IReadOnlyDictionary<string, Model> configured, ProviderBuilder providers)
        : base(configured)
    {
        _providers = providers;
    }

    /// <summary>Builds every configured provider; every problem (missing credential, bad setting) lands in <paramref name="errors"/>.</summary>
    public static ModelTable Build(GatewayConfig config, ProviderBuilder providers, List<string> errors)
    {
        var models = new Dictionary<string, Model>(StringComparer.Ordinal);
        foreach (var (name, modelConfig) in config.Models)
        {
            var routed = new List<RoutedProvider>();
            foreach (var providerName in modelConfig.Routing)
            {
                if (modelConfig.Providers.TryGetValue(providerName, out var providerConfig) &&
                    providers.Build(providerConfig, errors) is { } provider)
                {
                    routed.Add(new RoutedProvider(providerName, provider, providerConfig.Timeouts, name, providers.Services));
                }
            }
            models[name] = new Model(name, routed, modelConfig.Timeouts, providers.Services.Time);
        }
        return new ModelTable(models, providers);
    }

    /// <summary>What keeps a shorthand name's default credential from resolving, each as <c>problem (origin)</c>; empty if nothing.</summary>
    public IReadOnlyList<string> ShorthandCredentialProblems(string name) =>
        IsConfigured(name) ? [] : _providers.ShorthandCredentialProblems(name);

    public bool Contains(string name) => IsConfigured(name) || _providers.Registry.IsShorthand(name);

    private protected override Model BuildShorthand(string name)
    {
        var (providerName, provider) = _providers.BuildShorthand(name);
        return new Model(name, [new RoutedProvider(providerName, provider, null, name, _providers.Services)], null, _providers.Services.Time);
    }
}
