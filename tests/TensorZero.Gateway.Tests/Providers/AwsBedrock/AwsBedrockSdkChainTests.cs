using System.Net;
using Amazon.Runtime;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.AwsBedrock;

/// <summary>
/// The AWS SDK's default credential and region chains, which read the real process environment: a provider with no
/// credential field signs with whatever the chain finds now, so rotated keys are picked up without a restart.
/// </summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class AwsBedrockSdkChainTests : IAsyncLifetime
{
    private const string FirstKeyId = "AKIACANARYSDKCHAIN01";
    private const string FirstSecret = "canary-sdk-secret-1-3f5a7c9e1b";
    private const string FirstToken = "canary-sdk-session-1-2d4f6a8c0e";
    private const string SecondKeyId = "AKIACANARYSDKCHAIN02";
    private const string SecondSecret = "canary-sdk-secret-2-8e6c4a2f0d";

    private static readonly string[] Variables =
        ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"];

    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private FakeBedrockServer _bedrock = null!;

    public async Task InitializeAsync()
    {
        _bedrock = await FakeBedrockServer.StartAsync();
        _bedrock.Region = "ap-southeast-2";
        _bedrock.AddIamKey(FirstKeyId, FirstSecret, FirstToken);
        _bedrock.AddIamKey(SecondKeyId, SecondSecret);
    }

    public async Task DisposeAsync()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
        FallbackRegionFactory.Reset();
        await _bedrock.DisposeAsync();
    }

    [Fact]
    public async Task Inference_NoCredentialFields_SignsWithSdkChainAndFollowsRotation()
    {
        foreach (var name in Variables)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
        // The SDK remembers the region it found first in the process; this test sets its own.
        FallbackRegionFactory.Reset();
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", FirstKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", FirstSecret);
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", FirstToken);
        Environment.SetEnvironmentVariable("AWS_REGION", "ap-southeast-2");
        using var gateway = new GatewayFactory(AwsBedrockGatewayTests.Config(_bedrock.BaseUrl, string.Empty, region: "\"sdk\""));
        var client = gateway.CreateClient();
        var request = new { function_name = "f", input = GatewayClient.UserMessage("Hello") };

        var (firstStatus, _, firstRaw) = await client.PostInferenceAsync(request);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", SecondKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", SecondSecret);
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);
        var (secondStatus, _, secondRaw) = await client.PostInferenceAsync(request);

        Assert.True(firstStatus == HttpStatusCode.OK, firstRaw);
        Assert.True(secondStatus == HttpStatusCode.OK, secondRaw);
        Assert.Equal([FirstKeyId, SecondKeyId], _bedrock.Requests.Select(r => r.Identity));
        Assert.Equal(FirstToken, _bedrock.Requests[0].Headers["x-amz-security-token"]);
        Assert.Contains("/ap-southeast-2/bedrock/aws4_request", _bedrock.Requests[0].Headers["authorization"], StringComparison.Ordinal);
        foreach (var canary in new[] { FirstSecret, FirstToken, SecondSecret })
        {
            Assert.DoesNotContain(canary, firstRaw + secondRaw, StringComparison.Ordinal);
            Assert.DoesNotContain(canary, gateway.Logs.All, StringComparison.Ordinal);
        }
    }
}
