using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace TensorZero.Gateway.Streaming;

/// <summary>One server-sent event: its <c>event:</c> name (if any) and its <c>data:</c> lines joined with <c>\n</c>.</summary>
public readonly record struct SseEvent(string? Event, string Data);

/// <summary>
/// Reads <c>text/event-stream</c> bodies: <c>field: value</c> lines, a blank line ends an event, several <c>data:</c>
/// lines join with a newline, <c>:</c> lines are comments, <c>\n</c>, <c>\r\n</c> and <c>\r</c> all end lines, a
/// leading byte-order mark is skipped, events without data are dropped.
/// </summary>
/// <remarks>
/// Lines are found in the body's UTF-8 bytes, in pooled buffers: only an event's data (and its name) become strings,
/// once per event. A line or an event longer than a buffer grows it, up to <see cref="MaxEventBytes"/>: an upstream
/// that never ends a line can't make the gateway hold the stream in memory.
/// </remarks>
public static class SseReader
{
    // Provider events are a few hundred bytes; reads copy from the HTTP response's own buffer, so a small buffer costs
    // no extra reads.
    private const int BufferBytes = 1024;

    /// <summary>The longest line, and the most data an event may carry: far above any provider's chunk (32 MiB).</summary>
    public const int MaxEventBytes = 32 * 1024 * 1024;

    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var input = ArrayPool<byte>.Shared.Rent(BufferBytes);
        var pending = new PendingEvent();
        try
        {
            int start = 0, end = 0;
            var atStart = true;
            var skipLineFeed = false;
            while (true)
            {
                var unread = input.AsSpan(start, end - start);
                if (skipLineFeed && !unread.IsEmpty)
                {
                    // A line ended at a `\r`: a `\n` right after it belongs to the same line ending.
                    skipLineFeed = false;
                    if (unread[0] == (byte)'\n')
                    {
                        start++;
                        continue;
                    }
                }
                var lineEnd = unread.IndexOfAny((byte)'\n', (byte)'\r');
                if (lineEnd >= 0)
                {
                    skipLineFeed = unread[lineEnd] == (byte)'\r';
                    atStart = false;
                    var line = unread[..lineEnd];
                    start += lineEnd + 1;
                    if (pending.Line(line) is { } completed)
                    {
                        yield return completed;
                    }
                    continue;
                }
                // No whole line left: keep the partial one at the front, grow the buffer if it fills it, and read on.
                if (start > 0)
                {
                    unread.CopyTo(input);
                    (start, end) = (0, unread.Length);
                }
                if (end == input.Length)
                {
                    TooLarge(end);
                    Grow(ref input, end, end + 1);
                }
                var read = await body.ReadAsync(input.AsMemory(end), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                end += read;
                if (atStart && end >= 3)
                {
                    atStart = false;
                    if (input.AsSpan(0, 3).SequenceEqual(Encoding.UTF8.Preamble))
                    {
                        start = 3;
                    }
                }
            }
            // The body ended: its last line needs no line ending, its last event no blank line.
            if (end > start && pending.Line(input.AsSpan(start, end - start)) is { } last)
            {
                yield return last;
            }
            if (pending.End() is { } final)
            {
                yield return final;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            pending.Dispose();
        }
    }

    private static void TooLarge(int bytes)
    {
        if (bytes >= MaxEventBytes)
        {
            throw new InvalidDataException($"the event stream has a line or an event over {MaxEventBytes / (1024 * 1024)} MiB");
        }
    }

    // Swaps a pooled buffer for one at least twice as large (and of at least `needed` bytes) that keeps its first `used`.
    private static void Grow(ref byte[] buffer, int used, int needed)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, needed));
        buffer.AsSpan(0, used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }

    /// <summary>The event being read: its name and its data lines' bytes, in a pooled buffer.</summary>
    private sealed class PendingEvent : IDisposable
    {
        private byte[] _data = ArrayPool<byte>.Shared.Rent(BufferBytes);
        private int _length;
        private bool _hasData;
        private string? _name;

        /// <summary>Takes one line (without its ending); returns the event a blank line completes.</summary>
        public SseEvent? Line(ReadOnlySpan<byte> line)
        {
            if (line.IsEmpty)
            {
                return End();
            }
            if (line[0] == (byte)':')
            {
                return null;
            }
            var colon = line.IndexOf((byte)':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? [] : line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }
            if (field.SequenceEqual("data"u8))
            {
                if (_hasData)
                {
                    Append("\n"u8);
                }
                Append(value);
                _hasData = true;
            }
            else if (field.SequenceEqual("event"u8))
            {
                _name = Encoding.UTF8.GetString(value);
            }
            return null;
        }

        /// <summary>Ends the event: returns it if it has data, and starts the next.</summary>
        public SseEvent? End()
        {
            SseEvent? completed = _hasData ? new SseEvent(_name, Encoding.UTF8.GetString(_data, 0, _length)) : null;
            (_name, _length, _hasData) = (null, 0, false);
            return completed;
        }

        private void Append(ReadOnlySpan<byte> bytes)
        {
            TooLarge(_length + bytes.Length);
            if (_length + bytes.Length > _data.Length)
            {
                Grow(ref _data, _length, _length + bytes.Length);
            }
            bytes.CopyTo(_data.AsSpan(_length));
            _length += bytes.Length;
        }

        public void Dispose()
        {
            if (_data.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_data);
                _data = [];
            }
        }
    }
}
