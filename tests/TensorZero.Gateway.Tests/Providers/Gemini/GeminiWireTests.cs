using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Gemini;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.Gemini;

/// <summary>The Gemini request body, byte for byte, and the mapping of Gemini responses to provider-neutral content.</summary>
public sealed class GeminiWireTests
{
    internal static ModelRequest Request(
        IReadOnlyList<RequestMessage>? messages = null,
        string? system = null,
        InferenceParams? parameters = null,
        IReadOnlyList<ToolDefinition>? tools = null,
        ToolChoice? toolChoice = null,
        JsonMode jsonMode = JsonMode.Off,
        JsonObject? outputSchema = null,
        IReadOnlyList<ExtraBodyItem>? extraBody = null) =>
        new(system, messages ?? [User("Hi")], parameters ?? InferenceParams.Empty, extraBody ?? [], [], tools, toolChoice,
            JsonMode: jsonMode, OutputSchema: outputSchema);

    internal static RequestMessage User(params ContentBlock[] content) => new(Role.User, content);

    internal static RequestMessage User(string text) => User(new TextBlock(text));

    internal static RequestMessage Assistant(params ContentBlock[] content) => new(Role.Assistant, content);

    internal static readonly ToolDefinition Weather = new("get_weather", "Weather for a city", Schema("""
        {"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}
        """));

