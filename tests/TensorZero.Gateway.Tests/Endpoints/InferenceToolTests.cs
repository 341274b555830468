using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>Tools and JSON functions on <c>/inference</c>: configured and request-time tools, validation of tool calls and JSON output.</summary>
public sealed class InferenceToolTests : IClassFixture<InferenceToolTests.ToolGateway>
{
    public const string TemperatureSchema = """
        {"type":"object","properties":{"location":{"type":"string"},"units":{"type":"string","enum":["fahrenheit","celsius"]}},
         "required":["location"],"additionalProperties":false}
        """;

    public const string AnswerSchema = """
        {"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"],"additionalProperties":false}
        """;

    private readonly HttpClient _client;

    public InferenceToolTests(ToolGateway gateway) => _client = gateway.CreateClient();

    public sealed class ToolGateway() : GatewayFactory("""
        [tools.get_temperature]
        description = "Get the current temperature in a given location"
        parameters = "schemas/get_temperature.json"
        strict = true

        [functions.weather]
        type = "chat"
        tools = ["get_temperature"]
        tool_choice = "auto"
        [functions.weather.variants.tool]
        type = "chat_completion"
        model = "dummy::tool"
        [functions.weather.variants.bad_tool]
        type = "chat_completion"
        model = "dummy::bad_tool"
        weight = 0
        [functions.weather.variants.invalid_arguments]
        type = "chat_completion"
        model = "dummy::invalid_tool_arguments"
        weight = 0

        [functions.no_tools]
        type = "chat"
        [functions.no_tools.variants.v]
        type = "chat_completion"
        model = "dummy::tool"

        [functions.extract]
        type = "json"
        output_schema = "schemas/answer.json"
        [functions.extract.variants.good]
        type = "chat_completion"
        model = "dummy::json"
        json_mode = "strict"
        [functions.extract.variants.wrong_shape]
        type = "chat_completion"
        model = "dummy::json_diff_schema"
        json_mode = "strict"
        weight = 0
        """,
        files: new Dictionary<string, string>
        {
            ["schemas/get_temperature.json"] = TemperatureSchema,
            ["schemas/answer.json"] = AnswerSchema,
        });

    private Task<(HttpStatusCode Status, JsonObject Body, string Raw)> Infer(object body) => _client.PostInferenceAsync(body);

