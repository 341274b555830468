using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.Anthropic;

/// <summary>
/// Streaming, tools, JSON mode and thinking, which <c>/inference</c> does not expose yet: the provider the gateway built
/// from its config, called directly against the fake Anthropic server.
/// </summary>
public sealed class AnthropicProviderFakeServerTests : IAsyncLifetime, IDisposable
{
    private const string Key = "sk-ant-api03-canary-provider-61f0d2";

    private static readonly JsonObject LocationSchema = JsonNode.Parse("""
        {"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}
        """)!.AsObject();

    private FakeAnthropicServer _anthropic = null!;
    private GatewayFactory _gateway = null!;
    private IModelProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _anthropic = await FakeAnthropicServer.StartAsync();
        _anthropic.Accept(Key);
        _gateway = new GatewayFactory($$"""
            [models.m]
            routing = ["anthropic"]

            [models.m.providers.anthropic]
            type = "anthropic"
            model_name = "claude-haiku-4-5"
            api_base = "{{_anthropic.BaseUrl}}"
            """, new Dictionary<string, string> { ["ANTHROPIC_API_KEY"] = Key });
        _provider = _gateway.Services.GetRequiredService<GatewayRuntime>().Models.Get("m").Providers[0].Provider;
    }

    public async Task DisposeAsync() => await _anthropic.DisposeAsync();

    public void Dispose() => _gateway.Dispose();

    private static ModelRequest Request(
        string text = "Hello",
        IReadOnlyList<ToolDefinition>? tools = null,
        JsonMode jsonMode = JsonMode.Off,
        JsonObject? schema = null) =>
        new(null, [new RequestMessage(Role.User, [new TextBlock(text)])], InferenceParams.Empty, [], [], tools, null, null, jsonMode, schema);

    private async Task<List<ProviderStreamChunk>> Stream(ModelRequest request)
    {
        var chunks = new List<ProviderStreamChunk>();
        await foreach (var chunk in _provider.StreamAsync(request, RequestCredentials.Empty, CancellationToken.None))
        {
            chunks.Add(chunk);
        }
        return chunks;
    }

    private static string Text(IEnumerable<ProviderStreamChunk> chunks) =>
        string.Concat(chunks.SelectMany(c => c.Content).OfType<TextDelta>().Select(d => d.Text));

    [Fact]
    public async Task StreamAsync_Text_ArrivesInPiecesWithUsageAndFinish()
    {
        var chunks = await Stream(Request("Hello there"));

        Assert.Equal("echo: Hello there", Text(chunks));
        Assert.True(chunks.Count(c => c.Content.Count > 0) >= 2);
        var usage = Assert.Single(chunks, c => c.Usage is not null).Usage!;
        Assert.Equal(new Usage(FakeAnthropicServer.InputTokens, FakeAnthropicServer.OutputTokens), usage);
        Assert.Equal(FinishReason.Stop, chunks[^1].FinishReason);
        var request = Assert.Single(_anthropic.Requests);
        Assert.True(request.Body["stream"]!.GetValue<bool>());
        Assert.StartsWith("text/event-stream", request.Headers["accept"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_MidStreamErrorEvent_ThrowsAfterFirstChunk()
    {
        _anthropic.FailMidStream = true;
        var received = new List<ProviderStreamChunk>();

        var error = await Assert.ThrowsAsync<GatewayError>(async () =>
        {
            await foreach (var chunk in _provider.StreamAsync(Request(), RequestCredentials.Empty, CancellationToken.None))
            {
                received.Add(chunk);
            }
        });

        Assert.Single(received, c => c.HasData);
        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Contains("overloaded_error", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_ConnectionEndsBeforeMessageStop_Throws()
    {
        _anthropic.TruncateStream = true;

        var error = await Assert.ThrowsAsync<GatewayError>(() => Stream(Request()));

        Assert.Contains("message_stop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_WrongKey_FailsBeforeFirstChunkWith401()
    {
        using var gateway = new GatewayFactory($$"""
            [models.m]
            routing = ["anthropic"]
            [models.m.providers.anthropic]
            type = "anthropic"
            model_name = "claude-haiku-4-5"
            api_base = "{{_anthropic.BaseUrl}}"
            """, new Dictionary<string, string> { ["ANTHROPIC_API_KEY"] = "sk-ant-api03-canary-bad-77aa" });
        var provider = gateway.Services.GetRequiredService<GatewayRuntime>().Models.Get("m").Providers[0].Provider;

        var error = await Assert.ThrowsAsync<GatewayError>(async () =>
        {
            await foreach (var _ in provider.StreamAsync(Request(), RequestCredentials.Empty, CancellationToken.None))
            {
            }
        });

        Assert.Equal(401, error.ProviderStatus);
        Assert.Contains("invalid x-api-key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-ant-api03-canary-bad-77aa", error.Message + gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_Tools_ReturnsToolCallWithArgumentsText()
    {
        var request = Request(tools: [new ToolDefinition("get_temperature", "Get the temperature.", LocationSchema)]);

        var response = await _provider.InferAsync(request, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal([new ToolCallBlock("toolu_fake01", "get_temperature", FakeAnthropicServer.ToolArguments)], response.Content);
        Assert.Equal(FinishReason.ToolCall, response.FinishReason);
        var sent = Assert.Single(_anthropic.Requests).Body;
        Assert.Equal("get_temperature", sent["tools"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("auto", sent["tool_choice"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task StreamAsync_Tools_StreamsToolCallDeltas()
    {
        var request = Request(tools: [new ToolDefinition("get_temperature", "Get the temperature.", LocationSchema)]);

        var chunks = await Stream(request);

        var deltas = chunks.SelectMany(c => c.Content).OfType<ToolCallDelta>().ToList();
        Assert.All(deltas, d => Assert.Equal("toolu_fake01", d.Id));
        Assert.Equal("get_temperature", deltas[0].Name);
        Assert.Equal(FakeAnthropicServer.ToolArguments, string.Concat(deltas.Select(d => d.ArgumentsDelta)));
        Assert.Equal(FinishReason.ToolCall, chunks[^1].FinishReason);
    }

    [Theory]
    [InlineData(JsonMode.On, false)]
    [InlineData(JsonMode.Strict, true)]
    public async Task InferAsync_JsonMode_ReturnsWholeJsonText(JsonMode mode, bool withSchema)
    {
        var response = await _provider.InferAsync(
            Request(jsonMode: mode, schema: withSchema ? LocationSchema : null) with { FunctionType = FunctionType.Json },
            RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal([new TextBlock(FakeAnthropicServer.JsonAnswer)], response.Content);
    }

    [Theory]
    [InlineData(JsonMode.On, false)]
    [InlineData(JsonMode.Strict, true)]
    public async Task StreamAsync_JsonMode_StreamsWholeJsonText(JsonMode mode, bool withSchema)
    {
        var chunks = await Stream(Request(jsonMode: mode, schema: withSchema ? LocationSchema : null) with { FunctionType = FunctionType.Json });

        Assert.Equal(FakeAnthropicServer.JsonAnswer, Text(chunks));
    }

    [Fact]
    public async Task InferAsync_JsonModeTool_CallsRespondTool()
    {
        var response = await _provider.InferAsync(Request(jsonMode: JsonMode.Tool, schema: LocationSchema), RequestCredentials.Empty,
            CancellationToken.None);

        var call = Assert.IsType<ToolCallBlock>(Assert.Single(response.Content));
        Assert.Equal("respond", call.Name);
        Assert.Equal("respond", Assert.Single(_anthropic.Requests).Body["tool_choice"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task InferAsync_Thinking_ReturnsSignedThoughtBeforeText()
    {
        _anthropic.IncludeThinking = true;
        _anthropic.CacheReadTokens = 5;

        var response = await _provider.InferAsync(Request(), RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal([new ThoughtBlock("Let me think.", "sig-fake-1"), new TextBlock("echo: Hello")], response.Content);
        Assert.Equal(FakeAnthropicServer.InputTokens + 5, response.Usage.InputTokens);
    }

    [Fact]
    public async Task StreamAsync_Thinking_StreamsThoughtAndSignature()
    {
        _anthropic.IncludeThinking = true;

        var chunks = await Stream(Request());

        var thoughts = chunks.SelectMany(c => c.Content).OfType<ThoughtDelta>().ToList();
        Assert.Equal("Let me think.", string.Concat(thoughts.Select(t => t.Text)));
        Assert.Equal("sig-fake-1", Assert.Single(thoughts, t => t.Signature is not null).Signature);
        Assert.All(thoughts, t => Assert.Equal("0", t.Id));
        Assert.All(chunks.SelectMany(c => c.Content).OfType<TextDelta>(), t => Assert.Equal("1", t.Id));
    }

    [Fact]
    public async Task InferAsync_ThoughtSentBack_ReachesAnthropicAsThinkingBlock()
    {
        var request = new ModelRequest(null,
        [
            new RequestMessage(Role.User, [new TextBlock("Hi")]),
            new RequestMessage(Role.Assistant, [new ThoughtBlock("Hmm.", "sig-1"), new TextBlock("Hello!")]),
            new RequestMessage(Role.User, [new TextBlock("Again")]),
        ], InferenceParams.Empty, [], []);

        var response = await _provider.InferAsync(request, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal([new TextBlock("echo: Again")], response.Content);
        var assistant = Assert.Single(_anthropic.Requests).Body["messages"]![1]!;
        Assert.Equal("""{"type":"thinking","thinking":"Hmm.","signature":"sig-1"}""", assistant["content"]![0]!.ToJsonString());
    }
}
