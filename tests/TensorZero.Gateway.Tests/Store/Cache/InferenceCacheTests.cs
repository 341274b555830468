using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TensorZero.Gateway.Store;
using TensorZero.Gateway.Store.Cache;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Store.Cache;

/// <summary>
/// The inference cache through the whole gateway, on both engines: hits skip the provider and report zero usage,
/// each <c>enabled</c> mode, <c>max_age_s</c>, keys per caller credential, streams, the OpenAI endpoint, and that no
/// credential reaches a cache row.
/// </summary>
public sealed class InferenceCacheTests : IAsyncLifetime
{
    private const string KeyA = "sk-cache-canary-a-7c1e9f3b5d";
    private const string KeyB = "sk-cache-canary-b-2a8d4e6f0c";

    private FakeOpenAIServer _openai = null!;
    private int _answers;

    public static TheoryData<string> Engines => new() { "sqlite", "postgres" };

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add(KeyA);
        _openai.ValidKeys.Add(KeyB);
        // Every provider answer differs, so a repeated answer can only come from the cache.
        _openai.Reply = body => $"answer {Interlocked.Increment(ref _answers)} to {FakeAnswer.LastUserText(body)}";
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    private GatewayFactory Gateway(TestDatabase database) => new($$"""
        {{database.ObservabilityToml}}
        [models.gpt]
        routing = ["openai"]

        [models.gpt.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{_openai.BaseUrl}}"
        api_key_location = "dynamic::customer_key"

        [functions.chat]
        type = "chat"

        [functions.chat.variants.main]
        type = "chat_completion"
        model = "gpt"
        """, database.Environment())
    {
        // A loaded test machine must not turn a hit into a miss: the bound itself is tested in ModelInferenceCacheTests.
        ConfigureServices = services => services.AddSingleton(new CacheSettings(TimeSpan.FromSeconds(30))),
    };

    private static object Body(string prompt, object? cache, string key = KeyA, object? extra = null, bool dryrun = false) => new Dictionary<string, object?>
    {
        ["function_name"] = "chat",
        ["input"] = GatewayClient.UserMessage(prompt),
        ["credentials"] = new Dictionary<string, string> { ["customer_key"] = key },
        ["cache_options"] = cache,
        ["params"] = extra,
        ["dryrun"] = dryrun,
    };