    [Fact]
    public async Task ToolCall_ValidArguments_HasNameAndParsedArguments()
    {
        var (status, body, _) = await Infer(new { function_name = "weather", variant_name = "tool", input = GatewayClient.UserMessage("weather?") });

        Assert.Equal(HttpStatusCode.OK, status);
        var call = body["content"]![0]!;
        Assert.Equal("tool_call", call["type"]!.GetValue<string>());
        Assert.Equal("0", call["id"]!.GetValue<string>());
        Assert.Equal("get_temperature", call["raw_name"]!.GetValue<string>());
        Assert.Equal("get_temperature", call["name"]!.GetValue<string>());
        Assert.Equal("""{"location":"Brooklyn","units":"celsius"}""", call["raw_arguments"]!.GetValue<string>());
        Assert.Equal("Brooklyn", call["arguments"]!["location"]!.GetValue<string>());
        Assert.Equal("tool_call", body["finish_reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("bad_tool")]
    [InlineData("invalid_arguments")]
    public async Task ToolCall_ArgumentsFailSchemaOrParse_ArgumentsAreNull(string variant)
    {
        var (status, body, _) = await Infer(new { function_name = "weather", variant_name = variant, input = GatewayClient.UserMessage("weather?") });

        Assert.Equal(HttpStatusCode.OK, status);
        var call = body["content"]![0]!.AsObject();
        Assert.Equal("get_temperature", call["name"]!.GetValue<string>());
        Assert.True(call.ContainsKey("arguments"));
        Assert.Null(call["arguments"]);
    }

    [Fact]
    public async Task ToolCall_UnknownTool_NameIsNull()
    {
        var (_, body, _) = await Infer(new { function_name = "no_tools", input = GatewayClient.UserMessage("x") });

        var call = body["content"]![0]!.AsObject();
        Assert.Equal("get_temperature", call["raw_name"]!.GetValue<string>());
        Assert.Null(call["name"]);
        Assert.Null(call["arguments"]);
    }

    [Fact]
    public async Task AdditionalTools_MakeTheCallKnown()
    {
        var (_, body, _) = await Infer(new
        {
            function_name = "no_tools",
            input = GatewayClient.UserMessage("x"),
            additional_tools = new[] { new { name = "get_temperature", description = "t", parameters = JsonNode.Parse(TemperatureSchema) } },
        });

        Assert.Equal("get_temperature", body["content"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task JsonFunction_OutputMatchingSchema_IsParsed()
    {
        var (_, body, _) = await Infer(new { function_name = "extract", variant_name = "good", input = GatewayClient.UserMessage("x") });

        Assert.Equal("Hello", body["output"]!["parsed"]!["answer"]!.GetValue<string>());
    }

    [Fact]
    public async Task JsonFunction_OutputFailingSchema_ParsedIsNullButRawKept()
    {
        var (status, body, _) = await Infer(new { function_name = "extract", variant_name = "wrong_shape", input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"response":"Hello"}""", body["output"]!["raw"]!.GetValue<string>());
        Assert.True(body["output"]!.AsObject().ContainsKey("parsed"));
        Assert.Null(body["output"]!["parsed"]);
    }

    [Fact]
    public async Task JsonFunction_RequestOutputSchema_ReplacesConfiguredOne()
    {
        var (_, body, _) = await Infer(new
        {
            function_name = "extract",
            variant_name = "wrong_shape",
            input = GatewayClient.UserMessage("x"),
            output_schema = JsonNode.Parse("""{"type":"object","required":["response"]}"""),
        });

        Assert.Equal("Hello", body["output"]!["parsed"]!["response"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"function_name":"extract","input":{"messages":[]},"allowed_tools":[]}""", "Cannot pass `allowed_tools` to a JSON function.")]
    [InlineData("""{"function_name":"extract","input":{"messages":[]},"tool_choice":"auto"}""", "Cannot pass `tool_choice` to a JSON function.")]
    [InlineData("""{"function_name":"weather","input":{"messages":[]},"allowed_tools":["nope"]}""", "`allowed_tools`: unknown tool `nope`")]
    [InlineData("""{"function_name":"weather","input":{"messages":[]},"additional_tools":[{"name":"get_temperature","description":"d","parameters":{}}]}""", "Duplicate tool name: get_temperature")]
    [InlineData("""{"function_name":"weather","input":{"messages":[]},"tool_choice":{"specific":"nope"}}""", "`tool_choice`: tool `nope` is not offered in this request")]
    [InlineData("""{"function_name":"weather","input":{"messages":[]},"output_schema":{},"params":{"chat_completion":{"json_mode":"tool"}}}""", "JSON mode `tool` is not supported with other tools configured.")]
    [InlineData("""{"function_name":"weather","input":{"messages":[{"role":"user","content":[{"type":"tool_result","id":"1"}]}]}}""", "`input.messages[0].content[0].name`: must be a string")]
    [InlineData("""{"function_name":"weather","input":{"messages":[{"role":"user","content":[{"type":"video","url":"x"}]}]}}""", "`input.messages[0].content[0].type`: content blocks of type `video` are not supported by this gateway yet (supported: text, raw_text, template, tool_call, tool_result, thought, file, image, unknown)")]
    public async Task BadToolRequest_Returns400(string json, string message)
    {
        var (status, body, _) = await _client.PostRawAsync("/inference", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task ToolsAndToolTurns_ReachOpenAIInItsWireFormat()
    {
        await using var openai = await FakeOpenAIServer.StartAsync();
        using var gateway = new GatewayFactory($$"""
            [models.gpt]
            routing = ["openai"]
            [models.gpt.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{openai.BaseUrl}}"
            api_key_location = "none"

            [tools.get_temperature]
            description = "Get the current temperature in a given location"
            parameters = "schemas/get_temperature.json"
            strict = true

            [functions.weather]
            type = "chat"
            tools = ["get_temperature"]
            tool_choice = { specific = "get_temperature" }
            parallel_tool_calls = false
            [functions.weather.variants.v]
            type = "chat_completion"
            model = "gpt"
            """, files: new Dictionary<string, string> { ["schemas/get_temperature.json"] = TemperatureSchema });

        var (status, _, raw) = await gateway.CreateClient().PostRawAsync("/inference", """
            {"function_name":"weather","input":{"messages":[
              {"role":"user","content":"What is the weather in Brooklyn?"},
              {"role":"assistant","content":[{"type":"tool_call","id":"call_1","name":"get_temperature","arguments":{"location":"Brooklyn"}}]},
              {"role":"user","content":[{"type":"tool_result","id":"call_1","name":"get_temperature","result":"22"},{"type":"text","text":"And tomorrow?"}]}
            ]}}
            """);

        Assert.True(status == HttpStatusCode.OK, raw);
        var body = Assert.Single(openai.Requests).Body;
        Assert.Equal("""
            [{"type":"function","function":{"name":"get_temperature","description":"Get the current temperature in a given location","parameters":{"type":"object","properties":{"location":{"type":"string"},"units":{"type":"string","enum":["fahrenheit","celsius"]}},"required":["location"],"additionalProperties":false}},"strict":true}]
            """.Trim(), body["tools"]!.ToJsonString());
        Assert.Equal("""{"type":"function","function":{"name":"get_temperature"}}""", body["tool_choice"]!.ToJsonString());
        Assert.False(body["parallel_tool_calls"]!.GetValue<bool>());
        var messages = body["messages"]!.AsArray();
        Assert.Equal("""{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_temperature","arguments":"{\u0022location\u0022:\u0022Brooklyn\u0022}"}}]}""", messages[1]!.ToJsonString());
        Assert.Equal("""{"role":"tool","tool_call_id":"call_1","content":"22"}""", messages[2]!.ToJsonString());
        Assert.Equal("""{"role":"user","content":"And tomorrow?"}""", messages[3]!.ToJsonString());
    }
}
