using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Tests.Providers.OpenAI;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// Azure and a keyless vLLM server end to end: the whole gateway in memory against fakes that check each provider's
/// real auth header (Azure's <c>api-key</c>; none for vLLM).
/// </summary>
public sealed class InferenceOpenAIFamilyTests
{
    private const string AzureKey = "azure-canary-key-6e1d2c3b4a59";
    private const string CustomerAzureKey = "azure-canary-customer-0b9a8c7d6e";

    private static string Config(string providerKeys) => $$"""
        [models.m]
        routing = ["p"]

        [models.m.providers.p]
        {{providerKeys}}

        [functions.f]
        type = "chat"

        [functions.f.variants.main]
        type = "chat_completion"
        model = "m"
        """;

    [Fact]
    public async Task Inference_AzureDefaultKey_SendsApiKeyHeaderToDeploymentUrl()
    {
        await using var azure = await FakeOpenAIServer.StartAsync(FakeWire.For("azure"));
        azure.ValidKeys.Add(AzureKey);
        using var gateway = new GatewayFactory(
            Config($"type = \"azure\"\ndeployment_id = \"gpt-4o-mini-prod\"\nendpoint = \"{azure.Origin}\""),
            new Dictionary<string, string> { ["AZURE_OPENAI_API_KEY"] = AzureKey });

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new { function_name = "f", input = GatewayClient.UserMessage("Hello") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("echo: Hello", body["content"]![0]!["text"]!.GetValue<string>());
        var request = Assert.Single(azure.Requests);
        Assert.Equal("/openai/deployments/gpt-4o-mini-prod/chat/completions", request.Path);
        Assert.Equal("?api-version=2025-04-01-preview", request.Query);
        Assert.Equal(AzureKey, request.Headers["api-key"]);
        Assert.Null(request.Authorization);
        Assert.False(request.Body.ContainsKey("model"));
        Assert.DoesNotContain(AzureKey, raw + gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_AzureDynamicEndpointAndKey_UsesBothFromRequest()
    {
        await using var azure = await FakeOpenAIServer.StartAsync(FakeWire.For("azure"));
        azure.ValidKeys.Add(CustomerAzureKey);
        // The fake listens on loopback, which a client-chosen endpoint may only reach when the allow list says so.
        using var gateway = new GatewayFactory("[gateway]\nallowed_dynamic_hosts = [\"127.0.0.1\"]\n" + Config("""
            type = "azure"
            deployment_id = "customer-deploy"
            endpoint = "dynamic::customer_azure_endpoint"
            api_key_location = "dynamic::customer_azure_key"
            """));

        var (status, _, raw) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "f",
            input = GatewayClient.UserMessage("Hello"),
            credentials = new Dictionary<string, string>
            {
                ["customer_azure_endpoint"] = azure.Origin,
                ["customer_azure_key"] = CustomerAzureKey,
            },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var request = Assert.Single(azure.Requests);
        Assert.Equal("customer-deploy", request.Deployment);
        Assert.Equal(CustomerAzureKey, request.ApiKey);
        Assert.DoesNotContain(CustomerAzureKey, raw + gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_AzureDynamicEndpointMissing_Returns400NamingKey()
    {
        using var gateway = new GatewayFactory(Config("""
            type = "azure"
            deployment_id = "customer-deploy"
            endpoint = "dynamic::customer_azure_endpoint"
            api_key_location = "dynamic::customer_azure_key"
            """));

        var (status, body, _) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "f",
            input = GatewayClient.UserMessage("Hello"),
            credentials = new Dictionary<string, string> { ["customer_azure_key"] = CustomerAzureKey },
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("customer_azure_endpoint", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(CustomerAzureKey, body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_AzureWrongKey_Returns502WithAzureErrorAndNoKey()
    {
        await using var azure = await FakeOpenAIServer.StartAsync(FakeWire.For("azure"));
        azure.ValidKeys.Add(AzureKey);
        const string wrong = "azure-canary-wrong-9f8e7d6c5b4a";
        using var gateway = new GatewayFactory(
            Config($"type = \"azure\"\ndeployment_id = \"d\"\nendpoint = \"{azure.Origin}\""),
            new Dictionary<string, string> { ["AZURE_OPENAI_API_KEY"] = wrong });

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new { function_name = "f", input = GatewayClient.UserMessage("Hello") });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("Access denied due to invalid subscription key", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, raw + gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_VllmDefault_SendsNoAuthorizationHeader()
    {
        await using var vllm = await FakeOpenAIServer.StartAsync(FakeWire.For("vllm"));
        using var gateway = new GatewayFactory(
            Config($"type = \"vllm\"\nmodel_name = \"Qwen/Qwen2.5-7B-Instruct\"\napi_base = \"{vllm.BaseUrl}\""),
            new Dictionary<string, string> { ["VLLM_API_KEY"] = "vllm-canary-never-sent-1234", ["OPENAI_API_KEY"] = "sk-canary-never-sent-5678" });

        var (status, body, _) = await gateway.CreateClient().PostInferenceAsync(new { function_name = "f", input = GatewayClient.UserMessage("Hello") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("echo: Hello", body["content"]![0]!["text"]!.GetValue<string>());
        var request = Assert.Single(vllm.Requests);
        Assert.False(request.Headers.ContainsKey("authorization"));
        Assert.Equal("Qwen/Qwen2.5-7B-Instruct", request.Body["model"]!.GetValue<string>());
        Assert.Equal(57, body["usage"]!["input_tokens"]!.GetValue<int>());
    }

    [Fact]
    public void Startup_VllmWithoutApiBaseAndAzureWithoutEndpointVariable_ReportsBoth()
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse("""
            [models.a]
            routing = ["p"]
            [models.a.providers.p]
            type = "vllm"
            model_name = "x"

            [models.b]
            routing = ["p"]
            [models.b.providers.p]
            type = "azure"
            deployment_id = "d"
            endpoint = "env::MY_AZURE_ENDPOINT"
            api_key_location = "env::MY_AZURE_KEY"
            """, Path.GetTempPath());
        var services = new ProviderServices(new RealHttp(), NullLoggerFactory.Instance, TimeProvider.System);

        var error = Assert.Throws<ConfigException>(() => GatewayRuntime.Build(
            config, ProviderRegistry.CreateDefault(), new FakeEnvironment(new Dictionary<string, string> { ["MY_AZURE_KEY"] = AzureKey }), services));

        Assert.Equal(
        [
            "`models.a.providers.p.api_base`: is required for `vllm` providers (the server's base URL, e.g. `http://localhost:8000/v1/`)",
            "`models.b.providers.p.endpoint`: environment variable `MY_AZURE_ENDPOINT` is missing",
        ], error.Errors);
    }
}
