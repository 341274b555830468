using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using static TensorZero.Gateway.Tests.Providers.OpenAI.OpenAIFamilyKit;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary>Startup checks of the OpenAI-family factories and the TOML keys each type accepts.</summary>
public sealed class OpenAIFamilyFactoryTests
{
    [Theory]
    [InlineData("vllm")]
    [InlineData("sglang")]
    [InlineData("tgi")]
    public void Create_SelfHostedWithoutApiBase_ReportsRequiredKey(string type)
    {
        Create(type, new RecordingHttp(), out var errors);

        Assert.Equal($"`models.m.providers.p.api_base`: is required for `{type}` providers (the server's base URL, e.g. `http://localhost:8000/v1/`)", Assert.Single(errors));
    }

    [Theory]
    [InlineData("deepseek")]
    [InlineData("vllm")]
    [InlineData("openrouter")]
    public void Create_WithoutModelName_ReportsRequiredKey(string type)
    {
        Create(type, new RecordingHttp(), out var errors, modelName: null, apiBase: "http://localhost:8000/v1/");

        Assert.Equal($"`models.m.providers.p.model_name`: is required for `{type}` providers", Assert.Single(errors));
    }

    [Fact]
    public void Create_ApiBaseWithChatCompletions_IsRejected()
    {
        Create("vllm", new RecordingHttp(), out var errors, apiBase: "http://localhost:8000/v1/chat/completions");

        Assert.Contains("without `/chat/completions`", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_AzureWithoutDeploymentOrEndpoint_ReportsBoth()
    {
        Create("azure", new RecordingHttp(), out var errors);

        Assert.Equal(
        [
            "`models.m.providers.p.deployment_id`: is required for `azure` providers",
            "`models.m.providers.p.endpoint`: is required for `azure` providers",
        ], errors);
    }

    [Fact]
    public async Task Create_AzureEnvEndpoint_IsReadAtStartup()
    {
        var http = new RecordingHttp();
        var provider = Create("azure", http, out var errors,
            settings: new() { ["deployment_id"] = "d1", ["endpoint"] = "env::AZURE_ENDPOINT" },
            environment: new Dictionary<string, string> { ["AZURE_ENDPOINT"] = "https://from-env.openai.azure.com" });
        Assert.Empty(errors);

        await provider.InferAsync(Hello, RequestCredentials.Empty, CancellationToken.None);
        Assert.Equal("https://from-env.openai.azure.com/openai/deployments/d1/chat/completions?api-version=2025-04-01-preview", http.Last.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void Create_AzureEnvEndpointMissing_ReportsVariable()
    {
        Create("azure", new RecordingHttp(), out var errors, settings: new() { ["deployment_id"] = "d1", ["endpoint"] = "env::AZURE_ENDPOINT" });

        Assert.Equal("`models.m.providers.p.endpoint`: environment variable `AZURE_ENDPOINT` is missing", Assert.Single(errors));
    }

    [Theory]
    [InlineData("path::/etc/azure-endpoint", "`path::` and `path_from_env::` are not supported here by this gateway (use a literal value, `env::` or `dynamic::`)")]
    [InlineData("dynamic::", "the name after `dynamic::` is empty (use a literal value, `env::` or `dynamic::`)")]
    [InlineData("sdk", "`sdk` can't be used here (use a literal value, `env::` or `dynamic::`)")]
    public void Create_AzureEndpointInAFormASettingCantUse_ReportsTheForm(string endpoint, string problem)
    {
        Create("azure", new RecordingHttp(), out var errors, settings: new() { ["deployment_id"] = "d1", ["endpoint"] = endpoint });

        Assert.Equal($"`models.m.providers.p.endpoint`: {problem}", Assert.Single(errors));
    }

    [Fact]
    public async Task InferAsync_AzureDynamicEndpointMissing_Is400NamingKey()
    {
        var provider = Create("azure", new RecordingHttp(), out _, settings: new() { ["deployment_id"] = "d1", ["endpoint"] = "dynamic::azure_endpoint" });

        var error = await Assert.ThrowsAsync<GatewayError>(() => provider.InferAsync(Hello, RequestCredentials.Empty, CancellationToken.None));
        Assert.Equal(ErrorKind.MissingCredential, error.Kind);
        Assert.Contains("`azure_endpoint`", error.Message, StringComparison.Ordinal);
        Assert.Contains("Azure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_AzureDynamicEndpointNotUrl_IsRejectedWithoutEchoingIt()
    {
        var provider = Create("azure", new RecordingHttp(), out _, settings: new() { ["deployment_id"] = "d1", ["endpoint"] = "dynamic::azure_endpoint" });
        var credentials = new RequestCredentials(new Dictionary<string, Secret> { ["azure_endpoint"] = new("not a url secret-ish") });

        var error = await Assert.ThrowsAsync<GatewayError>(() => provider.InferAsync(Hello, credentials, CancellationToken.None));
        Assert.Equal(ErrorKind.MissingCredential, error.Kind);
        Assert.Contains("`azure_endpoint`", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-ish", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("groq", "reasoning_format", "verbose", "must be one of `parsed`, `raw`, `hidden`")]
    [InlineData("mistral", "prompt_mode", 3L, "must be a string, e.g. \"reasoning\"")]
    [InlineData("together", "parse_think_blocks", "yes", "must be a boolean")]
    [InlineData("openai", "api_type", "batch", "must be `chat_completions` or `responses`")]
    [InlineData("openai", "include_encrypted_reasoning", true, "is only supported when `api_type = \"responses\"`")]
    [InlineData("openai", "include_encrypted_reasoning", "yes", "must be a boolean")]
    public void Create_BadTypeSetting_ReportsIt(string type, string key, object value, string message)
    {
        Create(type, new RecordingHttp(), out var errors, settings: new() { [key] = value });

        Assert.Equal($"`models.m.providers.p.{key}`: {message}", Assert.Single(errors));
    }

    [Theory]
    [InlineData("azure", "api_base")]
    [InlineData("azure", "model_name")]
    [InlineData("tgi", "model_name")]
    [InlineData("deepseek", "prompt_mode")]
    [InlineData("vllm", "deployment_id")]
    public void Parse_KeyOfAnotherType_IsUnknown(string type, string key)
    {
        var loader = new ConfigLoader(ProviderRegistry.CreateDefault());
        var error = Assert.Throws<ConfigException>(() => loader.Parse($"""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "{type}"
            {key} = "x"
            """, Path.GetTempPath()));

        Assert.Contains(error.Errors, e => e.StartsWith($"`models.m.providers.p.{key}`: unknown key", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("mistral", "prompt_mode")]
    [InlineData("groq", "reasoning_format")]
    [InlineData("fireworks", "parse_think_blocks")]
    [InlineData("azure", "endpoint")]
    public void Parse_TypeSpecificKey_LandsInSettings(string type, string key)
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse($"""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "{type}"
            {key} = "x"
            """, Path.GetTempPath());

        var provider = config.Models["m"].Providers["p"];
        var errors = new List<string>();
        Assert.Equal("x", new ProviderSettings(provider.Path, provider.Settings, errors).String(key));
        Assert.Empty(errors);
    }
}
