using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.AwsBedrock;

/// <summary>Startup validation of <c>aws_bedrock</c> settings: every problem at once, each with its TOML path, never a value.</summary>
public sealed class AwsBedrockConfigTests
{
    private static ConfigException BuildFails(string providers, IReadOnlyDictionary<string, string>? environment = null)
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(providers, Path.GetTempPath());
        var services = new ProviderServices(new NoHttp(), NullLoggerFactory.Instance, TimeProvider.System);
        return Assert.Throws<ConfigException>(() => GatewayRuntime.Build(
            config, ProviderRegistry.CreateDefault(), new FakeEnvironment(environment ?? new Dictionary<string, string>()), services));
    }

    private static string Model(string name, string lines) => $"""
        [models.{name}]
        routing = ["b"]
        [models.{name}.providers.b]
        type = "aws_bedrock"
        {lines}

        """;

    [Fact]
    public void Build_ManyProblems_ListsEveryOneWithItsPath()
    {
        var error = BuildFails(
            Model("no_region", "model_id = \"m\"\napi_key = \"env::K\"") +
            Model("no_model", "region = \"us-east-1\"\napi_key = \"env::K\"") +
            Model("missing_env", "model_id = \"m\"\nregion = \"env::MISSING_REGION\"\naccess_key_id = \"env::MISSING_AKID\"\nsecret_access_key = \"env::MISSING_SECRET\"") +
            Model("mixed", "model_id = \"m\"\nregion = \"us-east-1\"\naccess_key_id = \"env::K\"\nsecret_access_key = \"dynamic::s\"") +
            Model("token_only", "model_id = \"m\"\nregion = \"us-east-1\"\nsession_token = \"env::K\"") +
            Model("both", "model_id = \"m\"\nregion = \"us-east-1\"\napi_key = \"env::K\"\naccess_key_id = \"env::K\"\nsecret_access_key = \"env::K\"") +
            Model("path_field", "model_id = \"m\"\nregion = \"us-east-1\"\naccess_key_id = \"path::/keys/id\"\nsecret_access_key = \"path::/keys/secret\"") +
            Model("bad_region", "model_id = \"m\"\nregion = \"us-east-1.evil.example\"\napi_key = \"env::K\"") +
            Model("bad_endpoint", "model_id = \"m\"\nregion = \"us-east-1\"\nendpoint_url = \"ftp://example\"\napi_key = \"env::K\"") +
            Model("sdk_key", "model_id = \"m\"\nregion = \"us-east-1\"\napi_key = \"sdk\""),
            new Dictionary<string, string> { ["K"] = "value-not-to-echo" });

        Assert.Equal(
        [
            "`models.no_region.providers.b.region`: AWS `aws_bedrock` provider requires a region. Use `region = \"sdk\"` to enable auto-detection, or specify a region like `region = \"us-east-1\"`",
            "`models.no_model.providers.b.model_id`: is required for `aws_bedrock` providers",
            "`models.missing_env.providers.b.region`: environment variable `MISSING_REGION` is missing",
            "`models.missing_env.providers.b.access_key_id`: environment variable `MISSING_AKID` is missing",
            "`models.missing_env.providers.b.secret_access_key`: environment variable `MISSING_SECRET` is missing",
            "`models.mixed.providers.b.access_key_id`: `access_key_id`, `secret_access_key` and `session_token` must all use the same source: all `env::`, all `dynamic::` or all `sdk`",
            "`models.token_only.providers.b.access_key_id`: is required: `access_key_id` and `secret_access_key` are set together (`session_token` is optional)",
            "`models.both.providers.b.api_key`: can't be combined with `access_key_id`, `secret_access_key` or `session_token`: use one way to authenticate",
            "`models.path_field.providers.b.access_key_id`: Invalid `access_key_id` for `aws_bedrock` provider: only `env::`, `dynamic::`, and `sdk` are supported",
            "`models.path_field.providers.b.secret_access_key`: Invalid `secret_access_key` for `aws_bedrock` provider: only `env::`, `dynamic::`, and `sdk` are supported",
            "`models.bad_region.providers.b.region`: `us-east-1.evil.example` is not an AWS region name (like `us-east-1`)",
            "`models.bad_endpoint.providers.b.endpoint_url`: `ftp://example` is not an absolute http(s) URL",
            "`models.sdk_key.providers.b.api_key`: `sdk` can't be used for `api_key` (use `env::`, `path::` or `dynamic::`; without any credential field the AWS SDK credential chain is used)",
        ], error.Errors);
        Assert.DoesNotContain(error.Errors, e => e.Contains("value-not-to-echo", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_RegionAndEndpointForms_AreCheckedLikeCredentialLocations()
    {
        var error = BuildFails(
            Model("empty_key", "model_id = \"m\"\nregion = \"dynamic::\"\napi_key = \"env::K\"") +
            Model("path_region", "model_id = \"m\"\nregion = \"path::/etc/region\"\napi_key = \"env::K\"") +
            Model("sdk_endpoint", "model_id = \"m\"\nregion = \"us-east-1\"\nendpoint_url = \"sdk\"\napi_key = \"env::K\"") +
            Model("env_endpoint", "model_id = \"m\"\nregion = \"env::MY_REGION\"\nendpoint_url = \"env::MY_ENDPOINT\"\napi_key = \"env::K\""),
            new Dictionary<string, string> { ["K"] = "value-not-to-echo", ["MY_REGION"] = "eu-west-3", ["MY_ENDPOINT"] = "not a url" });

        Assert.Equal(
        [
            "`models.empty_key.providers.b.region`: the name after `dynamic::` is empty (use a literal value, `env::` or `dynamic::`)",
            "`models.path_region.providers.b.region`: `path::` and `path_from_env::` are not supported here by this gateway (use a literal value, `env::` or `dynamic::`)",
            "`models.sdk_endpoint.providers.b.endpoint_url`: `sdk` can't be used here (use a literal value, `env::` or `dynamic::`)",
            "`models.env_endpoint.providers.b.endpoint_url`: the value of `MY_ENDPOINT` is not an absolute http(s) URL",
        ], error.Errors);
    }

    [Fact]
    public void Build_LiteralKeyInIamField_IsRejectedWithoutEchoingIt()
    {
        var error = BuildFails(Model("m", "model_id = \"m\"\nregion = \"us-east-1\"\naccess_key_id = \"AKIALITERALKEY123456\"\nsecret_access_key = \"literal/secret+key\""));

        Assert.Equal(2, error.Errors.Count);
        Assert.All(error.Errors, e => Assert.DoesNotContain("LITERAL", e, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Build_ApiKeyEnvMissing_ReportedByTheCredentialLayer()
    {
        var error = BuildFails(Model("m", "model_id = \"m\"\nregion = \"us-east-1\"\napi_key = \"env::MY_BEDROCK_KEY\""));

        Assert.Equal("`models.m.providers.b.api_key`: environment variable `MY_BEDROCK_KEY` is missing", Assert.Single(error.Errors));
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in this test");
    }
}
