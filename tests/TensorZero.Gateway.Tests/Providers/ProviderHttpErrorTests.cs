using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Auth;
using TensorZero.Gateway.Providers.Aws;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers;

/// <summary>Provider error bodies: the message field of each provider's error JSON is passed on, redacted, then cut.</summary>
public sealed class ProviderHttpErrorTests
{
    private const string Key = "sk-CANARY-HTTP-9d8c7b6a5f4e3d2c1b0a";

    private static SecretScope KeyScope => SecretScope.None.With(new Secret(Key));

    public static TheoryData<string, string> ErrorBodies() => new()
    {
        // OpenAI family
        { $$$"""{"error":{"message":"Incorrect API key provided: {{{Key}}}","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""",
            "Incorrect API key provided: [REDACTED] (invalid_request_error, invalid_api_key)" },
        // Anthropic
        { $$$"""{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key {{{Key}}}"}}""",
            "invalid x-api-key [REDACTED] (authentication_error)" },
        // Gemini / Vertex
        { $$$"""{"error":{"code":400,"message":"API key not valid: {{{Key}}}","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}""",
            "API key not valid: [REDACTED] (INVALID_ARGUMENT, API_KEY_INVALID)" },
        { """[{"error":{"code":500,"message":"Internal error","status":"INTERNAL"}}]""", "Internal error (INTERNAL)" },
        // Bedrock
        { $$$"""{"message":"The security token included in the request is invalid: {{{Key}}}"}""",
            "The security token included in the request is invalid: [REDACTED]" },
        { """{"Message":"User is not authorized","__type":"AccessDeniedException"}""", "User is not authorized (AccessDeniedException)" },
        // TGI
        { $$$"""{"error":"Input validation error for {{{Key}}}","error_type":"validation"}""", "Input validation error for [REDACTED]" },
        // Not JSON: the body itself
        { $"<html>bad gateway for {Key}</html>", "<html>bad gateway for [REDACTED]</html>" },
    };

    [Theory]
    [MemberData(nameof(ErrorBodies))]
    public void StatusError_ProviderErrorJson_PassesOnItsMessageRedacted(string body, string expected)
    {
        var error = ProviderHttp.StatusError("Provider", 401, body, KeyScope);

        Assert.Equal($"Error 401 from Provider client: {expected}", error.Message);
        Assert.Equal(ErrorKind.ProviderClient, error.Kind);
    }

    [Fact]
    public void StatusError_KeyStraddlingTheCut_IsRedactedBeforeTheCut()
    {
        var body = new string('x', 4090) + Key + new string('y', 100);

        var error = ProviderHttp.StatusError("Provider", 500, body, KeyScope);

        SecretAssert.AssertNoSecretRun(error.Message, [Key]);
        Assert.EndsWith("…", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamError_UpstreamErrorEvent_PassesOnItsMessageRedacted()
    {
        var error = ProviderHttp.StreamError("Anthropic", $$$"""{"type":"overloaded_error","message":"Overloaded {{{Key}}}"}""", KeyScope);

        Assert.Equal("Error in Anthropic stream: Overloaded [REDACTED] (overloaded_error)", error.Message);
    }

    public static TheoryData<string> FailedSends() => new() { "500", "refused", "wrong stream type" };

    // Every failed send carries the body that was sent, for the failed attempt's stored row: a JSON body as made, and a
    // SigV4-signed one (Bedrock, SageMaker), whose content is replaced by its signed bytes.
    [Theory]
    [MemberData(nameof(FailedSends))]
    public async Task SendAsync_Fails_TheErrorCarriesTheBodySent(string failure)
    {
        const string Body = """{"model":"m","messages":[{"role":"user","content":"hi"}]}""";
        using var client = new HttpClient(new Answering(failure));
        foreach (var signed in new[] { false, true })
        {
            using var message = ProviderHttp.JsonPost(new Uri("http://127.0.0.1:9/v1/chat"), Body);
            if (signed)
            {
                message.Content = new SignedBody(Body, System.Text.Encoding.UTF8.GetBytes(Body));
            }
            var error = failure == "wrong stream type"
                ? await Assert.ThrowsAsync<GatewayError>(() => ProviderHttp.SendStreamingAsync(
                    client, message, RequestAuth.None, "P", SecretScope.None, "text/event-stream", CancellationToken.None))
                : await Assert.ThrowsAsync<GatewayError>(() => ProviderHttp.SendAsync(
                    client, message, RequestAuth.None, "P", SecretScope.None, CancellationToken.None));
            Assert.Equal(Body, error.RawRequest);
        }
    }

    // 500 with a body, a refused connection, or a 200 that isn't the stream asked for.
    private sealed class Answering(string failure) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => failure switch
        {
            "refused" => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:9)"),
            "500" => Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.InternalServerError) { Content = new StringContent("""{"error":{"message":"boom"}}""") }),
            _ => Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") }),
        };
    }
}
