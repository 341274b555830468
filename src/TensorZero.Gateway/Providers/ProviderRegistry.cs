using TensorZero.Gateway.Providers.AwsBedrock;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Providers.OpenAI;

namespace TensorZero.Gateway.Providers;

/// <summary>The provider types this gateway can build, by TOML <c>type</c> string.</summary>
public sealed class ProviderRegistry
{
    private readonly Dictionary<string, IProviderFactory> _factories;

    public ProviderRegistry(IEnumerable<IProviderFactory> factories)
    {
        _factories = factories.ToDictionary(f => f.Type, StringComparer.Ordinal);
    }

    public static ProviderRegistry CreateDefault() => new(
    [
        new OpenAIProviderFactory(),
        new DummyProviderFactory(),
        new AwsBedrockProviderFactory(),
    ]);

    public IProviderFactory? Find(string type) => _factories.GetValueOrDefault(type);

    public IEnumerable<string> Types => _factories.Keys.Order(StringComparer.Ordinal);
}
