using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
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
}
