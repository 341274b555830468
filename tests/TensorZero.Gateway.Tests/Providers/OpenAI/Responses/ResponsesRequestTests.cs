using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Providers.OpenAI.Responses;
using static TensorZero.Gateway.Tests.Providers.OpenAI.OpenAIFamilyKit;

namespace TensorZero.Gateway.Tests.Providers.OpenAI.Responses;

/// <summary>The exact URL, headers and body an <c>openai</c> provider with <c>api_type = "responses"</c> sends.</summary>
public sealed class ResponsesRequestTests
{
    private const string Input = """[{"type":"message","role":"system","content":[{"type":"input_text","text":"Be terse."}]},{"type":"message","role":"user","content":[{"type":"input_text","text":"Hi"}]}]""";

    internal static IModelProvider Responses(IHttpClientFactory http, Dictionary<string, object?>? settings = null, string? apiBase = null)
    {
        var all = new Dictionary<string, object?>(settings ?? []) { ["api_type"] = "responses" };
        var provider = Create("openai", http, out var errors, modelName: "gpt-5-mini", apiBase: apiBase, settings: all);
        Assert.Empty(errors);
        return provider;
    }

    private static JsonObject BodyOf(ModelRequest request, Dictionary<string, object?>? settings = null)
    {
        var provider = (OpenAIResponsesProvider)Responses(new RecordingHttp(), settings);
        return JsonNode.Parse(provider.BuildBody(request, stream: false))!.AsObject();
    }

