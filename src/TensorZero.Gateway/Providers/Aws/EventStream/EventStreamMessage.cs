using System.Text;

namespace TensorZero.Gateway.Providers.Aws.EventStream;

/// <summary>
/// One decoded <c>application/vnd.amazon.eventstream</c> message. Header values keep their wire type: <see cref="bool"/>,
/// <see cref="sbyte"/>, <see cref="short"/>, <see cref="int"/>, <see cref="long"/>, <c>byte[]</c>, <see cref="string"/>,
/// <see cref="DateTimeOffset"/> or <see cref="Guid"/>.
/// </summary>
public sealed record EventStreamMessage(IReadOnlyDictionary<string, object> Headers, ReadOnlyMemory<byte> Payload)
{
    /// <summary>A string header's value, or null when it is absent or not a string.</summary>
    public string? StringHeader(string name) => Headers.TryGetValue(name, out var value) ? value as string : null;

    /// <summary><c>:message-type</c>: <c>event</c>, <c>exception</c> or <c>error</c>.</summary>
    public string? MessageType => StringHeader(":message-type");

    public string PayloadText => Encoding.UTF8.GetString(Payload.Span);
}

/// <summary>A byte stream that is not valid event-stream framing (bad length, CRC mismatch, truncated frame).</summary>
public sealed class EventStreamFormatException(string message) : Exception(message);
