using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;

namespace TensorZero.Gateway.Providers.Aws.EventStream;

/// <summary>
/// Decodes AWS event-stream framing: a 12-byte prelude (total length, headers length, prelude CRC32), headers, payload
/// and a CRC32 of everything before it; integers are big-endian. Both CRCs are verified. Frames may be split across
/// reads and one read may hold several frames.
/// </summary>
public static class EventStreamDecoder
{
    /// <summary>The media type of an event-stream response body.</summary>
    public const string ContentType = "application/vnd.amazon.eventstream";

    public const int PreludeLength = 12;
    public const int MinimumMessageLength = PreludeLength + 4;

    // The framing spec caps a message at 16 MiB and its headers at 128 KiB.
    public const int MaximumMessageLength = 16 * 1024 * 1024;
    public const int MaximumHeadersLength = 128 * 1024;

    /// <summary>
    /// Decodes the first message of <paramref name="buffer"/>. Returns false (consuming nothing) when the buffer holds
    /// only part of a message; throws <see cref="EventStreamFormatException"/> when the bytes can't be a valid message.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> buffer, out EventStreamMessage? message, out int consumed)
    {
        message = null;
        consumed = 0;
        if (buffer.Length < PreludeLength)
        {
            return false;
        }
        var total = BinaryPrimitives.ReadUInt32BigEndian(buffer);
        var headersLength = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        var preludeCrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        if (Crc32.HashToUInt32(buffer[..8]) != preludeCrc)
        {
            throw new EventStreamFormatException("prelude CRC mismatch");
        }
        if (total < MinimumMessageLength || total > MaximumMessageLength)
        {
            throw new EventStreamFormatException($"invalid message length {total}");
        }
        if (headersLength > MaximumHeadersLength || headersLength > total - MinimumMessageLength)
        {
            throw new EventStreamFormatException($"invalid headers length {headersLength}");
        }
        if (buffer.Length < total)
        {
            return false;
        }
        var frame = buffer[..(int)total];
        var messageCrc = BinaryPrimitives.ReadUInt32BigEndian(frame[^4..]);
        if (Crc32.HashToUInt32(frame[..^4]) != messageCrc)
        {
            throw new EventStreamFormatException("message CRC mismatch");
        }
        var headers = ParseHeaders(frame.Slice(PreludeLength, (int)headersLength));
        var payload = frame[(PreludeLength + (int)headersLength)..^4].ToArray();
        message = new EventStreamMessage(headers, payload);
        consumed = (int)total;
        return true;
    }

    /// <summary>Reads messages until the stream ends; a stream that ends inside a frame is an error.</summary>
    public static async IAsyncEnumerable<EventStreamMessage> ReadAllAsync(
        Stream stream,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var start = 0;
        var end = 0;
        while (true)
        {
            while (TryDecode(buffer.AsSpan(start, end - start), out var message, out var consumed))
            {
                start += consumed;
                yield return message!;
            }
            if (start == end)
            {
                start = end = 0;
            }
            else if (end == buffer.Length)
            {
                // Make room: move the partial frame to the front, and grow when the frame is larger than the buffer.
                var pending = end - start;
                var needed = pending >= PreludeLength ? (int)BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(start)) : PreludeLength;
                var target = needed > buffer.Length ? new byte[Math.Max(needed, buffer.Length * 2)] : buffer;
                Buffer.BlockCopy(buffer, start, target, 0, pending);
                buffer = target;
                start = 0;
                end = pending;
            }
            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (end > start)
                {
                    throw new EventStreamFormatException($"the stream ended inside a frame ({end - start} bytes left over)");
                }
                yield break;
            }
            end += read;
        }
    }

    private static Dictionary<string, object> ParseHeaders(ReadOnlySpan<byte> block)
    {
        var headers = new Dictionary<string, object>(StringComparer.Ordinal);
        var position = 0;
        while (position < block.Length)
        {
            var nameLength = block[position++];
            Need(block, position, nameLength + 1);
            var name = Encoding.UTF8.GetString(block.Slice(position, nameLength));
            position += nameLength;
            var type = block[position++];
            object value;
            switch (type)
            {
                case 0:
                    value = true;
                    break;
                case 1:
                    value = false;
                    break;
                case 2:
                    Need(block, position, 1);
                    value = (sbyte)block[position];
                    position += 1;
                    break;
                case 3:
                    Need(block, position, 2);
                    value = BinaryPrimitives.ReadInt16BigEndian(block[position..]);
                    position += 2;
                    break;
                case 4:
                    Need(block, position, 4);
                    value = BinaryPrimitives.ReadInt32BigEndian(block[position..]);
                    position += 4;
                    break;
                case 5:
                    Need(block, position, 8);
                    value = BinaryPrimitives.ReadInt64BigEndian(block[position..]);
                    position += 8;
                    break;
                case 6:
                case 7:
                    Need(block, position, 2);
                    var length = BinaryPrimitives.ReadUInt16BigEndian(block[position..]);
                    position += 2;
                    Need(block, position, length);
                    var bytes = block.Slice(position, length);
                    value = type == 6 ? bytes.ToArray() : Encoding.UTF8.GetString(bytes);
                    position += length;
                    break;
                case 8:
                    Need(block, position, 8);
                    value = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(block[position..]));
                    position += 8;
                    break;
                case 9:
                    Need(block, position, 16);
                    value = new Guid(block.Slice(position, 16), bigEndian: true);
                    position += 16;
                    break;
                default:
                    throw new EventStreamFormatException($"header `{name}` has unknown value type {type}");
            }
            headers[name] = value;
        }
        return headers;
    }

    private static void Need(ReadOnlySpan<byte> block, int position, int count)
    {
        if (position + count > block.Length)
        {
            throw new EventStreamFormatException("a header runs past the end of the header block");
        }
    }
}