    [Fact]
    public async Task InferAsync_Text_SendsExactUrlHeadersAndBody()
    {
        var http = new RecordingHttp(ResponsesResponseTests.TextAnswer);
        await Responses(http).InferAsync(Hello, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal("https://api.openai.com/v1/responses", http.Last.RequestUri!.AbsoluteUri);
        Assert.Equal($"Bearer {Key}", http.Last.Headers.Authorization!.ToString());
        Assert.Equal(
            $$$"""{"model":"gpt-5-mini","input":{{{Input}}},"text":{"format":{"type":"text"}},"tools":[],"temperature":0.5,"max_output_tokens":100,"seed":7,"stream":false}""",
            http.LastBody);
    }

    [Fact]
    public async Task InferAsync_ApiBase_AppendsResponses()
    {
        var http = new RecordingHttp(ResponsesResponseTests.TextAnswer);
        await Responses(http, apiBase: "http://10.0.0.5:8000/custom/v1").InferAsync(Hello, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal("http://10.0.0.5:8000/custom/v1/responses", http.Last.RequestUri!.AbsoluteUri);
    }

    [Theory]
    [InlineData(JsonMode.Off, """{"type":"text"}""")]
    [InlineData(JsonMode.On, """{"type":"json_object"}""")]
    [InlineData(JsonMode.Strict, """{"type":"json_schema","name":"response_schema","schema":{"type":"object","properties":{"answer":{"type":"string"}}},"strict":true}""")]
    public void BuildBody_JsonMode_IsTextFormat(JsonMode mode, string format)
    {
        var body = BodyOf(Hello with { JsonMode = mode, OutputSchema = AnswerSchema });

        Assert.Equal(format, body["text"]!["format"]!.ToJsonString());
    }

    [Fact]
    public void BuildBody_StrictWithoutSchema_IsJsonObject()
    {
        var body = BodyOf(Hello with { JsonMode = JsonMode.Strict });

        Assert.Equal("""{"type":"json_object"}""", body["text"]!["format"]!.ToJsonString());
    }

    [Theory]
    [InlineData("Be terse.", "Respond using JSON.\n\nBe terse.")]
    [InlineData("Answer in JSON.", "Answer in JSON.")]
    [InlineData(null, "Respond using JSON.")]
    public void BuildBody_JsonModeOn_AddsTheJsonInstructionAsTensorZeroDoes(string? system, string expected)
    {
        var body = BodyOf(Hello with { System = system, JsonMode = JsonMode.On });

        var first = body["input"]![0]!;
        Assert.Equal("system", first["role"]!.GetValue<string>());
        Assert.Equal(expected, first["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void BuildBody_Tools_FunctionsThenCustomThenProviderTools()
    {
        var request = Hello with
        {
            Tools = [Weather],
            CustomTools =
            [
                new CustomToolDefinition("code_exec", "Runs Python", CustomToolTextFormat.Instance),
                new CustomToolDefinition("calc", null, new CustomToolGrammarFormat("lark", "start: NUMBER")),
            ],
            ToolChoice = ToolChoice.Auto,
            ParallelToolCalls = false,
        };
        var settings = new Dictionary<string, object?> { ["provider_tools"] = new List<object?> { new Dictionary<string, object?> { ["type"] = "web_search" } } };

        var body = BodyOf(request, settings);

        Assert.Equal(
            """[{"type":"function","name":"get_weather","description":"Weather by city","parameters":{"type":"object","properties":{"location":{"type":"string"}}},"strict":true},"""
            + """{"type":"custom","name":"code_exec","description":"Runs Python","format":{"type":"text"}},"""
            + """{"type":"custom","name":"calc","format":{"type":"grammar","syntax":"lark","definition":"start: NUMBER"}},"""
            + """{"type":"web_search"}]""",
            body["tools"]!.ToJsonString());
        Assert.Equal("auto", body["tool_choice"]!.GetValue<string>());
        Assert.False(body["parallel_tool_calls"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(ToolChoiceMode.None, null, "\"none\"")]
    [InlineData(ToolChoiceMode.Required, null, "\"required\"")]
    [InlineData(ToolChoiceMode.Specific, "get_weather", """{"mode":"required","tools":[{"type":"function","name":"get_weather"}],"type":"allowed_tools"}""")]
    [InlineData(ToolChoiceMode.Specific, "code_exec", """{"mode":"required","tools":[{"type":"custom","name":"code_exec"}],"type":"allowed_tools"}""")]
    public void BuildBody_ToolChoice_AsTensorZeroSendsIt(ToolChoiceMode mode, string? name, string expected)
    {
        var request = Hello with
        {
            Tools = [Weather],
            CustomTools = [new CustomToolDefinition("code_exec", null, null)],
            ToolChoice = new ToolChoice(mode, name),
        };

        var body = BodyOf(request);

        Assert.Equal(expected, body["tool_choice"]!.ToJsonString());
    }

    [Fact]
    public void BuildBody_NoTools_SendsNoToolChoiceOrParallelToolCalls()
    {
        var body = BodyOf(Hello with { ParallelToolCalls = true });

        Assert.False(body.ContainsKey("tool_choice"));
        Assert.False(body.ContainsKey("parallel_tool_calls"));
        Assert.Equal("[]", body["tools"]!.ToJsonString());
    }

    [Fact]
    public void BuildBody_O1WithParallelToolCallsFalse_LeavesItOut()
    {
        var provider = (OpenAIResponsesProvider)Create("openai", new RecordingHttp(), out _, modelName: "o1-mini",
            settings: new() { ["api_type"] = "responses" });

        var body = JsonNode.Parse(provider.BuildBody(Hello with { Tools = [Weather], ToolChoice = ToolChoice.Auto, ParallelToolCalls = false }, false))!;

        Assert.Null(body["parallel_tool_calls"]);
    }

    [Fact]
    public void BuildBody_JsonModeTool_OffersRespondToolAndChoosesIt()
    {
        var body = BodyOf(Hello with { JsonMode = JsonMode.Tool, OutputSchema = AnswerSchema });

        Assert.Equal("respond", body["tools"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("""{"mode":"required","tools":[{"type":"function","name":"respond"}],"type":"allowed_tools"}""", body["tool_choice"]!.ToJsonString());
        Assert.Equal("""{"type":"text"}""", body["text"]!["format"]!.ToJsonString());
    }

    [Fact]
    public void BuildBody_ReasoningSettings_AreReasoningServiceTierAndVerbosity()
    {
        var request = Hello with { Params = Hello.Params with { ReasoningEffort = "high", ServiceTier = "flex", Verbosity = "low" } };

        var body = BodyOf(request, new() { ["include_encrypted_reasoning"] = true });

        Assert.Equal("""{"effort":"high"}""", body["reasoning"]!.ToJsonString());
        Assert.Equal("flex", body["service_tier"]!.GetValue<string>());
        Assert.Equal("""{"format":{"type":"text"},"verbosity":"low"}""", body["text"]!.ToJsonString());
        Assert.Equal("""["reasoning.encrypted_content"]""", body["include"]!.ToJsonString());
    }

    [Fact]
    public void BuildBody_StopSequences_AreNotSent()
    {
        var body = BodyOf(Hello with { Params = Hello.Params with { StopSequences = ["END"] } });

        Assert.False(body.ContainsKey("stop"));
        Assert.False(body.ContainsKey("stop_sequences"));
    }

    [Fact]
    public void BuildBody_MultiTurn_MapsEveryBlockToItsInputItem()
    {
        var request = Hello with
        {
            System = null,
            Messages =
            [
                new RequestMessage(Role.User, [new TextBlock("Weather?"), new ThoughtBlock("ignored in user turns")]),
                new RequestMessage(Role.Assistant,
                [
                    new ThoughtBlock(null, "enc-1") { Summary = ["Checking"] },
                    new ThoughtBlock("unsigned thought"),
                    new TextBlock("Let me check."),
                    new ToolCallBlock("call_1", "get_weather", """{"location":"Paris"}"""),
                ]),
                new RequestMessage(Role.User,
                [
                    new ToolResultBlock("call_1", "get_weather", "sunny"),
                    FileBlock.FromBase64("image/png", "AAAA") with { Detail = FileDetail.Low },
                    FileBlock.FromBase64("application/pdf", "JVBE") with { Filename = "report.pdf" },
                    new UnknownBlock(JsonNode.Parse("""{"type":"item_reference","id":"ws_1"}""")),
                ]),
            ],
        };

        var body = BodyOf(request);

        Assert.Equal(OpenAIFamilyRequestTests.Normalise(
            """[{"type":"message","role":"user","content":[{"type":"input_text","text":"Weather?"}]},"""
            + """{"type":"reasoning","encrypted_content":"enc-1","summary":[{"type":"summary_text","text":"Checking"}]},"""
            + """{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Let me check."}]},"""
            + """{"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"location\":\"Paris\"}"},"""
            + """{"type":"function_call_output","call_id":"call_1","output":"sunny"},"""
            + """{"type":"message","role":"user","content":[{"type":"input_image","image_url":"data:image/png;base64,AAAA","detail":"low"}]},"""
            + """{"type":"message","role":"user","content":[{"type":"input_file","file_data":"data:application/pdf;base64,JVBE","filename":"report.pdf"}]},"""
            + """{"type":"item_reference","id":"ws_1"}]"""),
            body["input"]!.ToJsonString());
    }

    [Theory]
    [InlineData("audio/wav", "does not take audio input")]
    public void BuildBody_Audio_IsRefusedNamingTheFile(string mime, string expected)
    {
        var request = Hello with { Messages = [new RequestMessage(Role.User, [FileBlock.FromBase64(mime, "AAAA") with { Filename = "clip.wav" }])] };

        var error = Assert.Throws<GatewayError>(() => BodyOf(request));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("clip.wav", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildBody_ToolCallInUserTurn_IsRefused()
    {
        var request = Hello with { Messages = [new RequestMessage(Role.User, [new ToolCallBlock("c", "t", "{}")])] };

        var error = Assert.Throws<GatewayError>(() => BodyOf(request));

        Assert.Equal("OpenAI Responses API: tool calls are not supported in user messages", error.Message);
    }
}
