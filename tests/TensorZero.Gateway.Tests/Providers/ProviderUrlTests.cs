using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Aws;
using TensorZero.Gateway.Providers.Gcp;
using TensorZero.Gateway.Providers.Gemini;
using TensorZero.Gateway.Providers.OpenAI;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers;

/// <summary>
/// Every config or request value that goes into a provider URL stays one path segment: the URL keeps the configured
/// host and path prefix, gains no segment, query or fragment, and the segment decodes back to the value. <c>.</c> and
/// <c>..</c>, which URL parsers resolve even %-encoded, are refused at startup.
/// </summary>
public sealed class ProviderUrlTests
{
    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in URL tests");
    }

    public static TheoryData<string> HostileValues() =>
        ["../x", "../../v1/files?key=", "..%2fx", "..%2F..%2Fx", "a?alt=json", "a#frag", "%2e%2e", "%2E%2E%2Fx", "a b", " ..", "a/../../b"];

    private static GatewayRuntime Build(string providerToml, string otherToml = "", IReadOnlyDictionary<string, string>? environment = null)
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse($"""
            {otherToml}
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            {providerToml}
            """, Path.GetTempPath());
        var services = new ProviderServices(new NoHttp(), NullLoggerFactory.Instance, TimeProvider.System);
        return GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(), new FakeEnvironment(environment ?? new Dictionary<string, string>
        {
            ["GOOGLE_API_KEY"] = "test-key", ["AZURE_OPENAI_API_KEY"] = "test-key", ["AWS_BEARER_TOKEN_BEDROCK"] = "test-key",
        }), services);
    }

    private static IModelProvider Provider(string providerToml) => Build(providerToml).Models.Get("m").Providers[0].Provider;

    /// <summary>The URL has the expected prefix, then exactly the value as one segment, then the expected rest.</summary>
    private static void AssertOneSegment(Uri url, string prefix, string value, string suffix, string query = "")
    {
        Assert.Equal("example.test", url.Host);
        Assert.Equal(query, url.Query);
        Assert.Equal(string.Empty, url.Fragment);
        Assert.StartsWith(prefix, url.AbsolutePath, StringComparison.Ordinal);
        Assert.EndsWith(suffix, url.AbsolutePath, StringComparison.Ordinal);
        var segment = url.AbsolutePath[prefix.Length..^suffix.Length];
        Assert.DoesNotContain('/', segment);
        Assert.Equal(value, Uri.UnescapeDataString(segment));
        // What HttpClient sends is the escaped form, the same path.
        Assert.Equal(url.AbsolutePath, url.PathAndQuery[..url.AbsolutePath.Length]);
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void GeminiUrl_HostileModelName_StaysOneSegmentUnderModels(string value)
    {
        var gemini = Assert.IsType<GoogleAIStudioGeminiProvider>(Provider($"""
            type = "google_ai_studio_gemini"
            model_name = "{value}"
            api_base = "https://example.test/v1beta/"
            """));

        AssertOneSegment(gemini.GenerateContentUrl, "/v1beta/models/", value, ":generateContent");
        AssertOneSegment(gemini.StreamGenerateContentUrl, "/v1beta/models/", value, ":streamGenerateContent", "?alt=sse");
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void VertexUrl_HostileModelId_StaysOneSegment(string value)
    {
        foreach (var (type, publisher) in new[] { ("gcp_vertex_gemini", "google"), ("gcp_vertex_anthropic", "anthropic") })
        {
            var toml = $"""
                type = "{type}"
                model_id = "{value}"
                project_id = "my-project"
                location = "us-central1"
                api_base = "https://example.test/v1/"
                credential_location = "dynamic::token"
                """;
            if (value.Contains('/', StringComparison.Ordinal))
            {
                Assert.Contains(Assert.Throws<ConfigException>(() => Build(toml)).Errors, e => e.Contains(".model_id`", StringComparison.Ordinal));
                continue;
            }
            var provider = Provider(toml);
            var target = provider is GcpVertexGeminiProvider gemini ? gemini.Target : Assert.IsType<GcpVertexAnthropicProvider>(provider).Target;

            AssertOneSegment(target.Url(publisher, "rawPredict"), $"/v1/projects/my-project/locations/us-central1/publishers/{publisher}/models/", value, ":rawPredict");
        }
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void VertexUrl_HostileProjectOrEndpointId_StaysOneSegmentOrIsRefused(string value)
    {
        string Toml(string project, string endpoint) => $"""
            type = "gcp_vertex_gemini"
            endpoint_id = "{endpoint}"
            project_id = "{project}"
            location = "us-central1"
            api_base = "https://example.test/v1/"
            credential_location = "dynamic::token"
            """;
        if (value.Contains('/', StringComparison.Ordinal))
        {
            Assert.Contains(Assert.Throws<ConfigException>(() => Build(Toml(value, "e"))).Errors, e => e.Contains(".project_id`", StringComparison.Ordinal));
            return;
        }
        var project = Assert.IsType<GcpVertexGeminiProvider>(Provider(Toml(value, "e"))).Target;
        var endpoint = Assert.IsType<GcpVertexGeminiProvider>(Provider(Toml("p", value))).Target;

        AssertOneSegment(project.Url("google", "generateContent"), "/v1/projects/", value, "/locations/us-central1/endpoints/e:generateContent");
        AssertOneSegment(endpoint.Url("google", "generateContent"), "/v1/projects/p/locations/us-central1/endpoints/", value, ":generateContent");
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    [InlineData("x@evil.test#")]
    [InlineData("us-central1.evil.test")]
    public void VertexUrl_LocationThatIsNotALocationName_IsRefused(string value)
    {
        var errors = Assert.Throws<ConfigException>(() => Build($"""
            type = "gcp_vertex_gemini"
            model_id = "gemini-2.5-flash"
            project_id = "p"
            location = "{value}"
            credential_location = "dynamic::token"
            """)).Errors;

        Assert.Contains(errors, e => e.StartsWith("`models.m.providers.p.location`", StringComparison.Ordinal));
    }

    [Fact]
    public void VertexShorthand_HostileLocation_IsRefusedAndNeverBecomesTheHost()
    {
        var runtime = Build("""
            type = "gcp_vertex_gemini"
            model_id = "gemini-2.5-flash"
            project_id = "p"
            location = "us-central1"
            credential_location = "dynamic::token"
            """, """
            [provider_types.gcp_vertex_gemini.defaults]
            credential_location = "dynamic::token"
            """);

        var error = Assert.Throws<TensorZero.Gateway.Errors.GatewayError>(() =>
            runtime.Models.Get("gcp_vertex_gemini::projects/p/locations/evil.test#/publishers/google/models/m"));

        Assert.Contains("location", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void AzureUrl_HostileDeploymentId_StaysOneSegment(string value)
    {
        var url = ChatCompletionsEndpoint.AzureUrl(new Uri("https://example.test/"), value);

        AssertOneSegment(url, "/openai/deployments/", value, "/chat/completions", $"?api-version={AzureProviderFactory.ApiVersion}");
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void BedrockUrl_HostileModelId_StaysOneSegment(string value)
    {
        var target = new SigV4Target(new Uri("https://example.test"), "us-east-1", "bedrock", "/model/{modelId}/converse", "{modelId}", value);

        AssertOneSegment(target.Url, "/model/", value, "/converse");
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void SageMakerUrl_HostileEndpointName_StaysOneSegment(string value)
    {
        var target = new SigV4Target(new Uri("https://example.test"), "us-east-1", "sagemaker", "/endpoints/{EndpointName}/invocations", "{EndpointName}", value);

        AssertOneSegment(target.Url, "/endpoints/", value, "/invocations");
    }

    [Theory]
    [InlineData("type = \"google_ai_studio_gemini\"\nmodel_name = \"{0}\"", "model_name")]
    [InlineData("type = \"gcp_vertex_gemini\"\nmodel_id = \"{0}\"\nproject_id = \"p\"\nlocation = \"us-central1\"\ncredential_location = \"dynamic::t\"", "model_id")]
    [InlineData("type = \"gcp_vertex_gemini\"\nmodel_id = \"m\"\nproject_id = \"{0}\"\nlocation = \"us-central1\"\ncredential_location = \"dynamic::t\"", "project_id")]
    [InlineData("type = \"gcp_vertex_anthropic\"\nmodel_id = \"{0}\"\nproject_id = \"p\"\nlocation = \"us-central1\"\ncredential_location = \"dynamic::t\"", "model_id")]
    [InlineData("type = \"azure\"\ndeployment_id = \"{0}\"\nendpoint = \"https://example.test/\"", "deployment_id")]
    [InlineData("type = \"aws_bedrock\"\nmodel_id = \"{0}\"\nregion = \"us-east-1\"", "model_id")]
    [InlineData("type = \"aws_sagemaker\"\nendpoint_name = \"{0}\"\nmodel_name = \"m\"\nhosted_provider = \"openai\"\nregion = \"us-east-1\"", "endpoint_name")]
    public void Build_DotSegmentValue_IsRefusedNamingTheField(string template, string field)
    {
        foreach (var value in new[] { ".", ".." })
        {
            var errors = Assert.Throws<ConfigException>(() => Build(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, value))).Errors;

            Assert.Contains(errors, e => e.StartsWith($"`models.m.providers.p.{field}`: must not be `.` or `..`", StringComparison.Ordinal));
        }
    }
}
