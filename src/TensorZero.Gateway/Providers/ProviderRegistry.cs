using TensorZero.Gateway.Providers.Anthropic;
using TensorZero.Gateway.Providers.AwsBedrock;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Providers.Gcp;
using TensorZero.Gateway.Providers.Gemini;
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
        new OpenAIProviderFactory(OpenAIFlavours.OpenAI),
        new AzureProviderFactory(),
        new OpenAIProviderFactory(OpenAIFlavours.DeepSeek),
        new OpenAIProviderFactory(OpenAIFlavours.Fireworks),
        new OpenAIProviderFactory(OpenAIFlavours.Hyperbolic),
        new OpenAIProviderFactory(OpenAIFlavours.Mistral),
        new OpenAIProviderFactory(OpenAIFlavours.Together),
        new OpenAIProviderFactory(OpenAIFlavours.XAI),
        new OpenAIProviderFactory(OpenAIFlavours.VLLM),
        new OpenAIProviderFactory(OpenAIFlavours.SGLang),
        new OpenAIProviderFactory(OpenAIFlavours.TGI),
        new OpenAIProviderFactory(OpenAIFlavours.Groq),
        new OpenAIProviderFactory(OpenAIFlavours.OpenRouter),
        new AnthropicProviderFactory(),
        new DummyProviderFactory(),
        new GoogleAIStudioGeminiProviderFactory(),
        new GcpVertexGeminiProviderFactory(),
        new GcpVertexAnthropicProviderFactory(),
        new AwsBedrockProviderFactory(),
    ]);

    public IProviderFactory? Find(string type) => _factories.GetValueOrDefault(type);

    public IEnumerable<string> Types => _factories.Keys.Order(StringComparer.Ordinal);
}
