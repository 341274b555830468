using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Gemini;

using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.Gemini;

/// <summary>The <c>google_ai_studio_gemini</c> factory and client: URLs, headers and body, against a recording HTTP handler.</summary>
public sealed class GoogleAIStudioGeminiProviderTests
{
    private const string Key = "AIzaSyCanaryUnit0123456789abcdefghijklm";

    private const string OkResponse = """
        {"candidates":[{"content":{"parts":[{"text":"Hi there"}],"role":"model"},"finishReason":"STOP","index":0}],
         "usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2,"totalTokenCount":6}}
        """;

    /// <summary>Records every request and answers with a fixed status, content type and body.</summary>
    private sealed class RecordingHandler(HttpStatusCode status, string contentType, string body) : HttpMessageHandler, IHttpClientFactory
    {
        public List<(HttpRequestMessage Message, string Body, string? ContentType)> Requests { get; } = [];

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request, await request.Content!.ReadAsStringAsync(cancellationToken), request.Content.Headers.ContentType?.MediaType));
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        }
    }

    private static ProviderConfig Config(string? modelName = "gemini-2.5-flash", string? apiBase = null, IReadOnlyList<ExtraHeaderItem>? headers = null) =>
        new("gemini", "google_ai_studio_gemini", "models.m.providers.gemini", modelName, apiBase, null, [], headers ?? [], null,
            ProviderSettingsTable.Empty);

    private static (IModelProvider Provider, List<string> Errors) Build(ProviderConfig config, IHttpClientFactory http)
    {
        var errors = new List<string>();
        var context = new ProviderBuildContext(config, new GoogleAIStudioGeminiProviderFactory().Descriptor,
            new StaticCredentialResolver(CredentialKind.Static, new Secret(Key)), http, NullLoggerFactory.Instance, TimeProvider.System, errors,
            new SettingResolver(new FakeEnvironment(new Dictionary<string, string>()), new SecretRegistry()));
        return (new GoogleAIStudioGeminiProviderFactory().Create(context), errors);
    }

    [Fact]
    public void Create_DefaultApiBase_UsesGoogleUrls()
    {
        var (provider, errors) = Build(Config(), new RecordingHandler(HttpStatusCode.OK, "application/json", OkResponse));

        Assert.Empty(errors);
        var gemini = Assert.IsType<GoogleAIStudioGeminiProvider>(provider);
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent", gemini.GenerateContentUrl.ToString());
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            gemini.StreamGenerateContentUrl.ToString());
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000/v1beta/")]
    [InlineData("http://127.0.0.1:9000/v1beta")]
    public void Create_ApiBase_IsJoinedWithModelsPath(string apiBase)
    {
        var (provider, _) = Build(Config(apiBase: apiBase), new RecordingHandler(HttpStatusCode.OK, "application/json", OkResponse));

        Assert.Equal("http://127.0.0.1:9000/v1beta/models/gemini-2.5-flash:generateContent",
            ((GoogleAIStudioGeminiProvider)provider).GenerateContentUrl.ToString());
    }

    [Fact]
    public void Create_MissingModelNameAndBadApiBase_ReportsBothWithTomlPaths()
    {
        var (_, errors) = Build(Config(modelName: null, apiBase: "ftp://example.com/"), new RecordingHandler(HttpStatusCode.OK, "application/json", OkResponse));

        Assert.Equal(
        [
            "`models.m.providers.gemini.model_name`: is required for `google_ai_studio_gemini` providers",
            "`models.m.providers.gemini.api_base`: `ftp://example.com/` is not an absolute http(s) URL",
        ], errors);
    }

    [Fact]
    public async Task InferAsync_Request_PostsBodyWithKeyHeaderAndNoKeyInUrl()
    {
        var http = new RecordingHandler(HttpStatusCode.OK, "application/json", OkResponse);
        var (provider, _) = Build(Config(apiBase: "http://127.0.0.1:9000/v1beta/"), http);

        var response = await provider.InferAsync(GeminiWireTests.Request(system: "Be brief."), RequestCredentials.Empty, CancellationToken.None);

        var (message, body, contentType) = Assert.Single(http.Requests);
        Assert.Equal(HttpMethod.Post, message.Method);
        Assert.Equal("http://127.0.0.1:9000/v1beta/models/gemini-2.5-flash:generateContent", message.RequestUri!.ToString());
        Assert.DoesNotContain(Key, message.RequestUri.ToString(), StringComparison.Ordinal);
        Assert.Equal([Key], message.Headers.GetValues("x-goog-api-key"));
        Assert.Null(message.Headers.Authorization);
        Assert.Equal("application/json", contentType);
        Assert.Equal(
            """{"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"systemInstruction":{"parts":[{"text":"Be brief."}]},"generationConfig":{}}""",
            body);
        Assert.Equal(body, response.RawRequest);
        Assert.Equal([new TextBlock("Hi there")], response.Content);
        Assert.Equal(new Usage(4, 2), response.Usage);
    }

    [Fact]
    public async Task InferAsync_ExtraHeaderNamingKeyHeader_KeyStillWins()
    {
        var http = new RecordingHandler(HttpStatusCode.OK, "application/json", OkResponse);
        var (provider, _) = Build(Config(headers: [new ExtraHeaderItem("x-goog-api-key", "other", Delete: false), new ExtraHeaderItem("x-team", "a", Delete: false)]), http);

        await provider.InferAsync(GeminiWireTests.Request(), RequestCredentials.Empty, CancellationToken.None);

        var message = Assert.Single(http.Requests).Message;
        Assert.Equal([Key], message.Headers.GetValues("x-goog-api-key"));
        Assert.Equal(["a"], message.Headers.GetValues("x-team"));
    }

    [Fact]
    public async Task InferAsync_GoogleErrorEchoingKey_ThrowsRedactedClientError()
    {
        var errorBody = $$$"""{"error":{"code":403,"message":"Permission denied: Consumer 'api_key:{{{Key}}}' has been suspended.","status":"PERMISSION_DENIED"}}""";
        var (provider, _) = Build(Config(), new RecordingHandler(HttpStatusCode.Forbidden, "application/json", errorBody));

        var error = await Assert.ThrowsAsync<GatewayError>(() =>
            provider.InferAsync(GeminiWireTests.Request(), RequestCredentials.Empty, CancellationToken.None));

        Assert.Equal(ErrorKind.ProviderClient, error.Kind);
        Assert.Equal(403, error.ProviderStatus);
        Assert.Contains("Error 403 from Google AI Studio Gemini client", error.Message, StringComparison.Ordinal);
        Assert.Contains("api_key:[REDACTED]", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_Request_UsesStreamUrlWithAltSseAndAcceptHeader()
    {
        var sse = """
            data: {"candidates":[{"content":{"parts":[{"text":"Hi "}],"role":"model"},"index":0}]}

            data: {"candidates":[{"content":{"parts":[{"text":"there"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2}}


            """;
        var http = new RecordingHandler(HttpStatusCode.OK, "text/event-stream", sse);
        var (provider, _) = Build(Config(), http);

        var chunks = new List<ProviderStreamChunk>();
        await foreach (var chunk in provider.StreamAsync(GeminiWireTests.Request(), RequestCredentials.Empty, CancellationToken.None))
        {
            chunks.Add(chunk);
        }

        var (message, body, contentType) = Assert.Single(http.Requests);
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", message.RequestUri!.ToString());
        Assert.Equal([Key], message.Headers.GetValues("x-goog-api-key"));
        Assert.Equal("text/event-stream", Assert.Single(message.Headers.Accept).MediaType);
        Assert.Equal("""{"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"generationConfig":{}}""", body);
        Assert.Equal("Hi there", string.Concat(chunks.SelectMany(c => c.Content).OfType<TextDelta>().Select(d => d.Text)));
        Assert.Equal(new Usage(4, 2), chunks[^1].Usage);
    }

    [Fact]
    public async Task StreamAsync_JsonInsteadOfEventStream_ThrowsContentTypeError()
    {
        var (provider, _) = Build(Config(), new RecordingHandler(HttpStatusCode.OK, "application/json", "[" + OkResponse + "]"));

        var error = await Assert.ThrowsAsync<GatewayError>(async () =>
        {
            await foreach (var _ in provider.StreamAsync(GeminiWireTests.Request(), RequestCredentials.Empty, CancellationToken.None))
            {
            }
        });

        Assert.Contains("text/event-stream", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_ProviderExtraBody_AppliedAfterRequestBody()
    {
        var http = new RecordingHandler(HttpStatusCode.OK, "application/json", OkResponse);
        var config = Config() with
        {
            ExtraBody = [new ExtraBodyItem("/generationConfig/temperature", JsonValue.Create(0.1), Delete: false)],
        };
        var (provider, _) = Build(config, http);

        await provider.InferAsync(
            GeminiWireTests.Request(parameters: new InferenceParams(Temperature: 0.9)), RequestCredentials.Empty, CancellationToken.None);

        Assert.Contains("\"generationConfig\":{\"temperature\":0.1}", Assert.Single(http.Requests).Body, StringComparison.Ordinal);
    }
}
