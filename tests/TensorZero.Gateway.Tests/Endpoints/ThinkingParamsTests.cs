using System.Net;
using TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// <c>thinking_budget_tokens</c> (variant config, <c>params.chat_completion</c>, <c>tensorzero::params</c>) and
/// <c>reasoning_effort</c> reach Anthropic, Gemini and Bedrock as each API names them; a provider that can't send a
/// parameter answers anyway and the parameter is named in a warning, as TensorZero does.
/// </summary>
public sealed class ThinkingParamsTests : IAsyncLifetime, IDisposable
{
    private const string AnthropicKey = "sk-ant-tb-canary-0123456789";
    private const string GoogleKey = "AIza-tb-canary-0123456789";
    private const string OpenAIKey = "sk-tb-openai-canary-0123456789";

    private FakeAnthropicServer _anthropic = null!;
    private FakeGeminiServer _gemini = null!;
    private FakeOpenAIServer _openai = null!;
    private GatewayFactory _gateway = null!;

    public async Task InitializeAsync()
    {
        _anthropic = await FakeAnthropicServer.StartAsync();
        _anthropic.Accept(AnthropicKey);
        _gemini = await FakeGeminiServer.StartAsync();
        _gemini.ValidKeys.Add(GoogleKey);
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add(OpenAIKey);
        _gateway = new GatewayFactory($$"""
            [models.claude]
            routing = ["anthropic"]
            [models.claude.providers.anthropic]
            type = "anthropic"
            model_name = "claude-sonnet-4-5"
            api_base = "{{_anthropic.BaseUrl}}"

            [models.gemini]
            routing = ["gemini"]
            [models.gemini.providers.gemini]
            type = "google_ai_studio_gemini"
            model_name = "gemini-2.5-flash"
            api_base = "{{_gemini.AIStudioBaseUrl}}"

            [models.gpt]
            routing = ["openai"]
            [models.gpt.providers.openai]
            type = "openai"
            model_name = "gpt-5-mini"
            api_base = "{{_openai.BaseUrl}}"

            [functions.claude]
            type = "chat"
            [functions.claude.variants.main]
            type = "chat_completion"
            model = "claude"
            max_tokens = 4000
            thinking_budget_tokens = 2048

            [functions.gemini]
            type = "chat"
            [functions.gemini.variants.main]
            type = "chat_completion"
            model = "gemini"

            [functions.gpt]
            type = "chat"
            [functions.gpt.variants.main]
            type = "chat_completion"
            model = "gpt"
            """,
            new Dictionary<string, string> { ["ANTHROPIC_API_KEY"] = AnthropicKey, ["GOOGLE_API_KEY"] = GoogleKey, ["OPENAI_API_KEY"] = OpenAIKey });
    }

    public void Dispose() => _gateway.Dispose();

    public async Task DisposeAsync()
    {
        await _anthropic.DisposeAsync();
        await _gemini.DisposeAsync();
        await _openai.DisposeAsync();
    }

    private const string Input = "\"input\": {\"messages\": [{\"role\": \"user\", \"content\": \"think\"}]}";

    [Fact]
    public async Task Inference_VariantThinkingBudget_IsAnthropicsManualThinking()
    {
        var (status, _, _) = await _gateway.CreateClient().PostRawAsync("/inference", $$"""{"function_name": "claude", {{Input}}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var body = Assert.Single(_anthropic.Requests).Body;
        Assert.Equal("""{"type":"enabled","budget_tokens":2048}""", body["thinking"]!.ToJsonString());
        Assert.DoesNotContain("thinking_budget_tokens", _gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_RequestBudgetStreaming_OverridesTheVariants()
    {
        var response = await _gateway.CreateClient().PostAsync("/inference", new StringContent($$$"""
            {"function_name": "claude", "stream": true, "params": {"chat_completion": {"thinking_budget_tokens": 1024}}, {{{Input}}}}
            """, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data: [DONE]", text, StringComparison.Ordinal);
        var body = Assert.Single(_anthropic.Requests).Body;
        Assert.Equal(1024, body["thinking"]!["budget_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task OpenAIEndpoint_ReasoningEffortWithTheVariantsBudget_IsARequestErrorNamingBoth()
    {
        var (status, body, _) = await _gateway.CreateClient().PostChatAsync("""
            {"model": "tensorzero::function_name::claude", "reasoning_effort": "high", "messages": [{"role": "user", "content": "x"}]}
            """);

        Assert.NotEqual(HttpStatusCode.OK, status);
        Assert.Contains("Cannot specify both `reasoning_effort` and `thinking_budget_tokens` for Anthropic", OpenAIClient.ErrorMessage(body), StringComparison.Ordinal);
        Assert.Empty(_anthropic.Requests);
    }

    [Fact]
    public async Task OpenAIEndpoint_TensorZeroParamsBudget_IsGeminisThinkingBudget()
    {
        var (status, _, _) = await _gateway.CreateClient().PostChatAsync("""
            {"model": "tensorzero::function_name::gemini", "reasoning_effort": "low",
             "tensorzero::params": {"chat_completion": {"thinking_budget_tokens": 512}}, "messages": [{"role": "user", "content": "x"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var body = Assert.Single(_gemini.Requests).Body!;
        Assert.Equal("""{"thinkingBudget":512,"thinkingLevel":"low"}""", body["generationConfig"]!["thinkingConfig"]!.ToJsonString());
    }

    [Fact]
    public async Task Inference_BudgetForOpenAI_AnswersAndWarnsWithTensorZerosText()
    {
        var (status, _, _) = await _gateway.CreateClient().PostRawAsync("/inference", $$$"""
            {"function_name": "gpt", "params": {"chat_completion": {"thinking_budget_tokens": 256}}, {{{Input}}}}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(Assert.Single(_openai.Requests).Body.ContainsKey("thinking_budget_tokens"));
        Assert.Contains(
            "OpenAI does not support the inference parameter `thinking_budget_tokens`, so it will be ignored. Tip: You might want to use `reasoning_effort` for this provider.",
            _gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_BudgetNotAnInteger_Is400NamingTheField()
    {
        var (status, body, _) = await _gateway.CreateClient().PostRawAsync("/inference", $$$"""
            {"function_name": "gpt", "params": {"chat_completion": {"thinking_budget_tokens": "lots"}}, {{{Input}}}}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("`params.chat_completion.thinking_budget_tokens`: must be an integer", body["error"]!.GetValue<string>());
        Assert.Empty(_openai.Requests);
    }
}