    private static JsonObject Schema(string json) => (JsonObject)JsonNode.Parse(json)!;

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), actual.ToJsonString());

    [Fact]
    public void BuildRequest_Conversation_MapsRolesPartsAndSystemInstruction()
    {
        var body = GeminiWire.BuildRequest(Request(
            [User("Hi"), Assistant(new TextBlock("Hello!")), User(new TextBlock("One"), new TextBlock("Two"))],
            system: "You are terse."));

        AssertJson("""
            {"contents":[
              {"role":"user","parts":[{"text":"Hi"}]},
              {"role":"model","parts":[{"text":"Hello!"}]},
              {"role":"user","parts":[{"text":"One"},{"text":"Two"}]}],
             "systemInstruction":{"parts":[{"text":"You are terse."}]},
             "generationConfig":{}}
            """, body);
    }

    [Fact]
    public void BuildRequest_EmptyMessage_IsDropped()
    {
        var body = GeminiWire.BuildRequest(Request([User("Hi"), Assistant(), User("Again")]));

        AssertJson("""
            {"contents":[{"role":"user","parts":[{"text":"Hi"}]},{"role":"user","parts":[{"text":"Again"}]}],"generationConfig":{}}
            """, body);
    }

    [Fact]
    public void BuildRequest_AllParams_FillGenerationConfigInCamelCase()
    {
        var parameters = new InferenceParams(Temperature: 0.5, MaxTokens: 256, TopP: 0.9, Seed: 1, PresencePenalty: 0.25,
            FrequencyPenalty: -0.5, StopSequences: ["\n\n", "END"]);

        var body = GeminiWire.BuildRequest(Request(parameters: parameters));

        AssertJson("""
            {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
             "generationConfig":{"temperature":0.5,"topP":0.9,"maxOutputTokens":256,"seed":1,
               "presencePenalty":0.25,"frequencyPenalty":-0.5,"stopSequences":["\n\n","END"]}}
            """, body);
    }

    [Fact]
    public void BuildRequest_ToolsWithSpecificChoice_SendsDeclarationsAndAnyWithAllowedName()
    {
        var body = GeminiWire.BuildRequest(Request(tools: [Weather], toolChoice: new ToolChoice(ToolChoiceMode.Specific, "get_weather")));

        AssertJson("""
            {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
             "tools":[{"functionDeclarations":[{"name":"get_weather","description":"Weather for a city",
               "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]}],
             "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_weather"]}},
             "generationConfig":{}}
            """, body);
    }

    [Theory]
    [InlineData(ToolChoiceMode.Auto, "AUTO")]
    [InlineData(ToolChoiceMode.None, "NONE")]
    [InlineData(ToolChoiceMode.Required, "ANY")]
    public void BuildRequest_ToolChoiceMode_MapsToFunctionCallingMode(ToolChoiceMode mode, string expected)
    {
        var body = GeminiWire.BuildRequest(Request(tools: [Weather], toolChoice: new ToolChoice(mode)));

        AssertJson($$$"""{"functionCallingConfig":{"mode":"{{{expected}}}"}}""", body["toolConfig"]!);
    }

    [Fact]
    public void BuildRequest_ToolsWithoutChoice_OmitsToolConfig()
    {
        var body = GeminiWire.BuildRequest(Request(tools: [Weather]));

        Assert.NotNull(body["tools"]);
        Assert.False(body.ContainsKey("toolConfig"));
    }

    [Fact]
    public void BuildRequest_NoTools_OmitsToolsAndToolConfig()
    {
        var body = GeminiWire.BuildRequest(Request(toolChoice: ToolChoice.Auto));

        Assert.False(body.ContainsKey("tools"));
        Assert.False(body.ContainsKey("toolConfig"));
    }

    [Fact]
    public void BuildRequest_ToolHistory_SendsFunctionCallArgsAsObjectAndFunctionResponse()
    {
        var body = GeminiWire.BuildRequest(Request([
            User("Weather in Paris?"),
            Assistant(new TextBlock("Checking."), new ToolCallBlock("call-1", "get_weather", "{\"city\":\"Paris\"}")),
            User(new ToolResultBlock("call-1", "get_weather", "22C"), new TextBlock("Thanks")),
        ]));

        AssertJson("""
            [{"role":"user","parts":[{"text":"Weather in Paris?"}]},
             {"role":"model","parts":[{"text":"Checking."},{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]},
             {"role":"user","parts":[
               {"functionResponse":{"name":"get_weather","response":{"name":"get_weather","content":"22C"}}},
               {"text":"Thanks"}]}]
            """, body["contents"]!);
    }

    [Fact]
    public void BuildRequest_ToolCallWithEmptyArguments_SendsEmptyObject()
    {
        var body = GeminiWire.BuildRequest(Request([Assistant(new ToolCallBlock("c", "now", string.Empty))]));

        AssertJson("""{"functionCall":{"name":"now","args":{}}}""", body["contents"]![0]!["parts"]![0]!);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public void BuildRequest_ToolCallArgumentsNotAnObject_ThrowsInvalidRequest(string arguments)
    {
        var error = Assert.Throws<GatewayError>(() =>
            GeminiWire.BuildRequest(Request([Assistant(new ToolCallBlock("call-9", "get_weather", arguments))])));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Contains("get_weather", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildRequest_ThoughtBlocks_SendThoughtPartsAndSignatureOnFollowingPart()
    {
        var body = GeminiWire.BuildRequest(Request([
            User("Hi"),
            Assistant(
                new ThoughtBlock("Thinking…", "sig-1"),
                new ThoughtBlock(null, "sig-2"),
                new ToolCallBlock("c", "get_weather", "{\"city\":\"Paris\"}")),
        ]));

        AssertJson("""
            {"role":"model","parts":[
              {"thought":true,"text":"Thinking…","thoughtSignature":"sig-1"},
              {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"sig-2"}]}
            """, body["contents"]![1]!);
    }

    [Theory]
    [InlineData(JsonMode.On)]
    [InlineData(JsonMode.Strict)]
    public void BuildRequest_JsonModeWithSchema_SetsMimeTypeAndCleanedSchema(JsonMode mode)
    {
        var schema = Schema("""
            {"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
             "properties":{"answer":{"type":"string"},"additionalProperties":{"type":"object","additionalProperties":false}},
             "additionalProperties":false}
            """);

        var body = GeminiWire.BuildRequest(Request(jsonMode: mode, outputSchema: schema));

        AssertJson("""
            {"responseMimeType":"application/json",
             "responseSchema":{"type":"object","properties":{"answer":{"type":"string"},"additionalProperties":{"type":"object"}}}}
            """, body["generationConfig"]!);
        Assert.Contains("$schema", schema.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void BuildRequest_JsonModeOnWithoutSchema_SetsMimeTypeOnly()
    {
        var body = GeminiWire.BuildRequest(Request(jsonMode: JsonMode.On));

        AssertJson("""{"responseMimeType":"application/json"}""", body["generationConfig"]!);
    }

    [Fact]
    public void BuildRequest_JsonModeTool_ForcesRespondTool()
    {
        var schema = Schema("""{"type":"object","properties":{"answer":{"type":"string"}}}""");

        var body = GeminiWire.BuildRequest(Request(jsonMode: JsonMode.Tool, outputSchema: schema));

        AssertJson("""
            {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
             "tools":[{"functionDeclarations":[{"name":"respond","description":"Respond to the user using the output schema provided.",
               "parameters":{"type":"object","properties":{"answer":{"type":"string"}}}}]}],
             "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["respond"]}},
             "generationConfig":{}}
            """, body);
    }

    [Fact]
    public void BuildRequest_ExtraBody_IsAppliedLast()
    {
        var body = GeminiWire.BuildRequest(Request(extraBody: [
            new ExtraBodyItem("/generationConfig/thinkingConfig", JsonNode.Parse("""{"thinkingBudget":1024}"""), Delete: false),
        ]));

        AssertJson("""{"thinkingConfig":{"thinkingBudget":1024}}""", body["generationConfig"]!);
    }

    [Fact]
    public void ParseResponse_TextThoughtAndFunctionCall_MapsBlocksInOrder()
    {
        const string raw = """
            {"candidates":[{"content":{"role":"model","parts":[
                {"text":"thinking…","thought":true},
                {"text":"Hello"},
                {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"sig"}]},
              "finishReason":"STOP","index":0}],
             "usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":5,"thoughtsTokenCount":3,"cachedContentTokenCount":0,"totalTokenCount":18},
             "modelVersion":"gemini-2.5-flash","responseId":"r1"}
            """;

        var response = GeminiWire.ParseResponse("{}", raw, "Gemini");

        Assert.Equal(4, response.Content.Count);
        Assert.Equal(new ThoughtBlock("thinking…"), response.Content[0]);
        Assert.Equal(new TextBlock("Hello"), response.Content[1]);
        Assert.Equal(new ThoughtBlock(null, "sig"), response.Content[2]);
        var call = Assert.IsType<ToolCallBlock>(response.Content[3]);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("""{"city":"Paris"}""", call.Arguments);
        Assert.Equal(7, Guid.Parse(call.Id).Version);
        Assert.Equal(new Usage(10, 8), response.Usage);
        Assert.Equal(FinishReason.Stop, response.FinishReason);
        Assert.Equal(raw, response.RawResponse);
    }

    [Fact]
    public void ParseResponse_FunctionCallWithoutArgs_HasEmptyObjectArguments()
    {
        var response = GeminiWire.ParseResponse("{}", """{"candidates":[{"content":{"parts":[{"functionCall":{"name":"now"}}]}}]}""", "Gemini");

        Assert.Equal("{}", Assert.IsType<ToolCallBlock>(Assert.Single(response.Content)).Arguments);
        Assert.Null(response.FinishReason);
        Assert.Equal(Usage.Unknown, response.Usage);
    }

    [Fact]
    public void ParseResponse_CandidateWithoutContent_ReturnsNoContent()
    {
        var response = GeminiWire.ParseResponse("{}", """{"candidates":[{"finishReason":"SAFETY","index":0}]}""", "Gemini");

        Assert.Empty(response.Content);
        Assert.Equal(FinishReason.ContentFilter, response.FinishReason);
    }

    [Theory]
    [InlineData("""{"candidates":[]}""", "expected at least one candidate")]
    [InlineData("""{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":3}}""", "prompt blocked: SAFETY")]
    [InlineData("""[1]""", "not a JSON object")]
    [InlineData("""{"candidates":""", "not valid JSON")]
    public void ParseResponse_Malformed_ThrowsProviderServerError(string raw, string problem)
    {
        var error = Assert.Throws<GatewayError>(() => GeminiWire.ParseResponse("{}", raw, "Gemini"));

        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"promptTokenCount":10,"candidatesTokenCount":5}""", 10L, 5L)]
    [InlineData("""{"promptTokenCount":10,"thoughtsTokenCount":4}""", 10L, 4L)]
    [InlineData("""{"promptTokenCount":10}""", 10L, null)]
    public void ParseUsage_Counts_MapInputAndOutputWithThoughts(string json, long? input, long? output)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(new Usage(input, output), GeminiWire.ParseUsage(document.RootElement));
    }

    [Fact]
    public void ParseUsage_NoCounts_IsNull()
    {
        using var document = JsonDocument.Parse("""{"trafficType":"ON_DEMAND","usage":[1],"n":null}""");

        Assert.Null(GeminiWire.ParseUsage(document.RootElement));
        Assert.Null(GeminiWire.ParseUsage(document.RootElement.GetProperty("usage")));
        Assert.Null(GeminiWire.ParseUsage(document.RootElement.GetProperty("n")));
        Assert.Null(GeminiWire.ParseUsage(default));
    }

    [Theory]
    [InlineData("STOP", FinishReason.Stop)]
    [InlineData("MAX_TOKENS", FinishReason.Length)]
    [InlineData("SAFETY", FinishReason.ContentFilter)]
    [InlineData("BLOCKLIST", FinishReason.ContentFilter)]
    [InlineData("PROHIBITED_CONTENT", FinishReason.ContentFilter)]
    [InlineData("SPII", FinishReason.ContentFilter)]
    [InlineData("RECITATION", FinishReason.ToolCall)]
    [InlineData("MALFORMED_FUNCTION_CALL", FinishReason.ToolCall)]
    [InlineData("OTHER", FinishReason.Unknown)]
    [InlineData("FINISH_REASON_UNSPECIFIED", FinishReason.Unknown)]
    public void MapFinishReason_GeminiReason_MapsLikeTensorZero(string reason, FinishReason expected)
    {
        Assert.Equal(expected, GeminiWire.MapFinishReason(reason));
    }

    [Theory]
    [InlineData(1024, null, """{"thinkingBudget":1024}""")]
    [InlineData(-1, null, """{"thinkingBudget":-1}""")]
    [InlineData(null, "high", """{"thinkingLevel":"high"}""")]
    public void BuildRequest_ThinkingParams_AreTheThinkingConfig(int? budget, string? effort, string expected)
    {
        var body = GeminiWire.BuildRequest(Request(parameters: new InferenceParams(ReasoningEffort: effort, ThinkingBudgetTokens: budget)));

        AssertJson(expected, body["generationConfig"]!["thinkingConfig"]!);
    }

    [Fact]
    public void BuildRequest_NoThinkingParams_SendsNoThinkingConfig()
    {
        var body = GeminiWire.BuildRequest(Request(parameters: new InferenceParams(Verbosity: "low", ServiceTier: "flex")));

        Assert.False(body["generationConfig"]!.AsObject().ContainsKey("thinkingConfig"));
    }
}
