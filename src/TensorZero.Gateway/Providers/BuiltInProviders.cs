using TensorZero.Gateway.Providers.Anthropic;
using TensorZero.Gateway.Providers.AwsBedrock;
using TensorZero.Gateway.Providers.AwsSageMaker;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Providers.Gcp;
using TensorZero.Gateway.Providers.Gemini;
using TensorZero.Gateway.Providers.OpenAI;

namespace TensorZero.Gateway.Providers;

/// <summary>
/// The provider types built into the gateway: adding one is a folder under <c>Providers/</c> and one line here. Each
/// call makes new factories, since a factory may keep per-gateway state (the dummy's call counters).
/// </summary>
public static class BuiltInProviders
{
    public static IReadOnlyList<IProviderFactory> CreateFactories() =>
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
        new AwsSageMakerProviderFactory(),
    ];

    /// <summary>Embedding factories; each type also has a chat factory above, whose descriptor it shares.</summary>
    public static IReadOnlyList<IEmbeddingProviderFactory> CreateEmbeddingFactories() =>
    [
        new OpenAIEmbeddingProviderFactory(OpenAIFlavours.OpenAI),
        new OpenAIEmbeddingProviderFactory(OpenAIFlavours.OpenRouter),
        new AzureEmbeddingProviderFactory(),
        new DummyEmbeddingProviderFactory(),
    ];
}
