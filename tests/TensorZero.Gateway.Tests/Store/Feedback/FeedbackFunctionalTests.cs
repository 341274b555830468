using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Store.Feedback;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Store.Feedback;

/// <summary>
/// <c>POST /feedback</c> through the whole gateway with a real database (SQLite and PostgreSQL): each metric type and
/// level, the built-ins, validation with TensorZero's messages, the write window, and that no key reaches a row or an error.
/// </summary>
public sealed class FeedbackFunctionalTests
{
    private const string Canary = "sk-canary-4c8e2a9d7f1b93e6";

    public static TheoryData<string> Engines => new() { "sqlite", "postgres" };

    private static string Config(TestDatabase? database, string extra = "") => $$"""
        {{database?.ObservabilityToml ?? ""}}
        {{extra}}
        [models.keyed]
        routing = ["openai"]

        [models.keyed.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "http://127.0.0.1:9/v1"
        api_key_location = "env::OPENAI_API_KEY"

        [metrics.solved]
        type = "boolean"
        level = "inference"
        optimize = "max"

        [metrics.score]
        type = "float"
        level = "inference"
        optimize = "max"

        [metrics.episode_solved]
        type = "boolean"
        level = "episode"
        optimize = "max"

        [metrics.episode_cost]
        type = "float"
        level = "episode"
        optimize = "min"

        [tools.get_weather]
        description = "Weather for a city"
        parameters = "weather.json"

        [functions.assist]
        type = "chat"
        tools = ["get_weather"]

        [functions.assist.variants.main]
        type = "chat_completion"
        model = "dummy::good"

        [functions.extract]
        type = "json"
        output_schema = "schema.json"

        [functions.extract.variants.main]
        type = "chat_completion"
        model = "dummy::json"
        json_mode = "strict"
        """;

