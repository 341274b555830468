using System.Collections.Concurrent;
using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace TensorZero.Gateway.Tests.Infrastructure;

/// <summary>Captures every log event of a gateway under test, rendered with all its properties, to search for secrets.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<LogEvent> _events = new();
    private readonly CompactJsonFormatter _formatter = new();

    public void Emit(LogEvent logEvent)
    {
        var writer = new StringWriter(new StringBuilder());
        _formatter.Format(logEvent, writer);
        _lines.Enqueue(logEvent.RenderMessage() + " " + writer + " " + logEvent.Exception);
        _events.Enqueue(logEvent);
    }

    public IReadOnlyList<string> Lines => _lines.ToArray();

    /// <summary>The captured events, to render with the gateway's own formatters.</summary>
    public IReadOnlyList<LogEvent> Events => _events.ToArray();

    public string All => string.Join('\n', _lines);

    /// <summary>
    /// Waits until a captured line contains <paramref name="text"/>, for lines logged just after what a test can
    /// observe (a row written, then the log line saying so); fails naming the text when it never comes.
    /// </summary>
    public async Task<string> WaitForAsync(string text, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var line = _lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null)
            {
                return line;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no log line contains \"{text}\" after {patience.TotalSeconds} s");
            }
            await Task.Delay(20);
        }
    }
}
