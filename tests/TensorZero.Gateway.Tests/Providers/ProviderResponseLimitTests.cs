using System.Net;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers;

/// <summary>
/// A provider answer is read up to <c>gateway.max_provider_response_bytes</c>: past it the call fails as the provider's
/// error (502), naming the setting, and none of the answer reaches the client.
/// </summary>
public sealed class ProviderResponseLimitTests
{
    private const string Key = "sk-CANARY-LIMIT-5c1e9a7b3d";
    private const int Limit = 4096;

    private static GatewayFactory Gateway(FakeOpenAIServer fake) => new($$"""
        [gateway]
        max_provider_response_bytes = {{Limit}}

        [models.gpt]
        routing = ["openai"]

        [models.gpt.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{fake.BaseUrl}}"
        """,
        new Dictionary<string, string> { ["OPENAI_API_KEY"] = Key });

    [Fact]
    public async Task Inference_AnswerOverTheLimit_Is502NamingTheSetting()
    {
        await using var fake = await FakeOpenAIServer.StartAsync();
        fake.ValidKeys.Add(Key);
        fake.Reply = _ => "overflow-" + new string('z', 2 * Limit);
        using var gateway = Gateway(fake);

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new { model_name = "gpt", input = GatewayClient.UserMessage("Hello") });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains($"`gateway.max_provider_response_bytes`, {Limit} bytes", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("overflow-", raw, StringComparison.Ordinal);
        SecretAssert.AssertNoSecretRun(raw, [Key]);
    }

    [Fact]
    public async Task Inference_AnswerUnderTheLimit_IsServed()
    {
        await using var fake = await FakeOpenAIServer.StartAsync();
        fake.ValidKeys.Add(Key);
        fake.Reply = _ => "fits";
        using var gateway = Gateway(fake);

        var (status, body, _) = await gateway.CreateClient().PostInferenceAsync(new { model_name = "gpt", input = GatewayClient.UserMessage("Hello") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("fits", body["content"]![0]!["text"]!.GetValue<string>());
    }
}
