using System.Net;
using System.Net.Sockets;
using System.Text;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// A streaming client that stops reading is cut after <c>[gateway] client_write_timeout_ms</c>, and the upstream request
/// it was reading from is cancelled with it, so stalled readers can't pin provider connections.
/// </summary>
public sealed class StalledClientTests
{
    private const int Streams = 5;

    [Fact]
    public async Task StreamInference_ClientStopsReading_UpstreamRequestsAreCancelled()
    {
        await using var upstream = await FloodingServer.StartAsync();
        await using var gateway = FloodGateway(upstream);
        var address = gateway.StartOnLoopback();

        var stalled = new List<TcpClient>();
        try
        {
            for (var i = 0; i < Streams; i++)
            {
                stalled.Add(await StartStalledStreamAsync(address));
            }
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (upstream.Cancelled < Streams && !deadline.IsCancellationRequested)
            {
                await Task.Delay(50);
            }

            Assert.Equal(Streams, upstream.Started);
            Assert.Equal(Streams, upstream.Cancelled);
            Assert.Contains(gateway.Logs.Lines, line => line.Contains("stopped reading", StringComparison.Ordinal));
        }
        finally
        {
            stalled.ForEach(client => client.Dispose());
        }
    }

    [Fact]
    public async Task StreamInference_ClientStopsReadingWhileTheProviderIsSilent_UpstreamRequestIsCancelled()
    {
        // One 8 MB event, more than the socket buffers hold, then nothing: the provider sends nothing that could fail,
        // so the upstream request ends only if the stalled write ends it.
        await using var upstream = await FloodingServer.StartAsync(oneEventOfBytes: 8 * 1024 * 1024);
        await using var gateway = FloodGateway(upstream);
        var address = gateway.StartOnLoopback();

        using var stalled = await StartStalledStreamAsync(address);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (upstream.Cancelled < 1 && !deadline.IsCancellationRequested)
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, upstream.Started);
        Assert.Equal(1, upstream.Cancelled);
        Assert.Contains(gateway.Logs.Lines, line => line.Contains("stopped reading", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StreamInference_ClientReadsWithShortWriteTimeout_StreamCompletes()
    {
        using var gateway = new GatewayFactory("""
            [gateway]
            client_write_timeout_ms = 300
            [models.dummy]
            routing = ["dummy"]
            [models.dummy.providers.dummy]
            type = "dummy"
            model_name = "good"
            """);
        var client = gateway.CreateClient();

        var (status, _, events, _) = await client.PostStreamAsync("/inference",
            new { model_name = "dummy", input = GatewayClient.UserMessage("hi"), stream = true });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[DONE]", events[^1]);
        Assert.DoesNotContain(events, e => e.Contains("\"error\"", StringComparison.Ordinal));
    }

    // A gateway with a 300 ms client write timeout whose model "flood" streams from the given server.
    private static GatewayFactory FloodGateway(FloodingServer upstream) => new($$"""
        [gateway]
        bind_address = "127.0.0.1:0"
        client_write_timeout_ms = 300
        [models.flood]
        routing = ["openai"]
        [models.flood.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{upstream.BaseUrl}}"
        api_key_location = "none"
        """);

    /// <summary>Sends a streaming request over a socket with a tiny receive buffer, reads the first bytes, then never reads again.</summary>
    private static async Task<TcpClient> StartStalledStreamAsync(Uri gateway)
    {
        var client = new TcpClient { ReceiveBufferSize = 1024 };
        await client.ConnectAsync(gateway.Host, gateway.Port);
        var body = """{"model_name":"flood","input":{"messages":[{"role":"user","content":"go"}]},"stream":true}""";
        var request = $"POST /inference HTTP/1.1\r\nHost: {gateway.Authority}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        var first = new byte[64];
        Assert.True(await stream.ReadAsync(first) > 0);
        return client;
    }

    /// <summary>
    /// An OpenAI-style server on a raw socket whose streams send 2 KB chunks as fast as the reader takes them, or send one
    /// event of a given size and then nothing until the gateway closes. A stream counts as cancelled when its socket
    /// write fails, or its wait ends, because the gateway closed the connection; a flooding stream that is never
    /// cancelled stops after 256 MB, so a broken gateway fails the test instead of flooding forever.
    /// </summary>
    private sealed class FloodingServer : IAsyncDisposable
    {
        private const long MaxBytesPerStream = 256L * 1024 * 1024;

        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _connections = [];
        private readonly byte[] _chunk;
        private readonly bool _oneEvent;
        private Task _accepting = Task.CompletedTask;
        private int _started;
        private int _cancelled;

        private FloodingServer(int textBytes, bool oneEvent)
        {
            _chunk = RawHttp.Chunk(OpenAIChunkEvent.Text(new string('x', textBytes)));
            _oneEvent = oneEvent;
        }

        public string BaseUrl { get; private set; } = string.Empty;

        public int Started => Volatile.Read(ref _started);

        public int Cancelled => Volatile.Read(ref _cancelled);

        public static Task<FloodingServer> StartAsync(int? oneEventOfBytes = null)
        {
            var server = new FloodingServer(oneEventOfBytes ?? 2048, oneEvent: oneEventOfBytes is not null);
            server._listener.Start();
            server.BaseUrl = $"http://127.0.0.1:{((IPEndPoint)server._listener.LocalEndpoint).Port}/v1/";
            server._accepting = server.AcceptAsync();
            return Task.FromResult(server);
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    lock (_connections)
                    {
                        _connections.Add(Task.Run(() => FloodAsync(socket)));
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        private async Task FloodAsync(Socket socket)
        {
            using (socket)
            await using (var stream = new NetworkStream(socket))
            {
                await RawHttp.ReadRequestAsync(stream);
                Interlocked.Increment(ref _started);
                try
                {
                    await stream.WriteAsync(RawHttp.EventStreamHead(), _stop.Token);
                    if (_oneEvent)
                    {
                        await stream.WriteAsync(_chunk, _stop.Token);
                        // Silent from here on; the read ends when the gateway closes the connection.
                        if (await stream.ReadAsync(new byte[1], _stop.Token) == 0)
                        {
                            Interlocked.Increment(ref _cancelled);
                        }
                        return;
                    }
                    for (long sent = 0; sent < MaxBytesPerStream; sent += _chunk.Length)
                    {
                        await stream.WriteAsync(_chunk, _stop.Token);
                    }
                }
                catch (IOException)
                {
                    Interlocked.Increment(ref _cancelled);
                }
                catch (OperationCanceledException)
                {
                    // Stopped.
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            Task[] connections;
            lock (_connections)
            {
                connections = [.. _connections];
            }
            await Task.WhenAll(connections);
            _stop.Dispose();
        }
    }
}
