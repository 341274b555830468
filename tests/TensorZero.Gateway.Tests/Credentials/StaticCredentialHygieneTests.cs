using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Credentials;

/// <summary>
/// A key read at startup (environment variable, key file, Bedrock IAM variable, <c>AWS_BEARER_TOKEN_BEDROCK</c>) that
/// an HTTP header can't carry stops the gateway with an error naming the TOML path and the variable or file, never
/// the value, instead of failing every request later.
/// </summary>
public sealed class StaticCredentialHygieneTests : IDisposable
{
    private const string Canary = "sk-canary-static";

    private readonly string _directory = Directory.CreateTempSubdirectory("tz-hygiene-test-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string> UnsendableValues() =>
    [
        Canary + "-crlf\r\n",
        Canary + "-lf\nsecond-line",
        Canary + "-ünïcödé",
        Canary + "-line\u2028sep",
        Canary + " space",
    ];

    private static IReadOnlyList<string> BuildErrors(string toml, Dictionary<string, string> environment)
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, Path.GetTempPath());
        var services = new ProviderServices(new NoHttp(), NullLoggerFactory.Instance, TimeProvider.System);
        var error = Assert.Throws<ConfigException>(() =>
            GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(), new FakeEnvironment(environment), services));
        Assert.DoesNotContain(error.Errors, e => e.Contains(Canary, StringComparison.Ordinal));
        Assert.DoesNotContain(Canary, error.Message, StringComparison.Ordinal);
        return error.Errors;
    }

    [Theory]
    [MemberData(nameof(UnsendableValues))]
    public void Build_EnvKeyAHeaderCantCarry_FailsNamingPathAndVariable(string value)
    {
        var errors = BuildErrors("""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_key_location = "env::MY_KEY"
            """, new() { ["MY_KEY"] = value });

        Assert.Equal(
            "`models.m.providers.p.api_key_location`: environment variable `MY_KEY` contains characters that can't be sent in an HTTP header (a line break, a space or a non-ASCII character)",
            Assert.Single(errors));
    }

    [Fact]
    public void Build_DefaultKeyAndFallbackAHeaderCantCarry_FailNamingTheirPaths()
    {
        var errors = BuildErrors("""
            [models.a]
            routing = ["p"]
            [models.a.providers.p]
            type = "anthropic"
            model_name = "claude"

            [models.b]
            routing = ["p"]
            [models.b.providers.p]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_key_location = { default = "dynamic::k", fallback = "env::FALLBACK" }
            """, new() { ["ANTHROPIC_API_KEY"] = Canary + "\n", ["FALLBACK"] = Canary + "\r" });

        Assert.Equal(
        [
            "`models.a.providers.p`: environment variable `ANTHROPIC_API_KEY` contains characters that can't be sent in an HTTP header (a line break, a space or a non-ASCII character) (the default credential of `anthropic` providers)",
            "`models.b.providers.p.api_key_location`: environment variable `FALLBACK` contains characters that can't be sent in an HTTP header (a line break, a space or a non-ASCII character)",
        ], errors);
    }

    [Fact]
    public void Build_WhitespaceOnlyEnvKey_CountsAsMissing()
    {
        var errors = BuildErrors("""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_key_location = "env::MY_KEY"
            """, new() { ["MY_KEY"] = " \t " });

        Assert.Equal("`models.m.providers.p.api_key_location`: environment variable `MY_KEY` is missing", Assert.Single(errors));
    }

    [Fact]
    public void Build_BedrockIamEnvFieldsAHeaderCantCarry_FailNamingFieldAndVariable()
    {
        var errors = BuildErrors("""
            [models.m]
            routing = ["b"]
            [models.m.providers.b]
            type = "aws_bedrock"
            model_id = "m"
            region = "us-east-1"
            access_key_id = "env::MY_AKID"
            secret_access_key = "env::MY_SECRET"
            session_token = "env::MY_TOKEN"
            """, new() { ["MY_AKID"] = "AKIAGOODKEY000000000", ["MY_SECRET"] = Canary + "\r\n", ["MY_TOKEN"] = Canary + "-tökén" });

        Assert.Equal(
        [
            "`models.m.providers.b.secret_access_key`: environment variable `MY_SECRET` contains characters that can't be sent in an HTTP header (a line break, a space or a non-ASCII character)",
            "`models.m.providers.b.session_token`: environment variable `MY_TOKEN` contains characters that can't be sent in an HTTP header (a line break, a space or a non-ASCII character)",
        ], errors);
    }

    [Fact]
    public void Build_BedrockBearerTokenVariableAHeaderCantCarry_FailsNamingProviderAndVariable()
    {
        var errors = BuildErrors("""
            [models.m]
            routing = ["b"]
            [models.m.providers.b]
            type = "aws_bedrock"
            model_id = "m"
            region = "us-east-1"
            """, new() { ["AWS_BEARER_TOKEN_BEDROCK"] = Canary + "\n" });

        Assert.Equal(
            "`models.m.providers.b`: environment variable `AWS_BEARER_TOKEN_BEDROCK` (used since no credential field is set) contains characters that can't be sent in an HTTP header (a line break, a space or a non-ASCII character)",
            Assert.Single(errors));
    }

    [Fact]
    public void ForProvider_KeyFileAHeaderCantCarryAfterTrimming_FailsNamingTheFile()
    {
        File.WriteAllText(Path.Combine(_directory, "key.txt"), $"\n  {Canary}-first\n{Canary}-second  \n");
        File.WriteAllText(Path.Combine(_directory, "trimmed.txt"), $"\n  {Canary}-only-line  \r\n");
        var factory = new CredentialResolverFactory(new FakeEnvironment(new Dictionary<string, string>()), _directory, new Dictionary<string, CredentialSpec>(), NullLoggerFactory.Instance);
        var keyedByFile = new CredentialRules("file_keyed", "File Keyed", "api_key_location",
            new CredentialSpec(new CredentialLocation.None()), null, CredentialForms.Path);
        var errors = new List<string>();

        var broken = factory.ForProvider(keyedByFile, new CredentialSpec(new CredentialLocation.FilePath("key.txt")), "models.m.providers.p", errors);
        var trimmed = factory.ForProvider(keyedByFile, new CredentialSpec(new CredentialLocation.FilePath("trimmed.txt")), "models.m.providers.p", errors);

        Assert.Null(broken);
        Assert.Equal(
            "`models.m.providers.p.api_key_location`: credentials file `key.txt` contains characters that can't be sent in an HTTP header (a line break, a space or a non-ASCII character)",
            Assert.Single(errors));
        Assert.True(trimmed!.TryResolve(RequestCredentials.Empty, out var credential, out _));
        Assert.Equal($"{Canary}-only-line", credential.Secret!.Reveal());
    }

    [Fact]
    public void ForProvider_GcpServiceAccountFile_MayHoldLineBreaks()
    {
        File.WriteAllText(Path.Combine(_directory, "sa.json"), "{\n  \"type\": \"service_account\"\n}\n");
        var factory = new CredentialResolverFactory(new FakeEnvironment(new Dictionary<string, string>()), _directory, new Dictionary<string, CredentialSpec>(), NullLoggerFactory.Instance);
        var errors = new List<string>();

        var resolver = factory.ForProvider(ProviderRegistry.CreateDefault().Find("gcp_vertex_gemini")!.Descriptor.Credentials, new CredentialSpec(new CredentialLocation.FilePath("sa.json")), "models.m.providers.p", errors);

        Assert.Empty(errors);
        Assert.NotNull(resolver);
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in this test");
    }
}
