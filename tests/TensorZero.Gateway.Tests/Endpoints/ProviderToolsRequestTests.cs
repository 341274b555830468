using System.Net;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// A request's <c>provider_tools</c> (<c>tensorzero::provider_tools</c> on <c>/openai/v1</c>) reach the providers their
/// scope names, after the config's own, on Anthropic and the Responses API; a provider that can't send them fails with
/// TensorZero's message instead of dropping them; malformed entries are 400s naming the field.
/// </summary>
public sealed class ProviderToolsRequestTests : IAsyncLifetime, IDisposable
{
    private const string AnthropicKey = "sk-ant-ptools-canary-0123456789";
    private const string OpenAIKey = "sk-ptools-openai-canary-0123456789";
    private const string WebSearch = """{"type": "web_search_20250305", "name": "web_search", "max_uses": 2}""";

    private FakeAnthropicServer _anthropic = null!;
    private FakeOpenAIServer _openai = null!;
    private GatewayFactory _gateway = null!;

    public async Task InitializeAsync()
    {
        _anthropic = await FakeAnthropicServer.StartAsync();
        _anthropic.Accept(AnthropicKey);
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add(OpenAIKey);
        _gateway = new GatewayFactory($$"""
            [models.claude]
            routing = ["anthropic"]
            [models.claude.providers.anthropic]
            type = "anthropic"
            model_name = "claude-haiku-4-5"
            api_base = "{{_anthropic.BaseUrl}}"
            provider_tools = [{ type = "code_execution_20250522", name = "code_execution" }]

            [models.gpt_responses]
            routing = ["openai"]
            [models.gpt_responses.providers.openai]
            type = "openai"
            model_name = "gpt-5-mini"
            api_base = "{{_openai.BaseUrl}}"
            api_type = "responses"

            [models.gpt_chat]
            routing = ["openai"]
            [models.gpt_chat.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{_openai.BaseUrl}}"

            [functions.claude]
            type = "chat"
            [functions.claude.variants.main]
            type = "chat_completion"
            model = "claude"

            [functions.responses]
            type = "chat"
            [functions.responses.variants.main]
            type = "chat_completion"
            model = "gpt_responses"

            [functions.chat]
            type = "chat"
            [functions.chat.variants.main]
            type = "chat_completion"
            model = "gpt_chat"
            """,
            new Dictionary<string, string> { ["ANTHROPIC_API_KEY"] = AnthropicKey, ["OPENAI_API_KEY"] = OpenAIKey });
    }

    public void Dispose() => _gateway.Dispose();

    public async Task DisposeAsync()
    {
        await _anthropic.DisposeAsync();
        await _openai.DisposeAsync();
    }

    private const string Input = "\"input\": {\"messages\": [{\"role\": \"user\", \"content\": \"search\"}]}";

    [Fact]
    public async Task Inference_UnscopedTool_FollowsTheConfigsToolsOnAnthropic()
    {
        var (status, _, raw) = await _gateway.CreateClient().PostRawAsync("/inference", $$$"""
            {"function_name": "claude", "provider_tools": [{"tool": {{{WebSearch}}}}], {{{Input}}}}
            """);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(
            """[{"type":"code_execution_20250522","name":"code_execution"},{"type":"web_search_20250305","name":"web_search","max_uses":2}]""",
            Assert.Single(_anthropic.Requests).Body["tools"]!.ToJsonString());
    }

    [Fact]
    public async Task Inference_ToolScopedToAnotherModel_IsNotSent()
    {
        var (status, _, raw) = await _gateway.CreateClient().PostRawAsync("/inference", $$$"""
            {"function_name": "claude", "provider_tools": [{"scope": {"model_name": "gpt_responses"}, "tool": {{{WebSearch}}}}], {{{Input}}}}
            """);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("""[{"type":"code_execution_20250522","name":"code_execution"}]""", Assert.Single(_anthropic.Requests).Body["tools"]!.ToJsonString());
    }

    [Fact]
    public async Task OpenAIEndpoint_ScopedToolStreaming_ReachesTheResponsesApi()
    {
        var response = await _gateway.CreateClient().PostAsync("/openai/v1/chat/completions", new StringContent("""
            {"model": "tensorzero::function_name::responses", "stream": true, "messages": [{"role": "user", "content": "search"}],
             "tensorzero::provider_tools": [{"scope": {"model_name": "gpt_responses", "model_provider_name": "openai"}, "tool": {"type": "web_search"}}]}
            """, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data: [DONE]", text, StringComparison.Ordinal);
        var request = Assert.Single(_openai.Requests);
        Assert.Equal("/v1/responses", request.Path);
        Assert.Equal("""[{"type":"web_search"}]""", request.Body["tools"]!.ToJsonString());
    }

    [Fact]
    public async Task Inference_ToolForChatCompletions_FailsWithTensorZerosMessageAndSendsNothing()
    {
        var (status, body, _) = await _gateway.CreateClient().PostRawAsync("/inference", $$$"""
            {"function_name": "chat", "provider_tools": [{"tool": {"type": "web_search"}}], {{{Input}}}}
            """);

        Assert.NotEqual(HttpStatusCode.OK, status);
        Assert.Contains(
            "Provider `openai` does not support `provider_tools`, but 1 provider tool(s) were configured for model `gpt_chat` / provider `openai`.",
            body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_openai.Requests);
    }

    [Theory]
    [InlineData("""{"type": "web_search"}""", "`provider_tools`: must be an array")]
    [InlineData("""[{"type": "web_search"}]""", "`provider_tools[0].type`: unknown field (valid: tool, scope)")]
    [InlineData("""[{"tool": "web_search"}]""", "`provider_tools[0].tool`: must be an object")]
    [InlineData("""[{"scope": {"model_name": "claude"}}]""", "`provider_tools[0].tool`: missing field")]
    [InlineData("""[{"scope": {"provider_name": "anthropic"}, "tool": {}}]""", "`provider_tools[0].scope.model_name`: missing field")]
    [InlineData("""[{"scope": {"model_name": 7}, "tool": {}}]""", "`provider_tools[0].scope.model_name`: must be a string")]
    public async Task Inference_MalformedProviderTools_Is400NamingTheField(string tools, string messageStart)
    {
        var (status, body, _) = await _gateway.CreateClient().PostRawAsync("/inference", $$$"""
            {"function_name": "claude", "provider_tools": {{{tools}}}, {{{Input}}}}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(messageStart, body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_anthropic.Requests);
    }

    [Fact]
    public async Task Inference_TooManyProviderTools_Is400()
    {
        var tools = string.Join(",", Enumerable.Repeat("""{"tool": {"type": "web_search"}}""", 65));
        var (status, body, _) = await _gateway.CreateClient().PostRawAsync("/inference", $$$"""
            {"function_name": "claude", "provider_tools": [{{{tools}}}], {{{Input}}}}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("`provider_tools`: at most 64 provider tools", body["error"]!.GetValue<string>());
    }
}
