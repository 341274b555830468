using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.Gcp;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.Gcp;

/// <summary>
/// The whole gateway against fake Vertex AI servers that check the bearer token as Google does (<see cref="VertexJwtVerifier"/>):
/// the URLs of publisher models, endpoints and the global location, the self-signed JWT and its reuse, the Vertex
/// Anthropic body, and no key or token in responses or logs.
/// </summary>
public sealed class GcpVertexTests : IAsyncLifetime
{
    private const string KeyFile = "service-account.json";

    private readonly FakeServiceAccount _account = FakeServiceAccount.Create("tz-gateway@my-project.iam.gserviceaccount.com");
    private readonly VertexJwtVerifier _verifier = new();
    private FakeGeminiServer _gemini = null!;
    private FakeAnthropicServer _anthropic = null!;

    public async Task InitializeAsync()
    {
        _verifier.TrustServiceAccount(_account.ClientEmail, _account.KeyId, _account.Key);
        _gemini = await FakeGeminiServer.StartAsync();
        _gemini.VertexAuth = _verifier.CheckGemini;
        _anthropic = await FakeAnthropicServer.StartAsync();
        _anthropic.VertexAuth = _verifier.Check;
    }

    public async Task DisposeAsync()
    {
        await _gemini.DisposeAsync();
        await _anthropic.DisposeAsync();
        _account.Dispose();
    }

    private Dictionary<string, string> KeyFiles => new() { [KeyFile] = _account.Json };

    private string GeminiConfig(string target, string credential = $"credential_location = \"path::{KeyFile}\"") => Config($"""
        type = "gcp_vertex_gemini"
        project_id = "my-project"
        {target}
        api_base = "{_gemini.RootUrl}v1/"
        {credential}
        """);

    private string AnthropicConfig(string location = "us-east5", string credential = $"credential_location = \"path::{KeyFile}\"") => Config($"""
        type = "gcp_vertex_anthropic"
        project_id = "my-project"
        location = "{location}"
        model_id = "claude-haiku-4-5@20251001"
        api_base = "{_anthropic.VertexBaseUrl}"
        {credential}
        """);

    private static string Config(string providerToml) => $"""
        [models.m]
        routing = ["p"]

        [models.m.providers.p]
        {providerToml}

        [functions.f]
        type = "chat"

        [functions.f.variants.v]
        type = "chat_completion"
        model = "m"
        max_tokens = 100
        """;

    private static object Request(bool stream = false, Dictionary<string, string>? credentials = null) => new
    {
        function_name = "f",
        input = GatewayClient.UserMessage("Hello"),
        stream,
        credentials = credentials ?? [],
    };

    private static async Task<JsonObject> InferOkAsync(GatewayFactory gateway)
    {
        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(Request());
        Assert.True(status == HttpStatusCode.OK, $"expected 200, got {(int)status}: {raw}");
        Assert.Equal("echo: Hello", body["content"]![0]!["text"]!.GetValue<string>());
        return body;
    }

    private static string BearerToken(IReadOnlyDictionary<string, string> headers)
    {
        var authorization = headers["authorization"];
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        return authorization["Bearer ".Length..];
    }

    private void AssertSignedFor(string token, string audience, long notBefore, long notAfter)
    {
        var (header, claims, _) = VertexJwtVerifier.Decode(token) ?? throw new Xunit.Sdk.XunitException("the bearer token is not a JWT");
        Assert.Equal($$"""{"typ":"JWT","alg":"RS256","kid":"{{_account.KeyId}}"}""", header.ToJsonString());
        Assert.Equal(_account.ClientEmail, claims["iss"]!.GetValue<string>());
        Assert.Equal(_account.ClientEmail, claims["sub"]!.GetValue<string>());
        Assert.Equal(audience, claims["aud"]!.GetValue<string>());
        var issued = claims["iat"]!.GetValue<long>();
        Assert.InRange(issued, notBefore, notAfter);
        Assert.Equal(issued + 3600, claims["exp"]!.GetValue<long>());
        Assert.Null(claims["scope"]);
    }

