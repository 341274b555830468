using System.Text.Json.Nodes;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Anthropic;
using TensorZero.Gateway.Providers.Gemini;
using TensorZero.Gateway.Providers.OpenAI;
using TensorZero.Gateway.Providers.OpenAI.Responses;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers;

/// <summary>
/// Each wire keeps the provider's own usage object where it parses usage (<c>raw_usage</c>), as TensorZero does:
/// OpenAI's <c>usage</c>, Anthropic's <c>usage</c> of <c>message_start</c> and <c>message_delta</c>, Gemini's
/// <c>usageMetadata</c> of the finishing chunk; and stream events with nothing to read still arrive, for raw chunks.
/// </summary>
public sealed class RawUsageTests
{
    private const string OpenAIUsage = """{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13,"completion_tokens_details":{"reasoning_tokens":2}}""";

    [Fact]
    public void OpenAIParse_Answer_KeepsTheWholeUsageObject()
    {
        var raw = $$"""{"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{{OpenAIUsage}}}""";

        var response = OpenAIResponseParser.Parse(OpenAIFlavours.OpenAI, "{}", raw, "OpenAI");

        Assert.Equal(OpenAIUsage, response.RawUsage!.Data!.ToJsonString());
        Assert.Equal("chat_completions", response.RawUsage.ApiType);
    }

    [Theory]
    [InlineData("""{"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"}}]}""")]
    [InlineData("""{"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"}}],"usage":null}""")]
    public void OpenAIParse_AnswerWithoutUsage_HasNoRawUsage(string raw)
    {
        Assert.Null(OpenAIResponseParser.Parse(OpenAIFlavours.OpenAI, "{}", raw, "OpenAI").RawUsage);
    }

    [Fact]
    public void OpenAIStream_RoleOnlyChunkAndUsageChunk_ArriveWithRawData()
    {
        var parser = new OpenAIStreamParser(OpenAIFlavours.OpenAI, "OpenAI", SecretScope.None);
        const string role = """{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""";
        var usage = $$"""{"choices":[],"usage":{{OpenAIUsage}}}""";

        var first = parser.Parse(role);
        var last = parser.Parse(usage);

        Assert.False(first.HasData);
        Assert.Equal(role, first.RawChunk);
        Assert.Null(first.RawUsage);
        Assert.Equal(OpenAIUsage, last.RawUsage!.Data!.ToJsonString());
        Assert.Same(SecretScope.None, last.Secrets);
    }

    [Fact]
    public void AnthropicParse_Answer_KeepsTheUsageObjectWithCacheFields()
    {
        const string usage = """{"input_tokens":5,"cache_read_input_tokens":3,"output_tokens":2}""";
        var raw = $$"""{"content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","usage":{{usage}}}""";

        var response = AnthropicWire.ParseResponse("{}", raw, "Anthropic", jsonPrefill: false);

        Assert.Equal(usage, response.RawUsage!.Data!.ToJsonString());
        Assert.Equal(new Usage(8, 2), response.Usage);
    }

    [Fact]
    public void AnthropicStream_MessageStartAndDelta_EachCarryTheirUsageObject()
    {
        var parser = new AnthropicStreamParser("Anthropic", SecretScope.None, jsonPrefill: false);

        var start = parser.Parse("""{"type":"message_start","message":{"usage":{"input_tokens":5,"output_tokens":1}}}""")!;
        var delta = parser.Parse("""{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}""")!;

        Assert.False(start.HasData);
        Assert.Equal("""{"input_tokens":5,"output_tokens":1}""", start.RawUsage!.Data!.ToJsonString());
        Assert.Equal("""{"output_tokens":7}""", delta.RawUsage!.Data!.ToJsonString());
        Assert.Equal(new Usage(5, 7), delta.Usage);
        Assert.Null(parser.Parse("""{"type":"ping"}"""));
    }

    [Fact]
    public void GeminiParse_Answer_KeepsUsageMetadata()
    {
        const string usage = """{"promptTokenCount":4,"candidatesTokenCount":3,"thoughtsTokenCount":2}""";
        var raw = $$"""{"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]},"finishReason":"STOP"}],"usageMetadata":{{usage}}}""";

        Assert.Equal(usage, GeminiWire.ParseResponse("{}", raw, "Gemini").RawUsage!.Data!.ToJsonString());
    }

    [Fact]
    public void GeminiStream_RunningUsage_IsReportedRawOnTheFinishingChunkOnly()
    {
        var parser = new GeminiStreamParser("Gemini", SecretScope.None);

        var first = parser.Parse("""{"candidates":[{"content":{"role":"model","parts":[{"text":"H"}]}}],"usageMetadata":{"promptTokenCount":4}}""");
        var last = parser.Parse("""{"candidates":[{"content":{"role":"model","parts":[{"text":"i"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2}}""");

        Assert.Null(first.RawUsage);
        Assert.Equal("""{"promptTokenCount":4,"candidatesTokenCount":2}""", last.RawUsage!.Data!.ToJsonString());
        Assert.Null(parser.Complete());
    }

    [Fact]
    public void ResponsesApi_AnswerAndCompletedEvent_KeepUsageAsApiTypeResponses()
    {
        const string usage = """{"input_tokens":6,"output_tokens":3,"output_tokens_details":{"reasoning_tokens":1}}""";
        var answer = $$"""{"output":[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Hi"}]}],"usage":{{usage}}}""";
        var parser = new ResponsesStreamParser("OpenAI", SecretScope.None);

        var response = ResponsesResponseParser.Parse("{}", answer, "OpenAI");
        var last = parser.Parse($$$"""{"type":"response.completed","response":{"output":[],"usage":{{{usage}}}}}""")!;

        Assert.Equal((usage, "responses"), (response.RawUsage!.Data!.ToJsonString(), response.RawUsage.ApiType));
        Assert.Equal((usage, "responses"), (last.RawUsage!.Data!.ToJsonString(), last.RawUsage.ApiType));
    }

    [Fact]
    public void RespondTool_IsTensorZerosImplicitTool()
    {
        var schema = JsonNode.Parse("""{"type":"object"}""")!.AsObject();

        Assert.Equal(new ToolDefinition("respond", "Respond to the user using the output schema provided.", schema, Strict: false), RespondTool.For(schema));
    }
}
