using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.Egress;

/// <summary>
/// A client-chosen endpoint may only be paired with credentials the client supplies on every branch: anything the
/// gateway holds (an <c>env::</c> key, an <c>env::</c> fallback, a type default, IAM keys, the bearer token variable,
/// the AWS SDK chain) is a startup error naming the TOML path, never a value.
/// </summary>
public sealed class DynamicEndpointPairingTests
{
    private const string Canary = "canary-gateway-held-key-13579bdf";

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["AZURE_KEY"] = Canary,
        ["AZURE_OPENAI_API_KEY"] = Canary,
        ["MY_AKID"] = "AKIACANARYPAIRING000",
        ["MY_SECRET"] = Canary,
        ["MY_BEDROCK_KEY"] = Canary,
    };

    private static string Azure(string credentialLines) => $"""
        [models.m]
        routing = ["azure"]
        [models.m.providers.azure]
        type = "azure"
        deployment_id = "d"
        endpoint = "dynamic::azure_endpoint"
        {credentialLines}
        """;

    private static string Bedrock(string credentialLines) => $"""
        [models.m]
        routing = ["bedrock"]
        [models.m.providers.bedrock]
        type = "aws_bedrock"
        model_id = "m"
        region = "us-east-1"
        endpoint_url = "dynamic::bedrock_endpoint"
        {credentialLines}
        """;

    private static GatewayRuntime Build(string toml, IReadOnlyDictionary<string, string>? environment = null)
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, Path.GetTempPath());
        var services = new ProviderServices(new NoHttp(), NullLoggerFactory.Instance, TimeProvider.System);
        return GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(), new FakeEnvironment(environment ?? Environment), services);
    }

    private static string BuildFails(string toml, IReadOnlyDictionary<string, string>? environment = null)
    {
        var error = Assert.Throws<ConfigException>(() => Build(toml, environment));
        Assert.DoesNotContain(error.Errors, e => e.Contains(Canary, StringComparison.Ordinal));
        return Assert.Single(error.Errors);
    }

    [Fact]
    public void Build_AzureDynamicEndpointWithEnvKey_FailsNamingTheEndpoint()
    {
        var error = BuildFails(Azure("api_key_location = \"env::AZURE_KEY\""));

        Assert.Equal(
            "`models.m.providers.azure.endpoint`: a client-chosen endpoint (`dynamic::azure_endpoint`) receives the API key, so the key must come from the request too: " +
            "use `api_key_location = \"dynamic::...\"`, with a `dynamic::` fallback if any (`models.m.providers.azure.api_key_location` is `env::AZURE_KEY`)",
            error);
    }

    [Fact]
    public void Build_AzureDynamicEndpointWithEnvFallback_Fails()
    {
        var error = BuildFails(Azure("api_key_location = { default = \"dynamic::azure_key\", fallback = \"env::AZURE_KEY\" }"));

        Assert.StartsWith("`models.m.providers.azure.endpoint`: a client-chosen endpoint", error, StringComparison.Ordinal);
        Assert.Contains("`models.m.providers.azure.api_key_location` is `{ default = \"dynamic::azure_key\", fallback = \"env::AZURE_KEY\" }`", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_AzureDynamicEndpointWithDefaultCredential_Fails()
    {
        var error = BuildFails(Azure(string.Empty));

        Assert.StartsWith("`models.m.providers.azure.endpoint`: a client-chosen endpoint", error, StringComparison.Ordinal);
        Assert.Contains("`models.m.providers.azure.api_key_location` is not set, so the default credential of `azure` providers is used", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_AzureDynamicEndpointWithDynamicKeyOrDynamicTypeDefault_Starts()
    {
        Build(Azure("api_key_location = \"dynamic::azure_key\""));
        Build(Azure("api_key_location = { default = \"dynamic::azure_key\", fallback = \"dynamic::team_key\" }"));
        Build("[provider_types.azure.defaults]\napi_key_location = \"dynamic::azure_key\"\n" + Azure(string.Empty));
    }

    [Theory]
    [InlineData("", "no credential field is set, so the AWS SDK credential chain would be used")]
    [InlineData("access_key_id = \"env::MY_AKID\"\nsecret_access_key = \"env::MY_SECRET\"", "the IAM fields are not all `dynamic::`")]
    [InlineData("access_key_id = \"sdk\"\nsecret_access_key = \"sdk\"", "the IAM fields are not all `dynamic::`")]
    [InlineData("api_key = \"env::MY_BEDROCK_KEY\"", "`api_key` is `env::MY_BEDROCK_KEY`")]
    [InlineData("api_key = { default = \"dynamic::k\", fallback = \"env::MY_BEDROCK_KEY\" }", "`api_key` is `{ default = \"dynamic::k\", fallback = \"env::MY_BEDROCK_KEY\" }`")]
    public void Build_BedrockDynamicEndpointWithGatewayCredentials_FailsNamingTheEndpoint(string credentialLines, string why)
    {
        var error = BuildFails(Bedrock(credentialLines));

        Assert.Equal(
            "`models.m.providers.bedrock.endpoint_url`: a client-chosen endpoint (`dynamic::bedrock_endpoint`) receives the credentials, so they must come from the request too: " +
            $"set `api_key`, or `access_key_id` and `secret_access_key` (and `session_token`), to `dynamic::` ({why})",
            error);
    }

    [Fact]
    public void Build_BedrockDynamicEndpointWithBearerTokenFromEnvironment_Fails()
    {
        var environment = new Dictionary<string, string>(Environment) { ["AWS_BEARER_TOKEN_BEDROCK"] = Canary };

        var error = BuildFails(Bedrock(string.Empty), environment);

        Assert.StartsWith("`models.m.providers.bedrock.endpoint_url`: a client-chosen endpoint", error, StringComparison.Ordinal);
        Assert.Contains("`AWS_BEARER_TOKEN_BEDROCK` from the environment would be sent", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BedrockDynamicEndpointWithDynamicCredentials_Starts()
    {
        Build(Bedrock("api_key = \"dynamic::bedrock_key\""));
        Build(Bedrock("access_key_id = \"dynamic::akid\"\nsecret_access_key = \"dynamic::secret\"\nsession_token = \"dynamic::token\""));
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in this test");
    }
}
