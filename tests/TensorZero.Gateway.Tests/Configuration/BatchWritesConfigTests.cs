using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Configuration;

public sealed class BatchWritesConfigTests
{
    private static GatewayConfig Parse(string toml) => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, "/configs");

    [Fact]
    public void Parse_NoFlushInterval_WaitsTensorZeros100Milliseconds()
    {
        var config = Parse("[gateway.observability]\nenabled = true\n");

        Assert.Equal(100, config.Gateway.Observability!.FlushIntervalMs);
        Assert.Equal(100, ObservabilityConfig.Default("/configs").FlushIntervalMs);
        Assert.Equal(1_000, config.Gateway.Observability.MaxRows);
        Assert.Equal(10_000, config.Gateway.Observability.QueueCapacity);
    }

    [Fact]
    public void Parse_FlushIntervalSet_IsKept()
    {
        var config = Parse("[gateway.observability]\nbatch_writes = { flush_interval_ms = 10 }\n");

        Assert.Equal(10, config.Gateway.Observability!.FlushIntervalMs);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("\"10ms\"")]
    public void Parse_BadFlushInterval_ErrorNamesTheTomlPath(string value)
    {
        var errors = Assert.Throws<ConfigException>(() => Parse($"[gateway.observability]\nbatch_writes = {{ flush_interval_ms = {value} }}\n")).Errors;

        Assert.Contains(errors, e => e.Contains("flush_interval_ms", StringComparison.Ordinal));
    }
}
