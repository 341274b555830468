using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Store;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Store;

/// <summary>
/// The whole gateway against a PostgreSQL server of the test's own that the test stops and starts: inference doesn't
/// depend on the database, <c>/health</c> says when it is gone, and the rows queued meanwhile are written when it is back.
/// </summary>
public sealed class DatabaseOutageTests
{
    private const string Config = """
        [gateway.observability]
        backend = "postgres"
        batch_writes = { flush_interval_ms = 10 }

        [functions.chat]
        type = "chat"

        [functions.chat.variants.main]
        type = "chat_completion"
        model = "dummy::good"
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static GatewayFactory Gateway(ThrowawayPostgres postgres) =>
        new(Config, new Dictionary<string, string> { ["TENSORZERO_POSTGRES_URL"] = postgres.Url });

    [Fact]
    public async Task Inference_DatabaseStoppedMidRun_SucceedsAndRowsAreWrittenAfterRestart()
    {
        await using var postgres = await ThrowawayPostgres.StartNewAsync();
        using var gateway = Gateway(postgres);
        var client = gateway.CreateClient();
        var before = await InferAsync(client, "before");
        await WaitForInferenceAsync(client, before);

        await postgres.StopAsync();
        var during = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            during.Add(await InferAsync(client, $"during {i}"));
        }
        await postgres.StartAsync();

        foreach (var id in during)
        {
            var row = await WaitForInferenceAsync(client, id);
            Assert.Equal("chat", row["function_name"]!.GetValue<string>());
            Assert.Single(row["model_inferences"]!.AsArray());
        }
        // Rendered log lines quote string values: "postgres".
        Assert.Contains("rows are held and retried until it answers", gateway.Logs.All, StringComparison.Ordinal);
        // Logged after the held rows are committed, so it may come just after the rows are visible.
        await gateway.Logs.WaitForAsync("the database answers again", Patience);
    }

    [Fact]
    public async Task Health_DatabaseStopped_Is503NamingPostgresThen200AfterRestart()
    {
        await using var postgres = await ThrowawayPostgres.StartNewAsync();
        using var gateway = Gateway(postgres);
        var client = gateway.CreateClient();
        Assert.Equal((HttpStatusCode.OK, """{"gateway":"ok","postgres":"ok"}"""), await HealthAsync(client));

        await postgres.StopAsync();
        Assert.Equal((HttpStatusCode.ServiceUnavailable, """{"gateway":"ok","postgres":"error"}"""),
            await WaitForHealthAsync(client, HttpStatusCode.ServiceUnavailable));
        using (var status = await client.GetAsync("/status"))
        {
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        }

        await postgres.StartAsync();
        Assert.Equal((HttpStatusCode.OK, """{"gateway":"ok","postgres":"ok"}"""), await WaitForHealthAsync(client, HttpStatusCode.OK));
    }

    [Fact]
    public async Task Startup_DatabaseNotUpYet_ServesReports503AndMigratesWhenItArrives()
    {
        await using var postgres = await ThrowawayPostgres.CreateAsync();
        using var gateway = Gateway(postgres);
        var client = gateway.CreateClient();

        Assert.Equal((HttpStatusCode.ServiceUnavailable, """{"gateway":"ok","postgres":"error"}"""), await HealthAsync(client));
        var early = await InferAsync(client, "before the database");
        Assert.Contains("""database can't be reached ("NpgsqlException"); the gateway starts without it""", gateway.Logs.All, StringComparison.Ordinal);

        await postgres.StartAsync();

        Assert.Equal((HttpStatusCode.OK, """{"gateway":"ok","postgres":"ok"}"""), await WaitForHealthAsync(client, HttpStatusCode.OK));
        var row = await WaitForInferenceAsync(client, early);
        Assert.Equal("main", row["variant_name"]!.GetValue<string>());
        Assert.Contains($"schema at version {SchemaMigrations.Latest}", gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SqliteFileCannotBeOpened_StillRefusesNamingTheEngine()
    {
        var dataDir = Directory.CreateTempSubdirectory("tz-outage-sqlite-").FullName;
        try
        {
            // A folder where the database file should be: SQLite can't open it, and waiting won't change that.
            Directory.CreateDirectory(Path.Combine(dataDir, "tensorzero.db"));
            await using var writer = new StoreWriter(StoreFactory.Sqlite(Path.Combine(dataDir, "tensorzero.db")),
                ObservabilityConfig.Default(dataDir), TimeProvider.System, NullLogger<StoreWriter>.Instance);

            var error = await Assert.ThrowsAsync<ConfigException>(() => writer.StartAsync(CancellationToken.None));

            Assert.Contains("the sqlite database can't be reached or prepared (SqliteException)", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public void Sqlite_DataDirCannotBeCreated_ConfigErrorNamingDataDir()
    {
        var file = Path.GetTempFileName();
        try
        {
            // A file where the folder should be (as a read-only mounted config folder refuses it).
            var error = Assert.Throws<ConfigException>(() => StoreFactory.Sqlite(Path.Combine(file, "data", "tensorzero.db")));

            Assert.Contains("`gateway.observability.data_dir`: can't create", error.Message, StringComparison.Ordinal);
            Assert.Contains("set `TENSORZERO_POSTGRES_URL`", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> InferAsync(HttpClient client, string text)
    {
        var (status, body, _) = await client.PostInferenceAsync(new { function_name = "chat", input = GatewayClient.UserMessage(text) });
        Assert.Equal(HttpStatusCode.OK, status);
        return body["inference_id"]!.GetValue<string>();
    }

    private static async Task<(HttpStatusCode, string)> HealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    // A bounded wait for a state the gateway reaches in the background (the writer retries with pauses up to 5 s).
    private static async Task<(HttpStatusCode, string)> WaitForHealthAsync(HttpClient client, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var health = await HealthAsync(client);
            if (health.Item1 == wanted || DateTime.UtcNow > deadline)
            {
                return health;
            }
            await Task.Delay(100);
        }
    }

    private static async Task<JsonObject> WaitForInferenceAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync($"/inferences/{id}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"inference {id} was not stored within {Patience.TotalSeconds} s");
    }
}
