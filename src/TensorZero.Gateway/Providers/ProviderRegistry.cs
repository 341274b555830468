using TensorZero.Gateway.Providers.Anthropic;
using TensorZero.Gateway.Providers.AwsBedrock;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Providers.Gcp;
using TensorZero.Gateway.Providers.Gemini;
using TensorZero.Gateway.Providers.OpenAI;

namespace TensorZero.Gateway.Providers;

/// <summary>The provider types this gateway can build, by TOML <c>type</c> string: chat providers and embedding providers.</summary>
public sealed class ProviderRegistry
{
    private readonly Dictionary<string, IProviderFactory> _factories;
    private readonly Dictionary<string, IEmbeddingProviderFactory> _embeddingFactories;

    public ProviderRegistry(IEnumerable<IProviderFactory> factories, IEnumerable<IEmbeddingProviderFactory>? embeddingFactories = null)
    {
        _factories = factories.ToDictionary(f => f.Type, StringComparer.Ordinal);
        _embeddingFactories = (embeddingFactories ?? []).ToDictionary(f => f.Type, StringComparer.Ordinal);
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
    ],
    [
        new OpenAIEmbeddingProviderFactory(OpenAIFlavours.OpenAI),
        new OpenAIEmbeddingProviderFactory(OpenAIFlavours.OpenRouter),
        new DummyEmbeddingProviderFactory(),
    ]);

    public IProviderFactory? Find(string type) => _factories.GetValueOrDefault(type);

    public IEnumerable<string> Types => _factories.Keys.Order(StringComparer.Ordinal);

    /// <summary>The factory of embedding providers of this type, if the type can embed.</summary>
    public IEmbeddingProviderFactory? FindEmbedding(string type) => _embeddingFactories.GetValueOrDefault(type);

    public IEnumerable<string> EmbeddingTypes => _embeddingFactories.Keys.Order(StringComparer.Ordinal);
}
