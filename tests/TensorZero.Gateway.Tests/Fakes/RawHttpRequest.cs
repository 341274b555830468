using System.Net.Sockets;
using System.Text;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>For fake servers on a raw socket: takes one HTTP/1.1 request off the connection.</summary>
public static class RawHttpRequest
{
    /// <summary>Reads the request head and its <c>Content-Length</c> body (none without the header).</summary>
    public static async Task ReadAsync(NetworkStream stream)
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
}
