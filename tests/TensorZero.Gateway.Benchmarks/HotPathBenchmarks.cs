using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Endpoints.OpenAICompatible;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Anthropic;
using TensorZero.Gateway.Providers.Gemini;
using TensorZero.Gateway.Providers.OpenAI;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Benchmarks;

/// <summary>
/// The per-request work the gateway adds around a provider call: resolving a credential, parsing the request body,
/// building the provider's JSON and reading its answer or a streamed chunk. Run with <c>dotnet run -c Release --project tests/TensorZero.Gateway.Benchmarks</c>.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    /// <summary>The fixed 374-byte answer of the load benchmark's fake upstream.</summary>
    private const string OpenAIAnswer = """
        {"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! The fixed answer of the load benchmark.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":14,"completion_tokens":12,"total_tokens":26},"system_fingerprint":"fp_bench"}
        """;

    /// <summary>A content chunk of the load benchmark's fake stream.</summary>
    private const string OpenAIChunk = """
        {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}
        """;

    /// <summary>The same answer as Anthropic's Messages API gives it.</summary>
    private const string AnthropicAnswer = """
        {"id":"msg_bench","type":"message","role":"assistant","model":"claude-3-5-haiku-20241022","content":[{"type":"text","text":"Hello! The fixed answer of the load benchmark."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":14,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":12}}
        """;

    /// <summary>A text delta event of Anthropic's stream.</summary>
    private const string AnthropicEvent = """
        {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}
        """;

    /// <summary>The same answer as Gemini's generateContent gives it.</summary>
    private const string GeminiAnswer = """
        {"candidates":[{"content":{"parts":[{"text":"Hello! The fixed answer of the load benchmark."}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":14,"candidatesTokenCount":12,"totalTokenCount":26},"modelVersion":"gemini-2.5-flash","responseId":"bench"}
        """;

    /// <summary>The load benchmark's OpenAI-route request.</summary>
    private const string OpenAIChatBody = """
        {"model":"tensorzero::model_name::bench","messages":[{"role":"user","content":"Say hello in one short sentence."}]}
        """;

    private CredentialResolver _dynamic = null!;
    private GatewayConfig _config = null!;
    private byte[] _openAIChatBody = null!;
    private RequestCredentials _credentials = null!;
    private ModelRequest _modelRequest = null!;
    private byte[] _body = null!;
    private ProtectedHeaders _protectedHeaders = null!;
    private string _openAIAnswer = null!;
    private string _openAIChunk = null!;
    private OpenAIStreamParser _streamParser = null!;
    private AnthropicStreamParser _anthropicStreamParser = null!;
    private string _anthropicAnswer = null!;
    private string _geminiAnswer = null!;
    private string _embeddingAnswer = null!;

    private sealed class NoEnvironment : IEnvironmentVariables
    {
        public string? Get(string name) => null;
    }

    [GlobalSetup]
    public void Setup()
    {
        var registry = ProviderRegistry.CreateDefault();
        _protectedHeaders = new ProtectedHeaders(registry);
        var factory = new CredentialResolverFactory(new NoEnvironment(), ".", new Dictionary<string, CredentialSpec>(), NullLoggerFactory.Instance);
        _dynamic = factory.ForProvider(registry.Find("openai")!.Descriptor.Credentials, new CredentialSpec(new CredentialLocation.Dynamic(BenchmarkInputs.CredentialName)), "p", new List<string>())!;
        _credentials = new RequestCredentials(new Dictionary<string, Secret> { [BenchmarkInputs.CredentialName] = new(BenchmarkInputs.CustomerKey) });
        _body = System.Text.Encoding.UTF8.GetBytes(BenchmarkInputs.InferenceBody);
        _openAIAnswer = OpenAIAnswer;
        _openAIChunk = OpenAIChunk;
        _streamParser = new OpenAIStreamParser(OpenAIFlavours.OpenAI, "OpenAI", new SecretRegistry().Scope(RequestCredentials.Empty));
        _anthropicAnswer = AnthropicAnswer;
        _geminiAnswer = GeminiAnswer;
        // One embedding of text-embedding-3-small's 1,536 dimensions, numbers as OpenAI prints them.
        var random = new Random(42);
        var vector = string.Join(",", Enumerable.Range(0, 1536).Select(_ => (random.NextDouble() - 0.5).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        _embeddingAnswer = $$$"""{"object":"list","data":[{"object":"embedding","index":0,"embedding":[{{{vector}}}]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}""";
        _anthropicStreamParser = new AnthropicStreamParser("Anthropic", new SecretRegistry().Scope(RequestCredentials.Empty), jsonPrefill: false);
        _config = BenchmarkInputs.LoadConfig(registry, BenchmarkInputs.OneModelConfig);
        _openAIChatBody = System.Text.Encoding.UTF8.GetBytes(OpenAIChatBody);
        using var document = JsonDocument.Parse(_body);
        var request = InferenceRequestParser.Parse(document.RootElement, TimeProvider.System, _protectedHeaders);
        _modelRequest = new ModelRequest(request.Input.System, request.Input.Messages, request.Params, [], []);
    }

    [Benchmark]
    public bool ResolveDynamicCredential() => _dynamic.TryResolve(_credentials, out _, out _);

    /// <summary>The request's <c>credentials</c> map: the dictionary, its keys and values, and nothing more.</summary>
    [Benchmark]
    public RequestCredentials ParseCredentialsMap()
    {
        using var document = JsonDocument.Parse(_body);
        return InferenceRequestParser.ParseCredentials(document.RootElement, "credentials");
    }

    [Benchmark]
    public InferenceRequest ParseInferenceRequest()
    {
        using var document = JsonDocument.Parse(_body);
        return InferenceRequestParser.Parse(document.RootElement, TimeProvider.System, _protectedHeaders);
    }

    [Benchmark]
    public OpenAIChatRequest ParseOpenAIChatRequest()
    {
        using var document = JsonDocument.Parse(_openAIChatBody);
        return OpenAIChatRequestParser.Parse(document.RootElement, _config, TimeProvider.System, _protectedHeaders, NullLogger.Instance);
    }

    [Benchmark]
    public string BuildOpenAIBody() => JsonWriting.ToText(
        _modelRequest,
        static (writer, request) => OpenAIWire.WriteRequest(writer, OpenAIFlavours.OpenAI, "gpt-4o-mini", request, stream: false, "OpenAI"),
        relaxed: false);

    [Benchmark]
    public ProviderResponse ParseOpenAIAnswer() => OpenAIResponseParser.Parse(OpenAIFlavours.OpenAI, "{}", _openAIAnswer, "OpenAI");

    /// <summary>One streamed content chunk read into its delta.</summary>
    [Benchmark]
    public ProviderStreamChunk ParseOpenAIStreamChunk() => _streamParser.Parse(_openAIChunk);

    [Benchmark]
    public ProviderResponse ParseAnthropicAnswer() => AnthropicWire.ParseResponse("{}", _anthropicAnswer, "Anthropic", jsonPrefill: false);

    /// <summary>One streamed text delta event read into its delta.</summary>
    [Benchmark]
    public ProviderStreamChunk? ParseAnthropicStreamEvent() => _anthropicStreamParser.Parse(AnthropicEvent);

    [Benchmark]
    public ProviderResponse ParseGeminiAnswer() => GeminiWire.ParseResponse("{}", _geminiAnswer, "Gemini");

    /// <summary>One 1,536-dimension embedding read into its vector.</summary>
    [Benchmark]
    public EmbeddingProviderResponse ParseOpenAIEmbeddingAnswer() => OpenAIEmbeddingWire.ParseResponse("{}", _embeddingAnswer, 1, "OpenAI");
}
