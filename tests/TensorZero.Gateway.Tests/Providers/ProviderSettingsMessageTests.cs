using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers;

/// <summary>
/// Each provider type's own keys are read through <see cref="ProviderSettings"/>: a value of the wrong type is reported
/// once, at its TOML path, with the type's message and never the value.
/// </summary>
public sealed class ProviderSettingsMessageTests
{
    private const string Value = "4242424242";

    public static TheoryData<string, string, string> WrongTypes => new()
    {
        { "aws_bedrock", $"model_id = {Value}\nregion = \"us-east-1\"\napi_key = \"dynamic::k\"", "`models.m.providers.p.model_id`: must be a string" },
        { "aws_bedrock", $"model_id = \"m\"\nregion = \"us-east-1\"\nallow_auto_detect_region = {Value}\napi_key = \"dynamic::k\"",
            "`models.m.providers.p.allow_auto_detect_region`: must be a boolean" },
        { "azure", $"deployment_id = {Value}\nendpoint = \"https://r.openai.azure.com/\"\napi_key_location = \"dynamic::k\"",
            "`models.m.providers.p.deployment_id`: must be a non-empty string" },
        { "azure", "deployment_id = \"d\"\nendpoint = \"\"\napi_key_location = \"dynamic::k\"", "`models.m.providers.p.endpoint`: must be a non-empty string" },
        { "gcp_vertex_gemini", $"project_id = {Value}\nlocation = \"us-central1\"\nmodel_id = \"gemini\"\ncredential_location = \"dynamic::t\"",
            "`models.m.providers.p.project_id`: must be a non-empty string without `/`" },
        { "gcp_vertex_anthropic", $"project_id = \"p\"\nlocation = \"us-central1\"\nmodel_id = \"claude\"\nprovider_tools = {Value}\ncredential_location = \"dynamic::t\"",
            "`models.m.providers.p.provider_tools`: must be an array of tables" },
        { "anthropic", $"model_name = \"claude\"\nprovider_tools = [{Value}]\napi_key_location = \"dynamic::k\"",
            "`models.m.providers.p.provider_tools`: must be an array of tables (Anthropic server tools, e.g. `{ type = \"web_search_20250305\", name = \"web_search\" }`)" },
        { "mistral", $"model_name = \"m\"\nprompt_mode = {Value}\napi_key_location = \"dynamic::k\"", "`models.m.providers.p.prompt_mode`: must be a string, e.g. \"reasoning\"" },
        { "groq", $"model_name = \"m\"\nreasoning_format = {Value}\napi_key_location = \"dynamic::k\"", "`models.m.providers.p.reasoning_format`: must be one of `parsed`, `raw`, `hidden`" },
        { "openai", $"model_name = \"m\"\napi_type = {Value}\napi_key_location = \"dynamic::k\"", "`models.m.providers.p.api_type`: must be `chat_completions` or `responses`" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void Build_SettingOfTheWrongType_IsReportedOnceWithoutTheValue(string type, string lines, string expected)
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse($"""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "{type}"
            {lines}
            """, Path.GetTempPath());
        var services = new ProviderServices(new NoHttp(), NullLoggerFactory.Instance, TimeProvider.System);

        var error = Assert.Throws<ConfigException>(() => GatewayRuntime.Build(
            config, ProviderRegistry.CreateDefault(), new FakeEnvironment(new Dictionary<string, string>()), services));

        Assert.Equal([expected], error.Errors);
        Assert.DoesNotContain(error.Errors, e => e.Contains(Value, StringComparison.Ordinal));
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in this test");
    }
}
