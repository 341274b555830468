using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Providers.Gemini;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Tests.Providers.Gemini;

/// <summary>
/// The whole gateway against a fake Gemini server that checks <c>x-goog-api-key</c> as Google does: every way of
/// locating the key through <c>POST /inference</c>, and streaming, tools and JSON mode at the provider. Canary keys
/// are checked never to reach a response or a log line.
/// </summary>
public sealed class GoogleAIStudioGeminiFunctionalTests : IAsyncLifetime
{
    private const string DefaultKey = "AIzaSyCanaryDefault5d1f0c7e9a0b1c2d3e4f";
    private const string AlternateKey = "AIzaSyCanaryAlternate0a1b2c3d4e5f6a7b8c";
    private const string OtherKey = "AIzaSyCanaryOther83b2e6f4d1a2b3c4d5e6f7";
    private const string CustomerKey = "AIzaSyCanaryCustomer47ac90e2b3c4d5e6f7a";
    private const string WrongKey = "AIzaSyCanaryWrong1a2b3c4d5e6f7a8b9c0d1e";

    private static readonly string[] Canaries = [DefaultKey, AlternateKey, OtherKey, CustomerKey, WrongKey];

    private static readonly Dictionary<string, string> AllKeys = new()
    {
        ["GOOGLE_API_KEY"] = DefaultKey,
        ["GOOGLE_AI_STUDIO_API_KEY"] = AlternateKey,
        ["MY_GEMINI_API_KEY"] = OtherKey,
    };

    private FakeGeminiServer _gemini = null!;

    public async Task InitializeAsync()
    {
        _gemini = await FakeGeminiServer.StartAsync();
        _gemini.ValidKeys.UnionWith([DefaultKey, AlternateKey, OtherKey, CustomerKey]);
    }

    public async Task DisposeAsync() => await _gemini.DisposeAsync();

    private string Config(string? apiKeyLocation, bool withBackup = false) => $$"""
        [models.gemini]
        routing = [{{(withBackup ? "\"gemini\", \"backup\"" : "\"gemini\"")}}]

        [models.gemini.providers.gemini]
        type = "google_ai_studio_gemini"
        model_name = "gemini-2.5-flash"
        api_base = "{{_gemini.AIStudioBaseUrl}}"
        {{(apiKeyLocation is null ? string.Empty : $"api_key_location = {apiKeyLocation}")}}

        {{(withBackup ? "[models.gemini.providers.backup]\ntype = \"dummy\"\nmodel_name = \"alternate\"" : string.Empty)}}

        [functions.my_function]
        type = "chat"

        [functions.my_function.variants.main]
        type = "chat_completion"
        model = "gemini"
        """;

