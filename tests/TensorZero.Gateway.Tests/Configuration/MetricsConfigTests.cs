using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Configuration;

/// <summary><c>[metrics.M]</c>: read into the config with TensorZero's required keys, values and reserved names.</summary>
public sealed class MetricsConfigTests
{
    private static GatewayConfig Parse(string toml) => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, "/configs");

    private static IReadOnlyList<string> Errors(string toml) => Assert.Throws<ConfigException>(() => Parse(toml)).Errors;

    [Fact]
    public void Parse_EveryTypeLevelAndOptimize_IsReadWithoutWarning()
    {
        var config = Parse("""
            [metrics.resolved]
            type = "boolean"
            level = "inference"
            optimize = "max"

            [metrics.latency]
            type = "float"
            level = "episode"
            optimize = "min"
            description = "seconds to answer"
            """);

        Assert.Equal(new MetricConfig("resolved", MetricType.Boolean, MetricLevel.Inference, MetricOptimize.Max), config.Metrics["resolved"]);
        Assert.Equal(new MetricConfig("latency", MetricType.Float, MetricLevel.Episode, MetricOptimize.Min, "seconds to answer"), config.Metrics["latency"]);
        Assert.DoesNotContain(config.Warnings, w => w.Contains("metrics", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_MissingKeys_NamesEachTomlPath()
    {
        var errors = Errors("""
            [metrics.m]
            description = "nothing else"
            """);

        Assert.Equal(["`metrics.m.type`: is required", "`metrics.m.level`: is required", "`metrics.m.optimize`: is required"], errors);
    }

    [Fact]
    public void Parse_BadValuesAndUnknownKey_NamesThePathAndTheChoices()
    {
        var errors = Errors("""
            [metrics.m]
            type = "integer"
            level = "session"
            optimize = 1
            weight = 2
            """);

        Assert.Contains("`metrics.m.weight`: unknown key (valid keys here: description, level, optimize, type)", errors);
        Assert.Contains("`metrics.m.type`: unknown variant `integer`, expected `boolean` or `float`", errors);
        Assert.Contains("`metrics.m.level`: unknown variant `session`, expected `inference` or `episode`", errors);
        Assert.Contains("`metrics.m.optimize`: must be a string, found an integer", errors);
        Assert.Equal(4, errors.Count);
    }

    [Theory]
    [InlineData("comment", "`metrics.comment`: Metric name 'comment' is reserved and cannot be used")]
    [InlineData("demonstration", "`metrics.demonstration`: Metric name 'demonstration' is reserved and cannot be used")]
    [InlineData("tensorzero::score", "`metrics.tensorzero::score`: Metric name cannot start with 'tensorzero::': tensorzero::score")]
    [InlineData("drop table", "`metrics.drop table`: Metric name `drop table` contains characters that are not allowed. Only ASCII alphanumeric characters, underscores, hyphens, dots, colons, and forward slashes are permitted.")]
    public void Parse_ReservedOrUnsafeName_IsRefused(string name, string expected)
    {
        var errors = Errors($"""
            [metrics."{name}"]
            type = "boolean"
            level = "inference"
            optimize = "max"
            """);

        Assert.Equal([expected], errors);
    }
}
