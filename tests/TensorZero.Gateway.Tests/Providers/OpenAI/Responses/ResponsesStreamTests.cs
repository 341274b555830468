using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Providers.OpenAI.Responses;

namespace TensorZero.Gateway.Tests.Providers.OpenAI.Responses;

/// <summary>Responses API stream events as provider-neutral chunks.</summary>
public sealed class ResponsesStreamTests
{
    private const string Secret = "sk-stream-canary-0123456789abcdef";

    private static ResponsesStreamParser Parser() => new("OpenAI", new SecretRegistry().Scope(RequestCredentials.Empty, new Secret(Secret)));

    [Fact]
    public void Parse_TextDeltas_AreTextByContentIndex()
    {
        var parser = Parser();

        Assert.Null(parser.Parse("""{"type":"response.created","response":{"id":"resp_1","status":"in_progress"}}"""));
        Assert.Null(parser.Parse("""{"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","content":[]}}"""));
        var chunk = parser.Parse("""{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel"}""");

        Assert.Equal([new TextDelta("0", "Hel")], chunk!.Content);
        Assert.Null(parser.Parse("""{"type":"response.output_text.done","item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello"}"""));
        Assert.False(parser.IsDone);
    }

    [Fact]
    public void Parse_ReasoningSummaryDelta_IsAThoughtSummaryPiece()
    {
        var chunk = Parser().Parse("""{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","output_index":1,"summary_index":2,"delta":"Hmm"}""");

        var thought = Assert.IsType<ThoughtDelta>(Assert.Single(chunk!.Content));
        Assert.Equal("1", thought.Id);
        Assert.Null(thought.Text);
        Assert.Equal("2", thought.SummaryId);
        Assert.Equal("Hmm", thought.SummaryText);
    }

    [Theory]
    [InlineData("function_call", "response.function_call_arguments.delta")]
    [InlineData("custom_tool_call", "response.custom_tool_call_input.delta")]
    public void Parse_ToolCall_IsReportedUnderItsCallId(string itemType, string deltaType)
    {
        var parser = Parser();

        var added = parser.Parse($$$"""{"type":"response.output_item.added","output_index":0,"item":{"type":"{{{itemType}}}","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":""}}""");
        var delta = parser.Parse($$$"""{"type":"{{{deltaType}}}","item_id":"fc_1","output_index":0,"delta":"{\"loc"}""");
        var done = parser.Parse("""{"type":"response.output_item.done","output_index":0,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"location\":\"x\"}"}}""");

        Assert.Equal([new ToolCallDelta("call_1", "get_weather", string.Empty)], added!.Content);
        Assert.Equal([new ToolCallDelta("call_1", null, "{\"loc")], delta!.Content);
        Assert.Null(done);
    }

    [Fact]
    public void Parse_ArgumentsOnlyInDoneEvent_AreSentOnce()
    {
        var parser = Parser();
        parser.Parse("""{"type":"response.output_item.added","output_index":0,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"f","arguments":""}}""");

        var done = parser.Parse("""{"type":"response.function_call_arguments.done","item_id":"fc_1","output_index":0,"arguments":"{}"}""");
        var itemDone = parser.Parse("""{"type":"response.output_item.done","output_index":0,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"f","arguments":"{}"}}""");

        Assert.Equal([new ToolCallDelta("call_1", null, "{}")], done!.Content);
        Assert.Null(itemDone);
    }

    [Fact]
    public void Parse_Completed_GivesUsageStopAndEachReasoningSignature()
    {
        var parser = Parser();

        var chunk = parser.Parse("""
            {"type":"response.completed","response":{"id":"resp_1","status":"completed","incomplete_details":null,
             "output":[{"type":"reasoning","id":"rs_1","encrypted_content":"enc-final","summary":[]},{"type":"message","id":"m","role":"assistant","content":[]}],
             "usage":{"input_tokens":10,"output_tokens":20}}}
            """);

        Assert.Equal([new ThoughtDelta("0", null, "enc-final")], chunk!.Content);
        Assert.Equal(new Usage(10, 20), chunk.Usage);
        Assert.Equal(FinishReason.Stop, chunk.FinishReason);
        Assert.True(parser.IsDone);
    }

    [Fact]
    public void Parse_Incomplete_FinishesWithLength()
    {
        var parser = Parser();

        var chunk = parser.Parse("""{"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[],"usage":{"input_tokens":1,"output_tokens":5}}}""");

        Assert.Equal(FinishReason.Length, chunk!.FinishReason);
        Assert.Equal(new Usage(1, 5), chunk.Usage);
        Assert.True(parser.IsDone);
    }

    [Theory]
    [InlineData("""{"type":"error","code":"server_error","message":"The server had an error","param":null}""", "Error in OpenAI stream: The server had an error (server_error)")]
    [InlineData("""{"type":"response.failed","response":{"status":"failed","error":{"code":"server_error","message":"Model crashed"}}}""", "Error in OpenAI stream: Model crashed")]
    [InlineData("""{"type":"response.refusal.delta","item_id":"m","output_index":0,"content_index":0,"delta":"I can't"}""", "Error in OpenAI stream: Model refused to respond: I can't")]
    [InlineData("not json", "Error in OpenAI stream: an event is not valid JSON")]
    public void Parse_ErrorEvents_EndTheStreamWithAProviderError(string data, string message)
    {
        var error = Assert.Throws<GatewayError>(() => Parser().Parse(data));

        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parse_ErrorEventEchoingTheKey_IsRedacted()
    {
        var error = Assert.Throws<GatewayError>(() => Parser().Parse($$"""{"type":"error","message":"bad key {{Secret}}"}"""));

        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ArgumentsBeforeAnyToolCall_IsAProviderError()
    {
        var error = Assert.Throws<GatewayError>(() => Parser().Parse("""{"type":"response.function_call_arguments.delta","item_id":"fc_9","output_index":0,"delta":"{"}"""));

        Assert.Equal("Error in OpenAI stream: tool call arguments arrived before their tool call", error.Message);
    }

    [Theory]
    [InlineData("""{"type":"response.output_item.added","item":["function_call"]}""")]
    [InlineData("""{"type":"response.output_item.done","item":"function_call"}""")]
    [InlineData("""{"type":7}""")]
    [InlineData("""{"type":"response.created","response":[]}""")]
    public void Parse_OddShapes_YieldNothing(string data)
    {
        Assert.Null(Parser().Parse(data));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"response.completed\"")]
    public void Parse_EventNotAnObject_IsAProviderError(string data)
    {
        var error = Assert.Throws<GatewayError>(() => Parser().Parse(data));

        Assert.Contains("not a JSON object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CompletedWithOddResponse_FinishesWithoutUsage()
    {
        var chunk = Parser().Parse("""{"type":"response.completed","response":{"output":"none","usage":null,"incomplete_details":[1]}}""");

        Assert.Equal(FinishReason.Stop, chunk!.FinishReason);
        Assert.Null(chunk.Usage);
        Assert.Null(chunk.RawUsage);
        Assert.Empty(chunk.Content);
    }

    [Fact]
    public void Parse_CompletedWithUsage_KeepsItAsResponsesRawUsage()
    {
        var chunk = Parser().Parse("""{"type":"response.completed","response":{"output":[],"usage":{"input_tokens":3,"output_tokens":4}}}""");

        Assert.Equal(new Usage(3, 4), chunk!.Usage);
        Assert.Equal(("""{"input_tokens":3,"output_tokens":4}""", "responses"), (chunk.RawUsage!.Data!.ToJsonString(), chunk.RawUsage.ApiType));
    }
}
