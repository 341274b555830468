using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.OpenAI;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary>The exact URL, headers and body of OpenAI and OpenRouter embedding requests, and how their answers are read.</summary>
public sealed class OpenAIEmbeddingProviderTests
{
    private const string Key = "sk-embed-unit-key-0123456789";

    private const string TwoVectors =
        """{"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.5,1]},{"object":"embedding","index":0,"embedding":[0.25,-2]}],"model":"m","usage":{"prompt_tokens":7,"total_tokens":7}}""";

    private static IEmbeddingProvider Create(
        string type,
        IHttpClientFactory http,
        out List<string> errors,
        string? apiBase = null,
        IReadOnlyList<ExtraBodyItem>? extraBody = null,
        IReadOnlyList<ExtraHeaderItem>? extraHeaders = null,
        bool noCredential = false)
    {
        var registry = ProviderRegistry.CreateDefault();
        var config = new EmbeddingProviderConfig("p", type, "embedding_models.e.providers.p", "text-embedding-3-small", apiBase, null,
            extraBody ?? [], extraHeaders ?? [], null);
        errors = [];
        var credential = noCredential ? ResolvedCredential.NoCredential : new ResolvedCredential(CredentialKind.Static, new Secret(Key));
        var factory = registry.FindEmbedding(type)!;
        return factory.Create(new EmbeddingProviderBuildContext(
            config, factory.Descriptor, new Fixed(credential), http, TimeProvider.System, errors));
    }

