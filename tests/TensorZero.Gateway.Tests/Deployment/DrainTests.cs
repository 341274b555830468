using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Tests.Store;
using Xunit.Abstractions;

namespace TensorZero.Gateway.Tests.Deployment;

/// <summary>The drain tests run alone, after the parallel tests: they start processes, signal them and put load on them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DrainRunsAlone
{
    public const string Name = "Drain";
}

/// <summary>
/// SIGTERM to a real gateway process: behind nginx under load no client request fails, a stream in flight finishes,
/// the deadline bounds the stop, and the process exits 0 with its store queue flushed.
/// </summary>
[Collection(DrainRunsAlone.Name)]
public sealed class DrainTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Concurrency = 8;
    private const int MinRequests = 320;
    private const int MaxRequests = 4000;
    private const int SignalAfter = 100;
    private const int AfterExit = 40;
    private const int DrainDelayMs = 1000;
    private const int DeadlineMs = 10_000;

    private FakeOpenAIServer _openai = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        // A provider's latency, so requests are in flight on each replica when one is signalled.
        _openai.ResponseDelay = TimeSpan.FromMilliseconds(20);
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    private sealed record Outcome(HttpStatusCode? Status, string? Upstream, Guid? InferenceId, bool Streamed, bool StartedAfterExit, string? Error);

    private string Config(TestDatabase database, int drainDelayMs = DrainDelayMs, int deadlineMs = DeadlineMs) => $$"""
        [gateway.shutdown]
        drain_delay_ms = {{drainDelayMs}}
        deadline_ms = {{deadlineMs}}

        {{database.ObservabilityToml}}
        [models.gpt]
        routing = ["openai"]

        [models.gpt.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{_openai.BaseUrl}}"
        api_key_location = "env::DRAIN_OPENAI_KEY"

        [functions.chat]
        type = "chat"

        [functions.chat.variants.main]
        type = "chat_completion"
        model = "gpt"
        """;

    private static readonly Dictionary<string, string> Environment = new() { ["DRAIN_OPENAI_KEY"] = "sk-drain-test" };

    [Fact]
    public async Task Sigterm_OneOfTwoReplicasUnderLoadBehindNginx_NoRequestFailsAndItExitsZeroWithItsRowsStored()
    {
        await using var victimStore = await TestDatabase.CreateAsync("sqlite");
        await using var survivorStore = await TestDatabase.CreateAsync("sqlite");
        var replicas = await Task.WhenAll(
            GatewayProcess.StartAsync(Config(victimStore), Environment), GatewayProcess.StartAsync(Config(survivorStore), Environment));
        await using var victim = replicas[0];
        await using var survivor = replicas[1];
        await using var nginx = await NginxProcess.StartAsync([victim.BaseAddress, survivor.BaseAddress]);
        var victimAddress = Address(victim.BaseAddress);
        var survivorAddress = Address(survivor.BaseAddress);

        using var client = new HttpClient { BaseAddress = nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var outcomes = new ConcurrentQueue<Outcome>();
        var started = 0;
        var completed = 0;
        var exited = 0;
        var startedAtExit = 0;
        Task<int?>? exit = null;
        async Task ClientLoop()
        {
            // At least MinRequests, and on until AfterExit more have started after the signalled replica exited, so
            // requests meet its closed port.
            while (Interlocked.Increment(ref started) is var n && n <= MaxRequests &&
                   (n <= MinRequests || Volatile.Read(ref exited) == 0 || n <= Volatile.Read(ref startedAtExit) + AfterExit))
            {
                var afterExit = Volatile.Read(ref exited) == 1;
                outcomes.Enqueue(await SendAsync(client, stream: n % 4 == 0, afterExit));
                if (Interlocked.Increment(ref completed) == SignalAfter)
                {
                    await victim.TerminateAsync();
                    exit = Task.Run(async () =>
                    {
                        var code = await victim.WaitForExitAsync(TimeSpan.FromMilliseconds(DrainDelayMs + DeadlineMs + 20_000));
                        Volatile.Write(ref startedAtExit, Volatile.Read(ref started));
                        Volatile.Write(ref exited, 1);
                        return code;
                    });
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(ClientLoop)));

        var exitCode = await exit!;
        var all = outcomes.ToArray();
        var failed = all.Where(o => o.Status != HttpStatusCode.OK || o.Error is not null).ToArray();
        var fromVictim = all.Where(o => o.Upstream == victimAddress && o.InferenceId is not null).Select(o => o.InferenceId!.Value).ToList();
        var afterExit = all.Where(o => o.StartedAfterExit).ToArray();
        output.WriteLine($"requests {all.Length} ({all.Count(o => o.Streamed)} streamed): {fromVictim.Count} answered by the signalled replica, " +
            $"{all.Count(o => o.Upstream == survivorAddress)} by the other, failed {failed.Length}; {afterExit.Length} started after it exited (code {exitCode})");
        foreach (var failure in failed.GroupBy(f => f.Status?.ToString() ?? f.Error))
        {
            output.WriteLine($"  failed: {failure.Key} x{failure.Count()}");
        }
        output.WriteLine(victim.Output);
        output.WriteLine(nginx.ErrorLog);

        Assert.Empty(failed);
        Assert.Equal(0, exitCode);
        Assert.NotEmpty(afterExit);
        Assert.All(afterExit, o => Assert.Equal(survivorAddress, o.Upstream));
        Assert.NotEmpty(fromVictim);
        Assert.Contains("Draining (SIGTERM): /health answers 503 for 1000 ms", victim.Output, StringComparison.Ordinal);
        Assert.Contains("Stopping: the listener closes", victim.Output, StringComparison.Ordinal);
        // Every inference the signalled replica answered was written before it exited: its queue was flushed.
        await using var store = victimStore.OpenStore();
        foreach (var id in fromVictim)
        {
            Assert.NotNull(await store.GetInferenceAsync(id, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Sigterm_StreamInFlight_StreamCompletesAndProcessExitsZero()
    {
        _openai.ChunkDelay = TimeSpan.FromMilliseconds(700);
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var gateway = await GatewayProcess.StartAsync(Config(database, drainDelayMs: 200), Environment);
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        using var request = new HttpRequestMessage(HttpMethod.Post, "/inference")
        {
            Content = JsonContent.Create(new { function_name = "chat", input = GatewayClient.UserMessage("long stream"), stream = true }),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync();
        Assert.StartsWith("data: ", first, StringComparison.Ordinal);

        await gateway.TerminateAsync();
        var rest = await reader.ReadToEndAsync();
        var events = (first + "\n" + rest).Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e.Trim()["data: ".Length..]).ToList();
        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(40));

        Assert.Equal("[DONE]", events[^1]);
        var text = string.Concat(events.SkipLast(1).Select(e => JsonNode.Parse(e)!["content"]?.AsArray())
            .Where(c => c is not null).SelectMany(c => c!).Select(c => c!["text"]?.GetValue<string>()));
        Assert.Equal("echo: long stream", text);
        Assert.Equal(0, exitCode);
        Assert.Contains("Draining (SIGTERM)", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_StreamLongerThanTheDeadline_ProcessStopsAtTheDeadlineAndExitsZero()
    {
        // Three pauses of 20 s: the stream would take a minute; the deadline of 1 s cuts it.
        _openai.ChunkDelay = TimeSpan.FromSeconds(20);
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var gateway = await GatewayProcess.StartAsync(Config(database, drainDelayMs: 0, deadlineMs: 1000), Environment);
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(90) };

        using var request = new HttpRequestMessage(HttpMethod.Post, "/inference")
        {
            Content = JsonContent.Create(new { function_name = "chat", input = GatewayClient.UserMessage("endless"), stream = true }),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);

        await gateway.TerminateAsync();
        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exitCode);
        var rest = await ReadRestAsync(reader);
        Assert.DoesNotContain("[DONE]", rest, StringComparison.Ordinal);
    }

    private static async Task<string> ReadRestAsync(StreamReader reader)
    {
        try
        {
            return await reader.ReadToEndAsync();
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The connection was cut at the deadline.
            return "";
        }
    }

    private static async Task<Outcome> SendAsync(HttpClient client, bool stream, bool afterExit)
    {
        try
        {
            using var response = await client.PostAsJsonAsync("/inference", new { function_name = "chat", input = GatewayClient.UserMessage("hello"), stream });
            var upstream = response.Headers.TryGetValues(NginxProcess.UpstreamHeader, out var values)
                ? values.First().Split(',').Last().Trim()
                : null;
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new Outcome(response.StatusCode, upstream, null, stream, afterExit, null);
            }
            if (!stream)
            {
                return new Outcome(response.StatusCode, upstream, Guid.Parse(JsonNode.Parse(body)!["inference_id"]!.GetValue<string>()), stream, afterExit, null);
            }
            var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e.Trim()["data: ".Length..]).ToList();
            if (events is [] || events[^1] != "[DONE]" || events.Any(e => e.Contains("\"error\"", StringComparison.Ordinal)))
            {
                return new Outcome(response.StatusCode, upstream, null, stream, afterExit, "stream cut or failed");
            }
            return new Outcome(response.StatusCode, upstream, Guid.Parse(JsonNode.Parse(events[0])!["inference_id"]!.GetValue<string>()), stream, afterExit, null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return new Outcome(null, null, null, stream, afterExit, e.GetType().Name);
        }
    }

    private static string Address(Uri uri) => $"{uri.Host}:{uri.Port}";
}
