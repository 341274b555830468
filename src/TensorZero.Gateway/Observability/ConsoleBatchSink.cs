using System.Text;
using System.Threading.Channels;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace TensorZero.Gateway.Observability;

/// <summary>
/// The console, written in batches: a request only queues its line, and a background loop formats the queued lines into
/// one buffer and writes it to standard output with one flush. Writing each line under the console's lock made every
/// request wait for the terminal or pipe.
/// </summary>
/// <remarks>
/// The loop waits for a batch's first line without a timer, then lets the lines logged in the next
/// <see cref="GatherTime"/> join it. An idle gateway so wakes no thread for its logs. Serilog's batching sink, used
/// before, woke every interval whether or not anything was queued, and each wake-up set a thread-pool worker spinning
/// for more work: 3-4% of a core on an idle 2-core host, and about 7,000 context switches a second.
/// </remarks>
public sealed class ConsoleBatchSink : ILogEventSink, IDisposable
{
    /// <summary>How long a batch's first line waits for others to join it.</summary>
    public static readonly TimeSpan GatherTime = TimeSpan.FromMilliseconds(20);

    /// <summary>The most lines written with one flush.</summary>
    public const int BatchLines = 1000;

    private const int KeptLineChars = 16 * 1024;

    private readonly ITextFormatter _formatter;
    private readonly StreamWriter _writer;
    private readonly StringWriter _line = new(System.Globalization.CultureInfo.InvariantCulture);
    private readonly TimeProvider _time;
    private readonly Channel<LogEvent> _queue;
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _loop;
    private int _disposed;

    /// <param name="formatter">Formats each line.</param>
    /// <param name="output">Standard output, or a test's stream.</param>
    /// <param name="queueLines">
    /// The most lines waiting to be written. Past it (a console that can't keep up for a while) new lines are dropped,
    /// so that logging never slows a request down.
    /// </param>
    /// <param name="time">The clock of the gathering pause.</param>
    public ConsoleBatchSink(ITextFormatter formatter, Stream output, int queueLines, TimeProvider? time = null)
    {
        _formatter = formatter;
        _writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024)
        {
            AutoFlush = false,
        };
        _time = time ?? TimeProvider.System;
        // A full queue refuses the write (TryWrite returns false): the line is dropped, the request goes on.
        _queue = Channel.CreateBounded<LogEvent>(new BoundedChannelOptions(queueLines)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        // The loop belongs to no request: it must not carry the first logging request's context along.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    public void Emit(LogEvent logEvent) => _queue.Writer.TryWrite(logEvent);

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (reader.Count < BatchLines && !_closing.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(GatherTime, _time, _closing.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Closing: what is queued is written now.
                }
            }
            var lines = 0;
            while (lines < BatchLines && reader.TryRead(out var logEvent))
            {
                lines++;
                try
                {
                    // Formatted apart first, so that a line that fails half-way leaves nothing behind. One very long
                    // line doesn't keep its buffer for good.
                    var line = _line.GetStringBuilder().Clear();
                    if (line.Capacity > KeptLineChars)
                    {
                        line.Capacity = KeptLineChars;
                    }
                    _formatter.Format(logEvent, _line);
                    _writer.Write(line);
                }
                catch (Exception error)
                {
                    SelfLog.WriteLine("A log line could not be formatted and was dropped: {0}", error.GetType().Name);
                }
            }
            try
            {
                await _writer.FlushAsync().ConfigureAwait(false);
            }
            catch (Exception error)
            {
                // The console is gone or broken (a closed pipe): the batch is lost, the loop goes on with the next.
                SelfLog.WriteLine("A batch of {0} log lines could not be written: {1}", lines, error.GetType().Name);
            }
        }
    }

    /// <summary>Writes what is still queued, then closes the output.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _queue.Writer.TryComplete();
        _closing.Cancel();
        _loop.GetAwaiter().GetResult();
        try
        {
            _writer.Dispose();
        }
        catch (Exception error)
        {
            // Closing a broken console flushes into it once more; the process is stopping either way.
            SelfLog.WriteLine("The console could not be closed: {0}", error.GetType().Name);
        }
        _closing.Dispose();
    }
}
