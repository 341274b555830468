using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.AwsBedrock;
using TensorZero.Gateway.Providers.Aws.EventStream;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.AwsBedrock;

/// <summary>ConverseStream events mapped to provider-neutral chunks.</summary>
public sealed class ConverseStreamParserTests
{
    private static EventStreamMessage Decode(byte[] frame)
    {
        Assert.True(EventStreamDecoder.TryDecode(frame, out var message, out _));
        return message!;
    }

    private static List<ProviderStreamChunk> ParseAll(ConverseStreamParser parser, params byte[][] frames) =>
        frames.Select(f => parser.Parse(Decode(f))).OfType<ProviderStreamChunk>().ToList();

    [Fact]
    public void Parse_TextThenToolCall_MapsDeltasFinishAndUsage()
    {
        var parser = new ConverseStreamParser("AWS Bedrock", SecretScope.None, jsonPrefill: false, NullLogger.Instance);

        var chunks = ParseAll(parser,
            EventStreamEncoder.Event("messageStart", """{"role":"assistant","p":"abc"}"""),
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Hel"},"p":"a"}"""),
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"lo"}}"""),
            EventStreamEncoder.Event("contentBlockStop", """{"contentBlockIndex":0}"""),
            EventStreamEncoder.Event("contentBlockStart", """{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"tooluse_1","name":"get_weather"}}}"""),
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"city\":"}}}"""),
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"\"Paris\"}"}}}"""),
            EventStreamEncoder.Event("contentBlockStop", """{"contentBlockIndex":1}"""),
            EventStreamEncoder.Event("messageStop", """{"stopReason":"tool_use","p":"xyz"}"""),
            EventStreamEncoder.Event("metadata", """{"usage":{"inputTokens":10,"outputTokens":5,"totalTokens":15},"metrics":{"latencyMs":300}}"""));

        Assert.Equal(
            [
                new TextDelta("0", "Hel"),
                new TextDelta("0", "lo"),
                new ToolCallDelta("tooluse_1", "get_weather", ""),
                new ToolCallDelta("tooluse_1", null, "{\"city\":"),
                new ToolCallDelta("tooluse_1", null, "\"Paris\"}"),
            ],
            chunks.SelectMany(c => c.Content));
        Assert.Equal(FinishReason.ToolCall, chunks[^2].FinishReason);
        Assert.Equal(new Usage(10, 5), chunks[^1].Usage);
    }

    [Fact]
    public void Parse_Metadata_KeepsTheUsageObjectAsRawUsage()
    {
        var parser = new ConverseStreamParser("AWS Bedrock", SecretScope.None, jsonPrefill: false, NullLogger.Instance);

        var chunk = Assert.Single(ParseAll(parser,
            EventStreamEncoder.Event("metadata", """{"usage":{"inputTokens":10,"outputTokens":5,"totalTokens":15,"cacheReadInputTokens":2},"metrics":{"latencyMs":300}}""")));

        Assert.Equal("""{"inputTokens":10,"outputTokens":5,"totalTokens":15,"cacheReadInputTokens":2}""", chunk.RawUsage!.Data!.ToJsonString());
    }

    [Fact]
    public void Parse_ReasoningDeltas_BecomeThoughts()
    {
        var parser = new ConverseStreamParser("AWS Bedrock", SecretScope.None, jsonPrefill: false, NullLogger.Instance);

        var chunks = ParseAll(parser,
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"Let me think"}}}"""),
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"sig"}}}"""));

        Assert.Equal([new ThoughtDelta("0", "Let me think"), new ThoughtDelta("0", null, "sig")], chunks.SelectMany(c => c.Content));
    }

    [Fact]
    public void Parse_JsonPrefill_PrependsBraceToFirstText()
    {
        var parser = new ConverseStreamParser("AWS Bedrock", SecretScope.None, jsonPrefill: true, NullLogger.Instance);

        var chunks = ParseAll(parser,
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"\"a\":"}}"""),
            EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"1}"}}"""));

        Assert.Equal("{\"a\":1}", string.Concat(chunks.SelectMany(c => c.Content).OfType<TextDelta>().Select(d => d.Text)));
    }

    [Fact]
    public void Parse_UnknownEvent_IsSkipped()
    {
        var parser = new ConverseStreamParser("AWS Bedrock", SecretScope.None, jsonPrefill: false, NullLogger.Instance);

        Assert.Null(parser.Parse(Decode(EventStreamEncoder.Event("somethingNew", """{"x":1}"""))));
    }

    [Fact]
    public void Parse_ExceptionFrame_ThrowsRedactedStreamError()
    {
        var secret = new Secret("canary-bedrock-stream-secret");
        var parser = new ConverseStreamParser("AWS Bedrock", SecretScope.None.With(secret), jsonPrefill: false, NullLogger.Instance);

        var error = Assert.Throws<GatewayError>(() =>
            parser.Parse(Decode(EventStreamEncoder.Exception("throttlingException", "slow down canary-bedrock-stream-secret"))));

        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Contains("throttlingException", error.Message, StringComparison.Ordinal);
        Assert.Contains("slow down", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret.Reveal(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeltaThatIsNotJson_ThrowsStreamError()
    {
        var parser = new ConverseStreamParser("AWS Bedrock", SecretScope.None, jsonPrefill: false, NullLogger.Instance);

        var error = Assert.Throws<GatewayError>(() => parser.Parse(Decode(EventStreamEncoder.Event("contentBlockDelta", "not json"))));

        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("contentBlockStart", """{"start":["toolUse"]}""")]
    [InlineData("contentBlockDelta", """{"contentBlockIndex":"0","delta":"text"}""")]
    [InlineData("contentBlockDelta", """{"delta":{"reasoningContent":{}}}""")]
    [InlineData("messageStop", """{"stopReason":null}""")]
    [InlineData("metadata", """{"usage":"none"}""")]
    public void Parse_OddShapes_YieldNothing(string eventType, string payload)
    {
        var parser = new ConverseStreamParser("AWS Bedrock", SecretScope.None, jsonPrefill: false, NullLogger.Instance);

        Assert.Empty(ParseAll(parser, EventStreamEncoder.Event(eventType, payload)));
    }

    [Theory]
    [InlineData("messageStart", "[]", "not a JSON object")]
    [InlineData("contentBlockStop", "{", "not valid JSON")]
    public void Parse_PayloadThatIsNoObject_ThrowsStreamError(string eventType, string payload, string problem)
    {
        var parser = new ConverseStreamParser("AWS Bedrock", SecretScope.None, jsonPrefill: false, NullLogger.Instance);

        var error = Assert.Throws<GatewayError>(() => ParseAll(parser, EventStreamEncoder.Event(eventType, payload)));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
