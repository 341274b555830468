using System.Diagnostics;
using System.Net;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.Egress;

/// <summary>
/// <c>[gateway] outbound_connect_timeout_ms</c> bounds opening a provider connection, the TLS handshake included: an
/// <c>https://</c> provider whose host accepts TCP but never speaks TLS fails quickly with a clear 502 instead of
/// holding the request until the 15-minute outbound timeout.
/// </summary>
public sealed class ConnectTimeoutTests
{
    private const string Key = "sk-canary-connect-timeout-1a2b3c";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Inference_HttpsProviderThatNeverHandshakes_FailsAfterTheConnectTimeout(bool stream)
    {
        await using var silent = CountingTcpListener.Silent("127.0.0.1");
        using var gateway = new GatewayFactory($"""
            [gateway]
            outbound_connect_timeout_ms = 500

            [models.m]
            routing = ["openai"]
            [models.m.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "https://127.0.0.1:{silent.Port}/v1/"
            """, new Dictionary<string, string> { ["OPENAI_API_KEY"] = Key });
        var client = gateway.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);

        var watch = Stopwatch.StartNew();
        var (status, _, _, raw) = await client.PostStreamAsync("/inference", new { model_name = "m", input = GatewayClient.UserMessage("Hello"), stream });
        watch.Stop();

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("no connection could be established within 500 ms (`[gateway] outbound_connect_timeout_ms`)", raw, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.True(silent.Connections >= 1, "the TCP connection was accepted, so the wait was in the TLS handshake");
        Assert.DoesNotContain(Key, raw + gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_ClientChosenHttpsEndpointThatNeverHandshakes_FailsAfterTheConnectTimeout()
    {
        await using var silent = CountingTcpListener.Silent("127.0.0.2");
        using var gateway = new GatewayFactory("""
            [gateway]
            outbound_connect_timeout_ms = 500
            allowed_dynamic_hosts = ["127.0.0.2"]

            [models.m]
            routing = ["azure"]
            [models.m.providers.azure]
            type = "azure"
            deployment_id = "d"
            endpoint = "dynamic::azure_endpoint"
            api_key_location = "dynamic::azure_key"
            """);
        var client = gateway.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        var credentials = new Dictionary<string, string> { ["azure_endpoint"] = $"https://127.0.0.2:{silent.Port}/", ["azure_key"] = Key };

        var watch = Stopwatch.StartNew();
        var (status, _, raw) = await client.PostInferenceAsync(new { model_name = "m", input = GatewayClient.UserMessage("Hello"), credentials });
        watch.Stop();

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("`[gateway] outbound_connect_timeout_ms`", raw, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Equal(1, silent.Connections);
    }
}
