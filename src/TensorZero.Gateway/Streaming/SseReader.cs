using System.Runtime.CompilerServices;
using System.Text;

namespace TensorZero.Gateway.Streaming;

/// <summary>One server-sent event: its <c>event:</c> name (if any) and its <c>data:</c> lines joined with <c>\n</c>.</summary>
public readonly record struct SseEvent(string? Event, string Data);

/// <summary>
/// Reads <c>text/event-stream</c> bodies: <c>field: value</c> lines, a blank line ends an event, several <c>data:</c>
/// lines join with a newline, <c>:</c> lines are comments, <c>\n</c> and <c>\r\n</c> both end lines, events without data
/// are dropped.
/// </summary>
public static class SseReader
{
    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 8192, leaveOpen: true);
        string? eventName = null;
        var data = new StringBuilder();
        var hasData = false;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData)
                {
                    yield return new SseEvent(eventName, data.ToString());
                }
                eventName = null;
                data.Clear();
                hasData = false;
                continue;
            }
            if (line[0] == ':')
            {
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }
            switch (field)
            {
                case "data":
                    if (hasData)
                    {
                        data.Append('\n');
                    }
                    data.Append(value);
                    hasData = true;
                    break;
                case "event":
                    eventName = value;
                    break;
            }
        }
        if (hasData)
        {
            yield return new SseEvent(eventName, data.ToString());
        }
    }
}
