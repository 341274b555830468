using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Gcp;
using TensorZero.Gateway.Tests.Fakes.Gcp;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.Gcp;

/// <summary>
/// What the Vertex providers decide at startup, without network: default hosts, shorthand resource paths, and key-file
/// problems reported as config errors that name their TOML path and never a key.
/// </summary>
public sealed class GcpVertexStartupTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tz-vertex-startup-").FullName;
    private readonly FakeServiceAccount _account = FakeServiceAccount.Create();
    private readonly string _keyFile;

    public GcpVertexStartupTests() => _keyFile = _account.WriteTo(_directory);

    public void Dispose()
    {
        _account.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Dictionary<string, string> DefaultEnvironment => new() { ["GCP_VERTEX_CREDENTIALS_PATH"] = _keyFile };

    private static string Config(string type, string settings) => $"""
        [models.m]
        routing = ["p"]

        [models.m.providers.p]
        type = "{type}"
        project_id = "my-project"
        {settings}
        """;

    private static string Target(string type, string location) =>
        $"location = \"{location}\"\n" + (type == "gcp_vertex_gemini" ? "model_id = \"gemini-2.5-flash\"" : "model_id = \"claude-haiku-4-5@20251001\"");

    private GatewayRuntime Build(string toml, IReadOnlyDictionary<string, string>? environment = null)
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, _directory);
        var services = new ProviderServices(new NoHttp(), NullLoggerFactory.Instance, TimeProvider.System);
        return GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(), new FakeEnvironment(environment ?? DefaultEnvironment), services);
    }

    private IReadOnlyList<string> StartupErrors(string toml, IReadOnlyDictionary<string, string>? environment = null) =>
        Assert.Throws<ConfigException>(() => Build(toml, environment)).Errors;

    private static Uri Url(IModelProvider provider) => provider switch
    {
        GcpVertexGeminiProvider gemini => gemini.Target.Url("google", "generateContent"),
        GcpVertexAnthropicProvider anthropic => anthropic.Target.Url("anthropic", "rawPredict"),
        _ => throw new InvalidOperationException($"not a Vertex provider: {provider.Type}"),
    };

    [Theory]
    [InlineData("gcp_vertex_gemini", "us-central1",
        "https://us-central1-aiplatform.googleapis.com/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent")]
    [InlineData("gcp_vertex_gemini", "global",
        "https://aiplatform.googleapis.com/v1/projects/my-project/locations/global/publishers/google/models/gemini-2.5-flash:generateContent")]
    [InlineData("gcp_vertex_anthropic", "us-east5",
        "https://us-east5-aiplatform.googleapis.com/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-haiku-4-5@20251001:rawPredict")]
    [InlineData("gcp_vertex_anthropic", "global",
        "https://aiplatform.googleapis.com/v1/projects/my-project/locations/global/publishers/anthropic/models/claude-haiku-4-5@20251001:rawPredict")]
    public void Build_WithoutApiBase_TargetsTheLocationsHost(string type, string location, string expected)
    {
        var runtime = Build(Config(type, Target(type, location)));

        Assert.Equal(expected, Url(runtime.Models.Get("m").Providers[0].Provider).AbsoluteUri);
    }

    [Theory]
    [InlineData("gcp_vertex_gemini::projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash",
        "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent")]
    [InlineData("gcp_vertex_gemini::projects/p/locations/global/endpoints/1234567890",
        "https://aiplatform.googleapis.com/v1/projects/p/locations/global/endpoints/1234567890:generateContent")]
    [InlineData("gcp_vertex_anthropic::projects/p/locations/us-east5/publishers/anthropic/models/claude-haiku-4-5@20251001",
        "https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-haiku-4-5@20251001:rawPredict")]
    // Vertex Anthropic has no `endpoint_id` key; a shorthand is the only way to reach an endpoint, as in TensorZero.
    [InlineData("gcp_vertex_anthropic::projects/p/locations/us-east5/endpoints/987654321",
        "https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/endpoints/987654321:rawPredict")]
    public void Shorthand_ResourcePath_BuildsTheUrl(string model, string expected)
    {
        var runtime = Build($"""
            [functions.f]
            type = "chat"
            [functions.f.variants.v]
            type = "chat_completion"
            model = "{model}"
            """);

        var provider = Assert.Single(runtime.Models.Get(model).Providers).Provider;

        Assert.Equal(expected, Url(provider).AbsoluteUri);
    }

    [Fact]
    public void VariantModel_ShorthandWithWrongResourcePath_IsAStartupErrorNamingTheVariant()
    {
        var toml = Config("gcp_vertex_gemini", Target("gcp_vertex_gemini", "us-central1")) + """

            [functions.f]
            type = "chat"

            [functions.f.variants.v]
            type = "chat_completion"
            model = "gcp_vertex_gemini::gemini-2.5-flash"
            """;

        var error = Assert.Single(StartupErrors(toml));

        Assert.StartsWith("`functions.f.variants.v.model`: Invalid inference target:", error, StringComparison.Ordinal);
        Assert.Contains("expected `projects/<project>/locations/<location>/publishers/", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gcp_vertex_anthropic::projects/p/locations/us-east5/publishers/google/models/claude-haiku-4-5")]
    [InlineData("gcp_vertex_gemini::gemini-2.5-flash")]
    [InlineData("gcp_vertex_gemini::projects/p/locations/us-central1/models/gemini-2.5-flash")]
    public void Shorthand_WrongResourcePath_IsAnInvalidRequestNamingTheExpectedForm(string model)
    {
        var runtime = Build(Config("gcp_vertex_gemini", Target("gcp_vertex_gemini", "us-central1")));

        var error = Assert.Throws<GatewayError>(() => runtime.Models.Get(model));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Contains("expected `projects/<project>/locations/<location>/publishers/", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gcp_vertex_gemini")]
    [InlineData("gcp_vertex_anthropic")]
    public void Build_DefaultVariableMissing_IsAStartupErrorNamingTheProvider(string type)
    {
        var errors = StartupErrors(Config(type, Target(type, "us-central1")), new Dictionary<string, string>());

        Assert.Equal(
            $"`models.m.providers.p`: environment variable `GCP_VERTEX_CREDENTIALS_PATH` (the path of a credentials file) is missing (the default credential of `{type}` providers)",
            Assert.Single(errors));
    }

    [Theory]
    [InlineData("gcp_vertex_gemini", "GCP Vertex Gemini")]
    [InlineData("gcp_vertex_anthropic", "GCP Vertex Anthropic")]
    public void Build_EnvLocation_IsRejectedForGcp(string type, string displayName)
    {
        var errors = StartupErrors(Config(type, Target(type, "us-central1") + "\ncredential_location = \"env::GCP_TOKEN\""),
            new Dictionary<string, string> { ["GCP_TOKEN"] = "ya29.not-a-key-file" });

        var error = Assert.Single(errors);
        Assert.StartsWith($"`models.m.providers.p.credential_location`: `env::` can't be used for {displayName} providers", error, StringComparison.Ordinal);
        Assert.DoesNotContain("ya29.not-a-key-file", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gcp_vertex_gemini")]
    [InlineData("gcp_vertex_anthropic")]
    public void Build_MissingKeyFile_IsAStartupErrorNamingThePath(string type)
    {
        var errors = StartupErrors(Config(type, Target(type, "us-central1") + "\ncredential_location = \"path::nowhere.json\""));

        Assert.Equal("`models.m.providers.p.credential_location`: credentials file `nowhere.json` is missing (no such file)", Assert.Single(errors));
    }

    public static TheoryData<string, string, string> BrokenKeyFiles()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var type in new[] { "gcp_vertex_gemini", "gcp_vertex_anthropic" })
        {
            data.Add(type, "{\"client_email\": \"a@b\", \"private_key_id\": \"k\"", "the service-account file is not valid JSON");
            data.Add(type, "{\"client_email\": \"a@b\", \"private_key\": \"SECRET\"}", "the service-account file has no `private_key_id`");
            data.Add(type, "{\"client_email\": \"a@b\", \"private_key_id\": \"k\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nSECRETSECRET\\n-----END PRIVATE KEY-----\\n\"}",
                "the service-account file's `private_key` is not an RSA key in PEM form");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BrokenKeyFiles))]
    public void Build_BrokenKeyFile_IsAStartupErrorWithoutTheKey(string type, string contents, string problem)
    {
        File.WriteAllText(Path.Combine(_directory, "broken.json"), contents);

        var errors = StartupErrors(Config(type, Target(type, "us-central1") + "\ncredential_location = \"path::broken.json\""));

        Assert.Equal($"`models.m.providers.p.credential_location`: {problem}", Assert.Single(errors));
        Assert.DoesNotContain("SECRET", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BrokenKeyFileAsFallback_IsAStartupError()
    {
        File.WriteAllText(Path.Combine(_directory, "broken.json"), "not json");

        var errors = StartupErrors(Config("gcp_vertex_gemini", Target("gcp_vertex_gemini", "us-central1") +
            "\ncredential_location = { default = \"dynamic::gcp_token\", fallback = \"path::broken.json\" }"));

        Assert.Equal("`models.m.providers.p.credential_location`: the service-account file is not valid JSON", Assert.Single(errors));
    }

    [Theory]
    [InlineData("gcp_vertex_gemini")]
    [InlineData("gcp_vertex_anthropic")]
    public void Build_BrokenDefaultKeyFile_IsAStartupErrorNamingTheVariable(string type)
    {
        var broken = Path.Combine(_directory, "broken.json");
        File.WriteAllText(broken, _account.Json.Replace("private_key_id", "key_id", StringComparison.Ordinal));

        var errors = StartupErrors(Config(type, Target(type, "us-central1")), new Dictionary<string, string> { ["GCP_VERTEX_CREDENTIALS_PATH"] = broken });

        Assert.Equal(
            $"`models.m.providers.p`: the service-account file has no `private_key_id` (the default credential of `{type}` providers)",
            Assert.Single(errors));
        Assert.DoesNotContain(_account.PrivateKeyPem, errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EndpointIdForAnthropic_IsAnUnknownKey()
    {
        var errors = StartupErrors(Config("gcp_vertex_anthropic", "location = \"us-east5\"\nendpoint_id = \"987654321\""));

        Assert.Contains(errors, e => e.Contains("models.m.providers.p.endpoint_id", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_KeyFileRelativeToConfig_IsAccepted()
    {
        var runtime = Build(Config("gcp_vertex_gemini", Target("gcp_vertex_gemini", "us-central1") +
            $"\ncredential_location = \"path::{Path.GetFileName(_keyFile)}\""));

        Assert.IsType<GcpVertexGeminiProvider>(runtime.Models.Get("m").Providers[0].Provider);
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in this test");
    }
}
