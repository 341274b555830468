using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Configuration;

/// <summary>
/// Broken configs that carry a key where something else belongs are reported by TOML path and shape, never by value:
/// no run of the key shows in the startup error or in any log line.
/// </summary>
public sealed class ConfigSecretEchoTests
{
    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP at startup");
    }

    private const string Canary = "sk-CANARY-CFG-4f8e2a6c0b9d1357";

    private static string Provider(string lines) => $"""
        [models.m]
        routing = ["p"]
        [models.m.providers.p]
        type = "openai"
        model_name = "gpt-4o-mini"
        {lines}
        """;

    public static TheoryData<string, string> BrokenConfigs() => new()
    {
        { "env: with one colon", Provider($"api_key_location = \"env:{Canary}\"") },
        { "path: with one colon", Provider($"api_key_location = \"path:{Canary}\"") },
        { "ENV:: in upper case", Provider($"api_key_location = \"ENV::{Canary}\"") },
        { "env:: naming a key", Provider($"api_key_location = \"env::{Canary}\"") },
        { "dynamic:: naming a key", Provider($"api_key_location = {{ default = \"dynamic::{Canary}\", fallback = \"env::OPENAI_API_KEY\" }}") },
        { "key as a provider table name", $$"""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "openai"
            model_name = "gpt-4o-mini"
            [models.m.providers."{{Canary}}"]
            type = "openai"
            model_name = "gpt-4o-mini"
            """ },
        { "key as a routing entry", """
            [models.m]
            routing = ["p", "sk-CANARY-CFG-4f8e2a6c0b9d1357"]
            [models.m.providers.p]
            type = "openai"
            model_name = "gpt-4o-mini"
            """ },
        { "key as a model table name with a bad key", $$"""
            [models."{{Canary}}"]
            routing = []
            colour = "blue"
            """ },
        { "key as an unknown key", Provider($"\"{Canary}\" = true") },
        { "key as URL userinfo", Provider($"api_base = \"https://user:{Canary}@api.example.test:99999/v1/\"") },
        { "key as URL userinfo, no scheme", Provider($"api_base = \"{Canary}@api.example.test/v1/\"") },
        { "key in a URL query", Provider($"api_base = \"ftp://api.example.test/v1/?key={Canary}\"") },
        { "key as the whole api_base", Provider($"api_base = \"{Canary}\"") },
        { "key as an Anthropic api_base userinfo", $$"""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "anthropic"
            model_name = "claude"
            api_base = "ftp://{{Canary}}@api.example.test/"
            """ },
        { "key as a Bedrock endpoint_url userinfo", $$"""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "aws_bedrock"
            model_id = "m"
            region = "us-east-1"
            endpoint_url = "ftp://{{Canary}}@bedrock.example.test/"
            """ },
        { "key as a Bedrock region", $$"""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "aws_bedrock"
            model_id = "m"
            region = "{{Canary}}"
            """ },
    };

    [Theory]
    [MemberData(nameof(BrokenConfigs))]
    public void Startup_BrokenConfigWithKey_ReportsItWithoutTheKey(string label, string toml)
    {
        var environment = new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-other", ["AWS_BEARER_TOKEN_BEDROCK"] = "x" };
        using var gateway = new GatewayFactory(toml, environment);

        var startup = Record.Exception(() => gateway.CreateClient());
        var config = Record.Exception(() => GatewayRuntime.Build(
            new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, gateway.Directory),
            ProviderRegistry.CreateDefault(),
            new FakeEnvironment(environment),
            new ProviderServices(new NoHttp(), NullLoggerFactory.Instance, TimeProvider.System)));

        Assert.NotNull(startup);
        var error = Assert.IsType<ConfigException>(config);
        Assert.NotEmpty(error.Errors);
        SecretAssert.AssertNoSecretRun(error.Message, [Canary], $"the config error ({label})");
        SecretAssert.AssertNoSecretRun(startup.ToString(), [Canary], $"the startup failure ({label})");
        SecretAssert.AssertNoSecretRun(gateway.Logs.Lines, [Canary], $"the logs ({label})");
    }

    [Fact]
    public void Parse_OneColonLocation_NamesThePathAndTheShape()
    {
        var error = Assert.Throws<ConfigException>(() => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(Provider($"api_key_location = \"env:{Canary}\""), "."));

        Assert.Contains(error.Errors, e => e.StartsWith("`models.m.providers.p.api_key_location`: invalid credential location: `env:` needs two colons", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_KeyAsProviderTableName_DescribesItByPosition()
    {
        var error = Assert.Throws<ConfigException>(() => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse($$"""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "openai"
            model_name = "gpt-4o-mini"
            [models.m.providers."{{Canary}}"]
            type = "openai"
            model_name = "gpt-4o-mini"
            """, "."));

        Assert.Contains("`models.m.providers.<#2: name not shown, it looks like a key>`: is not listed in `routing`", error.Errors);
    }

    [Theory]
    [InlineData("https://user:secret-token-1234567890abcdef@api.example.test:8443/v1/?key=abc#frag", "https://api.example.test:8443/v1/?…")]
    [InlineData("http://localhost:8000/v1/", "http://localhost:8000/v1/")]
    [InlineData("localhost:8000/v1", "localhost:8000/v1")]
    [InlineData("sk-proj-abcdefABCDEF0123456789", "(not shown, it looks like a key)")]
    public void Url_ForMessages_DropsUserinfoQueryAndKeys(string url, string shown)
    {
        Assert.Equal(shown, ConfigText.Url(url));
    }

    [Theory]
    [InlineData("gpt-4o-mini-2024-07-18", false)]
    [InlineData("claude-3-5-sonnet-20241022", false)]
    [InlineData("us.anthropic.claude-3-7-sonnet-20250219-v1:0", false)]
    [InlineData("my_openai_provider", false)]
    [InlineData("sk-CANARY-CFG-4f8e2a6c0b9d1357", true)]
    [InlineData("AIzaSyA1b2C3d4E5f6G7h8I9j0", true)]
    [InlineData("4f8e2a6c0b9d13574f8e", true)]
    [InlineData("line\nbreak", true)]
    public void LooksLikeSecret_TellsKeysFromNames(string text, bool expected)
    {
        Assert.Equal(expected, ConfigText.LooksLikeSecret(text));
    }
}
