using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Anthropic;

using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.Anthropic;

public sealed class AnthropicProviderTests
{
    private const string Key = "sk-ant-canary-unit-7f3e1a";

    private const string OkBody = """
        {"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":"Hello"}],
         "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":12}}
        """;

    private static readonly ModelRequest Hi = new(null, [new RequestMessage(Role.User, [new TextBlock("Hi")])], InferenceParams.Empty, [], []);

    /// <summary>Answers every request with a fixed response and keeps what was sent.</summary>
    private sealed class RecordingHandler(HttpStatusCode status, string body, string contentType = "application/json") : HttpMessageHandler
    {
        public List<(HttpRequestMessage Request, string Body)> Sent { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent.Add((request, await request.Content!.ReadAsStringAsync(cancellationToken)));
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        }
    }

    private sealed class SingleClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }

    private static (IModelProvider Provider, List<string> Errors) Build(
        RecordingHandler handler,
        string? apiBase = null,
        string modelName = "claude-haiku-4-5",
        IReadOnlyDictionary<string, object?>? settings = null,
        IReadOnlyList<ExtraHeaderItem>? extraHeaders = null)
    {
        var config = new ProviderConfig("p", "anthropic", "models.m.providers.p", modelName, apiBase, null, [], extraHeaders ?? [], null,
            new ProviderSettingsTable(settings ?? new Dictionary<string, object?>()));
        var errors = new List<string>();
        var context = new ProviderBuildContext(config, new AnthropicProviderFactory().Descriptor,
            new StaticCredentialResolver(CredentialKind.Static, new Secret(Key)), new SingleClientFactory(handler),
            NullLoggerFactory.Instance, TimeProvider.System, errors, new SettingResolver(new FakeEnvironment(new Dictionary<string, string>()), new SecretRegistry()));
        return (new AnthropicProviderFactory().Create(context), errors);
    }

    [Fact]
    public async Task InferAsync_Default_PostsToMessagesWithApiKeyAndVersionHeaders()
    {
        var handler = new RecordingHandler(HttpStatusCode.OK, OkBody);
        var (provider, errors) = Build(handler);

        var response = await provider.InferAsync(Hi, RequestCredentials.Empty, CancellationToken.None);

        Assert.Empty(errors);
        var (request, body) = Assert.Single(handler.Sent);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://api.anthropic.com/v1/messages", request.RequestUri!.ToString());
        Assert.Equal(Key, Assert.Single(request.Headers.GetValues("x-api-key")));
        Assert.Equal("2023-06-01", Assert.Single(request.Headers.GetValues("anthropic-version")));
        Assert.Null(request.Headers.Authorization);
        Assert.False(request.Headers.Contains("anthropic-beta"));
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"model":"claude-haiku-4-5","max_tokens":64000,"stream":false,"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}
            """), JsonNode.Parse(body)));
        Assert.Equal(body, response.RawRequest);
        Assert.Equal([new TextBlock("Hello")], response.Content);
        Assert.Equal(new Usage(25, 12), response.Usage);
        Assert.Equal(FinishReason.Stop, response.FinishReason);
    }

    [Theory]
    [InlineData("http://localhost:8080/v1/", "http://localhost:8080/v1/messages")]
    [InlineData("http://localhost:8080/v1", "http://localhost:8080/v1/messages")]
    [InlineData("http://localhost:8080/v1/messages", "http://localhost:8080/v1/messages")]
    [InlineData("http://localhost:8080/anthropic/v1/messages/", "http://localhost:8080/anthropic/v1/messages")]
    public async Task InferAsync_ApiBase_JoinsMessages(string apiBase, string expectedUrl)
    {
        var handler = new RecordingHandler(HttpStatusCode.OK, OkBody);
        var (provider, _) = Build(handler, apiBase);

        await provider.InferAsync(Hi, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal(expectedUrl, handler.Sent[0].Request.RequestUri!.ToString());
    }

    [Fact]
    public async Task InferAsync_ExtraHeaders_AddBetaButNeverReplaceKey()
    {
        var handler = new RecordingHandler(HttpStatusCode.OK, OkBody);
        var (provider, _) = Build(handler, extraHeaders:
        [
            new ExtraHeaderItem("anthropic-beta", "context-1m-2025-08-07", false),
            new ExtraHeaderItem("x-api-key", "not-the-key", false),
        ]);

        await provider.InferAsync(Hi, RequestCredentials.Empty, CancellationToken.None);

        var request = handler.Sent[0].Request;
        Assert.Equal("context-1m-2025-08-07", Assert.Single(request.Headers.GetValues("anthropic-beta")));
        Assert.Equal(Key, Assert.Single(request.Headers.GetValues("x-api-key")));
    }

    [Fact]
    public async Task InferAsync_Provider401_ReturnsClientErrorWithBodyAndNoKey()
    {
        var handler = new RecordingHandler(HttpStatusCode.Unauthorized,
            """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}""");
        var (provider, _) = Build(handler);

        var error = await Assert.ThrowsAsync<GatewayError>(() => provider.InferAsync(Hi, RequestCredentials.Empty, CancellationToken.None));

        Assert.Equal(ErrorKind.ProviderClient, error.Kind);
        Assert.Equal(401, error.ProviderStatus);
        Assert.Contains("authentication_error", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_Provider529Overloaded_ReturnsServerError()
    {
        var handler = new RecordingHandler((HttpStatusCode)529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        var (provider, _) = Build(handler);

        var error = await Assert.ThrowsAsync<GatewayError>(() => provider.InferAsync(Hi, RequestCredentials.Empty, CancellationToken.None));

        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.True(error.IsRetryable);
    }

    [Fact]
    public async Task StreamAsync_Default_SendsStreamTrueAndAcceptsEventStream()
    {
        var handler = new RecordingHandler(HttpStatusCode.OK, """
            event: message_start
            data: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"model":"x","usage":{"input_tokens":3,"output_tokens":1}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}

            event: message_stop
            data: {"type":"message_stop"}


            """, "text/event-stream");
        var (provider, _) = Build(handler);

        var chunks = new List<ProviderStreamChunk>();
        await foreach (var chunk in provider.StreamAsync(Hi, RequestCredentials.Empty, CancellationToken.None))
        {
            chunks.Add(chunk);
        }

        var (request, body) = Assert.Single(handler.Sent);
        Assert.Contains("text/event-stream", request.Headers.Accept.ToString(), StringComparison.Ordinal);
        Assert.True(JsonNode.Parse(body)!["stream"]!.GetValue<bool>());
        // message_start comes through without data, for raw output; the text and the delta carry the answer.
        Assert.Equal(3, chunks.Count);
        Assert.False(chunks[0].HasData);
        Assert.Equal(new Usage(3, 2), chunks[2].Usage);
    }

    [Fact]
    public async Task StreamAsync_JsonContentType_FailsBeforeFirstChunk()
    {
        var (provider, _) = Build(new RecordingHandler(HttpStatusCode.OK, OkBody));

        var error = await Assert.ThrowsAsync<GatewayError>(async () =>
        {
            await foreach (var _ in provider.StreamAsync(Hi, RequestCredentials.Empty, CancellationToken.None))
            {
            }
        });

        Assert.Contains("text/event-stream", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MissingModelName_ReportsError()
    {
        var (_, errors) = Build(new RecordingHandler(HttpStatusCode.OK, OkBody), modelName: "");

        Assert.Contains("`models.m.providers.p.model_name`: is required for `anthropic` providers", errors);
    }

    [Fact]
    public void Create_BadApiBase_ReportsError()
    {
        var (_, errors) = Build(new RecordingHandler(HttpStatusCode.OK, OkBody), apiBase: "ftp://example.com/");

        Assert.Contains(errors, e => e.StartsWith("`models.m.providers.p.api_base`", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_ProviderToolsNotTables_ReportsError()
    {
        var settings = new Dictionary<string, object?> { ["provider_tools"] = "web_search" };

        var (_, errors) = Build(new RecordingHandler(HttpStatusCode.OK, OkBody), settings: settings);

        Assert.Contains(errors, e => e.StartsWith("`models.m.providers.p.provider_tools`", StringComparison.Ordinal));
    }
}
