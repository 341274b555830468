using System.Net;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.OpenAI.Responses;

/// <summary>Raw data of OpenAI's Responses API is reported with <c>api_type</c> <c>responses</c>, failed attempts included.</summary>
public sealed class ResponsesRawResponseTests
{
    private const string Key = "sk-CANARY-RSPRAW-3e7a1c9b5d2f";
    private const string WrongKey = "sk-CANARY-RSPBAD-8b4d2f6a1c";

    private static GatewayFactory Gateway(FakeOpenAIServer fake) => new($$"""
        [models.gpt5]
        routing = ["rejected", "openai"]

        [models.gpt5.providers.rejected]
        type = "openai"
        model_name = "gpt-5-mini"
        api_base = "{{fake.BaseUrl}}"
        api_type = "responses"
        api_key_location = "env::WRONG_KEY"

        [models.gpt5.providers.openai]
        type = "openai"
        model_name = "gpt-5-mini"
        api_base = "{{fake.BaseUrl}}"
        api_type = "responses"
        """,
        new Dictionary<string, string> { ["OPENAI_API_KEY"] = Key, ["WRONG_KEY"] = WrongKey });

    [Fact]
    public async Task Inference_ResponsesApi_EntriesSayResponses()
    {
        await using var fake = await FakeOpenAIServer.StartAsync();
        fake.ValidKeys.Add(Key);
        using var gateway = Gateway(fake);

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new
        {
            model_name = "gpt5",
            input = GatewayClient.UserMessage("Hello"),
            include_raw_response = true,
            include_raw_usage = true,
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var entries = body["raw_response"]!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal("responses", e!["api_type"]!.GetValue<string>()));
        Assert.False(entries[0]!.AsObject().ContainsKey("model_inference_id"));
        Assert.Equal("responses", Assert.Single(body["raw_usage"]!.AsArray())!["api_type"]!.GetValue<string>());
        SecretAssert.AssertNoSecretRun(raw, [Key, WrongKey]);
    }

    [Fact]
    public async Task InferenceStream_ResponsesApi_RawUsageOnTheCompletedEventSaysResponses()
    {
        await using var fake = await FakeOpenAIServer.StartAsync();
        fake.ValidKeys.Add(Key);
        using var gateway = Gateway(fake);

        var (status, _, events, _) = await gateway.CreateClient().PostStreamAsync("/inference", new
        {
            model_name = "gpt5",
            input = GatewayClient.UserMessage("Hello"),
            include_raw_usage = true,
            stream = true,
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var withUsage = Assert.Single(events.Json(), c => c.ContainsKey("raw_usage"));
        Assert.Equal("responses", Assert.Single(withUsage["raw_usage"]!.AsArray())!["api_type"]!.GetValue<string>());
    }
}
