using System.Text.Json.Nodes;
using TensorZero.Gateway.Store;
using TensorZero.Gateway.Store.Cache;

namespace TensorZero.Gateway.Tests.Store;

/// <summary>A batch reuses one command per table, its values rebound row by row: every row keeps its own values.</summary>
public sealed class StoreBatchWriteTests
{
    public static TheoryData<string> Engines => new() { "sqlite", "postgres" };

    private static readonly DateTimeOffset Time = new(2026, 3, 4, 5, 6, 7, 89, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task WriteAsync_MixedBatch_EveryRowKeepsItsValues(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var store = database.OpenStore();
        await store.PrepareAsync(migrate: true, CancellationToken.None);
        var episode = Guid.CreateVersion7();
        var (chat1, chat2, json) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        StoredRow[] rows =
        [
            new InferenceRow(chat1, episode, "f", "v1", "chat", """{"messages":[1]}""", """[{"type":"text","text":"one"}]""",
                """{"tools_available":["a"]}""", null, """{"temperature":0.5}""", """{"k":"1"}""", null, null, Time),
            new ModelInferenceRow(Guid.CreateVersion7(), chat1, "req 1", "resp 1", "sys", "[1]", "[]", 10, 20, 30, "m1", "p1", 40, "stop", null, Time)
            {
                Cached = true,
            },
            new ModelInferenceRow(Guid.CreateVersion7(), chat1, string.Empty, "failed body", null, "[2]", "[]", null, null, 5, "m2", "p2", null, null,
                "boom", Time.AddSeconds(1)),
            new InferenceRow(json, episode, "g", "v2", "json", """{"messages":[2]}""", """{"raw":"{}","parsed":{}}""", null,
                """{"type":"object"}""", "{}", "{}", 7, 3, Time.AddSeconds(2)),
            new InferenceRow(chat2, episode, "f", "v3", "chat", """{"messages":[3]}""", "[]", null, null, "{}", """{"k":"3"}""", 11, 12, Time.AddSeconds(3)),
            new FeedbackRow(Guid.CreateVersion7(), chat1, "inference", "ok", "boolean", "true", "{}", Time),
            new FeedbackRow(Guid.CreateVersion7(), chat1, "inference", "ok", "boolean", "false", """{"t":"2"}""", Time),
            new FeedbackRow(Guid.CreateVersion7(), chat1, "inference", "score", "float", "0.25", "{}", Time),
            new FeedbackRow(Guid.CreateVersion7(), chat1, "inference", "score", "float", "1.5", "{}", Time),
            new FeedbackRow(Guid.CreateVersion7(), chat1, "inference", "comment", "comment", "\"nice\"", "{}", Time),
            new FeedbackRow(Guid.CreateVersion7(), chat1, "episode", "comment", "comment", "\"meh\"", "{}", Time),
            new FeedbackRow(Guid.CreateVersion7(), chat1, "inference", "demonstration", "demonstration", """[{"type":"text","text":"d1"}]""", "{}", Time),
            new FeedbackRow(Guid.CreateVersion7(), chat1, "inference", "demonstration", "demonstration", """[{"type":"text","text":"d2"}]""", "{}", Time),
            new CacheEntryRow("key-a", "[1]", "ra", "sa", null, null, null, Time),
            new CacheEntryRow("key-b", "[2]", "rb", "sb", 1, 2, "stop", Time),
            new CacheEntryRow("key-a", "[3]", "ra2", "sa2", 5, 6, "length", Time.AddSeconds(1)),
        ];

        await store.WriteAsync(rows, CancellationToken.None);
        // A batch written again (its commit's answer lost) keeps each row once.
        await store.WriteAsync(rows, CancellationToken.None);

        var first = await store.GetInferenceAsync(chat1, CancellationToken.None);
        Assert.NotNull(first);
        Assert.Equal(("f", "v1", "chat", (long?)null, (long?)null), (first.FunctionName, first.VariantName, first.FunctionType, first.ProcessingTimeMs, first.TtftMs));
        AssertJson("""[{"type":"text","text":"one"}]""", first.Output);
        AssertJson("""{"tools_available":["a"]}""", first.ToolParams);
        AssertJson("""{"temperature":0.5}""", first.InferenceParams);
        var second = await store.GetInferenceAsync(chat2, CancellationToken.None);
        Assert.NotNull(second);
        Assert.Equal(("v3", (long?)11, (long?)12, (string?)null), (second.VariantName, second.ProcessingTimeMs, second.TtftMs, second.ToolParams));
        AssertJson("""{"k":"3"}""", second.Tags);
        var jsonRow = await store.GetInferenceAsync(json, CancellationToken.None);
        Assert.NotNull(jsonRow);
        Assert.Equal(("json", (long?)7, (long?)3, Time.AddSeconds(2)), (jsonRow.FunctionType, jsonRow.ProcessingTimeMs, jsonRow.TtftMs, jsonRow.CreatedAt));
        AssertJson("""{"type":"object"}""", jsonRow.OutputSchema);
        Assert.Equal(3, (await store.ListInferencesAsync(new InferenceQuery(null, null, episode, null, 10), CancellationToken.None)).Count);

        // Ordered by model name: ids made in the same millisecond have no order.
        var models = (await store.ListModelInferencesAsync(chat1, CancellationToken.None)).OrderBy(m => m.ModelName, StringComparer.Ordinal).ToList();
        Assert.Equal(["m1", "m2"], models.Select(m => m.ModelName));
        Assert.Equal(("req 1", "sys", (long?)10, (long?)20, (long?)30, (long?)40, "stop", (string?)null, true),
            (models[0].RawRequest, models[0].System, models[0].InputTokens, models[0].OutputTokens, models[0].ResponseTimeMs, models[0].TtftMs,
                models[0].FinishReason, models[0].Error, models[0].Cached));
        Assert.Equal((string.Empty, (string?)null, (long?)null, (long?)null, (long?)5, (long?)null, (string?)null, "boom", false),
            (models[1].RawRequest, models[1].System, models[1].InputTokens, models[1].OutputTokens, models[1].ResponseTimeMs, models[1].TtftMs,
                models[1].FinishReason, models[1].Error, models[1].Cached));

        var feedback = await store.ListFeedbackAsync(chat1, CancellationToken.None);
        string[] expectedFeedback =
            ["boolean ok true {}", "boolean ok false {\"t\":\"2\"}", "float score 0.25 {}", "float score 1.5 {}", "comment comment nice inference",
                "comment comment meh episode", "demonstration demonstration d1 inference", "demonstration demonstration d2 inference"];
        Assert.Equal(expectedFeedback.Order(StringComparer.Ordinal), feedback.Select(f => f.Kind switch
            {
                "comment" => $"{f.Kind} {f.MetricName} {f.Value} {f.TargetType}",
                "demonstration" => $"{f.Kind} {f.MetricName} {JsonNode.Parse(f.Value)![0]!["text"]} {f.TargetType}",
                _ => $"{f.Kind} {f.MetricName} {f.Value} {JsonNode.Parse(f.Tags)!.ToJsonString()}",
            }).Order(StringComparer.Ordinal));

        var entryA = await store.GetCacheEntryAsync("key-a", CancellationToken.None);
        var entryB = await store.GetCacheEntryAsync("key-b", CancellationToken.None);
        Assert.Equal(("[3]", "ra2", "sa2", (long?)5, (long?)6, "length"), (entryA!.Output, entryA.RawRequest, entryA.RawResponse, entryA.InputTokens, entryA.OutputTokens, entryA.FinishReason));
        Assert.Equal(("[2]", "rb", (long?)1, (long?)2, "stop"), (entryB!.Output, entryB.RawRequest, entryB.InputTokens, entryB.OutputTokens, entryB.FinishReason));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task WriteAsync_BatchWithARefusedRow_WritesNothing(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var store = database.OpenStore();
        await store.PrepareAsync(migrate: true, CancellationToken.None);
        var good = Guid.CreateVersion7();
        StoredRow[] rows =
        [
            StoreRows.Inference(good, Guid.CreateVersion7()),
            new FeedbackRow(Guid.CreateVersion7(), good, "inference", "ok", "boolean", "not a boolean", "{}", Time),
        ];

        await Assert.ThrowsAnyAsync<Exception>(() => store.WriteAsync(rows, CancellationToken.None));

        Assert.Null(await store.GetInferenceAsync(good, CancellationToken.None));
        await store.WriteAsync([rows[0]], CancellationToken.None);
        Assert.NotNull(await store.GetInferenceAsync(good, CancellationToken.None));
    }

    private static void AssertJson(string expected, string? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual!)), $"expected {expected}, got {actual}");
}
