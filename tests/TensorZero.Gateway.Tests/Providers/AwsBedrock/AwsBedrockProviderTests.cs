using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.AwsBedrock;

/// <summary>Streaming, tool calls and JSON mode of a Bedrock provider built by the gateway, against the fake.</summary>
public sealed class AwsBedrockProviderTests : IAsyncLifetime
{
    private const string AccessKeyId = "AKIACANARYSTREAM0001";
    private const string SecretKey = "canary-stream-secret-6b4d2f0e8c";

    private static readonly JsonObject LocationSchema = JsonNode.Parse("""
        {"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}
        """)!.AsObject();

    private FakeBedrockServer _bedrock = null!;

    public async Task InitializeAsync()
    {
        _bedrock = await FakeBedrockServer.StartAsync();
        _bedrock.AddIamKey(AccessKeyId, SecretKey);
    }

    public async Task DisposeAsync() => await _bedrock.DisposeAsync();

    private GatewayFactory Gateway() => new(
        AwsBedrockGatewayTests.Config(_bedrock.BaseUrl, "access_key_id = \"env::K\"\nsecret_access_key = \"env::S\""),
        new Dictionary<string, string> { ["K"] = AccessKeyId, ["S"] = SecretKey });

    private static IModelProvider ProviderOf(GatewayFactory gateway) =>
        gateway.Services.GetRequiredService<GatewayRuntime>().Models.Get("m").Providers[0].Provider;

    private static ModelRequest Request(string text = "hello stream") =>
        new(null, [new RequestMessage(Role.User, [new TextBlock(text)])], new InferenceParams(MaxTokens: 50), [], []);

    private async Task<List<ProviderStreamChunk>> Stream(ModelRequest request)
    {
        using var gateway = Gateway();
        var chunks = new List<ProviderStreamChunk>();
        await foreach (var chunk in ProviderOf(gateway).StreamAsync(request, RequestCredentials.Empty, CancellationToken.None))
        {
            chunks.Add(chunk);
        }
        return chunks;
    }

    [Fact]
    public async Task StreamAsync_Text_ArrivesInPiecesWithFinishAndUsage()
    {
        var chunks = await Stream(Request());

        var texts = chunks.SelectMany(c => c.Content).OfType<TextDelta>().ToList();
        Assert.True(texts.Count >= 2);
        Assert.Equal("echo: hello stream", string.Concat(texts.Select(t => t.Text)));
        Assert.Contains(chunks, c => c.FinishReason == FinishReason.Stop);
        Assert.Contains(chunks, c => c.Usage == new Usage(57, 17));
        var request = Assert.Single(_bedrock.Requests);
        Assert.Equal("converse-stream", request.Operation);
        Assert.False(request.Headers.ContainsKey("accept"));
        Assert.Equal(AccessKeyId, request.Identity);
    }

    [Fact]
    public async Task StreamAsync_ToolCall_AssemblesArguments()
    {
        var chunks = await Stream(Request() with { Tools = [new ToolDefinition("get_temperature", "Temperature.", LocationSchema)] });

        var calls = chunks.SelectMany(c => c.Content).OfType<ToolCallDelta>().ToList();
        Assert.All(calls, c => Assert.Equal("tooluse_fake1", c.Id));
        Assert.Equal("get_temperature", calls[0].Name);
        Assert.Equal("Brooklyn", JsonNode.Parse(string.Concat(calls.Select(c => c.ArgumentsDelta)))!["location"]!.GetValue<string>());
        Assert.Contains(chunks, c => c.FinishReason == FinishReason.ToolCall);
    }

    [Fact]
    public async Task StreamAsync_ExceptionFrame_EndsWithGatewayError()
    {
        _bedrock.StreamException = "throttlingException";
        using var gateway = Gateway();
        var received = new List<ProviderStreamChunk>();

        var error = await Assert.ThrowsAsync<GatewayError>(async () =>
        {
            await foreach (var chunk in ProviderOf(gateway).StreamAsync(Request(), RequestCredentials.Empty, CancellationToken.None))
            {
                received.Add(chunk);
            }
        });

        Assert.Single(received);
        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Contains("throttlingException", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_Rejected_FailsBeforeFirstChunk()
    {
        _bedrock.Reject(AccessKeyId, 403);

        var error = await Assert.ThrowsAsync<GatewayError>(async () => await Stream(Request()));

        Assert.Equal(403, error.ProviderStatus);
        Assert.Contains("You don't have access", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_Tools_MapsToolCallBack()
    {
        var request = Request() with
        {
            Tools = [new ToolDefinition("get_temperature", "Temperature.", LocationSchema)],
            ToolChoice = new ToolChoice(ToolChoiceMode.Required),
        };

        using var gateway = Gateway();
        var response = await ProviderOf(gateway).InferAsync(request, RequestCredentials.Empty, CancellationToken.None);

        var call = Assert.Single(response.Content.OfType<ToolCallBlock>());
        Assert.Equal(("tooluse_fake1", "get_temperature", """{"location":"Brooklyn"}"""), (call.Id, call.Name, call.Arguments));
        Assert.Equal(FinishReason.ToolCall, response.FinishReason);
        Assert.Equal("""{"any":{}}""", _bedrock.Requests[0].Body["toolConfig"]!["toolChoice"]!.ToJsonString());
    }

    [Fact]
    public async Task InferAsync_JsonModeOnClaude_ReturnsJsonWithPrefilledBrace()
    {
        using var gateway = Gateway();
        var response = await ProviderOf(gateway).InferAsync(Request() with { JsonMode = JsonMode.Strict, OutputSchema = LocationSchema, FunctionType = FunctionType.Json },
            RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal("""{"answer":"Hello"}""", Assert.IsType<TextBlock>(Assert.Single(response.Content)).Text);
        Assert.Equal("assistant", _bedrock.Requests[0].Body["messages"]!.AsArray()[^1]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task StreamAsync_JsonModeOnClaude_StreamsJsonWithPrefilledBrace()
    {
        var chunks = await Stream(Request() with { JsonMode = JsonMode.On, FunctionType = FunctionType.Json });

        Assert.Equal("""{"answer":"Hello"}""", string.Concat(chunks.SelectMany(c => c.Content).OfType<TextDelta>().Select(t => t.Text)));
    }

    [Fact]
    public async Task InferAsync_ProviderExtraBodyAfterVariant_ProviderWins()
    {
        var request = Request() with { ExtraBody = [new ExtraBodyItem("/inferenceConfig/maxTokens", JsonValue.Create(7), false)] };

        using var gateway = Gateway();
        await ProviderOf(gateway).InferAsync(request, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal(7, _bedrock.Requests[0].Body["inferenceConfig"]!["maxTokens"]!.GetValue<int>());
    }
}
