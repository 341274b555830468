using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary>
/// Azure embedding providers built from TOML as the gateway builds them: the exact URL, header and body they send, and
/// every startup problem with its TOML path.
/// </summary>
public sealed class AzureEmbeddingProviderTests
{
    private const string Key = "azure-embed-unit-key-0123456789";

    private const string OneVector =
        """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.25,-2]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":1,"total_tokens":1}}""";

    private static GatewayRuntime Build(string providerLines, IHttpClientFactory? http = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse($"""
            [embedding_models.e]
            routing = ["azure"]
            [embedding_models.e.providers.azure]
            type = "azure"
            {providerLines}
            """, Path.GetTempPath());
        var services = new ProviderServices(http ?? new RecordingHttp(OneVector), NullLoggerFactory.Instance, TimeProvider.System);
        return GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(),
            new FakeEnvironment(environment ?? new Dictionary<string, string> { ["AZURE_OPENAI_API_KEY"] = Key }), services);
    }

    private static IEmbeddingProvider Provider(string providerLines, RecordingHttp http, IReadOnlyDictionary<string, string>? environment = null) =>
        Build(providerLines, http, environment).EmbeddingModels.Get("e").Providers[0].Provider;

    [Fact]
    public async Task EmbedAsync_SingleText_SendsDeploymentUrlApiKeyAndABodyWithoutModel()
    {
        var http = new RecordingHttp(OneVector);
        var provider = Provider("deployment_id = \"text-embedding-3-small\"\nendpoint = \"https://acme.openai.azure.com\"", http);

        var response = await provider.EmbedAsync(new EmbeddingRequest(EmbeddingInput.Single("hello")), RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal("azure", provider.Type);
        Assert.Equal(
            "https://acme.openai.azure.com/openai/deployments/text-embedding-3-small/embeddings?api-version=2025-04-01-preview",
            http.Last.RequestUri!.AbsoluteUri);
        Assert.Equal([Key], http.Last.Headers.GetValues("api-key"));
        Assert.Null(http.Last.Headers.Authorization);
        Assert.Equal("""{"input":"hello"}""", http.LastBody);
        Assert.Equal([0.25f, -2f], Assert.Single(response.Embeddings));
        Assert.Equal(1, response.InputTokens);
    }

    [Fact]
    public async Task EmbedAsync_BatchWithOptionsAndExtras_SendsThemAll()
    {
        var http = new RecordingHttp(OneVector.Replace("""[{"object":"embedding","index":0,"embedding":[0.25,-2]}]""",
            """[{"index":0,"embedding":[1]},{"index":1,"embedding":[2]}]""", StringComparison.Ordinal));
        var provider = Provider("""
            deployment_id = "my embeddings/v2"
            endpoint = "env::AZURE_ENDPOINT"
            api_key_location = "env::TEAM_AZURE_KEY"
            extra_body = [{ pointer = "/user", value = "tz" }]
            extra_headers = [{ name = "x-ms-client-request-id", value = "req-1" }]
            """, http, new Dictionary<string, string> { ["TEAM_AZURE_KEY"] = Key, ["AZURE_ENDPOINT"] = "https://acme.services.ai.azure.com/" });

        await provider.EmbedAsync(
            new EmbeddingRequest(new EmbeddingInput(["a", "b"], true), Dimensions: 256, EncodingFormat: EmbeddingEncoding.Base64),
            RequestCredentials.Empty,
            CancellationToken.None);

        Assert.Equal(
            "https://acme.services.ai.azure.com/openai/deployments/my%20embeddings%2Fv2/embeddings?api-version=2025-04-01-preview",
            http.Last.RequestUri!.AbsoluteUri);
        Assert.Equal("""{"input":["a","b"],"dimensions":256,"encoding_format":"base64","user":"tz"}""", http.LastBody);
        Assert.Equal(["req-1"], http.Last.Headers.GetValues("x-ms-client-request-id"));
        Assert.Equal([Key], http.Last.Headers.GetValues("api-key"));
    }

    [Fact]
    public async Task EmbedAsync_DynamicEndpointMissingFromTheRequest_Is400NamingTheKey()
    {
        var http = new RecordingHttp(OneVector);
        var provider = Provider(
            "deployment_id = \"d\"\nendpoint = \"dynamic::azure_endpoint\"\napi_key_location = \"dynamic::azure_key\"", http);
        var credentials = new RequestCredentials(new Dictionary<string, Secret> { ["azure_key"] = new(Key) });

        var error = await Assert.ThrowsAsync<GatewayError>(() =>
            provider.EmbedAsync(new EmbeddingRequest(EmbeddingInput.Single("x")), credentials, CancellationToken.None));

        Assert.Equal(ErrorKind.MissingCredential, error.Kind);
        Assert.Equal("Endpoint missing for provider Azure: Dynamic endpoint `azure_endpoint` is missing", error.Message);
    }

    [Fact]
    public void Build_BadSettings_AreReportedWithTheirPath()
    {
        var error = Assert.Throws<ConfigException>(() => Build("""
            deployment_id = ".."
            endpoint = "ftp://acme.example"
            """));

        Assert.Equal(
        [
            "`embedding_models.e.providers.azure.deployment_id`: must not be `.` or `..` (it is a segment of the request URL)",
            "`embedding_models.e.providers.azure.endpoint`: the endpoint is not an absolute http(s) URL (use a URL, `env::VAR` or `dynamic::KEY`)",
        ], error.Errors);
    }

    [Fact]
    public void Build_MissingCredentialOrKeys_AreReportedWithTheirPaths()
    {
        var errors = Assert.Throws<ConfigException>(() => Build(string.Empty, environment: new Dictionary<string, string>())).Errors;

        Assert.Equal(
        [
            "`embedding_models.e.providers.azure`: environment variable `AZURE_OPENAI_API_KEY` is missing (and so is `AZURE_API_KEY`) (the default credential of `azure` providers)",
        ], errors);

        var settingErrors = Assert.Throws<ConfigException>(() => Build(string.Empty)).Errors;
        Assert.Equal(
        [
            "`embedding_models.e.providers.azure.deployment_id`: is required for `azure` providers",
            "`embedding_models.e.providers.azure.endpoint`: is required for `azure` providers",
        ], settingErrors);
    }

    [Theory]
    [InlineData("model_name = \"text-embedding-3-small\"", "model_name")]
    [InlineData("api_base = \"https://acme.openai.azure.com\"", "api_base")]
    public void Load_KeysAzureDoesNotTake_AreUnknown(string line, string key)
    {
        var error = Assert.Throws<ConfigException>(() => Build("deployment_id = \"d\"\nendpoint = \"https://acme.openai.azure.com\"\n" + line));

        Assert.Contains(error.Errors, e => e.StartsWith($"`embedding_models.e.providers.azure.{key}`: unknown key", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("api_key_location = \"env::AZURE_OPENAI_API_KEY\"", "`embedding_models.e.providers.azure.api_key_location` is `env::AZURE_OPENAI_API_KEY`")]
    [InlineData("", "`embedding_models.e.providers.azure.api_key_location` is not set, so the default credential of `azure` providers is used")]
    [InlineData("api_key_location = { default = \"dynamic::k\", fallback = \"env::AZURE_OPENAI_API_KEY\" }", "`embedding_models.e.providers.azure.api_key_location` is `{ default = \"dynamic::k\", fallback = \"env::AZURE_OPENAI_API_KEY\" }`")]
    public void Build_DynamicEndpointWithGatewayKey_FailsNamingTheEndpoint(string keyLine, string why)
    {
        var error = Assert.Throws<ConfigException>(() => Build($"deployment_id = \"d\"\nendpoint = \"dynamic::azure_endpoint\"\n{keyLine}"));

        Assert.Equal(
            "`embedding_models.e.providers.azure.endpoint`: a client-chosen endpoint (`dynamic::azure_endpoint`) receives the API key, so the key must come from the request too: " +
            $"use `api_key_location = \"dynamic::...\"`, with a `dynamic::` fallback if any ({why})",
            Assert.Single(error.Errors));
        Assert.DoesNotContain(error.Errors, e => e.Contains(Key, StringComparison.Ordinal));
    }
}
