using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// OpenAI custom tools (<c>openai_custom</c> in /inference <c>additional_tools</c>, <c>custom</c> in /openai/v1
/// <c>tools</c>) end to end: sent by <c>openai</c> providers on Chat Completions and the Responses API, streamed and
/// not, their calls returned with text input; refused with a 400 naming the provider where no provider takes them.
/// </summary>
public sealed class CustomToolTests
{
    private const string Key = "sk-custom-tools-canary-77aa66bb55cc";

    private const string TextTool = """{"type": "openai_custom", "name": "code_exec", "description": "Runs Python", "format": {"type": "text"}}""";

    private const string GrammarTool = """{"type": "custom", "custom": {"name": "calc", "format": {"type": "grammar", "grammar": {"syntax": "lark", "definition": "start: NUMBER"}}}}""";

    private static string Config(FakeOpenAIServer fake) => $$"""
        [models.chat]
        routing = ["openai"]
        [models.chat.providers.openai]
        type = "openai"
        model_name = "gpt-5-mini"
        api_base = "{{fake.BaseUrl}}"

        [models.responses]
        routing = ["openai"]
        [models.responses.providers.openai]
        type = "openai"
        model_name = "gpt-5-mini"
        api_base = "{{fake.BaseUrl}}"
        api_type = "responses"

        [models.fallback]
        routing = ["local", "openai"]
        [models.fallback.providers.local]
        type = "dummy"
        model_name = "echo"
        [models.fallback.providers.openai]
        type = "openai"
        model_name = "gpt-5-mini"
        api_base = "{{fake.BaseUrl}}"

        [models.claude]
        routing = ["anthropic"]
        [models.claude.providers.anthropic]
        type = "anthropic"
        model_name = "claude-haiku-4-5"
        api_key_location = "dynamic::anthropic_key"

        [functions.chat]
        type = "chat"
        [functions.chat.variants.main]
        type = "chat_completion"
        model = "chat"

        [functions.responses]
        type = "chat"
        [functions.responses.variants.main]
        type = "chat_completion"
        model = "responses"

        [functions.fallback]
        type = "chat"
        [functions.fallback.variants.main]
        type = "chat_completion"
        model = "fallback"

        [functions.claude]
        type = "chat"
        [functions.claude.variants.main]
        type = "chat_completion"
        model = "claude"

        [functions.extract]
        type = "json"
        output_schema = "schema.json"
        [functions.extract.variants.main]
        type = "chat_completion"
        model = "chat"
        json_mode = "strict"
        """;

    private static async Task<(FakeOpenAIServer Fake, GatewayFactory Gateway)> Start()
    {
        var fake = await FakeOpenAIServer.StartAsync();
        fake.ValidKeys.Add(Key);
        var gateway = new GatewayFactory(Config(fake), new Dictionary<string, string> { ["OPENAI_API_KEY"] = Key },
            new Dictionary<string, string> { ["schema.json"] = """{"type":"object"}""" });
        return (fake, gateway);
    }

    private static string InferenceBody(string function, string tools, bool stream = false, string extra = "") => $$$"""
        {"function_name": "{{{function}}}", "stream": {{{(stream ? "true" : "false")}}}, "additional_tools": [{{{tools}}}]{{{extra}}},
         "input": {"messages": [{"role": "user", "content": "Write code"}]}}
        """;

    [Theory]
    [InlineData("chat", false, """{"type":"custom","custom":{"name":"code_exec","description":"Runs Python","format":{"type":"text"}}}""")]
    [InlineData("chat", true, """{"type":"custom","custom":{"name":"code_exec","description":"Runs Python","format":{"type":"text"}}}""")]
    [InlineData("responses", false, """{"type":"custom","name":"code_exec","description":"Runs Python","format":{"type":"text"}}""")]
    [InlineData("responses", true, """{"type":"custom","name":"code_exec","description":"Runs Python","format":{"type":"text"}}""")]
    public async Task Inference_CustomTool_IsSentAndItsCallComesBackWithTextInput(string function, bool stream, string wireTool)
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;
        var client = gateway.CreateClient();

