using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Configuration.Validation;

public sealed class CrossTableRulesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tz-cross-table-rules-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static IReadOnlyList<string> Errors(string toml) =>
        Assert.Throws<ConfigException>(() => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, "/configs")).Errors;

    [Fact]
    public void Check_ErrorsOfCrossTableRules_AreListedWithTheirOwnTable()
    {
        // The rules run once every table is read; their errors still sit beside the other problems of the same table.
        var errors = Errors("""
            [models.a]
            routing = ["missing"]
            [models.a.providers.p]
            type = "dummy"
            model_name = "good"

            [models.b]
            routing = ["p"]
            colour = "blue"
            [models.b.providers.p]
            type = "dummy"
            model_name = "good"

            [functions.f]
            type = "chat"
            tools = ["nowhere"]
            tool_choice = "sometimes"
            [functions.f.variants.v]
            type = "chat_completion"
            model = "nothing"
            json_mode = "on"
            """);

        Assert.Collection(
            errors,
            e => Assert.Equal("`models.a.routing`: names provider `missing`, which is not defined under `models.a.providers`", e),
            e => Assert.Equal("`models.a.providers.p`: is not listed in `routing`", e),
            e => Assert.StartsWith("`models.b.colour`: unknown key", e, StringComparison.Ordinal),
            e => Assert.Equal("`functions.f.variants.v.model`: model `nothing` is not defined under `[models]` and is not a shorthand such as `openai::gpt-4o-mini`", e),
            e => Assert.Equal("`functions.f.variants.v.json_mode`: is not supported here, since the parent function is a chat function", e),
            e => Assert.Equal("`functions.f.tools`: names tool `nowhere`, which is not defined under `[tools]`", e),
            e => Assert.Equal("`functions.f.tool_choice`: must be \"none\", \"auto\", \"required\" or { specific = \"tool_name\" }", e));
    }

    [Fact]
    public void Check_TablesNamedBeforeTheyAppearInTheFile_AreFound()
    {
        File.WriteAllText(Path.Combine(_directory, "weather.json"), """{"type": "object", "properties": {}}""");

        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse("""
            [functions.f]
            type = "chat"
            tools = ["get_weather"]
            [functions.f.variants.v]
            type = "chat_completion"
            model = "m"

            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "dummy"
            model_name = "good"

            [tools.get_weather]
            description = "Weather"
            parameters = "weather.json"
            """, _directory);

        Assert.Equal("m", config.Functions["f"].Variants["v"].Model);
        Assert.Equal(["get_weather"], config.Functions["f"].Tools);
    }

    [Fact]
    public void RoutingMatchesProviders_ProvidersNotATable_IsReportedOnce()
    {
        var errors = Errors("""
            [models.m]
            routing = ["p"]
            providers = "p"
            """);

        Assert.Equal(["`models.m.providers`: must be a table, found a string"], errors);
    }

    [Fact]
    public void RoutingMatchesProviders_EmbeddingModel_ChecksRoutingLikeModels()
    {
        var errors = Errors("""
            [embedding_models.e]
            routing = []
            [embedding_models.e.providers.p]
            type = "openai"
            model_name = "text-embedding-3-small"
            """);

        Assert.Equal(
        [
            "`embedding_models.e.routing`: must list at least one provider",
            "`embedding_models.e.providers.p`: is not listed in `routing`",
        ], errors);
    }
}
