using Serilog.Events;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Observability;

namespace TensorZero.Gateway.Tests.Observability;

public sealed class GatewayLoggingTests
{
    [Theory]
    [InlineData(null, LogEventLevel.Information)]
    [InlineData("", LogEventLevel.Information)]
    [InlineData("trace", LogEventLevel.Verbose)]
    [InlineData("debug", LogEventLevel.Debug)]
    [InlineData("INFO", LogEventLevel.Information)]
    [InlineData(" warn ", LogEventLevel.Warning)]
    [InlineData("warning", LogEventLevel.Warning)]
    [InlineData("error", LogEventLevel.Error)]
    public void MinimumLevel_KnownOrUnset_IsThatLevel(string? value, LogEventLevel expected)
    {
        Assert.Equal(expected, GatewayLogging.MinimumLevel(value));
    }

    [Fact]
    public void MinimumLevel_UnknownValue_StopsStartupNamingTheVariable()
    {
        var error = Assert.Throws<ConfigException>(() => GatewayLogging.MinimumLevel("gateway=debug"));

        Assert.Contains("`TENSORZERO_LOG_LEVEL` must be one of trace, debug, info, warn or error", error.Message);
    }

    [Fact]
    public void MinimumLevel_ValueWithLineBreaksAndLength_IsEscapedAndCut()
    {
        var error = Assert.Throws<ConfigException>(() => GatewayLogging.MinimumLevel("info\n[00:00:00 ERR] forged line that goes on and on"));

        Assert.DoesNotContain("\n[00:00:00", error.Message);
        Assert.Contains("info\\n[00:00:00 ERR] ...", error.Message);
    }
}
