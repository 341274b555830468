using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary>A client-chosen Azure endpoint with the gateway's own key is allowed, but announced at startup.</summary>
public sealed class AzureDynamicEndpointTests
{
    private static GatewayFactory Gateway(string keyLocation) => new($$"""
        [models.m]
        routing = ["azure"]
        [models.m.providers.azure]
        type = "azure"
        deployment_id = "gpt-4o-mini"
        endpoint = "dynamic::azure_endpoint"
        api_key_location = "{{keyLocation}}"
        """, new Dictionary<string, string> { ["AZURE_KEY"] = "canary-azure-key-0123456789" });

    [Fact]
    public void DynamicEndpointWithServerKey_LogsAWarningWithoutTheKey()
    {
        using var gateway = Gateway("env::AZURE_KEY");
        _ = gateway.Services;

        var warning = Assert.Single(gateway.Logs.Lines, l => l.Contains("only let trusted clients call this model", StringComparison.Ordinal));
        Assert.Contains("azure_endpoint", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("canary-azure-key-0123456789", gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public void DynamicEndpointWithClientKey_LogsNoWarning()
    {
        using var gateway = Gateway("dynamic::azure_key");
        _ = gateway.Services;

        Assert.DoesNotContain(gateway.Logs.Lines, l => l.Contains("only let trusted clients", StringComparison.Ordinal));
    }
}
