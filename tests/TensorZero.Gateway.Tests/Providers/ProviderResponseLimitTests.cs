using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
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

    private static GatewayFactory Gateway(FakeOpenAIServer fake) => Gateway(fake.BaseUrl);

    private static GatewayFactory Gateway(string apiBase) => new($$"""
        [gateway]
        max_provider_response_bytes = {{Limit}}

        [models.gpt]
        routing = ["openai"]

        [models.gpt.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{apiBase}}"
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
    public async Task InferenceStream_ErrorBodyOverTheLimit_Is502NamingTheSetting()
    {
        // A server that refuses every stream with a 500 whose body is far over the limit.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var upstream = builder.Build();
        upstream.MapPost("/v1/chat/completions", () => Results.Text("overflow-" + new string('e', 4 * Limit), "text/plain", statusCode: 500));
        await upstream.StartAsync();
        using var gateway = Gateway(upstream.Urls.First() + "/v1/");

        var (status, _, _, raw) = await gateway.CreateClient().PostStreamAsync("/inference", new
        {
            model_name = "gpt",
            input = GatewayClient.UserMessage("Hello"),
            stream = true,
        });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains($"`gateway.max_provider_response_bytes`, {Limit} bytes", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("overflow-", raw, StringComparison.Ordinal);
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
