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
    // Provider events are a few hundred bytes; the reader only copies from the HTTP response's own buffer, so a small
    // buffer costs no extra reads and saves 21 KB per stream over the default 8 KB (bytes plus chars).
    private const int BufferBytes = 1024;

    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: BufferBytes, leaveOpen: true);
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
            var field = colon < 0 ? line.AsSpan() : line.AsSpan(0, colon);
            var value = colon < 0 ? [] : line.AsSpan(colon + 1);
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }
            if (field.SequenceEqual("data"))
            {
                if (hasData)
                {
                    data.Append('\n');
                }
                data.Append(value);
                hasData = true;
            }
            else if (field.SequenceEqual("event"))
            {
                eventName = value.ToString();
            }
        }
        if (hasData)
        {
            yield return new SseEvent(eventName, data.ToString());
        }
    }
}
