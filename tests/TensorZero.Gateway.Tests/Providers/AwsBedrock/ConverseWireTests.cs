using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.AwsBedrock;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.AwsBedrock;

/// <summary>Converse request and response bodies, asserted as exact JSON.</summary>
public sealed class ConverseWireTests
{
    private const string Claude = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
    private const string Nova = "amazon.nova-lite-v1:0";

    private static readonly JsonObject WeatherSchema = JsonNode.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""")!.AsObject();

    private static ModelRequest Request(params RequestMessage[] messages) =>
        new(null, messages, InferenceParams.Empty, [], []);

    private static RequestMessage User(params ContentBlock[] content) => new(Role.User, content);

    private static RequestMessage Assistant(params ContentBlock[] content) => new(Role.Assistant, content);

    [Fact]
    public void BuildRequest_FullConversation_MapsEveryBlockAndParameter()
    {
        var request = Request(
                User(new TextBlock("Weather in Paris?")),
                Assistant(new ThoughtBlock("Need the tool.", "sig1"), new ToolCallBlock("tooluse_1", "get_weather", """{"city":"Paris"}""")),
                User(new ToolResultBlock("tooluse_1", "get_weather", "22C")),
                Assistant())
            with
        {
            System = "You are terse.",
            Params = new InferenceParams(Temperature: 0.5, MaxTokens: 256, TopP: 0.9, Seed: 7, StopSequences: ["\n\n"]),
            Tools = [new ToolDefinition("get_weather", "Weather of a city.", WeatherSchema)],
            ToolChoice = ToolChoice.Auto,
        };

        var body = ConverseWire.BuildRequest(Nova, request);

        Assert.Equal(
            """{"messages":[{"role":"user","content":[{"text":"Weather in Paris?"}]},{"role":"assistant","content":[{"reasoningContent":{"reasoningText":{"text":"Need the tool.","signature":"sig1"}}},{"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}}]},{"role":"user","content":[{"toolResult":{"toolUseId":"tooluse_1","content":[{"text":"22C"}]}}]}],"system":[{"text":"You are terse."}],"inferenceConfig":{"maxTokens":256,"temperature":0.5,"topP":0.9,"stopSequences":["\n\n"]},"toolConfig":{"tools":[{"toolSpec":{"name":"get_weather","description":"Weather of a city.","inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}}}}}}],"toolChoice":{"auto":{}}}}""",
            body.ToJsonString());
    }

    [Fact]
    public void BuildRequest_NoParameters_SendsEmptyInferenceConfigAndNoSystem()
    {
        var body = ConverseWire.BuildRequest(Nova, Request(User(new TextBlock("Hi"))) with { System = "" });

        Assert.Equal("""{"messages":[{"role":"user","content":[{"text":"Hi"}]}],"inferenceConfig":{}}""", body.ToJsonString());
    }

    [Theory]
    [InlineData(ToolChoiceMode.Required, null, """{"any":{}}""")]
    [InlineData(ToolChoiceMode.Specific, "get_weather", """{"tool":{"name":"get_weather"}}""")]
    [InlineData(ToolChoiceMode.Auto, null, """{"auto":{}}""")]
    public void BuildRequest_ToolChoice_MapsToConverseShape(ToolChoiceMode mode, string? name, string expected)
    {
        var request = Request(User(new TextBlock("Hi"))) with
        {
            Tools = [new ToolDefinition("get_weather", "Weather.", WeatherSchema)],
            ToolChoice = new ToolChoice(mode, name),
        };

        var body = ConverseWire.BuildRequest(Nova, request);

        Assert.Equal(expected, body["toolConfig"]!["toolChoice"]!.ToJsonString());
    }

    [Fact]
    public void BuildRequest_ToolChoiceNone_OmitsToolConfig()
    {
        var request = Request(User(new TextBlock("Hi"))) with
        {
            Tools = [new ToolDefinition("get_weather", "Weather.", WeatherSchema)],
            ToolChoice = new ToolChoice(ToolChoiceMode.None),
        };

        Assert.Null(ConverseWire.BuildRequest(Nova, request)["toolConfig"]);
    }

    [Theory]
    [InlineData(JsonMode.On)]
    [InlineData(JsonMode.Strict)]
    public void BuildRequest_JsonModeOnClaude_AppendsPrefilledAssistantTurn(JsonMode mode)
    {
        var body = ConverseWire.BuildRequest(Claude,
            Request(User(new TextBlock("Hi"))) with { JsonMode = mode, OutputSchema = WeatherSchema, FunctionType = FunctionType.Json });

        Assert.Equal(
            """{"messages":[{"role":"user","content":[{"text":"Hi"}]},{"role":"assistant","content":[{"text":"Here is the JSON requested:\n{"}]}],"inferenceConfig":{}}""",
            body.ToJsonString());
    }

    [Theory]
    [InlineData(JsonMode.On)]
    [InlineData(JsonMode.Strict)]
    public void BuildRequest_ChatFunctionJsonModeOnClaude_SendsRequestAsIs(JsonMode mode)
    {
        // TensorZero prefills for JSON functions only.
        var body = ConverseWire.BuildRequest(Claude, Request(User(new TextBlock("Hi"))) with { JsonMode = mode, OutputSchema = WeatherSchema });

        Assert.Equal("""{"messages":[{"role":"user","content":[{"text":"Hi"}]}],"inferenceConfig":{}}""", body.ToJsonString());
    }

    [Fact]
    public void BuildRequest_JsonModeOnOtherModel_SendsRequestAsIs()
    {
        var body = ConverseWire.BuildRequest(Nova, Request(User(new TextBlock("Hi"))) with { JsonMode = JsonMode.On });

        Assert.Equal("""{"messages":[{"role":"user","content":[{"text":"Hi"}]}],"inferenceConfig":{}}""", body.ToJsonString());
    }

    [Fact]
    public void BuildRequest_JsonModeTool_ForcesRespondTool()
    {
        var body = ConverseWire.BuildRequest(Claude, Request(User(new TextBlock("Hi"))) with { JsonMode = JsonMode.Tool, OutputSchema = WeatherSchema });

        Assert.Equal(
            """{"tools":[{"toolSpec":{"name":"respond","description":"Respond to the user using the output schema provided.","inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}}}}}}],"toolChoice":{"tool":{"name":"respond"}}}""",
            body["toolConfig"]!.ToJsonString());
        Assert.Single(body["messages"]!.AsArray());
    }

    [Fact]
    public void BuildRequest_VariantExtraBody_IsApplied()
    {
        var request = Request(User(new TextBlock("Hi"))) with
        {
            ExtraBody = [new ExtraBodyItem("/additionalModelRequestFields/top_k", JsonValue.Create(5), false)],
        };

        Assert.Equal("""{"top_k":5}""", ConverseWire.BuildRequest(Nova, request)["additionalModelRequestFields"]!.ToJsonString());
    }

    [Fact]
    public void BuildRequest_ToolCallWithInvalidArguments_IsInvalidRequest()
    {
        var request = Request(User(new TextBlock("Hi")), Assistant(new ToolCallBlock("t1", "f", "{not json")));

        var error = Assert.Throws<GatewayError>(() => ConverseWire.BuildRequest(Nova, request));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
    }

    [Fact]
    public void ParseResponse_AllBlockKinds_MapsContentUsageAndStopReason()
    {
        const string raw = """
            {"output":{"message":{"role":"assistant","content":[
              {"reasoningContent":{"reasoningText":{"text":"thinking","signature":"sig"}}},
              {"text":"Hello"},
              {"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}}]}},
             "stopReason":"tool_use",
             "usage":{"inputTokens":10,"outputTokens":5,"totalTokens":15,"cacheReadInputTokens":3,"cacheWriteInputTokens":2},
             "metrics":{"latencyMs":345}}
            """;

        var response = ConverseWire.ParseResponse("{}", raw, "AWS Bedrock", jsonPrefill: false);

        Assert.Equal(
            [new ThoughtBlock("thinking", "sig"), new TextBlock("Hello"), new ToolCallBlock("tooluse_1", "get_weather", """{"city":"Paris"}""")],
            response.Content);
        Assert.Equal(new Usage(15, 5), response.Usage);
        Assert.Equal(FinishReason.ToolCall, response.FinishReason);
        Assert.Equal(raw, response.RawResponse);
        Assert.Equal("""{"inputTokens":10,"outputTokens":5,"totalTokens":15,"cacheReadInputTokens":3,"cacheWriteInputTokens":2}""",
            response.RawUsage!.Data!.ToJsonString());
    }

    [Fact]
    public void ParseResponse_JsonPrefill_PutsTheBraceBack()
    {
        const string raw = """{"output":{"message":{"role":"assistant","content":[{"text":"\"answer\":\"Hello\"}"}]}},"stopReason":"end_turn","usage":{"inputTokens":1,"outputTokens":2}}""";

        var response = ConverseWire.ParseResponse("{}", raw, "AWS Bedrock", jsonPrefill: true);

        Assert.Equal("""{"answer":"Hello"}""", Assert.IsType<TextBlock>(Assert.Single(response.Content)).Text);
    }

    [Theory]
    [InlineData("end_turn", FinishReason.Stop)]
    [InlineData("tool_use", FinishReason.ToolCall)]
    [InlineData("max_tokens", FinishReason.Length)]
    [InlineData("stop_sequence", FinishReason.StopSequence)]
    [InlineData("content_filtered", FinishReason.ContentFilter)]
    [InlineData("guardrail_intervened", FinishReason.ContentFilter)]
    [InlineData("model_context_window_exceeded", FinishReason.Unknown)]
    public void MapStopReason_EveryValue(string stopReason, FinishReason expected) =>
        Assert.Equal(expected, ConverseWire.MapStopReason(stopReason));

    [Fact]
    public void ParseResponse_OddShapes_AreSkipped()
    {
        const string raw = """
            {"output":{"message":{"role":"assistant","content":[7,"text",{"text":"Hi"},{"toolUse":"x"},{"reasoningContent":[1]},
              {"toolUse":{"toolUseId":"t","name":"n","input":null}}]}},
             "stopReason":5,"usage":[1]}
            """;

        var response = ConverseWire.ParseResponse("", raw, "AWS Bedrock", jsonPrefill: false);

        Assert.Equal([new TextBlock("Hi"), new ToolCallBlock("t", "n", "{}")], response.Content);
        Assert.Null(response.FinishReason);
        Assert.Equal(Usage.Unknown, response.Usage);
    }

    [Theory]
    [InlineData("""{"output":{"message":{"content":"Hi"}}}""")]
    [InlineData("""{"output":{"message":{}}}""")]
    public void ParseResponse_ContentNotAnArray_HasNoContent(string raw)
    {
        Assert.Empty(ConverseWire.ParseResponse("", raw, "AWS Bedrock", jsonPrefill: false).Content);
    }

    [Fact]
    public void ParseResponse_NoOutputMessage_IsMalformed()
    {
        var error = Assert.Throws<GatewayError>(() =>
            ConverseWire.ParseResponse("{}", """{"stopReason":"end_turn","usage":{"inputTokens":1,"outputTokens":1}}""", "AWS Bedrock", false));

        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Contains("output.message", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildRequest_ThinkingBudget_IsSentAsAdditionalModelRequestFields()
    {
        var request = Request(User(new TextBlock("Hi"))) with { Params = new InferenceParams(ThinkingBudgetTokens: 2000, ReasoningEffort: "high") };

        var body = ConverseWire.BuildRequest(Claude, request);

        Assert.Equal("""{"thinking":{"type":"enabled","budget_tokens":2000}}""", body["additionalModelRequestFields"]!.ToJsonString());
        Assert.DoesNotContain("high", body.ToJsonString(), StringComparison.Ordinal);
    }
}
