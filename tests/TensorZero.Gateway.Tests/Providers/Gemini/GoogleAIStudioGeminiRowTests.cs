using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Tests.Providers.Conformance;

namespace TensorZero.Gateway.Tests.Providers.Gemini;

/// <summary>
/// Each scenario of the <c>google_ai_studio_gemini</c> conformance row, run once through the whole gateway, so the row
/// is known to be right before the shared suite drives it.
/// </summary>
public sealed class GoogleAIStudioGeminiRowTests : IAsyncLifetime
{
    private readonly GoogleAIStudioGeminiRow _row = new();
    private IConformanceFake _fake = null!;

    public async Task InitializeAsync() => _fake = await _row.StartFakeAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private static string Config(ConformanceSetup setup) => $"""
        [models.m]
        routing = ["p"]

        [models.m.providers.p]
        {setup.ProviderToml}

        [functions.f]
        type = "chat"

        [functions.f.variants.v]
        type = "chat_completion"
        model = "m"
        """;

    private async Task<(HttpStatusCode Status, JsonObject Body, string Raw)> RunAsync(ConformanceSetup setup)
    {
        using var gateway = new GatewayFactory(Config(setup), setup.Environment);
        var result = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "f",
            input = GatewayClient.UserMessage("Hello"),
            credentials = setup.Credentials,
        });
        Assert.Equal(setup.ExpectedIdentity, _fake.Authenticated[^1]);
        AssertNoCanaryIn(result.Raw);
        AssertNoCanaryIn(gateway.Logs.All);
        return result;
    }

    private async Task AssertAnswersAsync(ConformanceSetup setup)
    {
        var (status, body, _) = await RunAsync(setup);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("echo: Hello", body["content"]![0]!["text"]!.GetValue<string>());
        Assert.True(body["usage"]!["input_tokens"]!.GetValue<int>() > 0);
        Assert.True(body["usage"]!["output_tokens"]!.GetValue<int>() > 0);
    }

    private void AssertNoCanaryIn(string text)
    {
        foreach (var canary in _fake.Canaries)
        {
            Assert.DoesNotContain(canary, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Row_Names_AreTheProviderType()
    {
        Assert.Equal("google_ai_studio_gemini", _row.Name);
        Assert.Equal("google_ai_studio_gemini", _row.ProviderType);
        Assert.Contains(ConformanceRows.All, r => r is GoogleAIStudioGeminiRow);
    }

    [Fact]
    public Task DefaultCredential_AuthenticatesWithGoogleApiKey() => AssertAnswersAsync(_fake.DefaultCredential());

    [Fact]
    public Task EnvOverride_AuthenticatesWithThatVariable() => AssertAnswersAsync(_fake.EnvOverride());

    [Fact]
    public Task Dynamic_AuthenticatesWithRequestKey() => AssertAnswersAsync(_fake.Dynamic());

    [Fact]
    public async Task Fallback_UsesDynamicKeyThenFallbackKey()
    {
        var (withDynamic, withoutDynamic) = _fake.Fallback();

        await AssertAnswersAsync(withDynamic);
        await AssertAnswersAsync(withoutDynamic);

        Assert.NotEqual(withDynamic.ExpectedIdentity, withoutDynamic.ExpectedIdentity);
        Assert.Equal(2, _fake.Authenticated.Count);
    }

    [Theory]
    [InlineData(400, "API key not valid")]
    [InlineData(401, "UNAUTHENTICATED")]
    [InlineData(403, "has been suspended")]
    [InlineData(429, "RESOURCE_EXHAUSTED")]
    public async Task Rejected_ReturnsGoogleErrorWithoutKey(int providerStatus, string expected)
    {
        var (status, body, _) = await RunAsync(_fake.Rejected(providerStatus));

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var message = body["error"]!.GetValue<string>();
        Assert.Contains($"Error {providerStatus} from Google AI Studio Gemini", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }
}
