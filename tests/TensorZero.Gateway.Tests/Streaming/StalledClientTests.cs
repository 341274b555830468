using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Streaming;

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
        await using var gateway = new GatewayFactory($$"""
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
        gateway.UseKestrel(0);
        gateway.StartServer();
        var address = new Uri(gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

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

    /// <summary>An OpenAI-style server whose streams send 2 KB chunks as fast as the reader takes them, until cancelled.</summary>
    private sealed class FloodingServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _started;
        private int _cancelled;

        private FloodingServer(WebApplication app) => _app = app;

        public string BaseUrl { get; private set; } = string.Empty;

        public int Started => Volatile.Read(ref _started);

        public int Cancelled => Volatile.Read(ref _cancelled);

        public static async Task<FloodingServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var server = new FloodingServer(app);
            var text = new string('x', 2048);
            var chunk = Encoding.UTF8.GetBytes(
                $"data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{text}\"}},\"finish_reason\":null}}]}}\n\n");
            app.MapPost("/v1/chat/completions", async (HttpContext context) =>
            {
                Interlocked.Increment(ref server._started);
                context.Response.ContentType = "text/event-stream";
                try
                {
                    // Bounded: a run that is never cancelled ends after about 1 GB instead of flooding forever.
                    for (var i = 0; i < 500_000; i++)
                    {
                        await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                        await context.Response.Body.FlushAsync(context.RequestAborted);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException)
                {
                    Interlocked.Increment(ref server._cancelled);
                }
            });
            await app.StartAsync();
            server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1/";
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
