using System.Net;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;

/// <summary>
/// <c>POST /openai/v1/embeddings</c> over <c>type = "azure"</c> embedding providers, through the whole gateway, against
/// a fake Azure that checks the <c>api-key</c> header, the deployment route and its <c>api-version</c>.
/// </summary>
public sealed class AzureEmbeddingsTests
{
    private const string Path = "/openai/v1/embeddings";
    private const string GoodKey = "cnry-4f2d8b6a1e-Gd57-key";
    private const string WrongKey = "cnry-9c7e5a3b1d-Wr35-key";
    private const string CustomerKey = "cnry-2b4d6f8a0c-Cu13-key";

    private static async Task<FakeOpenAIServer> Azure()
    {
        var server = await FakeOpenAIServer.StartAsync(FakeWire.For("azure"));
        server.ValidKeys.Add(GoodKey);
        server.ValidKeys.Add(CustomerKey);
        return server;
    }

    private static string Config(FakeOpenAIServer azure, string gateway = "") => $$"""
        {{gateway}}
        [embedding_models.azure-text-embedding-3-small]
        routing = ["azure"]
        [embedding_models.azure-text-embedding-3-small.providers.azure]
        type = "azure"
        endpoint = "{{azure.Origin}}"
        deployment_id = "text-embedding-3-small"

        [embedding_models.byok]
        routing = ["azure"]
        [embedding_models.byok.providers.azure]
        type = "azure"
        endpoint = "env::AZURE_ENDPOINT"
        deployment_id = "text-embedding-3-small"
        api_key_location = "dynamic::customer_azure_key"

        [embedding_models.client_endpoint]
        routing = ["azure"]
        [embedding_models.client_endpoint.providers.azure]
        type = "azure"
        endpoint = "dynamic::customer_azure_endpoint"
        deployment_id = "text-embedding-3-small"
        api_key_location = "dynamic::customer_azure_key"
        """;

    private static GatewayFactory Gateway(FakeOpenAIServer azure, IReadOnlyDictionary<string, string>? environment = null, string gateway = "") =>
        new(Config(azure, gateway), environment ?? new Dictionary<string, string>
        {
            ["AZURE_OPENAI_API_KEY"] = GoodKey,
            ["AZURE_ENDPOINT"] = azure.Origin,
        });

    [Fact]
    public async Task Embeddings_DefaultCredential_GoesToTheDeploymentWithTheApiKeyHeader()
    {
        await using var azure = await Azure();
        using var gateway = Gateway(azure);

        var (status, body, raw) = await gateway.CreateClient().PostRawAsync(Path,
            """{"model": "tensorzero::embedding_model_name::azure-text-embedding-3-small", "input": ["a", "abc"], "dimensions": 2}""");

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(
            """[{"object":"embedding","embedding":[1,1.25],"index":0},{"object":"embedding","embedding":[3,3.25],"index":1}]""",
            OpenAIClient.Json(body["data"]));
        Assert.Equal(4, body["usage"]!["prompt_tokens"]!.GetValue<int>());
        var request = Assert.Single(azure.Requests);
        Assert.Equal("/openai/deployments/text-embedding-3-small/embeddings", request.Path);
        Assert.Equal("?api-version=2025-04-01-preview", request.Query);
        Assert.Equal(GoodKey, request.ApiKey);
        Assert.Null(request.Authorization);
        Assert.Equal("""{"input":["a","abc"],"dimensions":2}""", OpenAIClient.Json(request.Body));
        SecretAssert.AssertNoSecretRun([raw, gateway.Logs.All], [GoodKey]);
    }

    [Fact]
    public async Task Embeddings_OnlyTheNewerVariable_IsReadWhenTheGuidesIsUnset()
    {
        await using var azure = await Azure();
        using var gateway = Gateway(azure, new Dictionary<string, string> { ["AZURE_API_KEY"] = GoodKey, ["AZURE_ENDPOINT"] = azure.Origin });

        var (status, _, raw) = await gateway.CreateClient().PostRawAsync(Path,
            """{"model": "tensorzero::embedding_model_name::azure-text-embedding-3-small", "input": "hello"}""");

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(GoodKey, Assert.Single(azure.Requests).ApiKey);
    }