    private static Task<(HttpStatusCode Status, JsonObject Body, string Raw)> InferAsync(GatewayFactory gateway, Dictionary<string, string>? credentials = null) =>
        gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "my_function",
            input = GatewayClient.UserMessage("Hello"),
            credentials = credentials ?? [],
        });

    private static void AssertNoCanaryIn(string text)
    {
        foreach (var key in Canaries)
        {
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        }
    }

    private RecordedGeminiRequest SingleRequest()
    {
        var request = Assert.Single(_gemini.Requests);
        Assert.DoesNotContain("key=", request.Query, StringComparison.Ordinal);
        return request;
    }

    [Fact]
    public async Task Inference_DefaultCredential_SendsGoogleApiKeyHeader()
    {
        using var gateway = new GatewayFactory(Config(null), AllKeys);

        var (status, body, raw) = await InferAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("echo: Hello", body["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(11, body["usage"]!["input_tokens"]!.GetValue<int>());
        Assert.Equal(7, body["usage"]!["output_tokens"]!.GetValue<int>());
        Assert.Equal("stop", body["finish_reason"]!.GetValue<string>());
        var request = SingleRequest();
        Assert.Equal("/v1beta/models/gemini-2.5-flash:generateContent", request.Path);
        Assert.Equal(DefaultKey, request.Headers["x-goog-api-key"]);
        Assert.False(request.Headers.ContainsKey("authorization"));
        AssertNoCanaryIn(raw);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_DefaultCredentialWithOnlyAlternateVariable_SendsGoogleAIStudioApiKey()
    {
        using var gateway = new GatewayFactory(Config(null), new Dictionary<string, string> { ["GOOGLE_AI_STUDIO_API_KEY"] = AlternateKey });

        var (status, _, _) = await InferAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(AlternateKey, SingleRequest().Headers["x-goog-api-key"]);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_EnvOverride_SendsThatVariable()
    {
        using var gateway = new GatewayFactory(Config("\"env::MY_GEMINI_API_KEY\""), AllKeys);

        var (status, _, _) = await InferAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(OtherKey, SingleRequest().Headers["x-goog-api-key"]);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_DynamicCredential_SendsKeyFromRequest()
    {
        using var gateway = new GatewayFactory(Config("\"dynamic::customer_gemini_key\""), AllKeys);

        var (status, _, raw) = await InferAsync(gateway, new() { ["customer_gemini_key"] = CustomerKey });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(CustomerKey, SingleRequest().Headers["x-goog-api-key"]);
        AssertNoCanaryIn(raw);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_DynamicCredentialMissing_Returns400NamingKeyAndProvider()
    {
        using var gateway = new GatewayFactory(Config("\"dynamic::customer_gemini_key\""), AllKeys);

        var (status, body, _) = await InferAsync(gateway, new() { ["other"] = CustomerKey });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var message = body["error"]!.GetValue<string>();
        Assert.Contains("customer_gemini_key", message, StringComparison.Ordinal);
        Assert.Contains("Google AI Studio Gemini", message, StringComparison.Ordinal);
        Assert.Empty(_gemini.Requests);
    }

    [Fact]
    public async Task Inference_FallbackWithDynamicKeyPresent_UsesDynamicKey()
    {
        using var gateway = new GatewayFactory(
            Config("{ default = \"dynamic::customer_gemini_key\", fallback = \"env::MY_GEMINI_API_KEY\" }"), AllKeys);

        var (status, _, _) = await InferAsync(gateway, new() { ["customer_gemini_key"] = CustomerKey });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(CustomerKey, SingleRequest().Headers["x-goog-api-key"]);
        Assert.DoesNotContain(gateway.Logs.Lines, l => l.Contains("Using fallback credential", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Inference_FallbackWithDynamicKeyAbsent_UsesEnvKeyAndWarnsWithoutValues()
    {
        using var gateway = new GatewayFactory(
            Config("{ default = \"dynamic::customer_gemini_key\", fallback = \"env::MY_GEMINI_API_KEY\" }"), AllKeys);

        var (status, _, _) = await InferAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(OtherKey, SingleRequest().Headers["x-goog-api-key"]);
        var warning = Assert.Single(gateway.Logs.Lines, l => l.Contains("Using fallback credential", StringComparison.Ordinal));
        Assert.Contains("Google AI Studio Gemini", warning, StringComparison.Ordinal);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_WrongKey_ReturnsGoogleErrorWithoutKey()
    {
        using var gateway = new GatewayFactory(Config("\"dynamic::customer_gemini_key\""));

        var (status, body, raw) = await InferAsync(gateway, new() { ["customer_gemini_key"] = WrongKey });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var message = body["error"]!.GetValue<string>();
        Assert.Contains("Error 400 from Google AI Studio Gemini client", message, StringComparison.Ordinal);
        Assert.Contains(FakeGeminiServer.InvalidKeyMessage, message, StringComparison.Ordinal);
        Assert.Contains("API_KEY_INVALID", message, StringComparison.Ordinal);
        Assert.Equal(WrongKey, SingleRequest().Identity);
        AssertNoCanaryIn(raw);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_SuspendedKeyEchoedByGoogle_IsRedacted()
    {
        _gemini.RejectedKeys[WrongKey] = 403;
        using var gateway = new GatewayFactory(Config("\"dynamic::customer_gemini_key\""));

        var (status, body, raw) = await InferAsync(gateway, new() { ["customer_gemini_key"] = WrongKey });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("Consumer 'api_key:[REDACTED]' has been suspended", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        AssertNoCanaryIn(raw);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_GeminiFails_FallsBackToNextProvider()
    {
        _gemini.FailWithStatus = 503;
        using var gateway = new GatewayFactory(Config(null, withBackup: true), AllKeys);

        var (status, body, _) = await InferAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(DummyProvider.AlternateText, body["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(DefaultKey, SingleRequest().Identity);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public void Shorthand_GoogleAIStudioGeminiModel_BuildsProviderForGoogle()
    {
        using var gateway = new GatewayFactory(Config(null), AllKeys);
        var models = gateway.Services.GetRequiredService<GatewayRuntime>().Models;

        var provider = models.Get("google_ai_studio_gemini::gemini-2.5-flash-lite").Providers[0].Provider;

        var gemini = Assert.IsType<GoogleAIStudioGeminiProvider>(provider);
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash-lite:generateContent", gemini.GenerateContentUrl.ToString());
    }

    private static IModelProvider Provider(GatewayFactory gateway) =>
        gateway.Services.GetRequiredService<GatewayRuntime>().Models.Get("gemini").Providers[0].Provider;

    private static async Task<List<ProviderStreamChunk>> StreamAllAsync(IModelProvider provider, ModelRequest request)
    {
        var chunks = new List<ProviderStreamChunk>();
        await foreach (var chunk in provider.StreamAsync(request, RequestCredentials.Empty, CancellationToken.None))
        {
            chunks.Add(chunk);
        }
        return chunks;
    }

    [Fact]
    public async Task StreamAsync_Text_ArrivesInPiecesWithUsageAtTheEnd()
    {
        using var gateway = new GatewayFactory(Config(null), AllKeys);

        var chunks = await StreamAllAsync(Provider(gateway), GeminiWireTests.Request([GeminiWireTests.User("Hello")]));

        var texts = chunks.SelectMany(c => c.Content).OfType<TextDelta>().ToList();
        Assert.True(texts.Count >= 2);
        Assert.Equal("echo: Hello", string.Concat(texts.Select(t => t.Text)));
        Assert.Equal(new Usage(11, 7), chunks[^1].Usage);
        Assert.Equal(FinishReason.Stop, chunks[^1].FinishReason);
        Assert.Single(chunks, c => c.Usage is not null);
        var request = SingleRequest();
        Assert.Equal("/v1beta/models/gemini-2.5-flash:streamGenerateContent", request.Path);
        Assert.Equal("?alt=sse", request.Query);
        Assert.Equal(DefaultKey, request.Headers["x-goog-api-key"]);
    }

    [Fact]
    public async Task StreamAsync_Tools_YieldsWholeToolCall()
    {
        using var gateway = new GatewayFactory(Config(null), AllKeys);
        var request = GeminiWireTests.Request(tools: [GeminiWireTests.Weather], toolChoice: ToolChoice.Auto);

        var chunks = await StreamAllAsync(Provider(gateway), request);

        var call = Assert.Single(chunks.SelectMany(c => c.Content).OfType<ToolCallDelta>());
        Assert.Equal(new ToolCallDelta("0", "get_weather", """{"location":"Brooklyn"}"""), call);
        Assert.Equal("get_weather", SingleRequest().Body!["tools"]![0]!["functionDeclarations"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task InferAsync_Tools_ReturnsToolCallBlock()
    {
        using var gateway = new GatewayFactory(Config(null), AllKeys);
        var request = GeminiWireTests.Request(tools: [GeminiWireTests.Weather], toolChoice: new ToolChoice(ToolChoiceMode.Required));

        var response = await Provider(gateway).InferAsync(request, RequestCredentials.Empty, CancellationToken.None);

        var call = Assert.IsType<ToolCallBlock>(Assert.Single(response.Content));
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("""{"location":"Brooklyn"}""", call.Arguments);
        Assert.Equal("ANY", SingleRequest().Body!["toolConfig"]!["functionCallingConfig"]!["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task InferAsync_JsonMode_SendsMimeTypeAndReturnsJson()
    {
        using var gateway = new GatewayFactory(Config(null), AllKeys);
        var schema = (JsonObject)JsonNode.Parse("""{"type":"object","properties":{"answer":{"type":"string"}},"additionalProperties":false}""")!;

        var response = await Provider(gateway).InferAsync(
            GeminiWireTests.Request(jsonMode: JsonMode.Strict, outputSchema: schema), RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal([new TextBlock("""{"answer":"Hello"}""")], response.Content);
        var config = SingleRequest().Body!["generationConfig"]!;
        Assert.Equal("application/json", config["responseMimeType"]!.GetValue<string>());
        Assert.Equal("""{"type":"object","properties":{"answer":{"type":"string"}}}""", config["responseSchema"]!.ToJsonString());
    }

    [Fact]
    public async Task InferAsync_ThinkingModel_ReturnsThoughtAndSignature()
    {
        _gemini.IncludeThoughts = true;
        using var gateway = new GatewayFactory(Config(null), AllKeys);

        var response = await Provider(gateway).InferAsync(GeminiWireTests.Request(), RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal(
            [new ThoughtBlock("The user wants an answer."), new ThoughtBlock(null, "fake-signature"), new TextBlock("echo: Hi")],
            response.Content);
        Assert.Equal(new Usage(11, 10), response.Usage);
    }

    [Fact]
    public async Task StreamAsync_ErrorMidStream_ThrowsAfterFirstChunk()
    {
        _gemini.FailMidStream = true;
        using var gateway = new GatewayFactory(Config(null), AllKeys);
        var seen = new List<ProviderStreamChunk>();

        var error = await Assert.ThrowsAsync<GatewayError>(async () =>
        {
            await foreach (var chunk in Provider(gateway).StreamAsync(GeminiWireTests.Request(), RequestCredentials.Empty, CancellationToken.None))
            {
                seen.Add(chunk);
            }
        });

        Assert.Single(seen);
        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Contains("Error in Google AI Studio Gemini stream", error.Message, StringComparison.Ordinal);
        Assert.Contains("INTERNAL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_WrongKey_ThrowsBeforeFirstChunkWithoutKey()
    {
        using var gateway = new GatewayFactory(Config("\"dynamic::customer_gemini_key\""));
        var credentials = new RequestCredentials(new Dictionary<string, Secret> { ["customer_gemini_key"] = new(WrongKey) });
        var seen = 0;

        var error = await Assert.ThrowsAsync<GatewayError>(async () =>
        {
            await foreach (var _ in Provider(gateway).StreamAsync(GeminiWireTests.Request(), credentials, CancellationToken.None))
            {
                seen++;
            }
        });

        Assert.Equal(0, seen);
        Assert.Equal(400, error.ProviderStatus);
        Assert.Contains(FakeGeminiServer.InvalidKeyMessage, error.Message, StringComparison.Ordinal);
        AssertNoCanaryIn(error.Message);
        AssertNoCanaryIn(gateway.Logs.All);
    }
}
