using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Hosting;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Hosting;

public sealed class DrainingHostLifetimeTests
{
    private sealed class Lifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();
        private readonly CancellationTokenSource _stopped = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => _stopped.Token;

        public void StopApplication() => _stopping.Cancel();

        public void Dispose()
        {
            _stopping.Dispose();
            _stopped.Dispose();
        }
    }

    private static DrainingHostLifetime Create(ShutdownConfig settings, GatewayDrain drain, Lifetime lifetime, TimeProvider time) =>
        new(settings, drain, new ListenSockets(NullLogger<ListenSockets>.Instance), lifetime, time, NullLogger<DrainingHostLifetime>.Instance);

    [Fact]
    public async Task DrainAsync_DuringTheDelay_IsDrainingButNotStopping_ThenStopsWhenItEnds()
    {
        var time = new FakeTimeProvider();
        using var lifetime = new Lifetime();
        var drain = new GatewayDrain();
        using var host = Create(new ShutdownConfig(5_000, 30_000), drain, lifetime, time);
        await host.WaitForStartAsync(CancellationToken.None);

        var draining = host.DrainAsync("SIGTERM");
        Assert.True(drain.IsDraining);
        time.Advance(TimeSpan.FromMilliseconds(4_999));
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.False(draining.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await draining.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(lifetime.ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task DrainAsync_ConnectionsStillQueued_ListenerStaysOpenUntilKestrelTakesThem()
    {
        await using var queued = await QueuedDrain.StartAsync();

        var draining = queued.Host.DrainAsync("SIGTERM");
        // Far past the settle time a fixed pause would allow, the queued connection still holds the listener open.
        for (var i = 0; i < 100; i++)
        {
            await queued.AdvanceAsync();
        }
        Assert.False(queued.Lifetime.ApplicationStopping.IsCancellationRequested);

        using var accepted = await queued.Listener.AcceptAsync();
        await queued.AdvanceUntilStoppedAsync(draining);
    }

    [Fact]
    public async Task DrainAsync_QueueNeverEmpties_StopsAfterTheLongestWait()
    {
        await using var queued = await QueuedDrain.StartAsync();
        var started = queued.Time.GetUtcNow();

        await queued.AdvanceUntilStoppedAsync(queued.Host.DrainAsync("SIGTERM"));

        Assert.InRange(queued.Time.GetUtcNow() - started, DrainingHostLifetime.AcceptQueueWait, TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// A drain over a listening socket Kestrel would have made, with one connection the kernel completed and nobody
    /// accepted, on a fake clock moved in 10 ms steps.
    /// </summary>
    private sealed class QueuedDrain : IAsyncDisposable
    {
        private QueuedDrain(ListenSockets sockets, System.Net.Sockets.Socket listener, System.Net.Sockets.TcpClient client)
        {
            Listener = listener;
            Client = client;
            Host = new DrainingHostLifetime(new ShutdownConfig(0, 30_000), new GatewayDrain(), sockets, Lifetime, Time,
                NullLogger<DrainingHostLifetime>.Instance);
        }

        public FakeTimeProvider Time { get; } = new();

        public Lifetime Lifetime { get; } = new();

        public System.Net.Sockets.Socket Listener { get; }

        public System.Net.Sockets.TcpClient Client { get; }

        public DrainingHostLifetime Host { get; }

        public static async Task<QueuedDrain> StartAsync()
        {
            var sockets = new ListenSockets(NullLogger<ListenSockets>.Instance);
            var listener = sockets.Create(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(16);
            var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync((IPEndPoint)listener.LocalEndPoint!);
            await ListenSocketsTests.WaitForQueuedAsync(sockets, 1);
            var queued = new QueuedDrain(sockets, listener, client);
            await queued.Host.WaitForStartAsync(CancellationToken.None);
            return queued;
        }

        // Moves the fake clock and lets the drain's continuation run (on the pool) before the next step.
        public async Task AdvanceAsync()
        {
            Time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(2);
        }

        public async Task AdvanceUntilStoppedAsync(Task draining)
        {
            for (var i = 0; i < 1_000 && !draining.IsCompleted; i++)
            {
                await AdvanceAsync();
            }
            await draining.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(Lifetime.ApplicationStopping.IsCancellationRequested);
        }

        public ValueTask DisposeAsync()
        {
            Host.Dispose();
            Lifetime.Dispose();
            Client.Dispose();
            Listener.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task DrainAsync_SecondSignal_EndsTheDelayAtOnce()
    {
        var time = new FakeTimeProvider();
        using var lifetime = new Lifetime();
        using var host = Create(new ShutdownConfig(60_000, 30_000), new GatewayDrain(), lifetime, time);
        await host.WaitForStartAsync(CancellationToken.None);

        var draining = host.DrainAsync("SIGINT");
        await host.DrainAsync("SIGINT");

        await draining.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(lifetime.ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public void AddTensorZeroGateway_ShutdownSettings_ReplaceTheLifetimeAndSetTheShutdownTimeout()
    {
        var config = new ConfigLoader(TensorZero.Gateway.Providers.ProviderRegistry.CreateDefault())
            .Parse("[gateway.shutdown]\ndeadline_ms = 12345\n[gateway.observability]\nenabled = false\n", "/configs");
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IHostApplicationLifetime, Lifetime>();
        services.AddTensorZeroGateway(config);
        using var provider = services.BuildServiceProvider();

        Assert.IsType<DrainingHostLifetime>(provider.GetRequiredService<IHostLifetime>());
        Assert.Equal(TimeSpan.FromMilliseconds(12345), provider.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public async Task Health_WhileDraining_Is503NamingTheDrain_AndStatusAndInferenceStillAnswer()
    {
        await using var openai = await FakeOpenAIServer.StartAsync();
        using var gateway = new GatewayFactory($$"""
            [gateway.shutdown]
            drain_delay_ms = 600000

            [gateway.observability]
            enabled = false

            [models.gpt]
            routing = ["openai"]

            [models.gpt.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{openai.BaseUrl}}"
            api_key_location = "none"

            [functions.chat]
            type = "chat"

            [functions.chat.variants.main]
            type = "chat_completion"
            model = "gpt"
            """);
        openai.AllowAnonymous = true;
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        _ = gateway.Services.GetRequiredService<DrainingHostLifetime>().DrainAsync("SIGTERM");

        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("draining", JsonNode.Parse(await health.Content.ReadAsStringAsync())!["gateway"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/status")).StatusCode);
        var (status, body, _) = await client.PostInferenceAsync(new { function_name = "chat", input = GatewayClient.UserMessage("still served") });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("still served", body.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("/health answers 503 for 600000 ms", gateway.Logs.All, StringComparison.Ordinal);
    }
}