    private static readonly Dictionary<string, string> Files = new()
    {
        ["schema.json"] = """{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}""",
        ["weather.json"] = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""",
    };

    private static Dictionary<string, string> Keys => new() { ["OPENAI_API_KEY"] = Canary };

    private static GatewayFactory Gateway(TestDatabase database, string extra = "") => new(Config(database, extra), database.Environment(Keys), Files);

    private static async Task<(string InferenceId, string EpisodeId)> InferAsync(HttpClient client, string function = "assist")
    {
        var (status, body, raw) = await client.PostInferenceAsync(new { function_name = function, input = GatewayClient.UserMessage("hi") });
        Assert.True(status == HttpStatusCode.OK, raw);
        return (body["inference_id"]!.GetValue<string>(), body["episode_id"]!.GetValue<string>());
    }

    private static Task<(HttpStatusCode Status, JsonObject Body, string Raw)> FeedbackAsync(HttpClient client, object body) =>
        client.PostInferenceAsyncAt("/feedback", body);

    private static async Task<string> OkAsync(HttpClient client, object body)
    {
        var (status, answer, raw) = await FeedbackAsync(client, body);
        Assert.True(status == HttpStatusCode.OK, raw);
        var id = Guid.Parse(answer["feedback_id"]!.GetValue<string>());
        Assert.Equal(7, id.Version);
        return id.ToString();
    }

    /// <summary>The target's feedback once <paramref name="count"/> rows are there (rows are written in the background).</summary>
    private static async Task<JsonArray> WaitForFeedbackAsync(HttpClient client, string targetId, int count)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            var rows = (await client.GetFromJsonAsync<JsonObject>($"/internal/feedback/{targetId}"))!["feedback"]!.AsArray();
            if (rows.Count >= count)
            {
                return rows;
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"feedback for {targetId} was not stored within 20 s");
    }

    private static JsonNode Row(JsonArray rows, string id) => rows.Single(r => r!["id"]!.GetValue<string>() == id)!;

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Feedback_EveryMetricTypeLevelAndBuiltIn_IsStoredAndReadBack(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        // Feedback follows its inference at once, in the same round trip: the target may not be written yet.
        var (inference, episode) = await InferAsync(client);

        var solved = await OkAsync(client, new { metric_name = "solved", inference_id = inference, value = true, tags = new Dictionary<string, string> { ["by"] = "alice" } });
        var score = await OkAsync(client, new { metric_name = "score", inference_id = inference, value = 0.75 });
        var comment = await OkAsync(client, new { metric_name = "comment", inference_id = inference, value = "good answer" });
        var demonstration = await OkAsync(client, new { metric_name = "demonstration", inference_id = inference, value = "a better answer" });
        var episodeSolved = await OkAsync(client, new { metric_name = "episode_solved", episode_id = episode, value = false });
        var episodeCost = await OkAsync(client, new { metric_name = "episode_cost", episode_id = episode, value = 3 });
        var episodeComment = await OkAsync(client, new { metric_name = "comment", episode_id = episode, value = "fine episode" });

        var rows = await WaitForFeedbackAsync(client, inference, 4);
        Assert.Equal(4, rows.Count);
        Assert.Equal("""{"type":"boolean","metric_name":"solved","value":true,"tags":{"by":"alice"}}""", Shape(Row(rows, solved), "metric_name", "value", "tags"));
        Assert.Equal(inference, Row(rows, solved)["target_id"]!.GetValue<string>());
        Assert.Equal(0.75, Row(rows, score)["value"]!.GetValue<double>());
        Assert.Equal("""{"type":"comment","target_type":"inference","value":"good answer"}""", Shape(Row(rows, comment), "target_type", "value"));
        // TensorZero gives a demonstration as JSON text; PostgreSQL may reorder its keys.
        var demonstrated = Assert.Single(JsonNode.Parse(Row(rows, demonstration)["value"]!.GetValue<string>())!.AsArray())!;
        Assert.Equal("text", demonstrated["type"]!.GetValue<string>());
        Assert.Equal("a better answer", demonstrated["text"]!.GetValue<string>());
        Assert.Equal(inference, Row(rows, demonstration)["inference_id"]!.GetValue<string>());

        var episodeRows = await WaitForFeedbackAsync(client, episode, 3);
        Assert.False(Row(episodeRows, episodeSolved)["value"]!.GetValue<bool>());
        Assert.Equal(3.0, Row(episodeRows, episodeCost)["value"]!.GetValue<double>());
        Assert.Equal("episode", Row(episodeRows, episodeComment)["target_type"]!.GetValue<string>());

        // The inference's own read shows its feedback too.
        var stored = (await client.GetFromJsonAsync<JsonObject>($"/inferences/{inference}"))!;
        Assert.Equal(4, stored["feedback"]!.AsArray().Count);
    }

    private static string Shape(JsonNode row, params string[] fields)
    {
        var shape = new JsonObject { ["type"] = row["type"]!.DeepClone() };
        foreach (var field in fields)
        {
            shape[field] = row[field]!.DeepClone();
        }
        return shape.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Feedback_Dryrun_IsValidatedButNotStored(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var (inference, _) = await InferAsync(client);

        var dry = await OkAsync(client, new { metric_name = "solved", inference_id = inference, value = true, dryrun = true });
        var (badStatus, _, _) = await FeedbackAsync(client, new { metric_name = "solved", inference_id = inference, value = 1, dryrun = true });
        var real = await OkAsync(client, new { metric_name = "solved", inference_id = inference, value = false });

        // Rows are queued in order: once the later one is there, the dry run would be too.
        var rows = await WaitForFeedbackAsync(client, inference, 1);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Equal(real, Assert.Single(rows)!["id"]!.GetValue<string>());
        Assert.NotEqual(dry, real);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Feedback_Demonstration_IsValidatedAgainstTheInferencesFunction(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var (chat, chatEpisode) = await InferAsync(client);
        var (json, _) = await InferAsync(client, "extract");

        var call = await OkAsync(client, new
        {
            metric_name = "demonstration",
            inference_id = chat,
            value = new object[] { new { type = "text", text = "checking" }, new { type = "tool_call", id = "c1", name = "get_weather", arguments = new { city = "Paris" } } },
        });
        var fitted = await OkAsync(client, new { metric_name = "demonstration", inference_id = json, value = new { answer = "42" } });

        async Task<string> RefusedAsync(object body)
        {
            var (status, error, raw) = await FeedbackAsync(client, body);
            Assert.True(status == HttpStatusCode.BadRequest, raw);
            return error["error"]!.GetValue<string>();
        }
        Assert.Equal("Demonstration contains invalid tool name", await RefusedAsync(new
        {
            metric_name = "demonstration", inference_id = chat, value = new[] { new { type = "tool_call", id = "c1", name = "launch", arguments = new { } } },
        }));
        Assert.Equal("Demonstration contains invalid tool call arguments", await RefusedAsync(new
        {
            metric_name = "demonstration", inference_id = chat, value = new[] { new { type = "tool_call", id = "c1", name = "get_weather", arguments = new { town = 1 } } },
        }));
        Assert.Equal("Invalid demonstration content block: missing field `id`", await RefusedAsync(new
        {
            metric_name = "demonstration", inference_id = chat, value = new[] { new { type = "tool_call", name = "get_weather", arguments = new { city = "x" } } },
        }));
        Assert.Equal("Demonstration must be a string or an array of content blocks", await RefusedAsync(new { metric_name = "demonstration", inference_id = chat, value = 5 }));
        Assert.StartsWith("Demonstration does not fit function output schema: ", await RefusedAsync(new { metric_name = "demonstration", inference_id = json, value = new { other = 1 } }), StringComparison.Ordinal);
        Assert.Equal("Correct ID was not provided for feedback level \"inference\".", await RefusedAsync(new { metric_name = "demonstration", episode_id = chatEpisode, value = "x" }));

        var chatRow = Row(await WaitForFeedbackAsync(client, chat, 1), call);
        var blocks = JsonNode.Parse(chatRow["value"]!.GetValue<string>())!.AsArray();
        Assert.Equal("get_weather", blocks[1]!["name"]!.GetValue<string>());
        Assert.Equal("Paris", blocks[1]!["arguments"]!["city"]!.GetValue<string>());
        var jsonRow = Row(await WaitForFeedbackAsync(client, json, 1), fitted);
        var demonstratedJson = JsonNode.Parse(jsonRow["value"]!.GetValue<string>())!;
        Assert.Equal("""{"answer":"42"}""", demonstratedJson["raw"]!.GetValue<string>());
        Assert.Equal("42", demonstratedJson["parsed"]!["answer"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"metric_name":"solved","inference_id":"{inference}","value":true,"extra":1}""", "`extra`: unknown field")]
    [InlineData("""{"inference_id":"{inference}","value":true}""", "missing field `metric_name`")]
    [InlineData("""{"metric_name":"solved","inference_id":"{inference}"}""", "missing field `value`")]
    [InlineData("""{"metric_name":"solved","inference_id":"{inference}","value":1}""", "Feedback value for metric `solved` must be a boolean")]
    [InlineData("""{"metric_name":"score","inference_id":"{inference}","value":"high"}""", "Feedback value for metric `score` must be a number")]
    [InlineData("""{"metric_name":"comment","inference_id":"{inference}","value":{"text":"x"}}""", "Feedback value for a comment must be a string")]
    [InlineData("""{"metric_name":"solved","inference_id":"{inference}","episode_id":"{episode}","value":true}""", "Both episode_id and inference_id cannot be provided")]
    [InlineData("""{"metric_name":"comment","value":"x"}""", "Exactly one of inference_id or episode_id must be provided")]
    [InlineData("""{"metric_name":"solved","episode_id":"{episode}","value":true}""", "Correct ID was not provided for feedback level \"inference\".")]
    [InlineData("""{"metric_name":"episode_solved","inference_id":"{inference}","value":true}""", "Correct ID was not provided for feedback level \"episode\".")]
    [InlineData("""{"metric_name":"solved","inference_id":"not-a-uuid","value":true}""", "`inference_id`: must be a UUID")]
    [InlineData("""{"metric_name":"solved","inference_id":12,"value":true}""", "`inference_id`: must be a UUID")]
    [InlineData("""{"metric_name":"solved","inference_id":"{inference}","value":true,"tags":{"a":1}}""", "`tags.a`: must be a string")]
    [InlineData("""{"metric_name":"solved","inference_id":"{inference}","value":true,"tags":{"tensorzero::x":"1"}}""", "Tag name cannot start with 'tensorzero::': tensorzero::x")]
    [InlineData("""{"metric_name":"solved","inference_id":"{inference}","value":true,"dryrun":"yes"}""", "`dryrun`: must be a boolean")]
    [InlineData("""{"metric_name":["solved"],"inference_id":"{inference}","value":true}""", "`metric_name`: must be a string")]
    [InlineData("""[1,2]""", "the request body must be a JSON object")]
    public async Task Feedback_InvalidBody_Is400NamingTheField(string template, string expected)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var body = template.Replace("{inference}", Guid.CreateVersion7().ToString(), StringComparison.Ordinal)
            .Replace("{episode}", Guid.CreateVersion7().ToString(), StringComparison.Ordinal);

        var (status, error, raw) = await client.PostRawAsync("/feedback", body);

        Assert.True(status == HttpStatusCode.BadRequest, raw);
        Assert.Equal(expected, error["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Feedback_UnknownMetric_Is404WithTensorZerosText()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var gateway = Gateway(database);

        var (status, error, _) = await FeedbackAsync(gateway.CreateClient(), new { metric_name = "helpfulness", inference_id = Guid.CreateVersion7(), value = true });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Unknown metric: helpfulness", error["error"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Feedback_UnknownTargetPastItsWindow_Is404(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var old = Guid.CreateVersion7(DateTimeOffset.UtcNow.AddMinutes(-10));

        var (inferenceStatus, inferenceError, _) = await FeedbackAsync(client, new { metric_name = "solved", inference_id = old, value = true });
        var (episodeStatus, episodeError, _) = await FeedbackAsync(client, new { metric_name = "comment", episode_id = old, value = "x" });

        Assert.Equal(HttpStatusCode.NotFound, inferenceStatus);
        Assert.Equal($"Inference ID: {old} does not exist", inferenceError["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, episodeStatus);
        Assert.Equal($"Episode ID: {old} does not exist", episodeError["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Feedback_TargetValidationDisabled_StoresMetricsForUnknownTargetsButNotDemonstrations()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var gateway = Gateway(database, "[gateway]\nunstable_disable_feedback_target_validation = true\n");
        var client = gateway.CreateClient();
        var unknown = Guid.CreateVersion7(DateTimeOffset.UtcNow.AddMinutes(-10)).ToString();

        var stored = await OkAsync(client, new { metric_name = "score", inference_id = unknown, value = 2.5 });
        var (demonstrationStatus, _, _) = await FeedbackAsync(client, new { metric_name = "demonstration", inference_id = unknown, value = "x" });

        Assert.Equal(stored, Assert.Single(await WaitForFeedbackAsync(client, unknown, 1))!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, demonstrationStatus);
    }

    [Fact]
    public async Task Feedback_FutureOrNonV7Target_Is400WithoutWaiting()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var future = Guid.CreateVersion7(DateTimeOffset.UtcNow.AddDays(1));
        var v4 = Guid.NewGuid();

        var (futureStatus, futureError, _) = await FeedbackAsync(client, new { metric_name = "episode_solved", episode_id = future, value = true });
        var (v4Status, v4Error, _) = await FeedbackAsync(client, new { metric_name = "solved", inference_id = v4, value = true });

        Assert.Equal(HttpStatusCode.BadRequest, futureStatus);
        Assert.Equal($"UUID is in the future: {future}", futureError["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, v4Status);
        Assert.Equal($"Failed to parse UUID as v7: {v4}", v4Error["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Feedback_StorageOff_Is400WithTensorZerosText()
    {
        using var gateway = new GatewayFactory(Config(null, "[gateway.observability]\nenabled = false\n"), Keys, Files);

        var (status, error, _) = await FeedbackAsync(gateway.CreateClient(), new { metric_name = "solved", inference_id = Guid.CreateVersion7(), value = true });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(FeedbackHandler.StorageOffMessage, error["error"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Feedback_CanaryKeyInValueTagsOrMetricName_NeverReachesARowOrAnError(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        using var gateway = Gateway(database);
        var client = gateway.CreateClient();
        var (inference, _) = await InferAsync(client);

        var comment = await OkAsync(client, new { metric_name = "comment", inference_id = inference, value = $"the key is {Canary}", tags = new Dictionary<string, string> { ["note"] = Canary } });
        await OkAsync(client, new { metric_name = "demonstration", inference_id = inference, value = $"say {Canary}" });
        var (metricStatus, _, metricRaw) = await FeedbackAsync(client, new { metric_name = Canary, inference_id = inference, value = true });
        var (tagStatus, _, tagRaw) = await FeedbackAsync(client, new { metric_name = "solved", inference_id = inference, value = true, tags = new Dictionary<string, string> { ["tensorzero::" + Canary] = "x" } });

        var rows = await WaitForFeedbackAsync(client, inference, 2);
        Assert.Equal(HttpStatusCode.NotFound, metricStatus);
        Assert.Equal(HttpStatusCode.BadRequest, tagStatus);
        Assert.Contains("[REDACTED]", Row(rows, comment)["value"]!.GetValue<string>());
        foreach (var text in new[] { rows.ToJsonString(), metricRaw, tagRaw })
        {
            Assert.DoesNotContain(Canary, text);
            Assert.DoesNotContain(Canary[..12], text);
        }
    }

    [Fact]
    public async Task Feedback_HugeTags_AreRefusedWhole_AndNothingIsStored()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var gateway = Gateway(database, "[gateway]\nmax_request_body_bytes = 65536\n");
        var client = gateway.CreateClient();
        var (inference, _) = await InferAsync(client);
        var tags = Enumerable.Range(0, 2_000).ToDictionary(i => $"tag{i}", _ => new string('x', 64));

        var (status, _, _) = await FeedbackAsync(client, new { metric_name = "solved", inference_id = inference, value = true, tags });
        await OkAsync(client, new { metric_name = "score", inference_id = inference, value = 1 });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        var row = Assert.Single(await WaitForFeedbackAsync(client, inference, 1))!;
        Assert.Equal("score", row["metric_name"]!.GetValue<string>());
    }
}