    private static long UnixNow() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public async Task Inference_PublisherModel_PostsGenerateContentWithSelfSignedJwt()
    {
        using var gateway = new GatewayFactory(GeminiConfig("location = \"us-central1\"\nmodel_id = \"gemini-2.5-flash\""), files: KeyFiles);
        var before = UnixNow();

        var body = await InferOkAsync(gateway);

        Assert.Equal(11, body["usage"]!["input_tokens"]!.GetValue<int>());
        var request = Assert.Single(_gemini.Requests);
        Assert.Equal("/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent", request.Path);
        Assert.Equal(string.Empty, request.Query);
        Assert.Equal(_account.ClientEmail, request.Identity);
        Assert.False(request.Headers.ContainsKey("x-goog-api-key"));
        AssertSignedFor(BearerToken(request.Headers), "https://us-central1-aiplatform.googleapis.com/", before, UnixNow());
    }

    [Fact]
    public async Task Inference_EndpointId_PostsToTheEndpoint()
    {
        using var gateway = new GatewayFactory(GeminiConfig("location = \"europe-west4\"\nendpoint_id = \"4567890123\""), files: KeyFiles);

        await InferOkAsync(gateway);

        var request = Assert.Single(_gemini.Requests);
        Assert.Equal("/v1/projects/my-project/locations/europe-west4/endpoints/4567890123:generateContent", request.Path);
        Assert.True(request.Route!.IsEndpoint);
        Assert.Equal(_account.ClientEmail, request.Identity);
    }

    [Fact]
    public async Task Inference_GlobalLocation_SignsForTheGlobalServiceRoot()
    {
        using var gateway = new GatewayFactory(GeminiConfig("location = \"global\"\nmodel_id = \"gemini-2.5-pro\""), files: KeyFiles);
        var before = UnixNow();

        await InferOkAsync(gateway);

        var request = Assert.Single(_gemini.Requests);
        Assert.Equal("/v1/projects/my-project/locations/global/publishers/google/models/gemini-2.5-pro:generateContent", request.Path);
        AssertSignedFor(BearerToken(request.Headers), "https://aiplatform.googleapis.com/", before, UnixNow());
    }

    [Fact]
    public async Task Inference_Stream_UsesStreamGenerateContentWithAltSse()
    {
        using var gateway = new GatewayFactory(GeminiConfig("location = \"us-central1\"\nmodel_id = \"gemini-2.5-flash\""), files: KeyFiles);

        var (status, contentType, events, raw) = await gateway.CreateClient().PostStreamAsync("/inference", Request(stream: true));

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("text/event-stream", contentType);
        Assert.Equal("echo: Hello", StreamedText(events));
        var request = Assert.Single(_gemini.Requests);
        Assert.Equal("/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent", request.Path);
        Assert.Equal("?alt=sse", request.Query);
        Assert.Equal(_account.ClientEmail, request.Identity);
    }

    [Fact]
    public async Task Inference_LaterRequests_ReuseOneJwtUntilShortlyBeforeItExpires()
    {
        // RS256 signatures are deterministic, so only a clock that moves tells a cached token from a freshly signed one.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var verifier = new VertexJwtVerifier(time);
        verifier.TrustServiceAccount(_account.ClientEmail, _account.KeyId, _account.Key);
        _gemini.VertexAuth = verifier.CheckGemini;
        using var gateway = new TimedGatewayFactory(GeminiConfig("location = \"us-central1\"\nmodel_id = \"gemini-2.5-flash\""), KeyFiles, time);

        await InferOkAsync(gateway);
        time.Advance(TimeSpan.FromMinutes(50));
        await InferOkAsync(gateway);
        time.Advance(TimeSpan.FromMinutes(6));
        await InferOkAsync(gateway);

        var tokens = _gemini.Requests.Select(r => BearerToken(r.Headers)).ToList();
        Assert.Equal(3, tokens.Count);
        Assert.Equal(tokens[0], tokens[1]);
        Assert.NotEqual(tokens[1], tokens[2]);
        Assert.Equal([_account.ClientEmail, _account.ClientEmail, _account.ClientEmail], _gemini.Authenticated);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        AssertSignedFor(tokens[2], "https://us-central1-aiplatform.googleapis.com/", now, now);
    }

