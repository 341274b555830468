using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Aws;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Providers.Auth;

namespace TensorZero.Gateway.Tests.Providers.Aws;

/// <summary>
/// The SigV4 scheme, applied by <see cref="ProviderHttp"/> when the request is sent: one signature over the final
/// headers (the extra headers included) and body, which no extra header can replace.
/// </summary>
public sealed class SigV4AuthTests
{
    private const string AccessKeyId = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 4, 24, 12, 36, 0, TimeSpan.Zero));

    [Fact]
    public async Task SendAsync_StaticKeys_SignsAfterExtraHeadersAndReplacesAForgedAuthorization()
    {
        var http = new AuthSchemeTests.RecordingHandler();
        var (message, body) = Message(
            new ExtraHeaderItem("Authorization", "AWS4-HMAC-SHA256 forged", Delete: false),
            new ExtraHeaderItem("x-custom-trace", "trace-1", Delete: false));
        var auth = await new SigV4Auth(new StaticAwsKeys(new AwsKeys(new(AccessKeyId), new(SecretKey), null)), _time)
            .ResolveAsync(RequestCredentials.Empty, CancellationToken.None);

        using (message)
        {
            await ProviderHttp.SendAsync(new HttpClient(http), message, auth, "AWS Bedrock", SecretScope.None, CancellationToken.None);
        }

        var header = Assert.Single(http.Header("Authorization"));
        var signature = SigV4Verifier.Parse(header)!;
        Assert.Equal(AccessKeyId, signature.AccessKeyId);
        Assert.Equal("us-east-1", signature.Region);
        Assert.Equal("bedrock", signature.Service);
        Assert.Contains("x-custom-trace", signature.SignedHeaders);
        Assert.Equal(["20260424T123600Z"], http.Header("X-Amz-Date"));
        Assert.Empty(http.Header("X-Amz-Security-Token"));
        Assert.Equal(signature.Signature, Recompute(http.Sent[^1], body, SecretKey, signature));
        Assert.Equal(new Secret(SecretKey), auth.Secret);
    }

    [Fact]
    public async Task SendAsync_SessionToken_SendsAndSignsIt()
    {
        var http = new AuthSchemeTests.RecordingHandler();
        var (message, body) = Message();
        var auth = await new SigV4Auth(new StaticAwsKeys(new AwsKeys(new(AccessKeyId), new(SecretKey), new("session-token-value"))), _time)
            .ResolveAsync(RequestCredentials.Empty, CancellationToken.None);

        using (message)
        {
            await ProviderHttp.SendAsync(new HttpClient(http), message, auth, "AWS Bedrock", SecretScope.None, CancellationToken.None);
        }

        Assert.Equal(["session-token-value"], http.Header("X-Amz-Security-Token"));
        var signature = SigV4Verifier.Parse(Assert.Single(http.Header("Authorization")))!;
        Assert.Contains("x-amz-security-token", signature.SignedHeaders);
        Assert.Equal(signature.Signature, Recompute(http.Sent[^1], body, SecretKey, signature));
    }

    private static (HttpRequestMessage Message, byte[] Body) Message(params ExtraHeaderItem[] headers)
    {
        var target = new SigV4Target(new Uri("http://127.0.0.1:9"), "us-east-1", "bedrock", "/model/{modelId}/converse", "{modelId}", "us.anthropic.claude-haiku-4-5-20251001-v1:0");
        const string Text = """{"messages":[{"role":"user","content":[{"text":"Hi"}]}],"inferenceConfig":{}}""";
        var body = Encoding.UTF8.GetBytes(Text);
        var message = ProviderHttp.JsonPost(target.Url, "unused", headers);
        message.Content = new SignedBody(Text, body);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        target.Mark(message);
        return (message, body);
    }

    private static string Recompute(HttpRequestMessage message, byte[] body, string secret, SigV4Verifier.Authorization auth)
    {
        var uri = message.RequestUri!;
        string? Header(string name) => name switch
        {
            "host" => uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}",
            "content-type" => "application/json",
            _ => message.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null,
        };
        return SigV4Verifier.ComputeSignature(auth, "POST", uri.AbsolutePath, "", Header, body, secret);
    }
}
