using System.Text;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Anthropic;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.Anthropic;

public sealed class AnthropicStreamParserTests
{
    // Recorded from Anthropic's Messages stream (text, then a tool call), as documented for the API.
    private const string TextThenToolStream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","content":[],"model":"claude-haiku-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":2,"cache_read_input_tokens":3,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type":"ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Pa"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ris\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":42}}

        event: message_stop
        data: {"type":"message_stop"}


        """;

    private static async Task<List<ProviderStreamChunk>> ReadAll(string sse, bool jsonPrefill = false)
    {
        var parser = new AnthropicStreamParser("Anthropic", SecretScope.None, jsonPrefill);
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(sse));
        var chunks = new List<ProviderStreamChunk>();
        await foreach (var chunk in parser.ReadAsync(body, CancellationToken.None))
        {
            chunks.Add(chunk);
        }
        return chunks;
    }

    [Fact]
    public async Task ReadAsync_TextThenToolCall_MapsDeltasUsageAndFinish()
    {
        var chunks = await ReadAll(TextThenToolStream);

        Assert.Equal(
            new ContentDelta[]
            {
                new TextDelta("0", "Hello"),
                new TextDelta("0", " there"),
                new ToolCallDelta("toolu_1", "get_weather", ""),
                new ToolCallDelta("toolu_1", null, "{\"city\": \"Pa"),
                new ToolCallDelta("toolu_1", null, "ris\"}"),
            },
            chunks.SelectMany(c => c.Content));
        var last = chunks[^1];
        Assert.Equal(new Usage(30, 42), last.Usage);
        Assert.Equal(FinishReason.ToolCall, last.FinishReason);
        Assert.Single(chunks, c => c.Usage is not null);
        Assert.StartsWith("{\"type\":\"message_delta\"", last.RawChunk, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EventsAfterMessageStop_AreNotRead()
    {
        var chunks = await ReadAll(TextThenToolStream + """
            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"late"}}


            """);

        Assert.DoesNotContain(chunks.SelectMany(c => c.Content), d => d is TextDelta { Text: "late" });
    }

    [Fact]
    public async Task ReadAsync_ThinkingBlock_MapsThoughtAndSignatureDeltas()
    {
        const string sse = """
            event: message_start
            data: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"model":"x","usage":{"input_tokens":5,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think."}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig-1"}}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"opaque"}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":9}}

            event: message_stop
            data: {"type":"message_stop"}


            """;

        var chunks = await ReadAll(sse);

        Assert.Equal(
            new ContentDelta[] { new ThoughtDelta("0", "Let me think."), new ThoughtDelta("0", null, "sig-1"), new ThoughtDelta("1", null, "opaque") },
            chunks.SelectMany(c => c.Content));
        Assert.Equal(new Usage(5, 9), chunks[^1].Usage);
        Assert.Equal(FinishReason.Stop, chunks[^1].FinishReason);
    }

    [Fact]
    public async Task ReadAsync_ErrorEvent_ThrowsProviderErrorWithItsBody()
    {
        const string sse = """
            event: message_start
            data: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"model":"x","usage":{"input_tokens":5,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

            event: error
            data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}


            """;
        var parser = new AnthropicStreamParser("Anthropic", SecretScope.None, jsonPrefill: false);
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(sse));
        var received = new List<ProviderStreamChunk>();

        var error = await Assert.ThrowsAsync<GatewayError>(async () =>
        {
            await foreach (var chunk in parser.ReadAsync(body, CancellationToken.None))
            {
                received.Add(chunk);
            }
        });

        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Contains("overloaded_error", error.Message, StringComparison.Ordinal);
        Assert.Contains("Anthropic", error.Message, StringComparison.Ordinal);
        Assert.Equal(new TextDelta("0", "Hel"), Assert.Single(received, c => c.HasData).Content.Single());
    }

    [Fact]
    public async Task ReadAsync_BodyEndsWithoutMessageStop_Throws()
    {
        var truncated = TextThenToolStream[..TextThenToolStream.IndexOf("event: message_stop", StringComparison.Ordinal)];

        var error = await Assert.ThrowsAsync<GatewayError>(() => ReadAll(truncated));

        Assert.Contains("message_stop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_JsonPrefill_PrependsBraceToFirstText()
    {
        const string sse = """
            data: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"model":"x","usage":{"input_tokens":5,"output_tokens":1}}}

            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\n\"answer\":"}}

            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\"Hello\"}"}}

            data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}

            data: {"type":"message_stop"}


            """;

        var chunks = await ReadAll(sse, jsonPrefill: true);

        Assert.Equal("{\"answer\":\"Hello\"}", string.Concat(chunks.SelectMany(c => c.Content).OfType<TextDelta>().Select(d => d.Text)));
    }

    [Fact]
    public void Parse_MessageDeltaWithInputTokens_PrefersThem()
    {
        var parser = new AnthropicStreamParser("Anthropic", SecretScope.None, jsonPrefill: false);
        parser.Parse("""{"type":"message_start","message":{"usage":{"input_tokens":5,"output_tokens":1}}}""");

        var chunk = parser.Parse("""{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"input_tokens":6,"cache_read_input_tokens":4,"output_tokens":3}}""");

        Assert.Equal(new Usage(10, 3), chunk!.Usage);
        Assert.Equal(FinishReason.Length, chunk.FinishReason);
    }

    [Theory]
    [InlineData("""{"type":"ping"}""")]
    [InlineData("""{"type":"content_block_stop","index":0}""")]
    [InlineData("""{"type":"some_future_event"}""")]
    [InlineData("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""")]
    [InlineData("""{"type":"message_start","message":["not","an","object"]}""")]
    [InlineData("""{"type":"message_start","message":{"usage":[1,2]}}""")]
    [InlineData("""{"type":"content_block_start","index":0,"content_block":"text"}""")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":[{"type":"text_delta","text":"x"}]}""")]
    [InlineData("""{"type":7}""")]
    public void Parse_EventsWithoutContent_ReturnNull(string data)
    {
        Assert.Null(new AnthropicStreamParser("Anthropic", SecretScope.None, jsonPrefill: false).Parse(data));
    }

    [Fact]
    public void Parse_InputJsonDeltaWithoutToolUse_Throws()
    {
        var parser = new AnthropicStreamParser("Anthropic", SecretScope.None, jsonPrefill: false);

        var error = Assert.Throws<GatewayError>(() =>
            parser.Parse("""{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{"}}"""));

        Assert.Contains("tool_use", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"message_stop\"")]
    public void Parse_EventNotAnObject_ThrowsStreamError(string data)
    {
        var error = Assert.Throws<GatewayError>(() => new AnthropicStreamParser("Anthropic", SecretScope.None, jsonPrefill: false).Parse(data));

        Assert.Contains("not a JSON object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MessageDeltaWithoutUsageObject_KeepsTheFinishReasonAndNoUsage()
    {
        var chunk = new AnthropicStreamParser("Anthropic", SecretScope.None, jsonPrefill: false)
            .Parse("""{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":null}""");

        Assert.Equal(FinishReason.Stop, chunk!.FinishReason);
        Assert.Null(chunk.Usage);
        Assert.Null(chunk.RawUsage);
    }

    [Fact]
    public void Parse_NotJson_ThrowsStreamError()
    {
        var error = Assert.Throws<GatewayError>(() => new AnthropicStreamParser("Anthropic", SecretScope.None, jsonPrefill: false).Parse("not json"));

        Assert.StartsWith("Error in Anthropic stream", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ErrorEventEchoingKey_RedactsIt()
    {
        var parser = new AnthropicStreamParser("Anthropic", SecretScope.None.With(new Secret("sk-ant-canary-stream-1")), jsonPrefill: false);

        var error = Assert.Throws<GatewayError>(() =>
            parser.Parse("""{"type":"error","error":{"type":"api_error","message":"bad key sk-ant-canary-stream-1"}}"""));

        Assert.DoesNotContain("sk-ant-canary-stream-1", error.Message, StringComparison.Ordinal);
    }
}
