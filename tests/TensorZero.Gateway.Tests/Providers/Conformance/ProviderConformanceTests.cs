using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.Conformance;

/// <summary>
/// One suite for every row of the credential table: each credential mechanism, text, streaming, tool calls, JSON mode
/// and a rejected key, against the row's fake server. A provider type without a row fails <see cref="Rows_CoverEveryProviderType"/>.
/// </summary>
public sealed class ProviderConformanceTests
{
    private const string Prompt = "hello conformance";

    public static TheoryData<string, int> RowsAndRejections()
    {
        var data = new TheoryData<string, int>();
        foreach (var row in ConformanceRows.All)
        {
            data.Add(row.Name, 401);
            data.Add(row.Name, 403);
        }
        return data;
    }

    public static TheoryData<string> RowNames()
    {
        var data = new TheoryData<string>();
        foreach (var row in ConformanceRows.All)
        {
            data.Add(row.Name);
        }
        return data;
    }

    [Fact]
    public void Rows_CoverEveryProviderType()
    {
        var covered = ConformanceRows.All.Select(r => r.ProviderType).ToHashSet(StringComparer.Ordinal);
        var missing = ProviderRegistry.CreateDefault().Types.Where(t => t != "dummy" && !covered.Contains(t)).ToList();
        Assert.True(missing.Count == 0, $"provider types without a conformance row: {string.Join(", ", missing)}");
        Assert.Contains(ConformanceRows.All, r => r.Name == "openai-compatible");
        Assert.Equal(ConformanceRows.All.Count, ConformanceRows.All.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Rows_EveryProviderTypeIsRegistered()
    {
        var registry = ProviderRegistry.CreateDefault();
        Assert.All(ConformanceRows.All, row => Assert.NotNull(registry.Find(row.ProviderType)));
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public async Task DefaultCredential_ReachesProvider(string row)
    {
        await using var fake = await Start(row);
        await AssertTextInference(fake, fake.DefaultCredential());
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public async Task EnvOverride_ReachesProvider(string row)
    {
        await using var fake = await Start(row);
        await AssertTextInference(fake, fake.EnvOverride());
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public async Task DynamicCredential_ReachesProvider(string row)
    {
        await using var fake = await Start(row);
        await AssertTextInference(fake, fake.Dynamic());
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public async Task DynamicCredential_Missing_Returns400NamingTheKey(string row)
    {
        await using var fake = await Start(row);
        var setup = fake.Dynamic();
        using var gateway = Gateway(setup);
        var (status, body, _) = await gateway.CreateClient().PostInferenceAsync(Request(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var message = body["error"]!.GetValue<string>();
        Assert.All(setup.Credentials.Keys, key => Assert.Contains(key, message, StringComparison.Ordinal));
        Assert.Empty(fake.Authenticated);
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public async Task Fallback_UsesDynamicWhenPresentAndFallbackOtherwise(string row)
    {
        await using var fake = await Start(row);
        var (withDynamic, withoutDynamic) = fake.Fallback();
        if (!Row(row).SupportsFallback)
        {
            // The fallback form is refused where TensorZero refuses it, naming the field and no value.
            var error = Assert.Throws<ConfigException>(() => BuildRuntime(withDynamic));
            Assert.Contains(error.Errors, e => e.Contains("{ default, fallback }", StringComparison.Ordinal));
            Assert.All(fake.Canaries, canary => Assert.DoesNotContain(error.Errors, e => e.Contains(canary, StringComparison.Ordinal)));
            return;
        }
        await AssertTextInference(fake, withDynamic);
        await AssertTextInference(fake, withoutDynamic);
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public async Task Streaming_DeliversTextInPiecesWithUsage(string row)
    {
        await using var fake = await Start(row);
        var setup = fake.DefaultCredential();
        using var gateway = Gateway(setup);
        var provider = Provider(gateway);

        var chunks = new List<ProviderStreamChunk>();
        await foreach (var chunk in provider.StreamAsync(ModelRequest(), Credentials(setup), CancellationToken.None))
        {
            chunks.Add(chunk);
        }

        var text = string.Concat(chunks.SelectMany(c => c.Content).OfType<TextDelta>().Select(d => d.Text));
        Assert.Equal($"echo: {Prompt}", text);
        Assert.True(chunks.Count(c => c.Content.OfType<TextDelta>().Any()) >= 2, "the text should arrive in at least two chunks");
        Assert.Contains(chunks, c => c.Usage is { InputTokens: > 0, OutputTokens: > 0 });
        Assert.Equal(setup.ExpectedIdentity, fake.Authenticated[^1]);
        // The body sent rides on the first chunk only, for the stored raw_request.
        Assert.Contains(Prompt, chunks[0].RawRequest);
        Assert.NotNull(System.Text.Json.Nodes.JsonNode.Parse(chunks[0].RawRequest!));
        Assert.All(chunks.Skip(1), c => Assert.Null(c.RawRequest));
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public async Task ToolCall_IsMappedBack(string row)
    {
        await using var fake = await Start(row);
        var setup = fake.DefaultCredential();
        using var gateway = Gateway(setup);
        var tool = new ToolDefinition("get_temperature", "Get the temperature of a city.", JsonNode.Parse("""
            {"type":"object","properties":{"location":{"type":"string"}},"required":["location"],"additionalProperties":false}
            """)!.AsObject());
        var request = ModelRequest() with { Tools = [tool], ToolChoice = ToolChoice.Auto };

        var response = await Provider(gateway).InferAsync(request, Credentials(setup), CancellationToken.None);

        if (!Row(row).SupportsTools)
        {
            Assert.Empty(response.Content.OfType<ToolCallBlock>());
            Assert.Equal($"echo: {Prompt}", string.Concat(response.Content.OfType<TextBlock>().Select(t => t.Text)));
            return;
        }
        var call = Assert.Single(response.Content.OfType<ToolCallBlock>());
        Assert.Equal("get_temperature", call.Name);
        Assert.Equal("Brooklyn", JsonNode.Parse(call.Arguments)!["location"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(call.Id));
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public async Task JsonMode_ReturnsJson(string row)
    {
        await using var fake = await Start(row);
        var setup = fake.DefaultCredential();
        using var gateway = Gateway(setup);
        var schema = JsonNode.Parse("""
            {"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"],"additionalProperties":false}
            """)!.AsObject();
        var request = ModelRequest() with { JsonMode = JsonMode.Strict, OutputSchema = schema, FunctionType = FunctionType.Json };

        var response = await Provider(gateway).InferAsync(request, Credentials(setup), CancellationToken.None);

        var text = string.Concat(response.Content.OfType<TextBlock>().Select(t => t.Text));
        if (!Row(row).SupportsJsonMode)
        {
            Assert.Equal($"echo: {Prompt}", text);
            return;
        }
        Assert.Equal("Hello", JsonDocument.Parse(text).RootElement.GetProperty("answer").GetString());
    }

    [Theory]
    [MemberData(nameof(RowsAndRejections))]
    public async Task RejectedKey_BecomesGatewayErrorWithoutTheKey(string row, int rejection)
    {
        await using var fake = await Start(row);
        var setup = fake.Rejected(rejection);
        using var gateway = Gateway(setup);
        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(Request(setup.Credentials));

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var message = body["error"]!.GetValue<string>();
        Assert.Contains(rejection.ToString(System.Globalization.CultureInfo.InvariantCulture), message, StringComparison.Ordinal);
        Assert.NotEmpty(fake.Canaries);
        foreach (var canary in fake.Canaries)
        {
            Assert.DoesNotContain(canary, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(canary, gateway.Logs.All, StringComparison.Ordinal);
        }
    }

    private static async Task AssertTextInference(IConformanceFake fake, ConformanceSetup setup)
    {
        using var gateway = Gateway(setup);
        var before = fake.Authenticated.Count;
        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(Request(setup.Credentials));

        Assert.True(status == HttpStatusCode.OK, $"expected 200, got {(int)status}: {raw}");
        Assert.Equal($"echo: {Prompt}", body["content"]![0]!["text"]!.GetValue<string>());
        Assert.True(body["usage"]!["input_tokens"]!.GetValue<long>() > 0);
        Assert.Equal(before + 1, fake.Authenticated.Count);
        Assert.Equal(setup.ExpectedIdentity, fake.Authenticated[^1]);
        foreach (var canary in fake.Canaries)
        {
            Assert.DoesNotContain(canary, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(canary, gateway.Logs.All, StringComparison.Ordinal);
        }
    }

    private static GatewayFactory Gateway(ConformanceSetup setup) =>
        new(Config(setup), setup.Environment) { ConfigureServices = setup.Services };

    private static GatewayRuntime BuildRuntime(ConformanceSetup setup)
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(Config(setup), Path.GetTempPath());
        var services = new ProviderServices(new HttpClientFactory(), NullLoggerFactory.Instance, TimeProvider.System);
        return GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(), new FakeEnvironment(setup.Environment), services);
    }

    private sealed class HttpClientFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }

    private static IConformanceRow Row(string row) => ConformanceRows.All.Single(r => r.Name == row);

    private static Task<IConformanceFake> Start(string row) => Row(row).StartFakeAsync();

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

    private static object Request(IReadOnlyDictionary<string, string> credentials) => new
    {
        function_name = "f",
        input = GatewayClient.UserMessage(Prompt),
        credentials,
    };

    private static ModelRequest ModelRequest() => new(
        null,
        [new RequestMessage(Role.User, [new TextBlock(Prompt)])],
        new InferenceParams(MaxTokens: 100),
        [],
        []);

    private static RequestCredentials Credentials(ConformanceSetup setup) =>
        new(setup.Credentials.ToDictionary(kv => kv.Key, kv => new Secret(kv.Value)));

    private static IModelProvider Provider(GatewayFactory gateway) =>
        gateway.Services.GetRequiredService<GatewayRuntime>().Models.Get("m").Providers[0].Provider;
}
