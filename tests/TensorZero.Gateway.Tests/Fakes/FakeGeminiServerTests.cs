using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>The fake Gemini server's own contract: routing of both URL forms, pluggable auth, Google's error bodies.</summary>
public sealed class FakeGeminiServerTests : IAsyncLifetime
{
    private const string Key = "AIzaSyCanaryFake0123456789abcdefghijklmn";
    private const string Body = """{"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"generationConfig":{}}""";

    private FakeGeminiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeGeminiServer.StartAsync();
        _server.ValidKeys.Add(Key);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(string url, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var client = new HttpClient();
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AIStudio_KeyInQuery_IsRefusedEvenWhenValid()
    {
        var (status, body) = await PostAsync($"{_server.AIStudioBaseUrl}models/gemini-2.5-flash:generateContent?key={Key}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(FakeGeminiServer.KeyInUrlMessage, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AIStudio_MissingKey_Answers403LikeGoogle()
    {
        var (status, body) = await PostAsync($"{_server.AIStudioBaseUrl}models/gemini-2.5-flash:generateContent");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("PERMISSION_DENIED", JsonNode.Parse(body)!["error"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task AIStudio_WrongKey_AnswersGoogleInvalidKeyBody()
    {
        var (status, body) = await PostAsync($"{_server.AIStudioBaseUrl}models/gemini-2.5-flash:generateContent", ("x-goog-api-key", "AIzaSyWrong"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = JsonNode.Parse(body)!["error"]!;
        Assert.Equal(400, error["code"]!.GetValue<int>());
        Assert.Equal(FakeGeminiServer.InvalidKeyMessage, error["message"]!.GetValue<string>());
        Assert.Equal("INVALID_ARGUMENT", error["status"]!.GetValue<string>());
        Assert.Equal("API_KEY_INVALID", error["details"]![0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task AIStudio_StreamWithoutAltSse_IsRefused()
    {
        var (status, _) = await PostAsync($"{_server.AIStudioBaseUrl}models/gemini-2.5-flash:streamGenerateContent", ("x-goog-api-key", Key));

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Vertex_DefaultAuth_IsUnauthenticated()
    {
        var (status, body) = await PostAsync(
            $"{_server.RootUrl}v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent",
            ("Authorization", "Bearer token"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("UNAUTHENTICATED", JsonNode.Parse(body)!["error"]!["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("publishers/google/models/gemini-2.5-flash", false)]
    [InlineData("endpoints/1234567890", true)]
    public async Task Vertex_PluggedAuth_ServesGenerateContentAndRecordsRoute(string target, bool isEndpoint)
    {
        _server.VertexAuth = (request, route) => request.Headers.Authorization == "Bearer good-token"
            ? new GeminiAuthResult.Accepted("sa@example.iam.gserviceaccount.com")
            : new GeminiAuthResult.Rejected(null, 401, "bad token");

        var (status, body) = await PostAsync(
            $"{_server.RootUrl}v1/projects/my-project/locations/europe-west4/{target}:generateContent", ("Authorization", "Bearer good-token"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("echo: Hi", JsonNode.Parse(body)!["candidates"]![0]!["content"]!["parts"]![0]!["text"]!.GetValue<string>());
        var recorded = Assert.Single(_server.Requests);
        Assert.Equal(GeminiApi.Vertex, recorded.Route!.Api);
        Assert.Equal("my-project", recorded.Route.Project);
        Assert.Equal("europe-west4", recorded.Route.Location);
        Assert.Equal(isEndpoint, recorded.Route.IsEndpoint);
        Assert.Equal(["sa@example.iam.gserviceaccount.com"], _server.Authenticated);
    }

    [Fact]
    public async Task Vertex_Stream_EndsWithUsageAndNoTerminator()
    {
        _server.VertexAuth = (_, _) => new GeminiAuthResult.Accepted("sa");

        var (status, body) = await PostAsync(
            $"{_server.RootUrl}v1/projects/p/locations/global/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse");

        Assert.Equal(HttpStatusCode.OK, status);
        var events = body.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.True(events.Length >= 3);
        Assert.All(events, e => Assert.StartsWith("data: {", e, StringComparison.Ordinal));
        var last = JsonNode.Parse(events[^1]["data: ".Length..])!;
        Assert.Equal("STOP", last["candidates"]![0]!["finishReason"]!.GetValue<string>());
        Assert.Equal(7, last["usageMetadata"]!["candidatesTokenCount"]!.GetValue<int>());
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
    }
}