    [Theory]
    [InlineData("openai", "https://api.openai.com/v1/embeddings")]
    [InlineData("openrouter", "https://openrouter.ai/api/v1/embeddings")]
    public async Task EmbedAsync_SingleText_SendsExactUrlBodyAndBearer(string type, string url)
    {
        var http = new RecordingHttp(TwoVectors.Replace("""{"object":"embedding","index":1,"embedding":[0.5,1]},""", "", StringComparison.Ordinal));
        var provider = Create(type, http, out var errors);

        await provider.EmbedAsync(new EmbeddingRequest(EmbeddingInput.Single("hello")), RequestCredentials.Empty, CancellationToken.None);

        Assert.Empty(errors);
        Assert.Equal(url, http.Last.RequestUri!.AbsoluteUri);
        Assert.Equal(HttpMethod.Post, http.Last.Method);
        Assert.Equal("""{"model":"text-embedding-3-small","input":"hello"}""", http.LastBody);
        Assert.Equal($"Bearer {Key}", http.Last.Headers.Authorization!.ToString());
        Assert.Equal("application/json; charset=utf-8", http.Last.Content!.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task EmbedAsync_OpenRouter_SendsItsBrandingHeaders()
    {
        var http = new RecordingHttp(TwoVectors);
        await Create("openrouter", http, out _).EmbedAsync(
            new EmbeddingRequest(new EmbeddingInput(["a", "b"], true)), RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal("TensorZero", http.Last.Headers.GetValues("X-Title").Single());
        Assert.Equal("https://www.tensorzero.com/", http.Last.Headers.GetValues("HTTP-Referer").Single());
    }

    [Fact]
    public async Task EmbedAsync_BatchWithOptionsAndExtras_SendsThemAll()
    {
        var http = new RecordingHttp(TwoVectors);
        var provider = Create("openai", http, out _, apiBase: "http://127.0.0.1:9/v1",
            extraBody: [new ExtraBodyItem("/user", System.Text.Json.Nodes.JsonValue.Create("tz"), false), new ExtraBodyItem("/dimensions", null, true)],
            extraHeaders: [new ExtraHeaderItem("OpenAI-Organization", "org-1", false)]);

        await provider.EmbedAsync(
            new EmbeddingRequest(new EmbeddingInput(["a", "b"], true), Dimensions: 256, EncodingFormat: EmbeddingEncoding.Base64),
            RequestCredentials.Empty,
            CancellationToken.None);

        Assert.Equal("http://127.0.0.1:9/v1/embeddings", http.Last.RequestUri!.AbsoluteUri);
        Assert.Equal("""{"model":"text-embedding-3-small","input":["a","b"],"encoding_format":"base64","user":"tz"}""", http.LastBody);
        Assert.Equal("org-1", http.Last.Headers.GetValues("OpenAI-Organization").Single());
    }

    [Fact]
    public async Task EmbedAsync_NoCredential_SendsNoAuthorization()
    {
        var http = new RecordingHttp(TwoVectors);
        await Create("openai", http, out _, noCredential: true).EmbedAsync(
            new EmbeddingRequest(new EmbeddingInput(["a", "b"], true)), RequestCredentials.Empty, CancellationToken.None);

        Assert.Null(http.Last.Headers.Authorization);
    }

    [Fact]
    public async Task EmbedAsync_Answer_VectorsInIndexOrderWithPromptTokens()
    {
        var response = await Create("openai", new RecordingHttp(TwoVectors), out _).EmbedAsync(
            new EmbeddingRequest(new EmbeddingInput(["a", "b"], true)), RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal([[0.25f, -2f], [0.5f, 1f]], response.Embeddings);
        Assert.Equal(7, response.InputTokens);
        Assert.Equal(TwoVectors, response.RawResponse);
    }

    [Fact]
    public void ParseResponse_Base64Vectors_AreDecodedAsLittleEndianFloat32()
    {
        // 1.0f and -0.5f as little-endian float32: 00 00 80 3F, 00 00 00 BF.
        var body = """{"data":[{"index":0,"embedding":"AACAPwAAAL8="}],"usage":{"prompt_tokens":2}}""";

        var response = OpenAIEmbeddingWire.ParseResponse("{}", body, 1, "OpenAI");

        Assert.Equal([1f, -0.5f], Assert.Single(response.Embeddings));
        Assert.Equal("AACAPwAAAL8=", Convert.ToBase64String(OpenAIEmbeddingWire.LittleEndianBytes([1f, -0.5f])));
    }

    [Theory]
    [InlineData("""{"data":[]}""", "Error parsing response from OpenAI: expected 1 embeddings, got 0")]
    [InlineData("""{"object":"list"}""", "Error parsing response from OpenAI: `data` is missing or not an array")]
    [InlineData("""{"data":[{"embedding":["x"]}]}""", "Error parsing response from OpenAI: `data[0].embedding[0]` is not a number")]
    [InlineData("""{"data":[{"embedding":"AAA"}]}""", "Error parsing response from OpenAI: `data[0].embedding` is not base64 of float32 values")]
    [InlineData("""{"data":[{"index":3,"embedding":[1]}]}""", "Error parsing response from OpenAI: `data[0].index` is out of range or repeated")]
    [InlineData("""not json""", "Error parsing response from OpenAI: the body is not valid JSON")]
    [InlineData("""{"data":[[1,2]]}""", "Error parsing response from OpenAI: `data[0]` is not an object")]
    [InlineData("""{"data":[{"embedding":[1,"2"]}]}""", "Error parsing response from OpenAI: `data[0].embedding[1]` is not a number")]
    [InlineData("""{"data":[{"embedding":{"0":1}}]}""", "Error parsing response from OpenAI: `data[0].embedding` is missing")]
    [InlineData("""{"data":[{"index":-1,"embedding":[1]}]}""", "Error parsing response from OpenAI: `data[0].index` is out of range or repeated")]
    [InlineData("""[{"embedding":[1]}]""", "Error parsing response from OpenAI: the body is not a JSON object")]
    public void ParseResponse_Malformed_IsAProviderServerError(string body, string message)
    {
        var error = Assert.Throws<GatewayError>(() => OpenAIEmbeddingWire.ParseResponse("{}", body, 1, "OpenAI"));

        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ParseResponse_NoUsage_HasNoTokenCount()
    {
        Assert.Null(OpenAIEmbeddingWire.ParseResponse("{}", """{"data":[{"embedding":[1]}]}""", 1, "OpenAI").InputTokens);
    }

    [Theory]
    [InlineData("openai", null, "`embedding_models.e.providers.p.model_name`: is required for `openai` embedding providers")]
    [InlineData("openai", "http://h/v1/embeddings", "`embedding_models.e.providers.p.api_base`: give the base URL without `/embeddings`; the gateway appends it")]
    [InlineData("openrouter", "ftp://h/", "`embedding_models.e.providers.p.api_base`: `ftp://h/` is not an absolute http(s) URL")]
    public void Create_BadSettings_AreReportedWithTheirPath(string type, string? apiBase, string expected)
    {
        var config = new EmbeddingProviderConfig("p", type, "embedding_models.e.providers.p", apiBase is null ? null : "m", apiBase, null, [], [], null);
        var errors = new List<string>();
        var factory = ProviderRegistry.CreateDefault().FindEmbedding(type)!;
        factory.Create(new EmbeddingProviderBuildContext(
            config, factory.Descriptor, new Fixed(ResolvedCredential.NoCredential), new RecordingHttp(), TimeProvider.System, errors));

        Assert.Equal(expected, Assert.Single(errors));
    }

    private sealed class Fixed(ResolvedCredential credential) : CredentialResolver
    {
        public override bool TryResolve(RequestCredentials request, out ResolvedCredential resolved, out string? unavailableReason)
        {
            resolved = credential;
            unavailableReason = null;
            return true;
        }
    }
}
