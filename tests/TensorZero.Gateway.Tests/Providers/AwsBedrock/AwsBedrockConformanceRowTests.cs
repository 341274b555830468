using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Tests.Providers.Conformance;

namespace TensorZero.Gateway.Tests.Providers.AwsBedrock;

/// <summary>The <c>aws_bedrock</c> conformance row's scenarios, each run once through the whole gateway.</summary>
public sealed class AwsBedrockConformanceRowTests
{
    private const string Prompt = "hello conformance";

    private static async Task<IConformanceFake> Start() =>
        await ConformanceRows.All.Single(r => r.ProviderType == "aws_bedrock").StartFakeAsync();

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
        max_tokens = 100
        """;

    private static object Request(IReadOnlyDictionary<string, string> credentials) =>
        new { function_name = "f", input = GatewayClient.UserMessage(Prompt), credentials };

    private static ModelRequest ModelRequest() =>
        new(null, [new RequestMessage(Role.User, [new TextBlock(Prompt)])], new InferenceParams(MaxTokens: 100), [], []);

    private static RequestCredentials Credentials(ConformanceSetup setup) =>
        new(setup.Credentials.ToDictionary(kv => kv.Key, kv => new Secret(kv.Value)));

    private static IModelProvider Provider(GatewayFactory gateway) =>
        gateway.Services.GetRequiredService<GatewayRuntime>().Models.Get("m").Providers[0].Provider;

    private static async Task AssertText(IConformanceFake fake, ConformanceSetup setup)
    {
        using var gateway = new GatewayFactory(Config(setup), setup.Environment);
        var before = fake.Authenticated.Count;

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(Request(setup.Credentials));

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal($"echo: {Prompt}", body["content"]![0]!["text"]!.GetValue<string>());
        Assert.True(body["usage"]!["input_tokens"]!.GetValue<long>() > 0);
        Assert.Equal(before + 1, fake.Authenticated.Count);
        Assert.Equal(setup.ExpectedIdentity, fake.Authenticated[^1]);
        AssertNoCanary(fake, raw, gateway);
    }

    private static void AssertNoCanary(IConformanceFake fake, string raw, GatewayFactory gateway)
    {
        Assert.NotEmpty(fake.Canaries);
        foreach (var canary in fake.Canaries)
        {
            Assert.DoesNotContain(canary, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(canary, gateway.Logs.All, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DefaultCredential_ReachesFake()
    {
        await using var fake = await Start();
        await AssertText(fake, fake.DefaultCredential());
    }

    [Fact]
    public async Task EnvOverride_ReachesFake()
    {
        await using var fake = await Start();
        await AssertText(fake, fake.EnvOverride());
    }

    [Fact]
    public async Task Dynamic_ReachesFake_AndMissingNamesEveryKey()
    {
        await using var fake = await Start();
        var setup = fake.Dynamic();
        await AssertText(fake, setup);

        using var gateway = new GatewayFactory(Config(setup), setup.Environment);
        var (status, body, _) = await gateway.CreateClient().PostInferenceAsync(Request(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.All(setup.Credentials.Keys, key => Assert.Contains(key, body["error"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Single(fake.Authenticated);
    }

    [Fact]
    public async Task Fallback_UsesDynamicThenFallback()
    {
        await using var fake = await Start();
        var (withDynamic, withoutDynamic) = fake.Fallback();
        await AssertText(fake, withDynamic);
        await AssertText(fake, withoutDynamic);
    }

    [Fact]
    public async Task Rejected_BecomesBadGatewayWithoutSecrets()
    {
        await using var fake = await Start();
        var setup = fake.Rejected(401);
        using var gateway = new GatewayFactory(Config(setup), setup.Environment);

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(Request(setup.Credentials));

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("401", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(setup.ExpectedIdentity, fake.Authenticated[^1]);
        AssertNoCanary(fake, raw, gateway);
    }

    [Fact]
    public async Task Streaming_ToolCall_JsonMode_WithDefaultCredential()
    {
        await using var fake = await Start();
        var setup = fake.DefaultCredential();
        using var gateway = new GatewayFactory(Config(setup), setup.Environment);
        var provider = Provider(gateway);

        var chunks = new List<ProviderStreamChunk>();
        await foreach (var chunk in provider.StreamAsync(ModelRequest(), Credentials(setup), CancellationToken.None))
        {
            chunks.Add(chunk);
        }
        var tool = new ToolDefinition("get_temperature", "Get the temperature of a city.", JsonNode.Parse("""
            {"type":"object","properties":{"location":{"type":"string"}},"required":["location"],"additionalProperties":false}
            """)!.AsObject());
        var toolResponse = await provider.InferAsync(ModelRequest() with { Tools = [tool], ToolChoice = ToolChoice.Auto }, Credentials(setup), CancellationToken.None);
        var schema = JsonNode.Parse("""{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}""")!.AsObject();
        var jsonResponse = await provider.InferAsync(ModelRequest() with { JsonMode = JsonMode.Strict, OutputSchema = schema }, Credentials(setup), CancellationToken.None);

        Assert.Equal($"echo: {Prompt}", string.Concat(chunks.SelectMany(c => c.Content).OfType<TextDelta>().Select(d => d.Text)));
        Assert.True(chunks.Count(c => c.Content.OfType<TextDelta>().Any()) >= 2);
        Assert.Contains(chunks, c => c.Usage is { InputTokens: > 0, OutputTokens: > 0 });
        var call = Assert.Single(toolResponse.Content.OfType<ToolCallBlock>());
        Assert.Equal("get_temperature", call.Name);
        Assert.Equal("Brooklyn", JsonNode.Parse(call.Arguments)!["location"]!.GetValue<string>());
        var text = string.Concat(jsonResponse.Content.OfType<TextBlock>().Select(t => t.Text));
        Assert.Equal("Hello", JsonDocument.Parse(text).RootElement.GetProperty("answer").GetString());
        Assert.All(fake.Authenticated, identity => Assert.Equal(setup.ExpectedIdentity, identity));
    }
}
