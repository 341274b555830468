using Serilog.Events;
using Serilog.Parsing;
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

    [Fact]
    public async Task ConsoleBatchSink_Batch_IsFormattedInOrderAndFlushedOnce()
    {
        var output = new CountingStream();
        using var sink = new ConsoleBatchSink(GatewayLogging.TextFormatter(), output);
        var events = Enumerable.Range(1, 3).Select(i => new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null,
            new MessageTemplateParser().Parse("line {Number}"), [new LogEventProperty("Number", new ScalarValue(i))])).ToList();

        await sink.EmitBatchAsync(events);

        var text = System.Text.Encoding.UTF8.GetString(output.ToArray());
        Assert.Equal(3, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True(text.IndexOf("line 1", StringComparison.Ordinal) < text.IndexOf("line 2", StringComparison.Ordinal));
        Assert.True(text.IndexOf("line 2", StringComparison.Ordinal) < text.IndexOf("line 3", StringComparison.Ordinal));
        Assert.Equal(1, output.Writes);
    }

    // Counts the writes that reach the stream (MemoryStream's async writes end in these).
    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes++;
            base.Write(buffer);
        }
    }
}