    private static string Text(JsonObject body) => body["content"]![0]!["text"]!.GetValue<string>();

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Inference_CacheOn_SecondCallIsAHitWithZeroUsageAndACachedModelInference(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();

        var (_, first, _) = await client.PostInferenceAsync(Body("hello", new { enabled = "on" }));
        await WaitForCacheEntriesAsync(database, 1);
        var withRaw = new Dictionary<string, object?>((Dictionary<string, object?>)Body("hello", new { enabled = "on" })) { ["include_raw_response"] = true };
        var (status, second, _) = await client.PostInferenceAsync(withRaw);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(_openai.Requests);
        // As TensorZero: an answer from the cache has no raw response entry.
        Assert.Empty(second["raw_response"]!.AsArray());
        Assert.Equal(Text(first), Text(second));
        Assert.True(first["usage"]!["input_tokens"]!.GetValue<long>() > 0);
        Assert.Equal(0, second["usage"]!["input_tokens"]!.GetValue<long>());
        Assert.Equal(0, second["usage"]!["output_tokens"]!.GetValue<long>());
        var firstModel = (await WaitForInferenceAsync(client, first))["model_inferences"]![0]!;
        var secondModel = (await WaitForInferenceAsync(client, second))["model_inferences"]![0]!;
        Assert.False(firstModel["cached"]!.GetValue<bool>());
        Assert.True(secondModel["cached"]!.GetValue<bool>());
        // As TensorZero: the row keeps what the original call used; only the response reports zero.
        Assert.Equal(first["usage"]!["input_tokens"]!.GetValue<long>(), secondModel["input_tokens"]!.GetValue<long>());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Inference_DifferentDynamicKeys_NeverShareAnEntry_AndRowsHoldNoKey(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        // The provider echoes each caller's auth header in its raw answer, which the cache keeps.
        _openai.EchoCredentialInBody = true;
        const string prompt = "hello";

        var (_, a1, _) = await client.PostInferenceAsync(Body(prompt, new { enabled = "on" }, KeyA));
        await WaitForCacheEntriesAsync(database, 1);
        var (_, b1, _) = await client.PostInferenceAsync(Body(prompt, new { enabled = "on" }, KeyB));
        await WaitForCacheEntriesAsync(database, 2);
        var (_, a2, _) = await client.PostInferenceAsync(Body(prompt, new { enabled = "on" }, KeyA));
        var (_, b2, _) = await client.PostInferenceAsync(Body(prompt, new { enabled = "on" }, KeyB));

        Assert.Equal(2, _openai.Requests.Count);
        Assert.Equal(new[] { KeyA, KeyB }, _openai.Requests.Select(r => r.ApiKey ?? string.Empty).ToArray());
        Assert.NotEqual(Text(a1), Text(b1));
        Assert.Equal(Text(a1), Text(a2));
        Assert.Equal(Text(b1), Text(b2));
        var rows = await CacheRowsTextAsync(database);
        Assert.Contains("[REDACTED]", rows);
        foreach (var key in new[] { KeyA, KeyB })
        {
            Assert.DoesNotContain(key, rows);
            Assert.DoesNotContain(key[..14], rows);
        }
    }

    [Fact]
    public async Task Inference_EachMode_ReadsAndWritesOnlyAsItSays()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();

        await client.PostInferenceAsync(Body("p1", new { enabled = "write_only" }));       // call 1, written
        await WaitForCacheEntriesAsync(database, 1);
        await client.PostInferenceAsync(Body("p1", new { enabled = "write_only" }));       // call 2: write_only never reads
        Assert.Equal(2, _openai.Requests.Count);
        var (_, hit, _) = await client.PostInferenceAsync(Body("p1", new { enabled = "read_only" }));
        Assert.Equal(2, _openai.Requests.Count);
        Assert.Equal(0, hit["usage"]!["output_tokens"]!.GetValue<long>());
        await client.PostInferenceAsync(Body("p1", new { enabled = "off" }));              // call 3: off never reads
        await client.PostInferenceAsync(Body("p1", null));                                 // call 4: the default is off
        Assert.Equal(4, _openai.Requests.Count);

        await client.PostInferenceAsync(Body("p2", null));                                 // call 5: the default writes nothing
        await client.PostInferenceAsync(Body("p2", new { enabled = "read_only" }));        // call 6: miss; read_only writes nothing
        var (_, last, _) = await client.PostInferenceAsync(Body("p2", new { enabled = "read_only" })); // call 7
        Assert.Equal(7, _openai.Requests.Count);
        await WaitForInferenceAsync(client, last);
        Assert.Equal(1, await CacheEntryCountAsync(database));
    }

    [Fact]
    public async Task Inference_MaxAgeAndParams_AnOlderEntryOrOtherParamsMiss()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var hot = new { chat_completion = new { temperature = 0.9 } };
        var cold = new { chat_completion = new { temperature = 0.1 } };

