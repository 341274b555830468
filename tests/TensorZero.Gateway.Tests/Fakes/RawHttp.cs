using System.Net.Sockets;
using System.Text;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>For fake servers on a raw socket: one HTTP/1.1 request in, a chunked response out.</summary>
public static class RawHttp
{
    /// <summary>Reads the request head and its <c>Content-Length</c> body (none without the header).</summary>
    public static async Task ReadRequestAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
        }
        var lengthLine = head.ToString().Split("\r\n").FirstOrDefault(l => l.StartsWith("content-length:", StringComparison.OrdinalIgnoreCase));
        var remaining = lengthLine is null ? 0 : int.Parse(lengthLine["content-length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var buffer = new byte[4096];
        while (remaining > 0 && await stream.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, remaining))) is var read and > 0)
        {
            remaining -= read;
        }
    }

    /// <summary>The head of a chunked <c>text/event-stream</c> answer with status 200.</summary>
    public static byte[] EventStreamHead() => "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray();

    /// <summary><paramref name="data"/> as one chunk of a chunked body: its size in hex, the bytes, CRLF.</summary>
    public static byte[] Chunk(string data) => Encoding.UTF8.GetBytes($"{Encoding.UTF8.GetByteCount(data):x}\r\n{data}\r\n");

    /// <summary>The zero-size chunk that ends a chunked body.</summary>
    public static byte[] LastChunk() => "0\r\n\r\n"u8.ToArray();
}
