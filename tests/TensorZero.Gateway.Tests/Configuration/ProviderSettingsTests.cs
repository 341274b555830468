using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Configuration;

public sealed class ProviderSettingsTests
{
    private const string ProviderPath = "models.m.providers.p";

    private readonly List<string> _errors = [];

    private ProviderSettings Settings(Dictionary<string, object?> values) => new(ProviderPath, new ProviderSettingsTable(values), _errors);

    [Fact]
    public void String_Present_ReturnsItWithoutErrors()
    {
        var settings = Settings(new() { ["region"] = "us-east-1" });

        Assert.Equal("us-east-1", settings.String("region"));
        Assert.Empty(_errors);
        Assert.False(settings.HasProblem("region"));
    }

    [Fact]
    public void String_Absent_IsNullWithoutErrors()
    {
        var settings = Settings([]);

        Assert.Null(settings.String("region"));
        Assert.False(settings.Has("region"));
        Assert.Empty(_errors);
    }

    [Fact]
    public void String_NotAString_ReportsThePathButNotTheValue()
    {
        var settings = Settings(new() { ["region"] = 4242424242L });

        Assert.Null(settings.String("region"));
        Assert.Equal(["`models.m.providers.p.region`: must be a string"], _errors);
        Assert.True(settings.HasProblem("region"));
    }

    [Fact]
    public void String_TypeProblemGiven_ReportsThatMessage()
    {
        var settings = Settings(new() { ["prompt_mode"] = true });

        Assert.Null(settings.String("prompt_mode", "must be a string, e.g. \"reasoning\""));
        Assert.Equal(["`models.m.providers.p.prompt_mode`: must be a string, e.g. \"reasoning\""], _errors);
    }

    [Fact]
    public void Bool_NotABoolean_ReportsIt()
    {
        var settings = Settings(new() { ["allow_auto_detect_region"] = "yes", ["parse_think_blocks"] = false });

        Assert.Null(settings.Bool("allow_auto_detect_region"));
        Assert.False(settings.Bool("parse_think_blocks"));
        Assert.Equal(["`models.m.providers.p.allow_auto_detect_region`: must be a boolean"], _errors);
    }

    [Fact]
    public void Integer_NotAnInteger_ReportsIt()
    {
        var settings = Settings(new() { ["max"] = 1.5, ["count"] = 3L });

        Assert.Null(settings.Integer("max"));
        Assert.Equal(3L, settings.Integer("count"));
        Assert.Equal(["`models.m.providers.p.max`: must be an integer"], _errors);
    }

    [Fact]
    public void Json_NestedTomlValues_BecomeJson()
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse("""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "anthropic"
            model_name = "claude-haiku-4-5"
            provider_tools = [{ type = "web_search_20250305", name = "web_search", max_uses = 3, allowed_domains = ["example.com"] }]
            """, Path.GetTempPath());
        var provider = config.Models["m"].Providers["p"];
        var settings = new ProviderSettings(provider.Path, provider.Settings, _errors);

        var tools = settings.Json("provider_tools");

        Assert.Equal(
            """[{"type":"web_search_20250305","name":"web_search","max_uses":3,"allowed_domains":["example.com"]}]""",
            tools!.ToJsonString());
        Assert.Null(settings.Json("beta_structured_outputs"));
        Assert.Empty(_errors);
    }

    [Fact]
    public void Json_PlainDictionariesAndLists_ConvertLikeToml()
    {
        var settings = Settings(new()
        {
            ["provider_tools"] = new List<object?> { new Dictionary<string, object?> { ["type"] = "web_search", ["max_uses"] = 2L } },
        });

        Assert.Equal("""[{"type":"web_search","max_uses":2}]""", settings.Json("provider_tools")!.ToJsonString());
        Assert.IsType<JsonArray>(settings.Json("provider_tools"));
    }

    [Fact]
    public void Keys_ListsTheKeysTheTableSets()
    {
        var settings = Settings(new() { ["deployment_id"] = "d1", ["endpoint"] = "https://r.openai.azure.com/" });

        Assert.Equal(["deployment_id", "endpoint"], settings.Keys);
        Assert.True(settings.Has("endpoint"));
        Assert.Equal(ProviderPath, settings.Path);
    }

    [Fact]
    public void Error_WithoutKey_ReportsAtTheProviderPath()
    {
        var settings = Settings([]);

        settings.Error("set exactly one of `model_id` or `endpoint_id`");
        settings.Error("model_id", "is required");

        Assert.Equal(
        [
            "`models.m.providers.p`: set exactly one of `model_id` or `endpoint_id`",
            "`models.m.providers.p.model_id`: is required",
        ], _errors);
        Assert.True(settings.HasProblem("model_id"));
    }
}
