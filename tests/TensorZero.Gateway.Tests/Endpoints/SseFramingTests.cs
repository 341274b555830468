using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// On a real socket, each server-sent event leaves the gateway as one chunk of the chunked response: <c>data: </c>,
/// its JSON and the blank line together, never split over several chunks, and sent before the gateway waits for the
/// provider's next event.
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
        var address = gateway.StartOnLoopback();

        using var client = await SendAsync(address, path, body);
        var reader = new ChunkedReader(client.GetStream());
        var head = await reader.ReadHeadAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var chunks = await reader.ReadRestAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        Assert.Contains("Transfer-Encoding: chunked", head, StringComparison.OrdinalIgnoreCase);
        Assert.True(chunks.Count >= 3, $"expected several events, got {chunks.Count} chunks");
        Assert.All(chunks, chunk => Assert.Single(WholeEvents(chunk)));
        Assert.Equal("data: [DONE]\n\n", chunks[^1]);
    }

    [Theory]
    [InlineData("/inference", """{"model_name":"gated","input":{"messages":[{"role":"user","content":"hi"}]},"stream":true}""")]
    [InlineData("/openai/v1/chat/completions", """{"model":"tensorzero::model_name::gated","messages":[{"role":"user","content":"hi"}],"stream":true}""")]
    public async Task Stream_EventsThatArrived_AreSentBeforeTheProviderSendsMore(string path, string body)
    {
        await using var upstream = GatedStreamServer.Start();
        await using var gateway = new GatewayFactory($$"""
            [gateway]
            bind_address = "127.0.0.1:0"
            [models.gated]
            routing = ["openai"]
            [models.gated.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{upstream.BaseUrl}}"
            api_key_location = "none"
            """);
        var address = gateway.StartOnLoopback();

        using var client = await SendAsync(address, path, body);
        var reader = new ChunkedReader(client.GetStream());
        var head = await reader.ReadHeadAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);

        // The upstream holds its second burst until released: the first burst's three events must already be here,
        // each in a chunk of its own.
        var first = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var chunk = await reader.ReadChunkAsync().WaitAsync(TimeSpan.FromSeconds(30));
            first.Add(Assert.Single(WholeEvents(chunk!)));
        }
        Assert.Equal(["alpha", "beta", "gamma"], first.Select(TextOf));
        Assert.False(upstream.Released);

        upstream.Release();
        var rest = (await reader.ReadRestAsync().WaitAsync(TimeSpan.FromSeconds(30))).SelectMany(WholeEvents).ToList();
        Assert.Equal("data: [DONE]", rest[^1]);
        Assert.Equal(["delta", "epsilon"], rest.Select(TextOf).Where(text => text.Length > 0));
    }

    // Connects to the gateway and sends one POST of a JSON body, asking it to close the connection after the answer.
    private static async Task<TcpClient> SendAsync(Uri address, string path, string body)
    {
        var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var request = $"POST {path} HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(request));
        return client;
    }

    // The events of one chunk of the response, each without its blank line; fails if the chunk ends inside an event.
    private static List<string> WholeEvents(string chunk)
    {
        Assert.EndsWith("\n\n", chunk, StringComparison.Ordinal);
        var events = chunk[..^2].Split("\n\n");
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        return [.. events];
    }

    // The text an event carries on either endpoint (the native chunk's text block or the OpenAI delta), or empty.
    private static string TextOf(string ev)
    {
        if (ev == "data: [DONE]")
        {
            return string.Empty;
        }
        var json = JsonNode.Parse(ev["data: ".Length..])!;
        var text = json["content"]?.AsArray().FirstOrDefault(block => (string?)block?["type"] == "text")?["text"]
            ?? json["choices"]?[0]?["delta"]?["content"];
        return text?.GetValue<string>() ?? string.Empty;
    }

    /// <summary>Reads a chunked HTTP/1.1 response off a socket one chunk at a time.</summary>
    private sealed class ChunkedReader(NetworkStream stream)
    {
        private readonly List<byte> _pending = [];
        private readonly byte[] _buffer = new byte[4096];

        public async Task<string> ReadHeadAsync() => await ReadUntilAsync("\r\n\r\n"u8.ToArray());

        // The next chunk's text, or null at the terminating zero-size chunk.
        public async Task<string?> ReadChunkAsync()
        {
            var size = Convert.ToInt32((await ReadUntilAsync("\r\n"u8.ToArray())).TrimEnd(), 16);
            if (size == 0)
            {
                return null;
            }
            var data = await ReadExactlyAsync(size + 2);
            return Encoding.UTF8.GetString(data, 0, size);
        }

        // The chunks left, up to the terminating one.
        public async Task<List<string>> ReadRestAsync()
        {
            var chunks = new List<string>();
            while (await ReadChunkAsync() is { } chunk)
            {
                chunks.Add(chunk);
            }
            return chunks;
        }

        private async Task<string> ReadUntilAsync(byte[] end)
        {
            while (true)
            {
                var at = IndexOf(end);
                if (at >= 0)
                {
                    var text = Encoding.UTF8.GetString([.. _pending.GetRange(0, at + end.Length)]);
                    _pending.RemoveRange(0, at + end.Length);
                    return text;
                }
                await FillAsync();
            }
        }

        private async Task<byte[]> ReadExactlyAsync(int count)
        {
            while (_pending.Count < count)
            {
                await FillAsync();
            }
            var data = _pending.GetRange(0, count).ToArray();
            _pending.RemoveRange(0, count);
            return data;
        }

        private async Task FillAsync()
        {
            var read = await stream.ReadAsync(_buffer);
            Assert.True(read > 0, "the gateway closed the connection early");
            _pending.AddRange(_buffer.AsSpan(0, read));
        }

        private int IndexOf(byte[] end)
        {
            for (var i = 0; i + end.Length <= _pending.Count; i++)
            {
                if (_pending.GetRange(i, end.Length).SequenceEqual(end))
                {
                    return i;
                }
            }
            return -1;
        }
    }

    /// <summary>
    /// An OpenAI chat completions server on a raw socket whose stream sends three events in one write, then waits
    /// (at most 60 s, longer than the test's own reads wait) until <see cref="Release"/> before it sends two more and
    /// <c>[DONE]</c>.
    /// </summary>
    private sealed class GatedStreamServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Task _serving = Task.CompletedTask;

        public string BaseUrl { get; private set; } = string.Empty;

        public bool Released => _release.Task.IsCompleted;

        public void Release() => _release.TrySetResult();

        public static GatedStreamServer Start()
        {
            var server = new GatedStreamServer();
            server._listener.Start();
            server.BaseUrl = $"http://127.0.0.1:{((IPEndPoint)server._listener.LocalEndpoint).Port}/v1/";
            server._serving = server.ServeOneAsync();
            return server;
        }

        private async Task ServeOneAsync()
        {
            using var socket = await _listener.AcceptSocketAsync();
            await using var stream = new NetworkStream(socket);
            await RawHttp.ReadRequestAsync(stream);
            await stream.WriteAsync(RawHttp.EventStreamHead());
            await stream.WriteAsync(RawHttp.Chunk(OpenAIChunkEvent.Text("alpha") + OpenAIChunkEvent.Text("beta") + OpenAIChunkEvent.Text("gamma")));
            await _release.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await stream.WriteAsync(RawHttp.Chunk(OpenAIChunkEvent.Text("delta") + OpenAIChunkEvent.Text("epsilon") + "data: [DONE]\n\n"));
            await stream.WriteAsync(RawHttp.LastChunk());
        }

        public async ValueTask DisposeAsync()
        {
            Release();
            _listener.Stop();
            try
            {
                await _serving;
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
            {
                // The test ended before the stream did.
            }
        }
    }
}
