using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// <c>reasoning_effort</c>, <c>service_tier</c> and <c>verbosity</c> from a request (<c>params.chat_completion</c> on
/// /inference; top-level fields or <c>tensorzero::params</c> on /openai/v1) reach the provider, over the variant's.
/// </summary>
public sealed class ReasoningParamsTests
{
    private const string Key = "sk-reasoning-params-canary-1234abcd";

    private static async Task<(FakeOpenAIServer Fake, GatewayFactory Gateway)> Start()
    {
        var fake = await FakeOpenAIServer.StartAsync();
        fake.ValidKeys.Add(Key);
        var gateway = new GatewayFactory($$"""
            [models.gpt]
            routing = ["openai"]
            [models.gpt.providers.openai]
            type = "openai"
            model_name = "gpt-5-mini"
            api_base = "{{fake.BaseUrl}}"

            [functions.f]
            type = "chat"
            [functions.f.variants.main]
            type = "chat_completion"
            model = "gpt"
            reasoning_effort = "low"
            verbosity = "medium"
            """, new Dictionary<string, string> { ["OPENAI_API_KEY"] = Key });
        return (fake, gateway);
    }

    private static string Sent(FakeOpenAIServer fake)
    {
        var body = Assert.Single(fake.Requests).Body;
        return new JsonObject
        {
            ["reasoning_effort"] = body["reasoning_effort"]?.DeepClone(),
            ["service_tier"] = body["service_tier"]?.DeepClone(),
            ["verbosity"] = body["verbosity"]?.DeepClone(),
        }.ToJsonString();
    }

    [Fact]
    public async Task Inference_ParamsChatCompletion_OverrideTheVariant()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, _, _) = await gateway.CreateClient().PostRawAsync("/inference", """
            {"function_name": "f", "params": {"chat_completion": {"reasoning_effort": "high", "service_tier": "priority"}},
             "input": {"messages": [{"role": "user", "content": "x"}]}}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"reasoning_effort":"high","service_tier":"priority","verbosity":"medium"}""", Sent(fake));
    }

    [Fact]
    public async Task OpenAIEndpoint_TopLevelFields_ReachTheProvider()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, _, _) = await gateway.CreateClient().PostChatAsync("""
            {"model": "tensorzero::function_name::f", "reasoning_effort": "minimal", "service_tier": "flex", "verbosity": "high",
             "messages": [{"role": "user", "content": "x"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"reasoning_effort":"minimal","service_tier":"flex","verbosity":"high"}""", Sent(fake));
    }

    [Fact]
    public async Task OpenAIEndpoint_TensorZeroParams_WinOverTopLevelFields()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, _, _) = await gateway.CreateClient().PostChatAsync("""
            {"model": "tensorzero::function_name::f", "reasoning_effort": "minimal",
             "tensorzero::params": {"chat_completion": {"reasoning_effort": "high"}}, "messages": [{"role": "user", "content": "x"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"reasoning_effort":"high","service_tier":null,"verbosity":"medium"}""", Sent(fake));
    }

    [Fact]
    public async Task BothEndpoints_UnknownServiceTier_Is400()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;
        var client = gateway.CreateClient();

        var (nativeStatus, nativeBody, _) = await client.PostRawAsync("/inference", """
            {"function_name": "f", "params": {"chat_completion": {"service_tier": "turbo"}}, "input": {"messages": [{"role": "user", "content": "x"}]}}
            """);
        var (openaiStatus, openaiBody, _) = await client.PostChatAsync("""
            {"model": "tensorzero::function_name::f", "service_tier": "turbo", "messages": [{"role": "user", "content": "x"}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, nativeStatus);
        Assert.Equal("`params.chat_completion.service_tier`: unknown service tier `turbo` (valid: auto, default, priority, flex)", nativeBody["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, openaiStatus);
        Assert.Equal("`service_tier`: unknown service tier `turbo` (valid: auto, default, priority, flex)", OpenAIClient.ErrorMessage(openaiBody));
        Assert.Empty(fake.Requests);
    }
}
