using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// On a real socket, each server-sent event leaves the gateway as one chunk of the chunked response: <c>data: </c>,
/// its JSON and the blank line together, never split over several chunks.
/// </summary>
public sealed class SseFramingTests
{
    [Theory]
    [InlineData("/inference", """{"model_name":"dummy","input":{"messages":[{"role":"user","content":"hi"}]},"stream":true}""")]
    [InlineData("/openai/v1/chat/completions", """{"model":"tensorzero::model_name::dummy","messages":[{"role":"user","content":"hi"}],"stream":true}""")]
    public async Task Stream_EachEvent_IsOneChunkOfTheResponse(string path, string body)
    {
        await using var gateway = new GatewayFactory("""
            [gateway]
            bind_address = "127.0.0.1:0"
            [models.dummy]
            routing = ["dummy"]
            [models.dummy.providers.dummy]
            type = "dummy"
            model_name = "good"
            """);
        gateway.UseKestrel(0);
        gateway.StartServer();
        var address = new Uri(gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        var request = $"POST {path} HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var (head, chunks) = SplitChunked(response);
        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        Assert.Contains("Transfer-Encoding: chunked", head, StringComparison.OrdinalIgnoreCase);
        Assert.True(chunks.Count >= 3, $"expected several events, got {chunks.Count} chunks");
        Assert.All(chunks, chunk =>
        {
            Assert.StartsWith("data: ", chunk, StringComparison.Ordinal);
            Assert.EndsWith("\n\n", chunk, StringComparison.Ordinal);
            // One event per chunk: no blank line before its end.
            Assert.Equal(chunk.Length - 2, chunk.IndexOf("\n\n", StringComparison.Ordinal));
        });
        Assert.Equal("data: [DONE]\n\n", chunks[^1]);
    }

    // The response's head, and the text of each chunk of its chunked body (sizes in hex, each chunk followed by CRLF).
    private static (string Head, List<string> Chunks) SplitChunked(string response)
    {
        var headEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(headEnd > 0, "no end of the response head");
        var chunks = new List<string>();
        var at = headEnd + 4;
        while (true)
        {
            var sizeEnd = response.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(response[at..sizeEnd], 16);
            if (size == 0)
            {
                break;
            }
            // The events are ASCII JSON here, so characters count as bytes.
            chunks.Add(response.Substring(sizeEnd + 2, size));
            at = sizeEnd + 2 + size + 2;
        }
        return (response[..headEnd], chunks);
    }
}
