using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// <c>include_raw_response</c>, <c>include_raw_usage</c> and <c>include_original_response</c> on <c>POST /inference</c>,
/// against the dummy provider, as TensorZero answers them: entries per model inference, failed attempts (earlier
/// providers, retries, earlier variants) first, raw chunks and raw usage in streams, raw bodies in error answers.
/// </summary>
public sealed class RawResponseTests : IClassFixture<RawResponseTests.Gateway>
{
    private readonly Gateway _gateway;
    private readonly HttpClient _client;

    public RawResponseTests(Gateway gateway)
    {
        _gateway = gateway;
        _client = gateway.CreateClient();
    }

    /// <summary>Dummy models only: a fallback model, a failing variant before a good one, a retried flaky model.</summary>
    public sealed class Gateway() : GatewayFactory("""
        [models.backup]
        routing = ["broken", "good"]
        [models.backup.providers.broken]
        type = "dummy"
        model_name = "error_with_raw_response"
        [models.backup.providers.good]
        type = "dummy"
        model_name = "good"

        [models.failing]
        routing = ["first", "second"]
        [models.failing.providers.first]
        type = "dummy"
        model_name = "error_with_raw_response"
        [models.failing.providers.second]
        type = "dummy"
        model_name = "error"

        [functions.basic]
        type = "chat"
        [functions.basic.variants.main]
        type = "chat_completion"
        model = "dummy::good"

        [functions.fallback]
        type = "chat"
        [functions.fallback.experimentation]
        type = "static"
        candidate_variants = ["bad"]
        fallback_variants = ["good"]
        [functions.fallback.variants.bad]
        type = "chat_completion"
        model = "dummy::error_with_raw_response"
        [functions.fallback.variants.good]
        type = "chat_completion"
        model = "dummy::good"

        [functions.retried]
        type = "chat"
        [functions.retried.variants.main]
        type = "chat_completion"
        model = "dummy::flaky_raw_response"
        retries = { num_retries = 1, max_delay_s = 0 }

        [functions.extract]
        type = "json"
        [functions.extract.variants.main]
        type = "chat_completion"
        model = "dummy::json"
        json_mode = "strict"
        """);

