using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.Conformance;

/// <summary>The <c>anthropic</c> conformance row's scenarios, each run once through the whole gateway.</summary>
public sealed class AnthropicRowTests : IAsyncLifetime
{
    private IConformanceFake _fake = null!;

    public async Task InitializeAsync() => _fake = await new AnthropicRow().StartFakeAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private static GatewayFactory Gateway(ConformanceSetup setup) => new($"""
        [models.m]
        routing = ["p"]

        [models.m.providers.p]
        {setup.ProviderToml}
        """, setup.Environment);

    private static async Task<(HttpStatusCode Status, JsonObject Body, string Raw)> Infer(GatewayFactory gateway, ConformanceSetup setup) =>
        await gateway.CreateClient().PostInferenceAsync(new
        {
            model_name = "m",
            input = GatewayClient.UserMessage("Hello"),
            credentials = setup.Credentials,
        });

    private async Task AssertSucceeds(ConformanceSetup setup)
    {
        using var gateway = Gateway(setup);

        var (status, body, raw) = await Infer(gateway, setup);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("echo: Hello", body["content"]![0]!["text"]!.GetValue<string>());
        Assert.True(body["usage"]!["input_tokens"]!.GetValue<long>() > 0);
        Assert.True(body["usage"]!["output_tokens"]!.GetValue<long>() > 0);
        Assert.Equal(setup.ExpectedIdentity, _fake.Authenticated[^1]);
        AssertNoCanaryIn(raw + gateway.Logs.All);
    }

    private void AssertNoCanaryIn(string text)
    {
        Assert.NotEmpty(_fake.Canaries);
        foreach (var canary in _fake.Canaries)
        {
            Assert.DoesNotContain(canary, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public Task DefaultCredential_Succeeds() => AssertSucceeds(_fake.DefaultCredential());

    [Fact]
    public Task EnvOverride_Succeeds() => AssertSucceeds(_fake.EnvOverride());

    [Fact]
    public Task Dynamic_Succeeds() => AssertSucceeds(_fake.Dynamic());

    [Fact]
    public async Task Fallback_UsesDynamicThenFallback()
    {
        var (withDynamic, withoutDynamic) = _fake.Fallback();

        await AssertSucceeds(withDynamic);
        await AssertSucceeds(withoutDynamic);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(429)]
    [InlineData(529)]
    public async Task Rejected_FailsWithoutLeakingKey(int status)
    {
        var setup = _fake.Rejected(status);
        using var gateway = Gateway(setup);

        var (code, body, raw) = await Infer(gateway, setup);

        Assert.Equal(HttpStatusCode.BadGateway, code);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(setup.ExpectedIdentity, Assert.Single(_fake.Authenticated));
        AssertNoCanaryIn(raw + gateway.Logs.All);
    }

    [Fact]
    public async Task Stream_ArrivesInPiecesWithUsage()
    {
        var setup = _fake.DefaultCredential();
        using var gateway = Gateway(setup);
        var provider = gateway.Services.GetRequiredService<GatewayRuntime>().Models.Get("m").Providers[0].Provider;
        var request = new ModelRequest(null, [new RequestMessage(Role.User, [new TextBlock("Hello")])], InferenceParams.Empty, [], []);

        var chunks = new List<ProviderStreamChunk>();
        await foreach (var chunk in provider.StreamAsync(request, RequestCredentials.Empty, CancellationToken.None))
        {
            chunks.Add(chunk);
        }

        Assert.True(chunks.Count(c => c.Content.Count > 0) >= 2);
        Assert.Equal("echo: Hello", string.Concat(chunks.SelectMany(c => c.Content).OfType<TextDelta>().Select(d => d.Text)));
        Assert.Contains(chunks, c => c.Usage is { InputTokens: > 0, OutputTokens: > 0 });
        Assert.Equal(setup.ExpectedIdentity, _fake.Authenticated[^1]);
    }
}
