using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Observability;

public sealed class MetricsConfigTests
{
    private static GatewayConfig Parse(string toml) => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, "/configs");

    [Fact]
    public void Parse_OverheadBuckets_AreRead()
    {
        var config = Parse("""
            [gateway.metrics]
            tensorzero_inference_latency_overhead_seconds_buckets = [0.0001, 1, 10.5]
            """);

        Assert.Equal([0.0001, 1, 10.5], config.Gateway.OverheadBuckets);
        Assert.DoesNotContain(config.Warnings, w => w.Contains("gateway.metrics", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[0.1, 0.01]", "`gateway.metrics.tensorzero_inference_latency_overhead_seconds_buckets`: must be in strictly ascending order, but buckets[1] (0.01) <= buckets[0] (0.1)")]
    [InlineData("[0.1, -1.0]", "`gateway.metrics.tensorzero_inference_latency_overhead_seconds_buckets[1]`: must be non-negative, got: -1")]
    [InlineData("[inf]", "`gateway.metrics.tensorzero_inference_latency_overhead_seconds_buckets[0]`: must be finite (not NaN or infinity), got: inf")]
    [InlineData("[\"fast\"]", "`gateway.metrics.tensorzero_inference_latency_overhead_seconds_buckets[0]`: must be a number")]
    public void Parse_BadOverheadBuckets_NamesTheProblem(string buckets, string error)
    {
        var e = Assert.Throws<ConfigException>(() => Parse($"""
            [gateway.metrics]
            tensorzero_inference_latency_overhead_seconds_buckets = {buckets}
            """));

        Assert.Contains(error, e.Errors);
    }

    [Fact]
    public void Parse_UnknownMetricsOrOpenApiKey_IsAnError()
    {
        var e = Assert.Throws<ConfigException>(() => Parse("""
            [gateway.metrics]
            buckets = [1]

            [gateway.openapi]
            enabled = true
            ui = false
            """));

        Assert.Equal(2, e.Errors.Count);
    }

    [Fact]
    public void Parse_OpenApiSwitch_IsReadAndAbsentIsNull()
    {
        Assert.False(Parse("[gateway]\nopenapi.enabled = false").Gateway.OpenApiEnabled);
        Assert.True(Parse("[gateway]\nopenapi.enabled = true").Gateway.OpenApiEnabled);
        Assert.Null(Parse("[gateway]\nbind_address = \"0.0.0.0:3000\"").Gateway.OpenApiEnabled);
    }
}
