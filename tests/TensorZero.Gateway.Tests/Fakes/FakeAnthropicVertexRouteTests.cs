using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes.Gcp;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>The fake's Vertex <c>rawPredict</c> routes refuse what Vertex refuses, so gateway tests against them mean something.</summary>
public sealed class FakeAnthropicVertexRouteTests : IAsyncLifetime
{
    private const string Path = "projects/p/locations/us-east5/publishers/anthropic/models/claude-haiku-4-5@20251001";
    private FakeAnthropicServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeAnthropicServer.StartAsync();
        var verifier = new VertexJwtVerifier();
        verifier.AcceptAccessToken("ya29.good");
        _server.VertexAuth = verifier.Check;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string method, string body, string? token = "ya29.good")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_server.VertexBaseUrl}{Path}:{method}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }
        using var client = new HttpClient();
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Body(string extra = "", string version = "\"vertex-2023-10-16\"", bool stream = false) =>
        $$"""{"anthropic_version":{{version}},"max_tokens":10,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]{{extra}}}""";

    [Fact]
    public async Task RawPredict_VertexBody_AnswersLikeAnthropic()
    {
        var (status, body) = await PostAsync("rawPredict", Body());

        Assert.Equal(HttpStatusCode.OK, status);
        var json = JsonNode.Parse(body)!;
        Assert.Equal("echo: hi", json["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("claude-haiku-4-5-20251001", json["model"]!.GetValue<string>());
        Assert.Equal(new AnthropicVertexCall("p", "us-east5", "claude-haiku-4-5@20251001", false, "ya29.good"), Assert.Single(_server.VertexCalls));
    }

    [Fact]
    public async Task StreamRawPredict_StreamsAnthropicEvents()
    {
        var (status, body) = await PostAsync("streamRawPredict", Body(stream: true));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("event: message_start", body, StringComparison.Ordinal);
        Assert.EndsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(",\"model\":\"claude-haiku-4-5\"", "\"vertex-2023-10-16\"", "model: Extra inputs are not permitted")]
    [InlineData("", "\"2023-06-01\"", "anthropic_version: Input should be 'vertex-2023-10-16'")]
    [InlineData("", "null", "anthropic_version: Field required")]
    public async Task RawPredict_NonVertexBody_Is400InvalidRequest(string extra, string version, string message)
    {
        var (status, body) = await PostAsync("rawPredict", Body(extra, version));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", JsonNode.Parse(body)!["error"]!["type"]!.GetValue<string>());
        Assert.Equal(message, JsonNode.Parse(body)!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task StreamRawPredict_BodyNotAskingToStream_Is400()
    {
        var (status, _) = await PostAsync("streamRawPredict", Body(stream: false));

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Theory]
    [InlineData(null, VertexJwtVerifier.MissingCredentialMessage)]
    [InlineData("ya29.unknown", VertexJwtVerifier.InvalidCredentialMessage)]
    public async Task RawPredict_BadToken_IsGoogles401(string? token, string message)
    {
        var (status, body) = await PostAsync("rawPredict", Body(), token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var error = JsonNode.Parse(body)!["error"]!;
        Assert.Equal((401, "UNAUTHENTICATED", message), (error["code"]!.GetValue<int>(), error["status"]!.GetValue<string>(), error["message"]!.GetValue<string>()));
    }
}