    [Fact]
    public async Task Inference_DynamicToken_IsSentVerbatim()
    {
        _verifier.AcceptAccessToken("ya29.customer-token");
        using var gateway = new GatewayFactory(GeminiConfig("location = \"us-central1\"\nmodel_id = \"gemini-2.5-flash\"",
            "credential_location = \"dynamic::gcp_token\""));

        var (status, _, raw) = await gateway.CreateClient().PostInferenceAsync(Request(credentials: new() { ["gcp_token"] = "ya29.customer-token" }));

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("Bearer ya29.customer-token", Assert.Single(_gemini.Requests).Headers["authorization"]);
    }

    [Fact]
    public async Task AnthropicInference_PostsRawPredictWithVertexBody()
    {
        using var gateway = new GatewayFactory(AnthropicConfig(), files: KeyFiles);
        var before = UnixNow();

        await InferOkAsync(gateway);

        var request = Assert.Single(_anthropic.Requests);
        Assert.Equal("/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-haiku-4-5@20251001:rawPredict", request.Path);
        Assert.Equal(new AnthropicVertexCall("my-project", "us-east5", "claude-haiku-4-5@20251001", false, _account.ClientEmail), request.Vertex);
        Assert.Equal("vertex-2023-10-16", request.Body["anthropic_version"]!.GetValue<string>());
        Assert.False(request.Body.ContainsKey("model"));
        Assert.False(request.Body["stream"]!.GetValue<bool>());
        Assert.False(request.Headers.ContainsKey("x-api-key"));
        Assert.False(request.Headers.ContainsKey("anthropic-version"));
        AssertSignedFor(BearerToken(request.Headers), "https://us-east5-aiplatform.googleapis.com/", before, UnixNow());
    }

    [Fact]
    public async Task AnthropicInference_Stream_PostsStreamRawPredict()
    {
        using var gateway = new GatewayFactory(AnthropicConfig(location: "global"), files: KeyFiles);

        var (status, _, events, raw) = await gateway.CreateClient().PostStreamAsync("/inference", Request(stream: true));

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("echo: Hello", StreamedText(events));
        var request = Assert.Single(_anthropic.Requests);
        Assert.Equal("/v1/projects/my-project/locations/global/publishers/anthropic/models/claude-haiku-4-5@20251001:streamRawPredict", request.Path);
        Assert.True(request.Body["stream"]!.GetValue<bool>());
        Assert.Equal(_account.ClientEmail, request.Vertex!.Identity);
    }

    [Theory]
    [InlineData("gcp_vertex_gemini")]
    [InlineData("gcp_vertex_anthropic")]
    public async Task Inference_JwtRefusedByVertex_Is502WithoutKeyOrToken(string type)
    {
        // Signed with a key Vertex doesn't know: the gateway's JWT is refused with Google's 401.
        using var stranger = FakeServiceAccount.Create("stranger@my-project.iam.gserviceaccount.com");
        var config = type == "gcp_vertex_gemini"
            ? GeminiConfig("location = \"us-central1\"\nmodel_id = \"gemini-2.5-flash\"")
            : AnthropicConfig();
        using var gateway = new GatewayFactory(config, files: new Dictionary<string, string> { [KeyFile] = stranger.Json });

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(Request());

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("401", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        var token = Assert.Single(_verifier.SeenTokens);
        Assert.Equal(stranger.ClientEmail, VertexJwtVerifier.Decode(token)!.Value.Claims["iss"]!.GetValue<string>());
        foreach (var secret in new[] { token, stranger.PrivateKeyPem, token.Split('.')[2] })
        {
            Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, gateway.Logs.All, StringComparison.Ordinal);
        }
    }

    /// <summary>A gateway whose clock the test moves.</summary>
    private sealed class TimedGatewayFactory(string configToml, IReadOnlyDictionary<string, string> files, TimeProvider time)
        : GatewayFactory(configToml, files: files)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton(time));
        }
    }

    private static string StreamedText(List<string> events) => string.Concat(events.Json()
        .SelectMany(e => e["content"] as JsonArray ?? [])
        .Select(c => c?["text"]?.GetValue<string>() ?? string.Empty));
}
