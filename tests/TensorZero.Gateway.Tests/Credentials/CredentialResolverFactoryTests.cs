using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Tests.Credentials;

public sealed class CredentialResolverFactoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tz-cred-test-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private CredentialResolverFactory Factory(Dictionary<string, string>? env = null, Dictionary<string, CredentialSpec>? typeDefaults = null) =>
        new(new FakeEnvironment(env ?? []), _directory, typeDefaults ?? [], NullLoggerFactory.Instance);

    private static CredentialRules Type(string type) => ProviderRegistry.CreateDefault().Find(type)!.Descriptor.Credentials;

    private static CredentialSpec Spec(string text)
    {
        Assert.True(CredentialLocation.TryParse(text, out var location, out _));
        return new CredentialSpec(location!);
    }

    private static ResolvedCredential Resolve(CredentialResolver resolver, Dictionary<string, string>? request = null)
    {
        var credentials = new RequestCredentials((request ?? []).ToDictionary(kv => kv.Key, kv => new Secret(kv.Value)));
        Assert.True(resolver.TryResolve(credentials, out var credential, out var reason), reason);
        return credential;
    }

    [Fact]
    public void ForProvider_NoLocation_UsesBuiltInDefault()
    {
        var errors = new List<string>();
        var resolver = Factory(new() { ["OPENAI_API_KEY"] = "sk-default" }).ForProvider(Type("openai"), null, "models.m.providers.p", errors);
        Assert.Empty(errors);
        Assert.Equal("sk-default", Resolve(resolver!).Secret!.Reveal());
    }

    [Fact]
    public void ForProvider_ProviderTypesDefaults_OverrideBuiltInDefault()
    {
        var errors = new List<string>();
        var factory = Factory(
            new() { ["OPENAI_API_KEY"] = "sk-default", ["TEAM_KEY"] = "sk-team" },
            new() { ["openai"] = Spec("env::TEAM_KEY") });
        var resolver = factory.ForProvider(Type("openai"), null, "models.m.providers.p", errors);
        Assert.Empty(errors);
        Assert.Equal("sk-team", Resolve(resolver!).Secret!.Reveal());
    }

    [Fact]
    public void ForProvider_ExplicitLocation_WinsOverBoth()
    {
        var errors = new List<string>();
        var factory = Factory(
            new() { ["OPENAI_API_KEY"] = "sk-default", ["TEAM_KEY"] = "sk-team", ["MINE"] = "sk-mine" },
            new() { ["openai"] = Spec("env::TEAM_KEY") });
        var resolver = factory.ForProvider(Type("openai"), Spec("env::MINE"), "models.m.providers.p", errors);
        Assert.Empty(errors);
        Assert.Equal("sk-mine", Resolve(resolver!).Secret!.Reveal());
    }

    [Theory]
    [InlineData("azure", "AZURE_OPENAI_API_KEY", "AZURE_API_KEY")]
    [InlineData("google_ai_studio_gemini", "GOOGLE_API_KEY", "GOOGLE_AI_STUDIO_API_KEY")]
    public void ForProvider_PrimaryDefaultUnset_ReadsAlternateVariable(string type, string primary, string alternate)
    {
        var errors = new List<string>();
        var onlyAlternate = Factory(new() { [alternate] = "alt-value" }).ForProvider(Type(type), null, "p", errors);
        Assert.Empty(errors);
        Assert.Equal("alt-value", Resolve(onlyAlternate!).Secret!.Reveal());

        var both = Factory(new() { [primary] = "primary-value", [alternate] = "alt-value" }).ForProvider(Type(type), null, "p", errors);
        Assert.Equal("primary-value", Resolve(both!).Secret!.Reveal());
    }

    [Fact]
    public void ForProvider_ExplicitEnvMissing_IsNotRescuedByAlternate()
    {
        var errors = new List<string>();
        var resolver = Factory(new() { ["AZURE_API_KEY"] = "alt" }).ForProvider(Type("azure"), Spec("env::AZURE_OPENAI_API_KEY"), "models.m.providers.az", errors);
        Assert.Null(resolver);
        Assert.Equal("`models.m.providers.az.api_key_location`: environment variable `AZURE_OPENAI_API_KEY` is missing", Assert.Single(errors));
    }

    [Theory]
    [InlineData("tgi")]
    [InlineData("vllm")]
    [InlineData("dummy")]
    public void ForProvider_TypesWithoutDefaultCredential_SendNothing(string type)
    {
        var errors = new List<string>();
        var resolver = Factory().ForProvider(Type(type), null, "p", errors);
        Assert.Empty(errors);
        Assert.Equal(ResolvedCredential.NoCredential, Resolve(resolver!));
    }

    [Fact]
    public void ForProvider_PathLocation_ReadsFileRelativeToConfigFolderOnce()
    {
        File.WriteAllText(Path.Combine(_directory, "key.txt"), "sk-from-file\n");
        var errors = new List<string>();
        var resolver = Factory().ForProvider(Type("gcp_vertex_gemini"), Spec("path::key.txt"), "p", errors);
        Assert.Empty(errors);
        File.Delete(Path.Combine(_directory, "key.txt"));
        var credential = Resolve(resolver!);
        Assert.Equal(CredentialKind.File, credential.Kind);
        Assert.Equal("sk-from-file", credential.Secret!.Reveal());
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    [InlineData("azure")]
    [InlineData("aws_bedrock")]
    public void ForProvider_ApiKeyFile_ReadsTheKeyTrimmed(string type)
    {
        File.WriteAllText(Path.Combine(_directory, "key.txt"), "  sk-from-file \r\n");
        var errors = new List<string>();
        var resolver = Factory().ForProvider(Type(type), Spec("path::key.txt"), "models.m.providers.p", errors);
        Assert.Empty(errors);
        Assert.Equal("sk-from-file", Resolve(resolver!).Secret!.Reveal());
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("\n  \n", "is empty")]
    [InlineData("sk-canary part-two", "contains characters that can't be sent in an HTTP header")]
    public void ForProvider_ApiKeyFileUnusable_ErrorNamesTheTomlKeyNotTheContents(string contents, string problem)
    {
        File.WriteAllText(Path.Combine(_directory, "key.txt"), contents);
        var errors = new List<string>();
        var resolver = Factory().ForProvider(Type("anthropic"), Spec("path::key.txt"), "models.m.providers.p", errors);
        Assert.Null(resolver);
        var error = Assert.Single(errors);
        Assert.StartsWith($"`models.m.providers.p.api_key_location`: credentials file `key.txt` {problem}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("canary", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ForProvider_ApiKeyFileMissing_ErrorNamesTheTomlKey()
    {
        var errors = new List<string>();
        Assert.Null(Factory().ForProvider(Type("openai"), Spec("path_from_env::KEY_FILE"), "models.m.providers.p", errors));
        Assert.Equal("`models.m.providers.p.api_key_location`: environment variable `KEY_FILE` (the path of a credentials file) is missing", Assert.Single(errors));
    }

    [Fact]
    public void ForProvider_PathFromEnv_ReadsTheNamedFile()
    {
        var file = Path.Combine(_directory, "sa.json");
        File.WriteAllText(file, "{\"type\":\"service_account\"}");
        var errors = new List<string>();
        var resolver = Factory(new() { ["GCP_VERTEX_CREDENTIALS_PATH"] = file }).ForProvider(Type("gcp_vertex_gemini"), null, "p", errors);
        Assert.Empty(errors);
        Assert.Equal("{\"type\":\"service_account\"}", Resolve(resolver!).Secret!.Reveal());
    }

    [Theory]
    [InlineData("anthropic", "none", "`none` can't be used for Anthropic providers")]
    [InlineData("azure", "none", "`none` can't be used for Azure providers")]
    [InlineData("dummy", "path::key.txt", "`path::` can't be used for Dummy providers")]
    [InlineData("openai", "sdk", "`sdk` can't be used for OpenAI providers")]
    [InlineData("gcp_vertex_gemini", "env::X", "`env::` can't be used for GCP Vertex Gemini providers")]
    public void ForProvider_FormTheTypeCantUse_IsRejected(string type, string location, string expected)
    {
        var errors = new List<string>();
        var resolver = Factory(new() { ["X"] = "x" }).ForProvider(Type(type), Spec(location), "models.m.providers.p", errors);
        Assert.Null(resolver);
        Assert.StartsWith($"`models.m.providers.p.{Type(type).CredentialField}`: {expected}", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void ForProvider_FallbackWithMissingEnv_FailsAtStartup()
    {
        var errors = new List<string>();
        var spec = new CredentialSpec(new CredentialLocation.Dynamic("k"), new CredentialLocation.Env("NOT_SET"));
        Assert.Null(Factory().ForProvider(Type("openai"), spec, "models.m.providers.p", errors));
        Assert.Contains("`NOT_SET` is missing", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Dynamic_ResolvesPerRequestAndExplainsAbsence()
    {
        var errors = new List<string>();
        var resolver = Factory().ForProvider(Type("openai"), Spec("dynamic::customer_key"), "p", errors)!;
        Assert.Equal("sk-customer", Resolve(resolver, new() { ["customer_key"] = "sk-customer" }).Secret!.Reveal());

        Assert.False(resolver.TryResolve(RequestCredentials.Empty, out _, out var reason));
        Assert.Equal("Dynamic api key `customer_key` is missing", reason);
    }

    [Fact]
    public void ForType_IsResolvedOnceAndShared()
    {
        var env = new CountingEnvironment(new() { ["OPENAI_API_KEY"] = "sk" });
        var factory = new CredentialResolverFactory(env, _directory, new Dictionary<string, CredentialSpec>(), NullLoggerFactory.Instance);
        var first = factory.ForType(Type("openai"));
        var second = factory.ForType(Type("openai"));
        Assert.Same(first, second);
        Assert.Equal(1, env.Reads);
        Resolve(first.Resolver!);
        Assert.Equal(1, env.Reads);
    }

    private sealed class CountingEnvironment(Dictionary<string, string> values) : IEnvironmentVariables
    {
        public int Reads { get; private set; }

        public string? Get(string name)
        {
            Reads++;
            return values.GetValueOrDefault(name);
        }
    }
}