    [Fact]
    public async Task Embeddings_DynamicKeyWithEnvEndpoint_IsSentAndAMissingOneIsA400NamingIt()
    {
        await using var azure = await Azure();
        using var gateway = Gateway(azure);
        var client = gateway.CreateClient();

        var (okStatus, _, okRaw) = await client.PostRawAsync(Path,
            $$$"""{"model": "tensorzero::embedding_model_name::byok", "input": "x", "tensorzero::credentials": {"customer_azure_key": "{{{CustomerKey}}}"}}""");
        var (missingStatus, missing, _) = await client.PostRawAsync(Path, """{"model": "tensorzero::embedding_model_name::byok", "input": "x"}""");

        Assert.True(okStatus == HttpStatusCode.OK, okRaw);
        Assert.Equal(CustomerKey, Assert.Single(azure.Requests).ApiKey);
        Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
        Assert.Equal(
            "All model providers failed to embed with errors: azure: API key missing for provider Azure: Dynamic api key `customer_azure_key` is missing",
            OpenAIClient.ErrorMessage(missing));
        SecretAssert.AssertNoSecretRun([okRaw, gateway.Logs.All], [CustomerKey]);
    }

    [Fact]
    public async Task Embeddings_WrongKey_IsAzuresErrorWithoutTheKey()
    {
        await using var azure = await Azure();
        using var gateway = Gateway(azure, new Dictionary<string, string> { ["AZURE_OPENAI_API_KEY"] = WrongKey, ["AZURE_ENDPOINT"] = azure.Origin });

        var (status, body, raw) = await gateway.CreateClient().PostRawAsync(Path,
            """{"model": "tensorzero::embedding_model_name::azure-text-embedding-3-small", "input": "x"}""");

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.StartsWith("All model providers failed to embed with errors: azure: Error 401 from Azure client: Access denied due to invalid subscription key",
            OpenAIClient.ErrorMessage(body), StringComparison.Ordinal);
        Assert.Equal(WrongKey, Assert.Single(azure.Requests).ApiKey);
        SecretAssert.AssertNoSecretRun([raw, gateway.Logs.All], [WrongKey]);
    }

    [Fact]
    public async Task Embeddings_ClientChosenEndpoint_IsRefusedForLoopbackAndUsedOnceAllowed()
    {
        await using var azure = await Azure();
        var request = $$$"""
            {"model": "tensorzero::embedding_model_name::client_endpoint", "input": "x",
             "tensorzero::credentials": {"customer_azure_key": "{{{CustomerKey}}}", "customer_azure_endpoint": "{{{azure.Origin}}}"}}
            """;
        using var guarded = Gateway(azure);
        using var allowed = Gateway(azure, gateway: "[gateway]\nallowed_dynamic_hosts = [\"127.0.0.1\"]");

        var (refusedStatus, refused, refusedRaw) = await guarded.CreateClient().PostRawAsync(Path, request);
        Assert.Empty(azure.Requests);
        var (status, _, raw) = await allowed.CreateClient().PostRawAsync(Path, request);

        Assert.Equal(HttpStatusCode.BadRequest, refusedStatus);
        Assert.Contains("`customer_azure_endpoint`", OpenAIClient.ErrorMessage(refused), StringComparison.Ordinal);
        Assert.True(status == HttpStatusCode.OK, raw);
        var sent = Assert.Single(azure.Requests);
        Assert.Equal(CustomerKey, sent.ApiKey);
        Assert.Equal("/openai/deployments/text-embedding-3-small/embeddings", sent.Path);
        SecretAssert.AssertNoSecretRun([refusedRaw, raw, guarded.Logs.All, allowed.Logs.All], [CustomerKey]);
    }
}