        await client.PostInferenceAsync(Body("p", new { enabled = "on" }, extra: hot));                  // call 1
        await WaitForCacheEntriesAsync(database, 1);
        await client.PostInferenceAsync(Body("p", new { enabled = "on" }, extra: cold));                 // call 2: other params
        Assert.Equal(2, _openai.Requests.Count);
        await client.PostInferenceAsync(Body("p", new { enabled = "read_only", max_age_s = 0 }, extra: hot)); // call 3: too old
        Assert.Equal(3, _openai.Requests.Count);
        var (_, hit, _) = await client.PostInferenceAsync(Body("p", new { enabled = "read_only", max_age_s = 3600 }, extra: hot));
        Assert.Equal(3, _openai.Requests.Count);
        Assert.Equal(0, hit["usage"]!["input_tokens"]!.GetValue<long>());
    }

    [Fact]
    public async Task Inference_Dryrun_ReadsTheCacheButNeverWritesIt()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();

        await client.PostInferenceAsync(Body("d", new { enabled = "on" }, dryrun: true));         // call 1, not written
        await client.PostInferenceAsync(Body("d", new { enabled = "write_only" }, dryrun: true)); // call 2, not written
        var (_, written, _) = await client.PostInferenceAsync(Body("d", new { enabled = "on" })); // call 3: a miss, written
        Assert.Equal(3, _openai.Requests.Count);
        await WaitForCacheEntriesAsync(database, 1);
        var (_, dry, _) = await client.PostInferenceAsync(Body("d", new { enabled = "on" }, dryrun: true));

        Assert.Equal(3, _openai.Requests.Count);
        Assert.Equal(Text(written), Text(dry));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Stream_CacheOn_ReplaysTheChunksWithZeroUsage_AndIsNotSharedWithTheNonStreamedCall(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var body = new Dictionary<string, object?>((Dictionary<string, object?>)Body("s", new { enabled = "on" })) { ["stream"] = true };

        var (_, _, firstEvents, _) = await client.PostStreamAsync("/inference", body);
        await WaitForCacheEntriesAsync(database, 1);
        var (status, _, secondEvents, _) = await client.PostStreamAsync("/inference", body);
        await client.PostInferenceAsync(Body("s", new { enabled = "on" }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[DONE]", secondEvents[^1]);
        Assert.Equal(2, _openai.Requests.Count);
        Assert.Equal(StreamText(firstEvents), StreamText(secondEvents));
        Assert.True(StreamUsage(firstEvents)["output_tokens"]!.GetValue<long>() > 0);
        Assert.Equal(0, StreamUsage(secondEvents)["input_tokens"]!.GetValue<long>());
        Assert.Equal(0, StreamUsage(secondEvents)["output_tokens"]!.GetValue<long>());
        var stored = await WaitForInferenceAsync(client, secondEvents.Json()[0]);
        Assert.True(stored["model_inferences"]![0]!["cached"]!.GetValue<bool>());
        // The entry keeps the body the provider was sent, and a replay stores it as the original call did.
        var original = (await WaitForInferenceAsync(client, firstEvents.Json()[0]))["model_inferences"]![0]!["raw_request"]!.GetValue<string>();
        Assert.True(JsonNode.DeepEquals(_openai.Requests[0].Body, JsonNode.Parse(original)));
        Assert.Equal(original, stored["model_inferences"]![0]!["raw_request"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task OpenAIEndpoint_TensorZeroCacheOptions_HitHasZeroUsage(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var body = new Dictionary<string, object?>
        {
            ["model"] = "tensorzero::function_name::chat",
            ["messages"] = new[] { new { role = "user", content = "o" } },
            ["tensorzero::credentials"] = new Dictionary<string, string> { ["customer_key"] = KeyA },
            ["tensorzero::cache_options"] = new { enabled = "on", max_age_s = 60 },
        };

        var (_, first, _) = await client.PostInferenceAsyncAt("/openai/v1/chat/completions", body);
        await WaitForCacheEntriesAsync(database, 1);
        var (status, second, _) = await client.PostInferenceAsyncAt("/openai/v1/chat/completions", body);
        var streamBody = new Dictionary<string, object?>(body) { ["stream"] = true, ["stream_options"] = new { include_usage = true } };
        await client.PostStreamAsync("/openai/v1/chat/completions", streamBody);
        await WaitForCacheEntriesAsync(database, 2);
        var (_, _, replay, _) = await client.PostStreamAsync("/openai/v1/chat/completions", streamBody);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, _openai.Requests.Count);
        Assert.Equal(first["choices"]![0]!["message"]!["content"]!.GetValue<string>(), second["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.True(first["usage"]!["prompt_tokens"]!.GetValue<long>() > 0);
        Assert.Equal(0, second["usage"]!["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(0, second["usage"]!["completion_tokens"]!.GetValue<long>());
        var usage = replay.Json().Last(e => e["usage"] is JsonObject)["usage"]!;
        Assert.Equal(0, usage["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(0, usage["completion_tokens"]!.GetValue<long>());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Inference_CacheTableUnreadable_StillAnswersFromTheProvider(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        await client.PostInferenceAsync(Body("x", new { enabled = "on" }));
        await WaitForCacheEntriesAsync(database, 1);
        await database.ExecuteAsync(["DROP TABLE model_inference_cache"]);

        var (status, body, _) = await client.PostInferenceAsync(Body("x", new { enabled = "on" }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, _openai.Requests.Count);
        Assert.True(body["usage"]!["input_tokens"]!.GetValue<long>() > 0);
        Assert.Contains("Inference cache: a read failed", gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_StorageOff_CacheOptionsAreAcceptedAndEveryCallGoesToTheProvider()
    {
        using var gateway = new GatewayFactory($$"""
            [gateway.observability]
            enabled = false

            [models.gpt]
            routing = ["openai"]

            [models.gpt.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{_openai.BaseUrl}}"
            api_key_location = "dynamic::customer_key"

            [functions.chat]
            type = "chat"

            [functions.chat.variants.main]
            type = "chat_completion"
            model = "gpt"
            """);
        var client = gateway.CreateClient();

        var (first, _, _) = await client.PostInferenceAsync(Body("q", new { enabled = "on" }));
        var (second, _, _) = await client.PostInferenceAsync(Body("q", new { enabled = "on" }));

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Equal(2, _openai.Requests.Count);
    }

    [Theory]
    [InlineData("/inference", "cache_options", """{"enabled":"sometimes"}""", "`cache_options.enabled`: must be one of `on`, `off`, `read_only`, `write_only`")]
    [InlineData("/inference", "cache_options", """{"enabled":"on","max_age_s":-1}""", "`cache_options.max_age_s`: must be a whole number of seconds")]
    [InlineData("/inference", "cache_options", """{"enabled":"on","lookback_s":10}""", "`cache_options.lookback_s`: unknown field")]
    [InlineData("/inference", "cache_options", "\"on\"", "`cache_options`: must be an object")]
    [InlineData("/openai/v1/chat/completions", "tensorzero::cache_options", """{"enabled":true}""", "`tensorzero::cache_options.enabled`: must be one of")]
    public async Task Parse_BadCacheOptions_Is400NamingTheField(string path, string field, string value, string expected)
    {
        using var gateway = new GatewayFactory("[gateway.observability]\nenabled = false\n");
        var body = path == "/inference"
            ? $$"""{"model_name":"dummy::good","input":{"messages":[{"role":"user","content":"x"}]},"{{field}}":{{value}}}"""
            : $$"""{"model":"tensorzero::model_name::dummy::good","messages":[{"role":"user","content":"x"}],"{{field}}":{{value}}}""";

        var (status, _, raw) = await gateway.CreateClient().PostRawAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, raw);
    }

    private static string StreamText(List<string> events) => string.Concat(events.Json()
        .SelectMany(e => e["content"]?.AsArray() ?? [])
        .Select(c => c!["text"]?.GetValue<string>() ?? string.Empty));

    private static JsonNode StreamUsage(List<string> events) => events.Json().Last(e => e["usage"] is JsonObject)["usage"]!;

    private static Task<JsonObject> WaitForInferenceAsync(HttpClient client, JsonObject response) =>
        WaitForInferenceAsync(client, response["inference_id"]!.GetValue<string>());

    // Rows are written in the background; a bounded wait, not a timing assertion.
    private static async Task<JsonObject> WaitForInferenceAsync(HttpClient client, string id)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            using var response = await client.GetAsync($"/inferences/{id}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"inference {id} was not stored within 20 s");
    }

    private static async Task WaitForCacheEntriesAsync(TestDatabase database, long count)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            if (await CacheEntryCountAsync(database) >= count)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"{count} cache entries were not written within 20 s");
    }

    private static async Task<long> CacheEntryCountAsync(TestDatabase database)
    {
        await using var connection = await OpenAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM model_inference_cache";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    // Every column of every cache row and of the cache secret's table, as one text.
    private static async Task<string> CacheRowsTextAsync(TestDatabase database)
    {
        await using var connection = await OpenAsync(database);
        var text = new System.Text.StringBuilder();
        foreach (var table in new[] { "model_inference_cache", "model_inference_cache_secret" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.GetValue(i)).Append('\n');
                }
            }
        }
        return text.ToString();
    }

    private static async Task<DbConnection> OpenAsync(TestDatabase database)
    {
        DbConnection connection = database.Engine == "sqlite"
            ? new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(database.Directory!, "tensorzero.db")};Pooling=False")
            : new NpgsqlConnection(StoreFactory.ToConnectionString(database.Url!));
        await connection.OpenAsync();
        return connection;
    }
}
