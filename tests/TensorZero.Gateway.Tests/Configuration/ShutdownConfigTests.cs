using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Configuration;

public sealed class ShutdownConfigTests
{
    private static GatewayConfig Parse(string toml) => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, "/configs");

    private static IReadOnlyList<string> Errors(string toml) => Assert.Throws<ConfigException>(() => Parse(toml)).Errors;

    [Fact]
    public void Parse_NoShutdownSection_UsesFiveSecondsDrainAndThirtySecondsDeadline()
    {
        var config = Parse("[gateway]\n");

        Assert.Equal(new ShutdownConfig(5_000, 30_000), config.Gateway.Shutdown);
        Assert.Equal(ShutdownConfig.Default, Parse("").Gateway.Shutdown);
    }

    [Fact]
    public void Parse_ShutdownSettings_AreRead()
    {
        var config = Parse("[gateway.shutdown]\ndrain_delay_ms = 0\ndeadline_ms = 120000\n");

        Assert.Equal(new ShutdownConfig(0, 120_000), config.Gateway.Shutdown);
    }

    [Theory]
    [InlineData("drain_delay_ms = -1", "`gateway.shutdown.drain_delay_ms`: must be at least 0")]
    [InlineData("deadline_ms = 0", "`gateway.shutdown.deadline_ms`: must be at least 1")]
    [InlineData("deadline_ms = 3600001", "`gateway.shutdown.deadline_ms`: must be at most 3600000")]
    [InlineData("drain_delay_ms = \"5s\"", "`gateway.shutdown.drain_delay_ms`: must be an integer")]
    [InlineData("grace_ms = 10", "gateway.shutdown.grace_ms")]
    public void Parse_InvalidShutdownSetting_ErrorNamesTheTomlPath(string line, string expected)
    {
        var errors = Errors($"[gateway.shutdown]\n{line}\n");

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_TwoInvalidShutdownSettings_ReportsBoth()
    {
        var errors = Errors("[gateway.shutdown]\ndrain_delay_ms = -5\ndeadline_ms = -5\n");

        Assert.Equal(2, errors.Count(e => e.Contains("gateway.shutdown.", StringComparison.Ordinal)));
    }
}
