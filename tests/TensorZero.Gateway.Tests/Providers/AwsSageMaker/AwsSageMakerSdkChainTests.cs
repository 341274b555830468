using System.Net;
using Amazon.Runtime;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.AwsSageMaker;

/// <summary>
/// The default credential of <c>aws_sagemaker</c>: with no IAM field the AWS SDK's own chains, which read the real
/// process environment, give the keys (on every request, so rotated keys are picked up) and, with
/// <c>region = "sdk"</c>, the region.
/// </summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class AwsSageMakerSdkChainTests : IAsyncLifetime
{
    private const string FirstKeyId = "AKIACANARYSMCHAIN001";
    private const string FirstSecret = "cnry-sm-chain-1-4c2e0a8f6d";
    private const string FirstToken = "cnry-sm-chain-token-9b7d5f3a1c";
    private const string SecondKeyId = "AKIACANARYSMCHAIN002";
    private const string SecondSecret = "cnry-sm-chain-2-1f3b5d7e9a";

    private static readonly string[] Variables =
        ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"];

    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private FakeSageMakerServer _sagemaker = null!;

    public async Task InitializeAsync()
    {
        _sagemaker = await FakeSageMakerServer.StartAsync();
        _sagemaker.Region = "eu-central-1";
        _sagemaker.AddEndpoint("ollama-provisioned-endpoint", "openai");
        _sagemaker.AddIamKey(FirstKeyId, FirstSecret, FirstToken);
        _sagemaker.AddIamKey(SecondKeyId, SecondSecret);
    }

    public async Task DisposeAsync()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
        FallbackRegionFactory.Reset();
        await _sagemaker.DisposeAsync();
    }

    [Fact]
    public async Task Inference_NoIamFields_SignsWithSdkChainInItsRegionAndFollowsRotation()
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
        Environment.SetEnvironmentVariable("AWS_REGION", "eu-central-1");
        using var gateway = new GatewayFactory(AwsSageMakerGatewayTests.Config(_sagemaker.BaseUrl, authLines: string.Empty, region: "\"sdk\""));
        var client = gateway.CreateClient();
        var request = new { model_name = "openai_hosted", input = GatewayClient.UserMessage("Hello") };

        var (firstStatus, _, firstRaw) = await client.PostInferenceAsync(request);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", SecondKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", SecondSecret);
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);
        var (secondStatus, _, secondRaw) = await client.PostInferenceAsync(request);

        Assert.True(firstStatus == HttpStatusCode.OK, firstRaw);
        Assert.True(secondStatus == HttpStatusCode.OK, secondRaw);
        Assert.Equal([FirstKeyId, SecondKeyId], _sagemaker.Requests.Select(r => r.Identity));
        Assert.Equal(FirstToken, _sagemaker.Requests[0].Headers["x-amz-security-token"]);
        Assert.Contains("/eu-central-1/sagemaker/aws4_request", _sagemaker.Requests[0].Headers["authorization"], StringComparison.Ordinal);
        SecretAssert.AssertNoSecretRun([firstRaw, secondRaw, gateway.Logs.All], [FirstSecret, FirstToken, SecondSecret]);
    }
}