    private static object Body(string target, object? extra = null, bool isModel = false)
    {
        var body = new JsonObject
        {
            [isModel ? "model_name" : "function_name"] = target,
            ["input"] = JsonNode.Parse("""{"messages":[{"role":"user","content":"Hi"}]}"""),
        };
        foreach (var (name, value) in JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra ?? new { }))!.AsObject())
        {
            body[name] = value?.DeepClone();
        }
        return body;
    }

    private static void AssertEntry(JsonNode? entry, string data, bool hasId = true, string providerType = "dummy")
    {
        var obj = entry!.AsObject();
        Assert.Equal(providerType, obj["provider_type"]!.GetValue<string>());
        Assert.Equal("chat_completions", obj["api_type"]!.GetValue<string>());
        Assert.Equal(data, obj["data"]!.GetValue<string>());
        Assert.Equal(hasId, obj.ContainsKey("model_inference_id"));
        if (hasId)
        {
            Assert.Equal(7, Guid.Parse(obj["model_inference_id"]!.GetValue<string>()).Version);
        }
    }

    [Fact]
    public async Task Inference_IncludeRawResponse_ReturnsTheModelInferenceBody()
    {
        var (status, body, raw) = await _client.PostInferenceAsync(Body("basic", new { include_raw_response = true }));

        Assert.Equal(HttpStatusCode.OK, status);
        var entry = Assert.Single(body["raw_response"]!.AsArray());
        AssertEntry(entry, DummyResponses.DefaultRawResponse);
        Assert.False(body.ContainsKey("raw_usage"), raw);
        Assert.False(body.ContainsKey("original_response"), raw);
    }

    [Fact]
    public async Task Inference_NoRawFlags_AddsNoRawFields()
    {
        var (_, body, _) = await _client.PostInferenceAsync(Body("basic"));

        Assert.Equal(["inference_id", "episode_id", "variant_name", "content", "usage", "finish_reason"], body.Select(p => p.Key));
    }

    [Fact]
    public async Task Inference_IncludeRawUsage_ReturnsOneEntryWithTheDummysNullData()
    {
        var (_, body, raw) = await _client.PostInferenceAsync(Body("basic", new { include_raw_usage = true }));

        var entry = Assert.Single(body["raw_usage"]!.AsArray())!.AsObject();
        Assert.Equal(["model_inference_id", "provider_type", "api_type", "data"], entry.Select(p => p.Key));
        Assert.Equal("dummy", entry["provider_type"]!.GetValue<string>());
        Assert.Equal("chat_completions", entry["api_type"]!.GetValue<string>());
        Assert.Null(entry["data"]);
        Assert.Contains("\"data\":null", raw, StringComparison.Ordinal);
        Assert.False(body.ContainsKey("raw_response"));
    }

    [Fact]
    public async Task Inference_AllRawFlags_SameModelInferenceIdInBothAndTensorZeroFieldOrder()
    {
        var (_, body, _) = await _client.PostInferenceAsync(Body("basic", new { include_raw_response = true, include_raw_usage = true, include_original_response = true }));

        Assert.Equal(
            ["inference_id", "episode_id", "variant_name", "content", "usage", "raw_usage", "original_response", "raw_response", "finish_reason"],
            body.Select(p => p.Key));
        Assert.Equal(DummyResponses.DefaultRawResponse, body["original_response"]!.GetValue<string>());
        Assert.Equal(body["raw_usage"]![0]!["model_inference_id"]!.GetValue<string>(), body["raw_response"]![0]!["model_inference_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_IncludeOriginalResponse_LogsItsDeprecation()
    {
        await _client.PostInferenceAsync(Body("basic", new { include_original_response = true }));
        await _client.PostChatAsync("""{"model":"tensorzero::function_name::basic","messages":[{"role":"user","content":"Hi"}],"tensorzero::include_original_response":true}""");

        Assert.Contains("The `include_original_response` parameter is deprecated. Use `include_raw_response` instead.", _gateway.Logs.All, StringComparison.Ordinal);
        Assert.Contains("The `tensorzero::include_original_response` parameter is deprecated. Use `tensorzero::include_raw_response` instead.",
            _gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_JsonFunction_ReportsRawDataBesideOutput()
    {
        var (_, body, _) = await _client.PostInferenceAsync(Body("extract", new { include_raw_response = true, include_raw_usage = true }));

        Assert.NotNull(body["output"]);
        AssertEntry(Assert.Single(body["raw_response"]!.AsArray()), DummyResponses.RawResponse("json"));
        Assert.Single(body["raw_usage"]!.AsArray());
    }

    [Fact]
    public async Task Inference_ProviderFallback_ReportsTheFailedProviderFirstWithoutId()
    {
        var (status, body, raw) = await _client.PostInferenceAsync(Body("backup", new { include_raw_response = true }, isModel: true));

        Assert.Equal(HttpStatusCode.OK, status);
        var entries = body["raw_response"]!.AsArray();
        Assert.Equal(2, entries.Count);
        AssertEntry(entries[0], "dummy error raw response", hasId: false);
        AssertEntry(entries[1], DummyResponses.DefaultRawResponse);
        Assert.Equal(DummyResponses.DefaultText, body["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_VariantFallback_ReportsTheFailedVariantFirst()
    {
        var (status, body, raw) = await _client.PostInferenceAsync(Body("fallback", new { include_raw_response = true }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("good", body["variant_name"]!.GetValue<string>());
        var entries = body["raw_response"]!.AsArray();
        Assert.Equal(2, entries.Count);
        AssertEntry(entries[0], "dummy error raw response", hasId: false);
        AssertEntry(entries[1], DummyResponses.DefaultRawResponse);
    }

    [Fact]
    public async Task Inference_RetriedAttempt_ReportsTheFailedAttemptFirst()
    {
        // The flaky model fails every second call: this request's first attempt fails, its retry answers.
        var (warmStatus, _, _) = await _client.PostInferenceAsync(Body("retried"));
        var (status, body, raw) = await _client.PostInferenceAsync(Body("retried", new { include_raw_response = true }));

        Assert.Equal(HttpStatusCode.OK, warmStatus);
        Assert.Equal(HttpStatusCode.OK, status);
        var entries = body["raw_response"]!.AsArray();
        Assert.Equal(2, entries.Count);
        AssertEntry(entries[0], "dummy flaky error raw response", hasId: false);
        AssertEntry(entries[1], DummyResponses.DefaultRawResponse);
    }

    [Fact]
    public async Task Inference_EveryProviderFails_ErrorBodyCarriesTheirRawResponses()
    {
        var (status, body, raw) = await _client.PostInferenceAsync(Body("failing", new { include_raw_response = true }, isModel: true));

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("All model providers failed to infer", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        // Only the provider whose failure had a body has an entry.
        AssertEntry(Assert.Single(body["raw_response"]!.AsArray()), "dummy error raw response", hasId: false);
    }

    [Fact]
    public async Task Inference_EveryProviderFailsWithoutTheFlag_ErrorBodyIsJustTheError()
    {
        var (_, body, _) = await _client.PostInferenceAsync(Body("failing", isModel: true));

        Assert.Equal(["error"], body.Select(p => p.Key));
    }

    [Fact]
    public async Task Stream_IncludeRawResponse_SendsEachRawChunkAndTheUsageChunk()
    {
        var (status, _, events, raw) = await _client.PostStreamAsync("/inference", Body("basic", new { stream = true, include_raw_response = true }));

        Assert.Equal(HttpStatusCode.OK, status);
        var chunks = events.Json();
        var pieces = chunks.Where(c => c["content"]!.AsArray().Count > 0).ToList();
        Assert.Equal(DummyResponses.StreamedText, pieces.Select(c => c["raw_chunk"]!.GetValue<string>()));
        Assert.All(pieces, c => Assert.False(c.ContainsKey("original_chunk")));
        var last = chunks[^1];
        Assert.Equal("""{"usage":{"prompt_tokens":10,"completion_tokens":16,"total_tokens":26}}""", last["raw_chunk"]!.GetValue<string>());
        Assert.False(last.ContainsKey("raw_usage"));
        Assert.Equal("[DONE]", events[^1]);
    }

    [Fact]
    public async Task Stream_IncludeRawUsage_PutsTheEntryOnTheUsageChunkOnly()
    {
        var (_, _, events, _) = await _client.PostStreamAsync("/inference", Body("basic", new { stream = true, include_raw_usage = true }));

        var chunks = events.Json();
        var withRawUsage = Assert.Single(chunks, c => c.ContainsKey("raw_usage"));
        Assert.Same(chunks[^1], withRawUsage);
        var entry = Assert.Single(withRawUsage["raw_usage"]!.AsArray())!;
        Assert.Equal("dummy", entry["provider_type"]!.GetValue<string>());
        Assert.Equal(7, Guid.Parse(entry["model_inference_id"]!.GetValue<string>()).Version);
        Assert.NotNull(withRawUsage["usage"]);
        Assert.All(chunks, c => Assert.False(c.ContainsKey("raw_chunk")));
    }

    [Fact]
    public async Task Stream_IncludeOriginalResponse_SendsOriginalChunkOnly()
    {
        var (_, _, events, _) = await _client.PostStreamAsync("/inference", Body("basic", new { stream = true, include_original_response = true }));

        var chunks = events.Json();
        Assert.Equal(DummyResponses.StreamedText[0], chunks[0]["original_chunk"]!.GetValue<string>());
        Assert.All(chunks, c => Assert.False(c.ContainsKey("raw_chunk")));
    }

    [Fact]
    public async Task Stream_ProviderFallback_FirstChunkCarriesTheFailedProvidersRawResponse()
    {
        var (status, _, events, _) = await _client.PostStreamAsync("/inference", Body("backup", new { stream = true, include_raw_response = true }, isModel: true));

        Assert.Equal(HttpStatusCode.OK, status);
        var first = events.Json()[0];
        Assert.Empty(first["content"]!.AsArray());
        AssertEntry(Assert.Single(first["raw_response"]!.AsArray()), "dummy error raw response", hasId: false);
        Assert.False(first.ContainsKey("raw_chunk"));
    }

    [Fact]
    public async Task Stream_VariantFallback_FirstChunkCarriesTheFailedVariantsRawResponse()
    {
        var (_, _, events, _) = await _client.PostStreamAsync("/inference", Body("fallback", new { stream = true, include_raw_response = true }));

        var first = events.Json()[0];
        Assert.Equal("good", first["variant_name"]!.GetValue<string>());
        AssertEntry(Assert.Single(first["raw_response"]!.AsArray()), "dummy error raw response", hasId: false);
    }

    [Fact]
    public async Task Stream_FallbackWithoutTheFlag_SendsNoRawChunk()
    {
        var (_, _, events, _) = await _client.PostStreamAsync("/inference", Body("backup", new { stream = true }, isModel: true));

        var chunks = events.Json();
        Assert.NotEmpty(chunks[0]["content"]!.AsArray());
        Assert.All(chunks, c => Assert.False(c.ContainsKey("raw_response")));
    }

    [Fact]
    public async Task Stream_ErrorInStreamWithRawResponse_ErrorEventCarriesRawChunk()
    {
        var (_, _, events, _) = await _client.PostStreamAsync("/inference",
            Body("dummy::err_in_stream_with_raw_response", new { stream = true, include_raw_response = true }, isModel: true));

        var error = Assert.Single(events.Json(), e => e.ContainsKey("error"));
        Assert.Equal(["error", "raw_chunk"], error.Select(p => p.Key));
        Assert.Equal("""{"error": "dummy client raw response"}""", error["raw_chunk"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stream_FatalErrorWithRawResponseWithoutTheFlag_ErrorEventIsJustTheError()
    {
        var (_, _, events, _) = await _client.PostStreamAsync("/inference",
            Body("dummy::fatal_stream_error_with_raw_response", new { stream = true }, isModel: true));

        var error = Assert.Single(events.Json(), e => e.ContainsKey("error"));
        Assert.Equal(["error"], error.Select(p => p.Key));
    }

    [Fact]
    public async Task Stream_FatalErrorWithRawResponse_ErrorEventCarriesRawChunk()
    {
        var (_, _, events, _) = await _client.PostStreamAsync("/inference",
            Body("dummy::fatal_stream_error_with_raw_response", new { stream = true, include_raw_response = true }, isModel: true));

        var error = Assert.Single(events.Json(), e => e.ContainsKey("error"));
        Assert.Equal("""{"error": "dummy fatal raw response"}""", error["raw_chunk"]!.GetValue<string>());
    }
}