        string rawName, rawArguments;
        if (stream)
        {
            var (status, _, events, _) = await client.PostStreamAsync("/inference", JsonNode.Parse(InferenceBody(function, TextTool, stream: true))!);
            Assert.Equal(HttpStatusCode.OK, status);
            var calls = events.Json().SelectMany(c => c["content"]?.AsArray() ?? []).OfType<JsonObject>().Where(b => (string?)b["type"] == "tool_call").ToList();
            Assert.All(calls, c => Assert.Equal("call_fake1", (string?)c["id"]));
            rawName = string.Concat(calls.Select(c => (string?)c["raw_name"]));
            rawArguments = string.Concat(calls.Select(c => (string?)c["raw_arguments"]));
        }
        else
        {
            var (status, body, _) = await client.PostRawAsync("/inference", InferenceBody(function, TextTool));
            Assert.Equal(HttpStatusCode.OK, status);
            var call = Assert.Single(body["content"]!.AsArray())!;
            Assert.Equal("code_exec", (string?)call["name"]);
            Assert.Null(call["arguments"]);
            (rawName, rawArguments) = ((string)call["raw_name"]!, (string)call["raw_arguments"]!);
        }

        Assert.Equal("code_exec", rawName);
        Assert.Equal(FakeAnswer.CustomInput, rawArguments);
        Assert.Equal(wireTool, OpenAIClient.Json(Assert.Single(fake.Requests).Body["tools"]![0]));
    }

    [Theory]
    [InlineData("chat", false, """{"type":"custom","custom":{"name":"calc","format":{"type":"grammar","grammar":{"syntax":"lark","definition":"start: NUMBER"}}}}""")]
    [InlineData("chat", true, """{"type":"custom","custom":{"name":"calc","format":{"type":"grammar","grammar":{"syntax":"lark","definition":"start: NUMBER"}}}}""")]
    [InlineData("responses", false, """{"type":"custom","name":"calc","format":{"type":"grammar","syntax":"lark","definition":"start: NUMBER"}}""")]
    [InlineData("responses", true, """{"type":"custom","name":"calc","format":{"type":"grammar","syntax":"lark","definition":"start: NUMBER"}}""")]
    public async Task OpenAIEndpoint_CustomGrammarTool_IsSentAndItsCallIsAFunctionToolCall(string function, bool stream, string wireTool)
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;
        var request = $$"""
            {"model": "tensorzero::function_name::{{function}}", "stream": {{(stream ? "true" : "false")}}, "tools": [{{GrammarTool}}],
             "messages": [{"role": "user", "content": "1 + 2"}]}
            """;

        string name, arguments;
        if (stream)
        {
            var (status, _, events, _) = await gateway.CreateClient().StreamChatAsync(request);
            Assert.Equal(HttpStatusCode.OK, status);
            var calls = events.Json().SelectMany(c => c["choices"]?[0]?["delta"]?["tool_calls"]?.AsArray() ?? []).OfType<JsonObject>().ToList();
            Assert.All(calls, c => Assert.Equal("function", (string?)c["type"]));
            name = string.Concat(calls.Select(c => (string?)c["function"]?["name"]));
            arguments = string.Concat(calls.Select(c => (string?)c["function"]?["arguments"]));
        }
        else
        {
            var (status, body, _) = await gateway.CreateClient().PostChatAsync(request);
            Assert.Equal(HttpStatusCode.OK, status);
            var call = body["choices"]![0]!["message"]!["tool_calls"]![0]!;
            Assert.Equal("function", (string?)call["type"]);
            (name, arguments) = ((string)call["function"]!["name"]!, (string)call["function"]!["arguments"]!);
        }

        Assert.Equal("calc", name);
        Assert.Equal(FakeAnswer.CustomInput, arguments);
        Assert.Equal(wireTool, OpenAIClient.Json(Assert.Single(fake.Requests).Body["tools"]![0]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Inference_CustomToolForAProviderWithoutThem_Is400NamingTheProvider(bool stream)
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, body, _) = await gateway.CreateClient().PostRawAsync("/inference", InferenceBody("claude", TextTool, stream));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            "OpenAI custom tools are not supported by provider `anthropic` (type `anthropic`) of model `claude`; they need a provider of type `openai` (Chat Completions or Responses API)",
            body["error"]!.GetValue<string>());
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task OpenAIEndpoint_CustomToolForAProviderWithoutThem_Is400NamingTheProvider()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, body, _) = await gateway.CreateClient().PostChatAsync($$"""
            {"model": "tensorzero::model_name::dummy::echo", "tools": [{{GrammarTool}}], "messages": [{"role": "user", "content": "x"}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            "OpenAI custom tools are not supported by provider `dummy` (type `dummy`) of model `dummy::echo`; they need a provider of type `openai` (Chat Completions or Responses API)",
            OpenAIClient.ErrorMessage(body));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Inference_CustomToolWithFallbackRouting_SkipsTheProviderWithoutThem(bool stream)
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, _, _, raw) = await gateway.CreateClient().PostStreamAsync("/inference", JsonNode.Parse(InferenceBody("fallback", TextTool, stream))!);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"raw_name\":\"code_exec\"", raw, StringComparison.Ordinal);
        Assert.Single(fake.Requests);
        Assert.Contains("OpenAI custom tools are not supported by provider `local` (type `dummy`) of model `fallback`", gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_ToolChoiceNamingACustomTool_IsTheCustomChoiceOnTheWire()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, _, _) = await gateway.CreateClient().PostRawAsync("/inference",
            InferenceBody("chat", TextTool, extra: """, "tool_choice": {"specific": "code_exec"}"""));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"type":"custom","custom":{"name":"code_exec"}}""", OpenAIClient.Json(Assert.Single(fake.Requests).Body["tool_choice"]));
    }

    [Theory]
    [InlineData("""{"type": "openai_custom"}""", "additional_tools[0]: missing field `name`")]
    [InlineData("""{"type": "openai_custom", "name": "x", "strict": true}""", "`additional_tools[0].strict`: unknown field")]
    [InlineData("""{"type": "openai_custom", "name": "x", "format": {"type": "json"}}""", "`additional_tools[0].format.type`: unknown format `json` (expected text or grammar)")]
    [InlineData("""{"type": "openai_custom", "name": "x", "format": {"type": "grammar"}}""", "additional_tools[0].format: missing field `grammar`")]
    [InlineData("""{"type": "openai_custom", "name": "x", "format": {"type": "grammar", "grammar": {"syntax": "ebnf", "definition": "x"}}}""",
        "`additional_tools[0].format.grammar.syntax`: unknown syntax `ebnf` (expected lark or regex)")]
    [InlineData("""{"type": "openai_custom", "name": "x", "format": {"type": "grammar", "grammar": {"syntax": "regex"}}}""", "additional_tools[0].format.grammar: missing field `definition`")]
    [InlineData("""{"type": "custom", "name": "x"}""", "`additional_tools[0].type`: an OpenAI custom tool is `openai_custom` here (`custom` is the /openai/v1 form)")]
    [InlineData("""{"type": "openai_custom", "name": "x"}, {"type": "openai_custom", "name": "x"}""", "Duplicate tool name: x")]
    [InlineData("""{"name": "x", "description": "d", "parameters": {"type": "object"}}, {"type": "openai_custom", "name": "x"}""", "Duplicate tool name: x")]
    public async Task Inference_BadCustomTool_Is400NamingTheField(string tools, string message)
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, body, _) = await gateway.CreateClient().PostRawAsync("/inference", InferenceBody("chat", tools));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, body["error"]!.GetValue<string>());
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Inference_CustomToolForAJsonFunction_IsRefused()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, body, _) = await gateway.CreateClient().PostRawAsync("/inference", InferenceBody("extract", TextTool));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Cannot pass `additional_tools` to a JSON function.", body["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"type": "custom"}""", "tools[0]: missing field `custom`")]
    [InlineData("""{"type": "custom", "custom": {"description": "d"}}""", "tools[0].custom: missing field `name`")]
    [InlineData("""{"type": "custom", "custom": {"name": "x", "format": "text"}}""", """`tools[0].custom.format`: must be {"type": "text"} or {"type": "grammar", "grammar": {...}}""")]
    public async Task OpenAIEndpoint_BadCustomTool_Is400NamingTheField(string tool, string message)
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, body, _) = await gateway.CreateClient().PostChatAsync($$"""
            {"model": "tensorzero::function_name::chat", "tools": [{{tool}}], "messages": [{"role": "user", "content": "x"}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, OpenAIClient.ErrorMessage(body));
    }
}
