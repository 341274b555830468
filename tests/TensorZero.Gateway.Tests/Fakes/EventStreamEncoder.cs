using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>Writes AWS event-stream frames with string headers, as Bedrock's ConverseStream does (test code, kept apart from the gateway's decoder).</summary>
public static class EventStreamEncoder
{
    public static byte[] Encode(IEnumerable<(string Name, string Value)> headers, byte[] payload)
    {
        var headerBlock = new MemoryStream();
        Span<byte> length = stackalloc byte[2];
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            headerBlock.WriteByte((byte)nameBytes.Length);
            headerBlock.Write(nameBytes);
            headerBlock.WriteByte(7);
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)valueBytes.Length);
            headerBlock.Write(length);
            headerBlock.Write(valueBytes);
        }
        var headerBytes = headerBlock.ToArray();
        var total = 12 + headerBytes.Length + payload.Length + 4;
        var frame = new byte[total];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)headerBytes.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), Crc32.HashToUInt32(frame.AsSpan(0, 8)));
        headerBytes.CopyTo(frame, 12);
        payload.CopyTo(frame, 12 + headerBytes.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(total - 4), Crc32.HashToUInt32(frame.AsSpan(0, total - 4)));
        return frame;
    }

    /// <summary>A ConverseStream event frame: <c>:event-type</c>, <c>:content-type</c>, <c>:message-type = event</c>.</summary>
    public static byte[] Event(string eventType, string json) => Encode(
        [(":event-type", eventType), (":content-type", "application/json"), (":message-type", "event")],
        Encoding.UTF8.GetBytes(json));

    /// <summary>An in-stream exception frame, e.g. <c>throttlingException</c>.</summary>
    public static byte[] Exception(string exceptionType, string message) => Encode(
        [(":exception-type", exceptionType), (":content-type", "application/json"), (":message-type", "exception")],
        Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject { ["message"] = message }.ToJsonString()));
}
