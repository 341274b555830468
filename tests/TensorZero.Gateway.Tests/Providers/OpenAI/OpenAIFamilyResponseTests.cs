using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.OpenAI;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary>Each flavour's answer quirks: TGI argument objects, Mistral content arrays, xAI reasoning tokens, think tags.</summary>
public sealed class OpenAIFamilyResponseTests
{
    [Fact]
    public void Parse_TgiArgumentsObject_BecomesJsonText()
    {
        var response = OpenAIResponseParser.Parse(OpenAIFlavours.TGI, "{}", """
            {"choices":[{"index":0,"message":{"role":"assistant","tool_calls":[{"id":"0","type":"function","function":{"name":"get_weather","arguments":{"location":"Brooklyn"}}}]},"finish_reason":"stop_sequence"}],
             "usage":{"prompt_tokens":5,"completion_tokens":3}}
            """, "TGI");

        var call = Assert.IsType<ToolCallBlock>(Assert.Single(response.Content));
        Assert.Equal("""{"location":"Brooklyn"}""", call.Arguments);
        Assert.Equal(FinishReason.StopSequence, response.FinishReason);
    }

    [Fact]
    public void Parse_MistralContentArray_SplitsThinkingAndText()
    {
        var response = OpenAIResponseParser.Parse(OpenAIFlavours.Mistral, "{}", """
            {"choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"thinking","thinking":[{"type":"text","text":"Let me see."}]},{"type":"text","text":"Hello"}]},"finish_reason":"model_length"}],
             "usage":{"prompt_tokens":5,"completion_tokens":3}}
            """, "Mistral");

        Assert.Equal([new ThoughtBlock("Let me see."), new TextBlock("Hello")], response.Content);
        Assert.Equal(FinishReason.Length, response.FinishReason);
    }

    [Fact]
    public void Parse_XaiReasoningTokens_AreAddedToOutput()
    {
        var response = OpenAIResponseParser.Parse(OpenAIFlavours.XAI, "{}", """
            {"choices":[{"index":0,"message":{"role":"assistant","content":"Hi","reasoning_content":"hmm"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":5,"completion_tokens":3,"completion_tokens_details":{"reasoning_tokens":10}}}
            """, "xAI");

        Assert.Equal(new Usage(5, 13), response.Usage);
        Assert.Equal([new ThoughtBlock("hmm"), new TextBlock("Hi")], response.Content);
    }

    [Fact]
    public void Parse_OpenAIReasoningTokens_AreNotAdded()
    {
        var response = OpenAIResponseParser.Parse(OpenAIFlavours.OpenAI, "{}", """
            {"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":5,"completion_tokens":3,"completion_tokens_details":{"reasoning_tokens":10}}}
            """, "OpenAI");

        Assert.Equal(new Usage(5, 3), response.Usage);
    }

    [Fact]
    public void Parse_TogetherThinkTags_BecomeThought()
    {
        var response = OpenAIResponseParser.Parse(OpenAIFlavours.Together, "{}", """
            {"choices":[{"index":0,"message":{"role":"assistant","content":"<think>Count.</think>\n\nFour."},"finish_reason":"eos"}],
             "usage":{"prompt_tokens":5,"completion_tokens":3}}
            """, "Together");

        Assert.Equal([new ThoughtBlock("Count."), new TextBlock("Four.")], response.Content);
        Assert.Equal(FinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public void Parse_UsageMissingWhereRequired_IsMalformed()
    {
        const string body = """{"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}""";

        Assert.Equal(ErrorKind.ProviderServer, Assert.Throws<GatewayError>(() => OpenAIResponseParser.Parse(OpenAIFlavours.DeepSeek, "{}", body, "DeepSeek")).Kind);
        Assert.Equal(Usage.Unknown, OpenAIResponseParser.Parse(OpenAIFlavours.VLLM, "{}", body, "vLLM").Usage);
    }

    [Fact]
    public void Parse_TwoChoices_IsMalformed()
    {
        const string body = """{"choices":[{"index":0,"message":{"content":"a"},"finish_reason":"stop"},{"index":1,"message":{"content":"b"},"finish_reason":"stop"}]}""";

        Assert.Throws<GatewayError>(() => OpenAIResponseParser.Parse(OpenAIFlavours.OpenAI, "{}", body, "OpenAI"));
    }

    [Fact]
    public void StreamParser_TgiSingleToolCallObject_IsMatchedByIndex()
    {
        var parser = new OpenAIStreamParser(OpenAIFlavours.TGI, "TGI", SecretScope.None);
        var first = parser.Parse("""{"choices":[{"index":0,"delta":{"tool_calls":{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}}}]}""");
        var second = parser.Parse("""{"choices":[{"index":0,"delta":{"tool_calls":{"index":0,"id":"","function":{"arguments":"{}"}}}}]}""");

        Assert.Equal(new ToolCallDelta("call_1", "get_weather", ""), Assert.Single(first!.Content));
        Assert.Equal(new ToolCallDelta("call_1", null, "{}"), Assert.Single(second!.Content));
    }

    [Fact]
    public void StreamParser_MistralWholeToolCallWithoutIndex_IsOneDelta()
    {
        var parser = new OpenAIStreamParser(OpenAIFlavours.Mistral, "Mistral", SecretScope.None);
        var chunk = parser.Parse("""{"choices":[{"index":0,"delta":{"tool_calls":[{"id":"abc","function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"completion_tokens":2}}""");

        Assert.Equal(new ToolCallDelta("abc", "f", """{"a":1}"""), Assert.Single(chunk!.Content));
        Assert.Equal(FinishReason.ToolCall, chunk.FinishReason);
        Assert.Equal(new Usage(1, 2), chunk.Usage);
    }

    [Theory]
    [InlineData("""{"error":{"message":"boom","type":"server_error"}}""")]
    [InlineData("""{"error":"Request failed during generation","error_type":"generation"}""")]
    [InlineData("""{"object":"error","message":"boom","type":"InternalServerError","code":500}""")]
    public void StreamParser_ErrorEvent_Throws(string data)
    {
        var parser = new OpenAIStreamParser(OpenAIFlavours.VLLM, "vLLM", SecretScope.None);

        var error = Assert.Throws<GatewayError>(() => parser.Parse(data));
        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.StartsWith("Error in vLLM stream", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamParser_ThinkTagsAcrossChunks_AreSplitIntoThoughtAndText()
    {
        var parser = new OpenAIStreamParser(OpenAIFlavours.Fireworks, "Fireworks", SecretScope.None);
        var deltas = new List<ContentDelta>();
        foreach (var piece in new[] { "<thi", "nk>Cou", "nt.</th", "ink>Fo", "ur.<" })
        {
            deltas.AddRange(parser.Parse($$$"""{"choices":[{"index":0,"delta":{"content":"{{{piece}}}"}}]}""")?.Content ?? []);
        }
        deltas.AddRange(parser.Finish()?.Content ?? []);

        Assert.Equal("Count.", string.Concat(deltas.OfType<ThoughtDelta>().Select(d => d.Text)));
        Assert.Equal("Four.<", string.Concat(deltas.OfType<TextDelta>().Select(d => d.Text)));
    }
}
