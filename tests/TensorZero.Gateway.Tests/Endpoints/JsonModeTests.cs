using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// <c>json_mode</c> asked for at request time by chat functions and models (<c>params.chat_completion.json_mode</c>,
/// <c>tensorzero::params</c>, <c>response_format</c>), through both inference APIs, streamed and not: <c>tool</c> sends
/// the output schema as TensorZero's <c>respond</c> tool and answers with its arguments as text and no tool call;
/// <c>strict</c>, <c>on</c> and <c>off</c> reach the provider as TensorZero maps them. Fakes record what they received.
/// </summary>
public sealed class JsonModeTests : IAsyncLifetime, IDisposable
{
    private const string OpenAIKey = "sk-json-mode-openai-0123456789";
    private const string AnthropicKey = "sk-ant-json-mode-0123456789";

    private const string Schema = """{"type":"object","properties":{"location":{"type":"string"}},"required":["location"],"additionalProperties":false}""";

    private FakeOpenAIServer _openai = null!;
    private FakeAnthropicServer _anthropic = null!;
    private GatewayFactory _gateway = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add(OpenAIKey);
        _anthropic = await FakeAnthropicServer.StartAsync();
        _anthropic.Accept(AnthropicKey);
        _gateway = new GatewayFactory($$"""
            [models.gpt]
            routing = ["openai"]
            [models.gpt.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{_openai.BaseUrl}}"

            [models.claude]
            routing = ["anthropic"]
            [models.claude.providers.anthropic]
            type = "anthropic"
            model_name = "claude-haiku-4-5"
            api_base = "{{_anthropic.BaseUrl}}"

            [functions.assistant]
            type = "chat"
            [functions.assistant.variants.main]
            type = "chat_completion"
            model = "gpt"

            [functions.claude_assistant]
            type = "chat"
            [functions.claude_assistant.variants.main]
            type = "chat_completion"
            model = "claude"

            [functions.pinned_choice]
            type = "chat"
            tool_choice = "none"
            [functions.pinned_choice.variants.main]
            type = "chat_completion"
            model = "gpt"
            """,
            new Dictionary<string, string> { ["OPENAI_API_KEY"] = OpenAIKey, ["ANTHROPIC_API_KEY"] = AnthropicKey });
    }

    public async Task DisposeAsync()
    {
        await _openai.DisposeAsync();
        await _anthropic.DisposeAsync();
    }

    public void Dispose() => _gateway.Dispose();

    private static string OpenAIBody(string model, string mode, bool stream, string extra = "") => $$$"""
        {"model":"tensorzero::{{{model}}}","messages":[{"role":"user","content":"Where?"}],"stream":{{{(stream ? "true" : "false")}}},
         "response_format":{"type":"json_schema","json_schema":{"name":"place","schema":{{{Schema}}}}},
         "tensorzero::params":{"chat_completion":{"json_mode":"{{{mode}}}"}}{{{extra}}}}
        """;

    private static JsonObject NativeBody(string target, string mode, bool stream, bool isModel = false) => new()
    {
        [isModel ? "model_name" : "function_name"] = target,
        ["input"] = JsonNode.Parse("""{"messages":[{"role":"user","content":"Where?"}]}"""),
        ["params"] = new JsonObject { ["chat_completion"] = new JsonObject { ["json_mode"] = mode } },
        ["output_schema"] = JsonNode.Parse(Schema),
        ["stream"] = stream,
    };

    // What the provider received for json_mode = "tool": the respond tool with the schema, forced, and no JSON format.
    private void AssertRespondToolSent()
    {
        var body = _openai.Requests[^1].Body;
        Assert.Equal(
            $$"""[{"type":"function","function":{"name":"respond","description":"Respond to the user using the output schema provided.","parameters":{{Schema}}},"strict":false}]""",
            body["tools"]!.ToJsonString());
        Assert.Equal("""{"type":"function","function":{"name":"respond"}}""", body["tool_choice"]!.ToJsonString());
        Assert.False(body.ContainsKey("response_format"));
    }

    [Theory]
    [InlineData("model_name::gpt")]
    [InlineData("function_name::assistant")]
    public async Task ChatCompletions_JsonModeTool_AnswersTheArgumentsAsContentWithoutToolCall(string model)
    {
        var (status, body, raw) = await _gateway.CreateClient().PostChatAsync(OpenAIBody(model, "tool", stream: false));

        Assert.Equal(HttpStatusCode.OK, status);
        var message = body["choices"]![0]!["message"]!.AsObject();
        Assert.Equal(FakeAnswer.ToolArguments, message["content"]!.GetValue<string>());
        Assert.False(message.ContainsKey("tool_calls"), raw);
        // TensorZero keeps the provider's finish reason.
        Assert.Equal("tool_calls", body["choices"]![0]!["finish_reason"]!.GetValue<string>());
        AssertRespondToolSent();
    }

    [Theory]
    [InlineData("model_name::gpt")]
    [InlineData("function_name::assistant")]
    public async Task ChatCompletionsStream_JsonModeTool_StreamsTheArgumentsAsContent(string model)
    {
        var (status, _, events, raw) = await _gateway.CreateClient().StreamChatAsync(OpenAIBody(model, "tool", stream: true));

        Assert.Equal(HttpStatusCode.OK, status);
        var deltas = events.Json().Select(c => c["choices"]![0]!["delta"]!.AsObject()).ToList();
        Assert.Equal(FakeAnswer.ToolArguments, string.Concat(deltas.Select(d => d["content"]?.GetValue<string>())));
        Assert.All(deltas, d => Assert.False(d.ContainsKey("tool_calls"), raw));
        AssertRespondToolSent();
    }

    [Fact]
    public async Task Inference_JsonModeToolOnChatFunction_AnswersTextBlock()
    {
        var (status, body, raw) = await _gateway.CreateClient().PostInferenceAsync(NativeBody("assistant", "tool", stream: false));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($$"""[{"type":"text","text":{{JsonValue.Create(FakeAnswer.ToolArguments).ToJsonString()}}}]""", body["content"]!.ToJsonString());
        AssertRespondToolSent();
    }

    [Fact]
    public async Task InferenceStream_JsonModeToolOnChatFunction_StreamsTextChunks()
    {
        var (_, _, events, _) = await _gateway.CreateClient().PostStreamAsync("/inference", NativeBody("assistant", "tool", stream: true));

        var blocks = events.Json().SelectMany(c => c["content"]!.AsArray()).ToList();
        Assert.All(blocks, b => Assert.Equal("text", b!["type"]!.GetValue<string>()));
        Assert.Equal(FakeAnswer.ToolArguments, string.Concat(blocks.Select(b => b!["text"]!.GetValue<string>())));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Inference_JsonModeToolOnDummyToolModel_ConvertsItsToolCall(bool stream)
    {
        var client = _gateway.CreateClient();
        var body = NativeBody("dummy::tool", "tool", stream, isModel: true);
        string text;
        if (stream)
        {
            var (_, _, events, _) = await client.PostStreamAsync("/inference", body);
            var blocks = events.Json().SelectMany(c => c["content"]!.AsArray()).ToList();
            Assert.All(blocks, b => Assert.Equal("text", b!["type"]!.GetValue<string>()));
            text = string.Concat(blocks.Select(b => b!["text"]!.GetValue<string>()));
        }
        else
        {
            var (_, response, _) = await client.PostInferenceAsync(body);
            text = Assert.Single(response["content"]!.AsArray())!["text"]!.GetValue<string>();
        }

        Assert.Equal(DummyResponses.ToolArguments, text);
    }

    [Fact]
    public async Task Inference_JsonModeToolOnAnthropic_SendsRespondToolAndAnswersText()
    {
        var (status, body, _) = await _gateway.CreateClient().PostInferenceAsync(NativeBody("claude_assistant", "tool", stream: false));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(FakeAnthropicServer.ToolArguments, Assert.Single(body["content"]!.AsArray())!["text"]!.GetValue<string>());
        var sent = _anthropic.Requests[^1].Body;
        Assert.Equal("respond", sent["tools"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("""{"type":"tool","name":"respond","disable_parallel_tool_use":false}""", sent["tool_choice"]!.ToJsonString());
    }

    [Fact]
    public async Task Inference_JsonModeOnForChatFunctionOnAnthropic_SendsNoPrefill()
    {
        var body = NativeBody("claude_assistant", "on", stream: false);
        body.Remove("output_schema");

        var (status, _, _) = await _gateway.CreateClient().PostInferenceAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        var sent = _anthropic.Requests[^1].Body;
        Assert.Single(sent["messages"]!.AsArray());
        Assert.False(sent.ContainsKey("output_config"));
    }

    [Fact]
    public async Task Inference_JsonModeStrictForChatFunctionOnAnthropic_SendsTheSchemaAsOutputFormat()
    {
        var (status, _, _) = await _gateway.CreateClient().PostInferenceAsync(NativeBody("claude_assistant", "strict", stream: false));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($$$"""{"format":{"type":"json_schema","schema":{{{Schema}}}}}""", _anthropic.Requests[^1].Body["output_config"]!.ToJsonString());
    }

    [Theory]
    [InlineData("strict", """{"type":"json_schema","json_schema":{"name":"response","strict":true,"schema":S}}""")]
    [InlineData("on", """{"type":"json_object"}""")]
    [InlineData("off", null)]
    public async Task ChatCompletions_JsonModeOnChatFunction_SendsTensorZerosResponseFormat(string mode, string? expected)
    {
        var (status, body, _) = await _gateway.CreateClient().PostChatAsync(OpenAIBody("function_name::assistant", mode, stream: false));

        Assert.Equal(HttpStatusCode.OK, status);
        var sent = _openai.Requests[^1].Body;
        Assert.Equal(expected?.Replace("S", Schema, StringComparison.Ordinal), sent["response_format"]?.ToJsonString());
        Assert.False(sent.ContainsKey("tools"));
        Assert.Equal(mode == "on", sent["messages"]![0]!["content"]!.ToString().StartsWith("Respond using JSON.", StringComparison.Ordinal));
        Assert.Null(body["choices"]![0]!["message"]!["tool_calls"]);
    }

    [Theory]
    [InlineData("""{"function_name":"assistant","input":{"messages":[]},"params":{"chat_completion":{"json_mode":"tool"}}}""",
        "JSON mode `tool` requires `output_schema`.")]
    [InlineData("""{"function_name":"pinned_choice","input":{"messages":[]},"output_schema":{},"params":{"chat_completion":{"json_mode":"tool"}}}""",
        "JSON mode `tool` is not supported with `tool_choice` configured in the function.")]
    [InlineData("""{"function_name":"assistant","input":{"messages":[]},"output_schema":{},"params":{"chat_completion":{"json_mode":"tool"}},"additional_tools":[{"name":"t","description":"d","parameters":{}}]}""",
        "Cannot pass `additional_tools` when using JSON mode `tool`.")]
    [InlineData("""{"function_name":"assistant","input":{"messages":[]},"output_schema":{},"params":{"chat_completion":{"json_mode":"tool"}},"tool_choice":"auto"}""",
        "Cannot pass `tool_choice` when using JSON mode `tool`.")]
    [InlineData("""{"model_name":"gpt","input":{"messages":[]},"output_schema":{},"params":{"chat_completion":{"json_mode":"tool"}},"parallel_tool_calls":true}""",
        "Cannot pass `parallel_tool_calls` when using JSON mode `tool`.")]
    public async Task Inference_JsonModeToolMisused_Returns400WithTensorZerosText(string json, string message)
    {
        var (status, body, _) = await _gateway.CreateClient().PostRawAsync("/inference", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, body["error"]!.GetValue<string>());
        Assert.Empty(_openai.Requests);
    }

    [Fact]
    public async Task ChatCompletions_JsonModeToolWithTools_Returns400()
    {
        var (status, body, _) = await _gateway.CreateClient().PostChatAsync(OpenAIBody("model_name::gpt", "tool", stream: false,
            ""","tools":[{"type":"function","function":{"name":"t","parameters":{}}}]"""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Cannot pass `additional_tools` when using JSON mode `tool`.", OpenAIClient.ErrorMessage(body));
    }
}
