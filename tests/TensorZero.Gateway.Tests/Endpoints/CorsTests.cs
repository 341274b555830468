using System.Net;
using System.Text;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// <c>[gateway.cors] allowed_origins</c> (opt-in): listed origins get their preflights answered and may read
/// answers; any other origin gets no CORS header at all, so its pages can neither send JSON nor read a response.
/// </summary>
public sealed class CorsTests : IDisposable
{
    private const string Allowed = "https://app.example.com";
    private readonly GatewayFactory _gateway = new($$"""
        [gateway.cors]
        allowed_origins = ["{{Allowed}}", "http://localhost:5173"]
        """);

    public void Dispose() => _gateway.Dispose();

    [Theory]
    [InlineData("/inference")]
    [InlineData("/openai/v1/chat/completions")]
    [InlineData("/openai/v1/embeddings")]
    public async Task Preflight_ListedOrigin_IsAllowed(string path)
    {
        using var response = await _gateway.CreateClient().SendAsync(Preflight(path, Allowed));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Allowed, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Contains("content-type", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("https://app.example.com.evil.example")]
    [InlineData("http://app.example.com")]
    [InlineData("null")]
    public async Task Preflight_UnlistedOrigin_GetsNoCorsHeaders(string origin)
    {
        using var response = await _gateway.CreateClient().SendAsync(Preflight("/inference", origin));

        Assert.DoesNotContain(response.Headers, header => header.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Post_ListedOrigin_MayReadTheAnswer()
    {
        using var response = await _gateway.CreateClient().SendAsync(Post(Allowed));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Allowed, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task Post_UnlistedOrigin_GetsNoCorsHeaders()
    {
        using var response = await _gateway.CreateClient().SendAsync(Post("https://evil.example"));

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return request;
    }

    private static HttpRequestMessage Post(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/inference")
        {
            Content = new StringContent("""{"model_name":"dummy::echo","input":{"messages":[{"role":"user","content":"hi"}]}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", origin);
        return request;
    }
}
