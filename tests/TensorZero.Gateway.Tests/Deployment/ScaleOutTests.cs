using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using TensorZero.Gateway.Store;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Tests.Store;
using Xunit.Abstractions;

namespace TensorZero.Gateway.Tests.Deployment;

/// <summary>The scale-out test runs alone, after the parallel tests: it starts processes and puts load on them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaleOutRunsAlone
{
    public const string Name = "Scale-out";
}

/// <summary>
/// The shape of <c>docker/docker-compose.yml</c> without Docker: two gateway processes behind nginx, one PostgreSQL
/// (a new database on the CI server), load through nginx, and one gateway killed (SIGKILL) in the middle of it.
/// </summary>
[Collection(ScaleOutRunsAlone.Name)]
public sealed class ScaleOutTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Concurrency = 8;
    private const int Requests = 320;
    private const int KillAfter = 100;

    private FakeOpenAIServer _openai = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        // A provider's latency, so requests are in flight on each replica when one dies.
        _openai.ResponseDelay = TimeSpan.FromMilliseconds(20);
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    private sealed record Outcome(HttpStatusCode? Status, string? Upstream, Guid? InferenceId, bool StartedBeforeKill, string? Error);

    [Fact]
    public async Task Inference_OneOfTwoReplicasKilledUnderLoad_OnlyInFlightRequestsFailAndTheSurvivorsRowsAreStored()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        var config = $$"""
            [gateway.observability]
            backend = "postgres"
            batch_writes = { flush_interval_ms = 10 }

            [models.gpt]
            routing = ["openai"]

            [models.gpt.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{_openai.BaseUrl}}"
            api_key_location = "env::SCALEOUT_OPENAI_KEY"

            [functions.chat]
            type = "chat"

            [functions.chat.variants.main]
            type = "chat_completion"
            model = "gpt"
            """;
        var environment = database.Environment(new() { ["SCALEOUT_OPENAI_KEY"] = "sk-scaleout-test" });
        // Both start together against an empty database: one migrates under the advisory lock, the other waits.
        var replicas = await Task.WhenAll(GatewayProcess.StartAsync(config, environment), GatewayProcess.StartAsync(config, environment));
        await using var first = replicas[0];
        await using var second = replicas[1];
        await using var nginx = await NginxProcess.StartAsync([first.BaseAddress, second.BaseAddress]);
        var victim = Address(first.BaseAddress);
        var survivor = Address(second.BaseAddress);

        using var client = new HttpClient { BaseAddress = nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var outcomes = new ConcurrentQueue<Outcome>();
        var started = 0;
        var completed = 0;
        var killed = 0;
        async Task ClientLoop()
        {
            while (Interlocked.Increment(ref started) <= Requests)
            {
                var beforeKill = Volatile.Read(ref killed) == 0;
                outcomes.Enqueue(await SendAsync(client, beforeKill));
                if (Interlocked.Increment(ref completed) == KillAfter)
                {
                    await first.KillAsync();
                    Volatile.Write(ref killed, 1);
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(ClientLoop)));

        var all = outcomes.ToArray();
        var answered = all.Where(o => o.Status == HttpStatusCode.OK).ToArray();
        var failed = all.Where(o => o.Status != HttpStatusCode.OK).ToArray();
        var fromSurvivor = answered.Where(o => o.Upstream == survivor).Select(o => o.InferenceId!.Value).ToHashSet();
        var fromVictim = answered.Where(o => o.Upstream == victim).Select(o => o.InferenceId!.Value).ToHashSet();
        var afterKill = all.Count(o => !o.StartedBeforeKill);

        // Every inference the survivor answered is in PostgreSQL (written in the background: a bounded wait).
        var stored = await WaitForRowsAsync(database.Url!, fromSurvivor);
        var victimStored = fromVictim.Count(stored.Contains);
        output.WriteLine($"requests {all.Length}: 200 from the survivor {fromSurvivor.Count}, 200 from the killed replica {fromVictim.Count} " +
            $"({victimStored} stored, {fromVictim.Count - victimStored} lost with its in-memory queue), failed {failed.Length} " +
            $"(all in flight when it was killed); {afterKill} requests started after the kill");
        foreach (var failure in failed.GroupBy(f => f.Status?.ToString() ?? f.Error))
        {
            output.WriteLine($"  failed: {failure.Key} x{failure.Count()}");
        }

        Assert.Equal(Requests, all.Length);
        Assert.Equal(answered.Length, fromSurvivor.Count + fromVictim.Count);
        Assert.NotEmpty(fromVictim);
        Assert.True(afterKill > 0 && all.Where(o => !o.StartedBeforeKill).All(o => o.Status == HttpStatusCode.OK && o.Upstream == survivor),
            "after the kill every request is answered by the survivor");
        Assert.True(failed.Length <= Concurrency, $"{failed.Length} requests failed; only the {Concurrency} at most in flight on the killed replica may");
        Assert.All(failed, f => Assert.True(f.StartedBeforeKill, "a request that failed was started after the kill"));
        Assert.Subset(stored, fromSurvivor);
        Assert.Equal(fromSurvivor.Count, await CountModelInferencesAsync(database.Url!, fromSurvivor));
    }

    private static async Task<Outcome> SendAsync(HttpClient client, bool beforeKill)
    {
        try
        {
            using var response = await client.PostAsJsonAsync("/inference", new { function_name = "chat", input = GatewayClient.UserMessage("hello") });
            var upstream = response.Headers.TryGetValues(NginxProcess.UpstreamHeader, out var values)
                ? values.First().Split(',').Last().Trim()
                : null;
            Guid? id = null;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                id = Guid.Parse((await response.Content.ReadFromJsonAsync<JsonObject>())!["inference_id"]!.GetValue<string>());
            }
            return new Outcome(response.StatusCode, upstream, id, beforeKill, null);
        }
        catch (HttpRequestException e)
        {
            return new Outcome(null, null, null, beforeKill, e.GetType().Name);
        }
    }

    private static string Address(Uri uri) => $"{uri.Host}:{uri.Port}";

    private static async Task<HashSet<Guid>> WaitForRowsAsync(string url, IReadOnlySet<Guid> wanted)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            await using var connection = new NpgsqlConnection(StoreFactory.ToConnectionString(url));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT id FROM chat_inferences", connection);
            var ids = new HashSet<Guid>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    ids.Add(reader.GetGuid(0));
                }
            }
            if (wanted.IsSubsetOf(ids) || DateTime.UtcNow > deadline)
            {
                return ids;
            }
            await Task.Delay(100);
        }
    }

    private static async Task<long> CountModelInferencesAsync(string url, IReadOnlySet<Guid> inferences)
    {
        await using var connection = new NpgsqlConnection(StoreFactory.ToConnectionString(url));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(DISTINCT inference_id) FROM model_inferences WHERE inference_id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", inferences.ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
