using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Anthropic;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.Anthropic;

public sealed class AnthropicWireTests
{
    private static readonly AnthropicWireOptions Haiku = new("claude-haiku-4-5");

    private static readonly JsonObject WeatherSchema = JsonNode.Parse("""
        {"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}
        """)!.AsObject();

    private static ModelRequest Request(
        string text = "Hi",
        string? system = null,
        InferenceParams? parameters = null,
        IReadOnlyList<ToolDefinition>? tools = null,
        ToolChoice? toolChoice = null,
        bool? parallel = null,
        JsonMode jsonMode = JsonMode.Off,
        JsonObject? schema = null) =>
        new(system, [new RequestMessage(Role.User, [new TextBlock(text)])], parameters ?? InferenceParams.Empty, [], [],
            tools, toolChoice, parallel, jsonMode, schema);

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual.ToJsonString()}");

    [Fact]
    public void BuildRequest_TextWithParams_MatchesAnthropicBody()
    {
        var request = Request(system: "You are terse.", parameters: new InferenceParams(
            Temperature: 0.5, MaxTokens: 100, TopP: 0.9, Seed: 7, PresencePenalty: 0.1, FrequencyPenalty: 0.2, StopSequences: ["\n\n"]));

        var body = AnthropicWire.BuildRequest(request, Haiku, stream: false);

        AssertJson("""
            {"model":"claude-haiku-4-5","max_tokens":100,"stream":false,
             "system":[{"type":"text","text":"You are terse."}],
             "messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],
             "temperature":0.5,"top_p":0.9,"stop_sequences":["\n\n"]}
            """, body);
    }

    [Theory]
    [InlineData("claude-3-haiku-20240307", 4_096)]
    [InlineData("claude-3-opus-20240229", 4_096)]
    [InlineData("claude-3-5-sonnet-20241022", 8_192)]
    [InlineData("claude-3-5-haiku-latest", 8_192)]
    [InlineData("claude-3-7-sonnet-latest", 64_000)]
    [InlineData("claude-sonnet-4-20250514", 64_000)]
    [InlineData("claude-sonnet-4-5", 64_000)]
    [InlineData("claude-haiku-4-5", 64_000)]
    [InlineData("claude-haiku-4-5@20251001", 64_000)]
    [InlineData("claude-opus-4-5-20251101", 64_000)]
    [InlineData("claude-opus-4-20250514", 32_000)]
    [InlineData("claude-opus-4-0", 32_000)]
    [InlineData("claude-opus-4-1", 32_000)]
    [InlineData("claude-opus-4@20250514", 32_000)]
    [InlineData("claude-opus-4-6", 128_000)]
    public void BuildRequest_NoMaxTokens_UsesModelDefault(string model, int expected)
    {
        var body = AnthropicWire.BuildRequest(Request(), new AnthropicWireOptions(model), stream: false);

        Assert.Equal(expected, body["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public void BuildRequest_UnknownModelWithoutMaxTokens_FailsNamingModelAndSetting()
    {
        var error = Assert.Throws<GatewayError>(() => AnthropicWire.BuildRequest(Request(), new AnthropicWireOptions("claude-next"), stream: false));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Contains("`claude-next`", error.Message, StringComparison.Ordinal);
        Assert.Contains("max_tokens", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildRequest_UnknownModelWithMaxTokens_UsesIt()
    {
        var body = AnthropicWire.BuildRequest(Request(parameters: new InferenceParams(MaxTokens: 10)), new AnthropicWireOptions("claude-next"), stream: true);

        Assert.Equal(10, body["max_tokens"]!.GetValue<int>());
        Assert.True(body["stream"]!.GetValue<bool>());
    }

    [Fact]
    public void BuildRequest_ToolConversation_MapsBlocks()
    {
        var request = new ModelRequest(null,
        [
            new RequestMessage(Role.User, [new TextBlock("Weather in Paris?")]),
            new RequestMessage(Role.Assistant,
            [
                new ThoughtBlock("The user wants weather.", "sig-1"),
                new ThoughtBlock(null, "redacted-data"),
                new ThoughtBlock(null, null),
                new TextBlock("Checking."),
                new ToolCallBlock("toolu_1", "get_weather", "{\"city\": \"Paris\"}"),
            ]),
            new RequestMessage(Role.User, [new ToolResultBlock("toolu_1", "get_weather", "22C")]),
        ], new InferenceParams(MaxTokens: 64), [], []);

        var body = AnthropicWire.BuildRequest(request, Haiku, stream: false);

        AssertJson("""
            [{"role":"user","content":[{"type":"text","text":"Weather in Paris?"}]},
             {"role":"assistant","content":[
                {"type":"thinking","thinking":"The user wants weather.","signature":"sig-1"},
                {"type":"redacted_thinking","data":"redacted-data"},
                {"type":"text","text":"Checking."},
                {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"22C"}]}]}]
            """, body["messages"]!);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("{not json")]
    public void BuildRequest_ToolCallArgumentsNotAnObject_FailsAsInvalidRequest(string arguments)
    {
        var request = new ModelRequest(null,
        [
            new RequestMessage(Role.User, [new TextBlock("Hi")]),
            new RequestMessage(Role.Assistant, [new ToolCallBlock("toolu_1", "f", arguments)]),
        ], new InferenceParams(MaxTokens: 64), [], []);

        var error = Assert.Throws<GatewayError>(() => AnthropicWire.BuildRequest(request, Haiku, stream: false));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Contains("toolu_1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildRequest_AssistantFirstAndLast_AddsListeningUserTurns()
    {
        var request = new ModelRequest(null, [new RequestMessage(Role.Assistant, [new TextBlock("Hello!")])], InferenceParams.Empty, [], []);

        var body = AnthropicWire.BuildRequest(request, Haiku, stream: false);

        AssertJson("""
            [{"role":"user","content":[{"type":"text","text":"[listening]"}]},
             {"role":"assistant","content":[{"type":"text","text":"Hello!"}]},
             {"role":"user","content":[{"type":"text","text":"[listening]"}]}]
            """, body["messages"]!);
    }

    [Fact]
    public void BuildRequest_NoMessages_FailsAsInvalidRequest()
    {
        var request = new ModelRequest("sys", [], InferenceParams.Empty, [], []);

        var error = Assert.Throws<GatewayError>(() => AnthropicWire.BuildRequest(request, Haiku, stream: false));

        Assert.Equal("Anthropic requires at least one message", error.Message);
    }

    [Fact]
    public void BuildRequest_ToolsAuto_SendsInputSchemaStrictAndChoice()
    {
        var request = Request(tools: [new ToolDefinition("get_weather", "Get the weather.", WeatherSchema, Strict: true)]);

        var body = AnthropicWire.BuildRequest(request, Haiku, stream: false);

        AssertJson($$"""
            [{"name":"get_weather","description":"Get the weather.","input_schema":{{WeatherSchema.ToJsonString()}},"strict":true}]
            """, body["tools"]!);
        AssertJson("""{"type":"auto","disable_parallel_tool_use":false}""", body["tool_choice"]!);
    }

    [Theory]
    [InlineData(ToolChoiceMode.Auto, null, null, """{"type":"auto","disable_parallel_tool_use":false}""")]
    [InlineData(ToolChoiceMode.Required, null, false, """{"type":"any","disable_parallel_tool_use":true}""")]
    [InlineData(ToolChoiceMode.Specific, "get_weather", true, """{"type":"tool","name":"get_weather","disable_parallel_tool_use":false}""")]
    [InlineData(ToolChoiceMode.Auto, null, false, """{"type":"auto","disable_parallel_tool_use":true}""")]
    public void BuildRequest_ToolChoice_MapsToAnthropicChoice(ToolChoiceMode mode, string? name, bool? parallel, string expected)
    {
        var request = Request(tools: [new ToolDefinition("get_weather", "Get the weather.", WeatherSchema)],
            toolChoice: new ToolChoice(mode, name), parallel: parallel);

        var body = AnthropicWire.BuildRequest(request, Haiku, stream: false);

        AssertJson(expected, body["tool_choice"]!);
    }

    [Fact]
    public void BuildRequest_ToolChoiceNone_SendsNoToolsAtAll()
    {
        var options = Haiku with { ProviderTools = [new JsonObject { ["type"] = "web_search_20250305", ["name"] = "web_search" }] };
        var request = Request(tools: [new ToolDefinition("get_weather", "Get the weather.", WeatherSchema)],
            toolChoice: new ToolChoice(ToolChoiceMode.None));

        var body = AnthropicWire.BuildRequest(request, options, stream: false);

        Assert.False(body.ContainsKey("tools"));
        Assert.False(body.ContainsKey("tool_choice"));
    }

    [Fact]
    public void BuildRequest_ProviderTools_AppendedAfterFunctionTools()
    {
        var options = Haiku with { ProviderTools = [new JsonObject { ["type"] = "web_search_20250305", ["name"] = "web_search", ["max_uses"] = 5 }] };
        var request = Request(tools: [new ToolDefinition("get_weather", "Get the weather.", WeatherSchema)]);

        var body = AnthropicWire.BuildRequest(request, options, stream: false);

        var tools = body["tools"]!.AsArray();
        Assert.Equal(2, tools.Count);
        AssertJson("""{"type":"web_search_20250305","name":"web_search","max_uses":5}""", tools[1]!);
    }

    [Fact]
    public void BuildRequest_ProviderToolsOnly_SendsAutoChoice()
    {
        var options = Haiku with { ProviderTools = [new JsonObject { ["type"] = "web_search_20250305", ["name"] = "web_search" }] };

        var body = AnthropicWire.BuildRequest(Request(), options, stream: false);

        Assert.Single(body["tools"]!.AsArray());
        AssertJson("""{"type":"auto","disable_parallel_tool_use":false}""", body["tool_choice"]!);
    }

    [Fact]
    public void BuildRequest_NoTools_SendsNoToolChoice()
    {
        var body = AnthropicWire.BuildRequest(Request(toolChoice: new ToolChoice(ToolChoiceMode.Required)), Haiku, stream: false);

        Assert.False(body.ContainsKey("tools"));
        Assert.False(body.ContainsKey("tool_choice"));
    }

    [Fact]
    public void BuildRequest_JsonModeOnForJsonFunction_AppendsAssistantPrefill()
    {
        var request = Request(jsonMode: JsonMode.On) with { FunctionType = FunctionType.Json };

        var body = AnthropicWire.BuildRequest(request, Haiku, stream: false);

        AssertJson("""
            [{"role":"user","content":[{"type":"text","text":"Hi"}]},
             {"role":"assistant","content":[{"type":"text","text":"Here is the JSON requested:\n{"}]}]
            """, body["messages"]!);
        Assert.False(body.ContainsKey("output_config"));
        Assert.True(AnthropicWire.UsesJsonPrefill(request, Haiku));
    }

    [Fact]
    public void BuildRequest_JsonModeStrictWithSchema_SendsOutputConfigFormat()
    {
        var request = Request(jsonMode: JsonMode.Strict, schema: WeatherSchema);

        var body = AnthropicWire.BuildRequest(request, Haiku, stream: false);

        AssertJson($$$"""{"format":{"type":"json_schema","schema":{{{WeatherSchema.ToJsonString()}}}}}""", body["output_config"]!);
        Assert.Single(body["messages"]!.AsArray());
        Assert.False(AnthropicWire.UsesJsonPrefill(request, Haiku));
    }

    [Theory]
    [InlineData(JsonMode.On)]
    [InlineData(JsonMode.Strict)]
    public void BuildRequest_ChatFunctionJsonModeWithoutSchema_SendsNeitherPrefillNorFormat(JsonMode mode)
    {
        // TensorZero prefills only for JSON functions; `strict` without a schema has nothing to enforce.
        var request = Request(jsonMode: mode);

        var body = AnthropicWire.BuildRequest(request, Haiku, stream: false);

        Assert.Single(body["messages"]!.AsArray());
        Assert.False(body.ContainsKey("output_config"));
        Assert.False(AnthropicWire.UsesJsonPrefill(request, Haiku));
    }

    [Fact]
    public void BuildRequest_JsonModeStrictForJsonFunction_SendsFormatWithoutPrefill()
    {
        var request = Request(jsonMode: JsonMode.Strict, schema: WeatherSchema) with { FunctionType = FunctionType.Json };

        var body = AnthropicWire.BuildRequest(request, Haiku, stream: false);

        Assert.Single(body["messages"]!.AsArray());
        Assert.True(body.ContainsKey("output_config"));
    }

    [Fact]
    public void BuildRequest_JsonModeTool_ForcesRespondTool()
    {
        var request = Request(jsonMode: JsonMode.Tool, schema: WeatherSchema);

        var body = AnthropicWire.BuildRequest(request, Haiku, stream: false);

        AssertJson($$"""
            [{"name":"respond","description":"Respond to the user using the output schema provided.","input_schema":{{WeatherSchema.ToJsonString()}},"strict":false}]
            """, body["tools"]!);
        AssertJson("""{"type":"tool","name":"respond","disable_parallel_tool_use":false}""", body["tool_choice"]!);
        Assert.Single(body["messages"]!.AsArray());
    }

    [Fact]
    public void BuildRequest_VertexOptions_BodyHasVersionNoModelNoStrictNoJsonFeatures()
    {
        var vertex = new AnthropicWireOptions("claude-haiku-4-5@20251001", SendModel: false, AnthropicVersion: "vertex-2023-10-16",
            StrictTools: false, NativeJsonMode: false);
        var request = Request(tools: [new ToolDefinition("get_weather", "Get the weather.", WeatherSchema, Strict: true)],
            jsonMode: JsonMode.On);

        var body = AnthropicWire.BuildRequest(request, vertex, stream: true);

        Assert.Equal("vertex-2023-10-16", body["anthropic_version"]!.GetValue<string>());
        Assert.False(body.ContainsKey("model"));
        Assert.False(body["tools"]![0]!.AsObject().ContainsKey("strict"));
        Assert.Single(body["messages"]!.AsArray());
        Assert.Equal(64_000, body["max_tokens"]!.GetValue<int>());
        Assert.False(AnthropicWire.UsesJsonPrefill(request, vertex));
    }

    [Fact]
    public void BuildRequest_VariantExtraBody_Applied()
    {
        var request = Request() with { ExtraBody = [new ExtraBodyItem("/service_tier", JsonValue.Create("auto"), false)] };

        var body = AnthropicWire.BuildRequest(request, Haiku, stream: false);

        Assert.Equal("auto", body["service_tier"]!.GetValue<string>());
    }

    [Fact]
    public void ParseResponse_AllBlockTypes_MapsContentUsageAndFinish()
    {
        const string raw = """
            {"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5",
             "content":[{"type":"thinking","thinking":"Hmm.","signature":"sig-1"},
                        {"type":"redacted_thinking","data":"opaque"},
                        {"type":"text","text":"Hello"},
                        {"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}},
                        {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":25,"output_tokens":12,"cache_creation_input_tokens":3,"cache_read_input_tokens":4}}
            """;

        var response = AnthropicWire.ParseResponse("req", raw, "Anthropic", jsonPrefill: false);

        Assert.Equal(
            [
                new ThoughtBlock("Hmm.", "sig-1"),
                new ThoughtBlock(null, "opaque"),
                new TextBlock("Hello"),
                new ToolCallBlock("toolu_1", "get_weather", "{\"city\":\"Paris\"}"),
            ],
            response.Content);
        Assert.Equal(new Usage(32, 12), response.Usage);
        Assert.Equal(FinishReason.ToolCall, response.FinishReason);
        Assert.Equal("req", response.RawRequest);
        Assert.Equal(raw, response.RawResponse);
    }

    [Fact]
    public void ParseResponse_BlocksThatAreNotObjects_AreSkipped()
    {
        const string raw = """
            {"content":["text",null,7,{"type":"text","text":"Hi"},{"type":"tool_use","id":"t","name":"n","input":null}],
             "stop_reason":null,"usage":"n/a"}
            """;

        var response = AnthropicWire.ParseResponse("", raw, "Anthropic", jsonPrefill: false);

        Assert.Equal([new TextBlock("Hi"), new ToolCallBlock("t", "n", "{}")], response.Content);
        Assert.Null(response.FinishReason);
        Assert.Equal(Usage.Unknown, response.Usage);
        // A usage value that is not an object is still the provider's raw usage, as sent.
        Assert.Equal("\"n/a\"", response.RawUsage!.Data!.ToJsonString());
    }

    [Fact]
    public void ParseResponse_ToolInput_IsCompactJsonWithTheDefaultEscaping()
    {
        const string raw = """
            {"content":[{"type":"tool_use","id":"t","name":"n","input": { "city" : "Zürich <1>", "n": [1, 2] }}],"usage":{"input_tokens":1,"output_tokens":1}}
            """;

        var call = Assert.IsType<ToolCallBlock>(Assert.Single(AnthropicWire.ParseResponse("", raw, "Anthropic", jsonPrefill: false).Content));

        Assert.Equal("""{"city":"Z\u00FCrich \u003C1\u003E","n":[1,2]}""", call.Arguments);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("{\"content\":{}}")]
    public void ParseResponse_NotAMessage_IsAMalformedResponse(string raw)
    {
        var error = Assert.Throws<GatewayError>(() => AnthropicWire.ParseResponse("", raw, "Anthropic", jsonPrefill: false));

        Assert.StartsWith("Error parsing response from Anthropic", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("end_turn", FinishReason.Stop)]
    [InlineData("max_tokens", FinishReason.Length)]
    [InlineData("stop_sequence", FinishReason.StopSequence)]
    [InlineData("tool_use", FinishReason.ToolCall)]
    [InlineData("pause_turn", FinishReason.Unknown)]
    [InlineData("refusal", FinishReason.Unknown)]
    public void ParseResponse_StopReason_MapsToFinishReason(string stopReason, FinishReason expected)
    {
        var raw = $$$"""{"id":"m","type":"message","role":"assistant","model":"x","content":[],"stop_reason":"{{{stopReason}}}","usage":{"input_tokens":1,"output_tokens":1}}""";

        Assert.Equal(expected, AnthropicWire.ParseResponse("", raw, "Anthropic", jsonPrefill: false).FinishReason);
    }

    [Fact]
    public void ParseResponse_JsonPrefill_PrependsBrace()
    {
        const string raw = """{"id":"m","type":"message","role":"assistant","model":"x","content":[{"type":"text","text":" \"answer\":\"Hello\"}\n"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}""";

        var response = AnthropicWire.ParseResponse("", raw, "Anthropic", jsonPrefill: true);

        Assert.Equal([new TextBlock("{\"answer\":\"Hello\"}")], response.Content);
    }

    [Fact]
    public void ParseResponse_NoContentArray_FailsAsMalformed()
    {
        var error = Assert.Throws<GatewayError>(() => AnthropicWire.ParseResponse("", """{"type":"message"}""", "Anthropic", jsonPrefill: false));

        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Contains("content", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseResponse_NoStopReasonOrUsage_LeavesThemUnknown()
    {
        var response = AnthropicWire.ParseResponse("", """{"content":[{"type":"text","text":"x"}],"stop_reason":null}""", "Anthropic", jsonPrefill: false);

        Assert.Null(response.FinishReason);
        Assert.Equal(Usage.Unknown, response.Usage);
    }

    [Fact]
    public void BuildRequest_ThinkingBudget_IsManualThinking()
    {
        var body = AnthropicWire.BuildRequest(Request(parameters: new InferenceParams(MaxTokens: 4000, ThinkingBudgetTokens: 1024)), Haiku, stream: false);

        AssertJson("""{"type":"enabled","budget_tokens":1024}""", body["thinking"]!);
        Assert.Null(body["output_config"]);
    }

    [Fact]
    public void BuildRequest_ReasoningEffortWithStrictJson_IsAdaptiveThinkingBesideTheOutputFormat()
    {
        var body = AnthropicWire.BuildRequest(
            Request(parameters: new InferenceParams(ReasoningEffort: "high"), jsonMode: JsonMode.Strict, schema: WeatherSchema), Haiku, stream: false);

        AssertJson("""{"type":"adaptive"}""", body["thinking"]!);
        Assert.Equal("high", body["output_config"]!["effort"]!.GetValue<string>());
        Assert.Equal("json_schema", body["output_config"]!["format"]!["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Anthropic")]
    [InlineData("GCP Vertex Anthropic")]
    public void BuildRequest_ReasoningEffortAndThinkingBudget_IsARequestErrorNamingTheHost(string host)
    {
        var error = Assert.Throws<GatewayError>(() => AnthropicWire.BuildRequest(
            Request(parameters: new InferenceParams(ReasoningEffort: "low", ThinkingBudgetTokens: 1024)), Haiku with { HostName = host }, stream: false));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(
            $"Cannot specify both `reasoning_effort` and `thinking_budget_tokens` for {host}. Use `reasoning_effort` for adaptive thinking or `thinking_budget_tokens` for manual thinking.",
            error.Message);
    }

    [Theory]
    [InlineData("auto", "auto")]
    [InlineData("priority", "auto")]
    [InlineData("default", "standard_only")]
    [InlineData("flex", null)]
    public void BuildRequest_ServiceTier_MapsToAnthropicsNames(string tier, string? sent)
    {
        var anthropic = AnthropicWire.BuildRequest(Request(parameters: new InferenceParams(ServiceTier: tier)), Haiku, stream: false);
        var vertex = AnthropicWire.BuildRequest(Request(parameters: new InferenceParams(ServiceTier: tier)), Haiku with { SendsServiceTier = false }, stream: false);

        Assert.Equal(sent, anthropic["service_tier"]?.GetValue<string>());
        Assert.False(vertex.ContainsKey("service_tier"));
    }
}
