using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace TensorZero.Gateway.Observability;

/// <summary>
/// The console, written in batches from Serilog's batching queue: a request only queues its line, and a background
/// task formats the queued lines into one buffer and writes it to standard output with one flush. Writing each line
/// under the console's lock made every request wait for the terminal or pipe; a queue that blocks its reader by
/// spinning cost a core's tenth under load on a 2-core host.
/// </summary>
public sealed class ConsoleBatchSink(ITextFormatter formatter, Stream output) : IBatchedLogEventSink, IDisposable
{
    private readonly StreamWriter _writer = new(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024)
    {
        AutoFlush = false,
    };

    public async Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        foreach (var logEvent in batch)
        {
            formatter.Format(logEvent, _writer);
        }
        await _writer.FlushAsync().ConfigureAwait(false);
    }

    public Task OnEmptyBatchAsync() => Task.CompletedTask;

    public void Dispose() => _writer.Dispose();
}
