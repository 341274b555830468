using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.AwsSageMaker;

/// <summary>
/// Startup validation of <c>aws_sagemaker</c> settings: TensorZero's keys and rules, every problem at once, each with
/// its TOML path and never a value.
/// </summary>
public sealed class AwsSageMakerConfigTests
{
    private const string Canary = "cnry-7a5c3e1b9d-Ph26-value";

    private const string Valid = "endpoint_name = \"e\"\nmodel_name = \"m\"\nhosted_provider = \"openai\"\nregion = \"us-east-1\"";

    private static GatewayRuntime Build(string toml, IReadOnlyDictionary<string, string>? environment = null)
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, Path.GetTempPath());
        var services = new ProviderServices(new NoHttp(), NullLoggerFactory.Instance, TimeProvider.System);
        return GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(), new FakeEnvironment(environment ?? new Dictionary<string, string>()), services);
    }

    private static IReadOnlyList<string> BuildFails(string toml, IReadOnlyDictionary<string, string>? environment = null)
    {
        var error = Assert.Throws<ConfigException>(() => Build(toml, environment));
        Assert.DoesNotContain(error.Errors, e => e.Contains(Canary, StringComparison.Ordinal));
        return error.Errors;
    }

    private static string Model(string name, string lines) => $"""
        [models.{name}]
        routing = ["s"]
        [models.{name}.providers.s]
        type = "aws_sagemaker"
        {lines}

        """;

    [Fact]
    public void Build_TensorZeroE2eShape_Starts()
    {
        var runtime = Build("""
            [models.gemma-3-1b-aws-sagemaker-openai]
            routing = ["aws_sagemaker"]
            [models.gemma-3-1b-aws-sagemaker-openai.providers.aws_sagemaker]
            type = "aws_sagemaker"
            endpoint_name = "ollama-provisioned-endpoint"
            region = "us-east-2"
            model_name = "gemma3:1b"
            hosted_provider = "openai"

            [models.gemma-3-1b-aws-sagemaker-tgi]
            routing = ["aws_sagemaker"]
            [models.gemma-3-1b-aws-sagemaker-tgi.providers.aws_sagemaker]
            type = "aws_sagemaker"
            endpoint_name = "text-generation-inference-2025-05-21-17-14-43-396"
            region = "us-east-2"
            model_name = "gemma3:1b"
            hosted_provider = "tgi"
            allow_auto_detect_region = false
            """);

        Assert.Equal("aws_sagemaker", runtime.Models.Get("gemma-3-1b-aws-sagemaker-tgi").Providers[0].Provider.Type);
    }

    [Fact]
    public void Build_ManyProblems_ListsEveryOneWithItsPath()
    {
        var errors = BuildFails(
            Model("no_endpoint", "model_name = \"m\"\nhosted_provider = \"openai\"\nregion = \"us-east-1\"") +
            Model("dot_endpoint", "endpoint_name = \"..\"\nmodel_name = \"m\"\nhosted_provider = \"openai\"\nregion = \"us-east-1\"") +
            Model("no_model", "endpoint_name = \"e\"\nhosted_provider = \"tgi\"\nregion = \"us-east-1\"") +
            Model("no_hosted", "endpoint_name = \"e\"\nmodel_name = \"m\"\nregion = \"us-east-1\"") +
            Model("bad_hosted", "endpoint_name = \"e\"\nmodel_name = \"m\"\nhosted_provider = \"vllm\"\nregion = \"us-east-1\"") +
            Model("no_region", "endpoint_name = \"e\"\nmodel_name = \"m\"\nhosted_provider = \"openai\"") +
            Model("missing_secret", Valid + "\naccess_key_id = \"env::K\"\nsecret_access_key = \"env::MISSING_SECRET\"") +
            Model("token_only", Valid + "\nsession_token = \"env::K\"") +
            Model("mixed", Valid + "\naccess_key_id = \"env::K\"\nsecret_access_key = \"dynamic::s\"") +
            Model("path_secret", Valid + "\naccess_key_id = \"env::K\"\nsecret_access_key = \"path::/keys/secret\"") +
            Model("fallback", Valid + "\naccess_key_id = { default = \"dynamic::k\", fallback = \"env::K\" }\nsecret_access_key = \"dynamic::s\"") +
            Model("bad_endpoint_url", Valid + "\nendpoint_url = \"ftp://example\""),
            new Dictionary<string, string> { ["K"] = Canary });

        Assert.Equal(
        [
            "`models.no_endpoint.providers.s.endpoint_name`: is required for `aws_sagemaker` providers",
            "`models.dot_endpoint.providers.s.endpoint_name`: must not be `.` or `..` (it is a segment of the request URL)",
            "`models.no_model.providers.s.model_name`: is required for `aws_sagemaker` providers (the model name the hosted server expects)",
            "`models.no_hosted.providers.s.hosted_provider`: is required for `aws_sagemaker` providers (expected `openai` or `tgi`: the server the endpoint hosts)",
            "`models.bad_hosted.providers.s.hosted_provider`: unknown hosted provider `vllm` (expected `openai` or `tgi`)",
            "`models.no_region.providers.s.region`: AWS `aws_sagemaker` provider requires a region. Use `region = \"sdk\"` to enable auto-detection, or specify a region like `region = \"us-east-1\"`",
            "`models.missing_secret.providers.s.secret_access_key`: environment variable `MISSING_SECRET` is missing",
            "`models.token_only.providers.s.access_key_id`: is required: `access_key_id` and `secret_access_key` are set together (`session_token` is optional)",
            "`models.mixed.providers.s.access_key_id`: `access_key_id`, `secret_access_key` and `session_token` must all use the same source: all `env::`, all `dynamic::` or all `sdk`",
            "`models.path_secret.providers.s.secret_access_key`: Invalid `secret_access_key` for `aws_sagemaker` provider: only `env::`, `dynamic::`, and `sdk` are supported",
            "`models.fallback.providers.s.access_key_id`: takes one location (`env::`, `dynamic::` or `sdk`): `{ default, fallback }` is not accepted for AWS credential fields",
            "`models.bad_endpoint_url.providers.s.endpoint_url`: `ftp://example` is not an absolute http(s) URL",
        ], errors);
    }

    [Fact]
    public void Build_AccessKeyIdProblems_AreReportedByTheCredentialLayer()
    {
        var errors = BuildFails(
            Model("missing", Valid + "\naccess_key_id = \"env::MISSING_AKID\"\nsecret_access_key = \"env::K\"") +
            Model("none", Valid + "\naccess_key_id = \"none\"\nsecret_access_key = \"env::K\"") +
            Model("path", Valid + "\naccess_key_id = \"path::/keys/id\"\nsecret_access_key = \"env::K\""),
            new Dictionary<string, string> { ["K"] = Canary });

        Assert.Equal(
        [
            "`models.missing.providers.s.access_key_id`: environment variable `MISSING_AKID` is missing",
            "`models.none.providers.s.access_key_id`: `none` can't be used for AWS SageMaker providers (use `env::VAR`, `dynamic::KEY`, `sdk`)",
            "`models.path.providers.s.access_key_id`: `path::` can't be used for AWS SageMaker providers (use `env::VAR`, `dynamic::KEY`, `sdk`)",
        ], errors);
    }

    [Theory]
    [InlineData("api_key = \"env::K\"", "api_key")]
    [InlineData("api_key_location = \"env::K\"", "api_key_location")]
    [InlineData("model_id = \"m\"", "model_id")]
    public void Load_KeysTensorZeroRejectsForSageMaker_AreUnknown(string line, string key)
    {
        var error = Assert.Throws<ConfigException>(() =>
            new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(Model("m", Valid + "\n" + line), Path.GetTempPath()));

        Assert.Contains(error.Errors, e => e.StartsWith($"`models.m.providers.s.{key}`: unknown key", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "no IAM field is set, so the AWS SDK credential chain would be used")]
    [InlineData("access_key_id = \"env::K\"\nsecret_access_key = \"env::K\"", "the IAM fields are not all `dynamic::`")]
    [InlineData("access_key_id = \"sdk\"\nsecret_access_key = \"sdk\"", "the IAM fields are not all `dynamic::`")]
    public void Build_DynamicEndpointWithGatewayCredentials_FailsNamingTheEndpoint(string credentialLines, string why)
    {
        var errors = BuildFails(Model("m", Valid + "\nendpoint_url = \"dynamic::sagemaker_endpoint\"\n" + credentialLines),
            new Dictionary<string, string> { ["K"] = Canary });

        Assert.Equal(
            "`models.m.providers.s.endpoint_url`: a client-chosen endpoint (`dynamic::sagemaker_endpoint`) receives the credentials, so they must come from the request too: " +
            $"set `access_key_id` and `secret_access_key` (and `session_token`) to `dynamic::` ({why})",
            Assert.Single(errors));
    }

    [Fact]
    public void Build_DynamicEndpointWithDynamicKeys_Starts()
    {
        Build(Model("m", Valid + "\nendpoint_url = \"dynamic::sagemaker_endpoint\"\n" +
            "access_key_id = \"dynamic::akid\"\nsecret_access_key = \"dynamic::secret\"\nsession_token = \"dynamic::token\""));
    }

    [Fact]
    public void Load_ProviderTypeDefaultsAndShorthand_AreNotOffered()
    {
        var registry = ProviderRegistry.CreateDefault();

        var error = Assert.Throws<ConfigException>(() =>
            new ConfigLoader(registry).Parse("[provider_types.aws_sagemaker.defaults]\naccess_key_id = \"sdk\"", Path.GetTempPath()));

        Assert.Contains(error.Errors, e => e.Contains("`[provider_types.aws_sagemaker]` is not supported", StringComparison.Ordinal));
        Assert.False(registry.IsShorthand("aws_sagemaker::my-endpoint"));
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in this test");
    }
}
