using System.Net;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary><c>[gateway] base_path</c> puts every route under a prefix, for gateways behind a path-routing proxy.</summary>
public sealed class BasePathTests
{
    [Fact]
    public async Task BasePath_ServesRoutesUnderThePrefix()
    {
        using var gateway = new GatewayFactory("""
            [gateway]
            base_path = "/llm"
            """);
        var client = gateway.CreateClient();

        var (status, body, _) = await client.PostInferenceAsyncAt("/llm/inference", new { model_name = "dummy::echo", input = GatewayClient.UserMessage("prefixed") });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("prefixed", body["content"]![0]!["text"]!.GetValue<string>());

        using var statusResponse = await client.GetAsync("/llm/status");
        Assert.Equal(HttpStatusCode.OK, statusResponse.StatusCode);
    }

    [Theory]
    [InlineData("llm")]
    [InlineData("/llm/")]
    [InlineData("/llm?x=1")]
    public void BasePath_Malformed_IsAConfigError(string basePath)
    {
        var error = Assert.Throws<ConfigException>(() =>
            new ConfigLoader(ProviderRegistry.CreateDefault()).Parse($"[gateway]\nbase_path = \"{basePath}\"", "."));
        Assert.StartsWith("`gateway.base_path`: must be a path such as `/llm`", Assert.Single(error.Errors), StringComparison.Ordinal);
    }
}
