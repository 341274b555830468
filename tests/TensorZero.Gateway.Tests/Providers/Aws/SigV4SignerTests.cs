using System.Net.Http.Headers;
using System.Text;
using Amazon.Runtime;
using TensorZero.Gateway.Providers.Aws;
using TensorZero.Gateway.Tests.Fakes;

namespace TensorZero.Gateway.Tests.Providers.Aws;

/// <summary>
/// The SDK-backed signer checked against the fake's independent SigV4 implementation, which is itself pinned to the
/// worked example in AWS's documentation.
/// </summary>
public sealed class SigV4SignerTests
{
    private const string AccessKeyId = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTime SignedAt = new(2026, 4, 24, 12, 36, 0, DateTimeKind.Utc);

    [Fact]
    public void Verifier_AwsDocumentationExample_ProducesPublishedSignature()
    {
        var auth = new SigV4Verifier.Authorization(AccessKeyId, "20150830", "us-east-1", "iam", ["content-type", "host", "x-amz-date"], "");
        var headers = new Dictionary<string, string>
        {
            ["content-type"] = "application/x-www-form-urlencoded; charset=utf-8",
            ["host"] = "iam.amazonaws.com",
            ["x-amz-date"] = "20150830T123600Z",
        };

        var signature = SigV4Verifier.ComputeSignature(auth, "GET", "/", "Action=ListUsers&Version=2010-05-08", headers.GetValueOrDefault, [], SecretKey);

        Assert.Equal("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", signature);
    }

    [Fact]
    public void Sign_ModelIdWithColon_EncodesOnceOnTheWireAndTwiceInTheSignature()
    {
        var (message, body) = Message("http://127.0.0.1:8080", "us.anthropic.claude-haiku-4-5-20251001-v1:0");
        message.Headers.Accept.ParseAdd("application/json");
        message.Headers.TryAddWithoutValidation("x-custom-header", "  some   value ");

        Sign(message, body, "http://127.0.0.1:8080", "us.anthropic.claude-haiku-4-5-20251001-v1:0", new ImmutableCredentials(AccessKeyId, SecretKey, null));

        Assert.Equal("/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse", message.RequestUri!.AbsolutePath);
        var header = message.Headers.GetValues("Authorization").Single();
        Assert.StartsWith(
            $"AWS4-HMAC-SHA256 Credential={AccessKeyId}/20260424/us-east-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date;x-custom-header, Signature=",
            header, StringComparison.Ordinal);
        Assert.Equal("20260424T123600Z", message.Headers.GetValues("X-Amz-Date").Single());
        Assert.False(message.Headers.Contains("X-Amz-Content-SHA256"));
        AssertVerifies(message, body, SecretKey);
    }

    [Fact]
    public void Sign_TemporaryCredentials_SignsSecurityToken()
    {
        var (message, body) = Message("http://127.0.0.1:8080/prefix", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-v1:0");

        Sign(message, body, "http://127.0.0.1:8080/prefix", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-v1:0",
            new ImmutableCredentials(AccessKeyId, SecretKey, "session-token-value"));

        Assert.Equal("session-token-value", message.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Contains("x-amz-security-token", message.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
        Assert.Equal("/prefix/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-v1%3A0/converse",
            message.RequestUri!.AbsolutePath);
        AssertVerifies(message, body, SecretKey);
    }

    [Fact]
    public void Sign_WrongSecret_DoesNotVerify()
    {
        var (message, body) = Message("http://127.0.0.1:8080", "amazon.nova-lite-v1:0");

        Sign(message, body, "http://127.0.0.1:8080", "amazon.nova-lite-v1:0", new ImmutableCredentials(AccessKeyId, "not-the-secret", null));

        var auth = SigV4Verifier.Parse(message.Headers.GetValues("Authorization").Single())!;
        Assert.NotEqual(auth.Signature, Recompute(message, body, SecretKey, auth));
    }

    private static (HttpRequestMessage Message, byte[] Body) Message(string endpoint, string modelId)
    {
        var target = Target(endpoint, modelId);
        var body = Encoding.UTF8.GetBytes("""{"messages":[{"role":"user","content":[{"text":"Hi"}]}],"inferenceConfig":{}}""");
        var message = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return (message, body);
    }

    private static void Sign(HttpRequestMessage message, byte[] body, string endpoint, string modelId, ImmutableCredentials credentials) =>
        SigV4Signer.Sign(message, body, Target(endpoint, modelId), credentials, SignedAt);

    private static SigV4Target Target(string endpoint, string modelId) =>
        new(new Uri(endpoint), "us-east-1", "bedrock", "/model/{modelId}/converse", "{modelId}", modelId);

    private static void AssertVerifies(HttpRequestMessage message, byte[] body, string secret)
    {
        var auth = SigV4Verifier.Parse(message.Headers.GetValues("Authorization").Single())!;
        Assert.Equal(auth.Signature, Recompute(message, body, secret, auth));
    }

    private static string Recompute(HttpRequestMessage message, byte[] body, string secret, SigV4Verifier.Authorization auth)
    {
        var uri = message.RequestUri!;
        string? Header(string name) => name switch
        {
            "host" => uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}",
            "content-type" => message.Content!.Headers.ContentType!.ToString(),
            _ => message.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null,
        };
        return SigV4Verifier.ComputeSignature(auth, "POST", uri.AbsolutePath, "", Header, body, secret);
    }
}
