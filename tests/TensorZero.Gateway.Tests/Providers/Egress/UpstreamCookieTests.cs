using System.Net;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.Egress;

/// <summary>Cookies a provider sets are not kept: the next request, whoever sends it, carries none.</summary>
public sealed class UpstreamCookieTests
{
    private const string KeyA = "sk-CANARY-COOKIE-A-5f1e9d3c7b";
    private const string KeyB = "sk-CANARY-COOKIE-B-2a8c6e4f0d";

    [Fact]
    public async Task Inference_ProviderSetsASessionCookie_TheNextCallersRequestCarriesNoCookie()
    {
        await using var fake = await FakeOpenAIServer.StartAsync();
        fake.ValidKeys.Add(KeyA);
        fake.ValidKeys.Add(KeyB);
        fake.SetCookie = "session=tenant-a-session; Path=/";
        using var gateway = new GatewayFactory($$"""
            [models.gpt]
            routing = ["openai"]

            [models.gpt.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{fake.BaseUrl}}"
            api_key_location = "dynamic::customer_key"
            """);
        var client = gateway.CreateClient();

        foreach (var key in new[] { KeyA, KeyB })
        {
            var (status, _, raw) = await client.PostInferenceAsync(new
            {
                model_name = "gpt",
                input = GatewayClient.UserMessage("hi"),
                credentials = new Dictionary<string, string> { ["customer_key"] = key },
            });
            Assert.True(status == HttpStatusCode.OK, raw);
        }

        Assert.Equal(2, fake.Requests.Count);
        Assert.All(fake.Requests, r => Assert.False(r.Headers.ContainsKey("cookie"), $"sent cookie: {r.Headers.GetValueOrDefault("cookie")}"));
    }
}
