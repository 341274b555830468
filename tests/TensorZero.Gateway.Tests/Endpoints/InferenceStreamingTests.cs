using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary><c>"stream": true</c> on <c>/inference</c>, read as an SSE client reads it.</summary>
public sealed class InferenceStreamingTests : IClassFixture<InferenceStreamingTests.StreamingGateway>
{
    private readonly HttpClient _client;

    public InferenceStreamingTests(StreamingGateway gateway) => _client = gateway.CreateClient();

    public sealed class StreamingGateway() : GatewayFactory("""
        [models.error_then_good]
        routing = ["broken", "good"]
        [models.error_then_good.providers.broken]
        type = "dummy"
        model_name = "error"
        [models.error_then_good.providers.good]
        type = "dummy"
        model_name = "good"

        [models.slow_start]
        routing = ["slow"]
        [models.slow_start.providers.slow]
        type = "dummy"
        model_name = "slow"
        timeouts = { streaming = { ttft_ms = 100 } }

        [models.slow_second]
        routing = ["p"]
        [models.slow_second.providers.p]
        type = "dummy"
        model_name = "slow_second_chunk"
        timeouts = { streaming = { total_ms = 500 } }

        [models.slow_model]
        routing = ["slow"]
        timeouts = { streaming = { ttft_ms = 150 } }
        [models.slow_model.providers.slow]
        type = "dummy"
        model_name = "slow"

        [functions.limited]
        type = "chat"
        [functions.limited.variants.v]
        type = "chat_completion"
        model = "dummy::slow_second_chunk"
        timeouts = { streaming = { total_ms = 400 } }

        [functions.extract]
        type = "json"
        [functions.extract.variants.v]
        type = "chat_completion"
        model = "dummy::json"
        json_mode = "strict"
        """);

    private Task<(HttpStatusCode Status, string? ContentType, List<string> Events, string Raw)> Stream(object body) =>
        _client.PostStreamAsync("/inference", body);

    // The event buffers are shared between streams one after another: many streams at once must each get only their
    // own events, whole.
    [Fact]
    public async Task Stream_ManyAtOnce_EachGetsOnlyItsOwnEvents()
    {
        var streams = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ =>
            Stream(new { model_name = "dummy::good", stream = true, input = GatewayClient.UserMessage("x") })));

        var ids = new List<string>();
        foreach (var (status, _, events, _) in streams)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("[DONE]", events[^1]);
            var chunks = events.Json();
            ids.Add(Assert.Single(chunks.Select(c => c["inference_id"]!.GetValue<string>()).Distinct()));
            Assert.Equal(DummyProvider.StreamedText,
                string.Concat(chunks.SelectMany(c => c["content"]!.AsArray()).Select(b => b!["text"]!.GetValue<string>())));
        }
        Assert.Equal(streams.Length, ids.Distinct().Count());
    }

    [Fact]
    public async Task Stream_Default_SendsTextChunksThenUsageThenDone()
    {
        var (status, contentType, events, _) = await Stream(new { model_name = "dummy::good", stream = true, input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/event-stream", contentType);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events.Json();
        Assert.Equal(DummyProvider.StreamedPieces + 1, chunks.Count);
        Assert.All(chunks, c => Assert.Equal("dummy::good", c["variant_name"]!.GetValue<string>()));
        Assert.Single(chunks.Select(c => c["inference_id"]!.GetValue<string>()).Distinct());
        var text = string.Concat(chunks.SelectMany(c => c["content"]!.AsArray()).Select(b => b!["text"]!.GetValue<string>()));
        Assert.Equal(DummyProvider.StreamedText, text);
        Assert.All(chunks.SelectMany(c => c["content"]!.AsArray()), b =>
        {
            Assert.Equal("text", b!["type"]!.GetValue<string>());
            Assert.Equal("0", b["id"]!.GetValue<string>());
        });
        var last = chunks[^1];
        Assert.Empty(last["content"]!.AsArray());
        Assert.Equal("""{"input_tokens":10,"output_tokens":16}""", last["usage"]!.ToJsonString());
        Assert.Equal("stop", last["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stream_ToolCall_SendsRawNameAndArgumentDeltas()
    {
        var (_, _, events, _) = await Stream(new { model_name = "dummy::tool", stream = true, input = GatewayClient.UserMessage("x") });

        var blocks = events.Json().SelectMany(c => c["content"]!.AsArray()).ToList();
        Assert.All(blocks, b => Assert.Equal("tool_call", b!["type"]!.GetValue<string>()));
        Assert.Equal("get_temperature", blocks[0]!["raw_name"]!.GetValue<string>());
        Assert.Equal("""{"location":"Brooklyn","units":"celsius"}""", string.Concat(blocks.Select(b => b!["raw_arguments"]!.GetValue<string>())));
        Assert.Equal("tool_call", events.Json()[^1]["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stream_JsonFunction_SendsRawDeltas()
    {
        var (_, _, events, _) = await Stream(new { function_name = "extract", stream = true, input = GatewayClient.UserMessage("x") });

        var chunks = events.Json();
        Assert.Equal("""{"name":"John","age":30}""", string.Concat(chunks.Select(c => c["raw"]!.GetValue<string>())));
        Assert.All(chunks, c => Assert.Null(c["content"]));
    }

    [Fact]
    public async Task Stream_FirstProviderFails_FallsBackBeforeFirstChunk()
    {
        var (status, _, events, _) = await Stream(new { model_name = "error_then_good", stream = true, input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(DummyProvider.StreamedText, string.Concat(events.Json().SelectMany(c => c["content"]!.AsArray()).Select(b => b!["text"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Stream_ErrorMidStream_SendsErrorEventThenDone()
    {
        var (status, _, events, _) = await Stream(new { model_name = "dummy::err_in_stream", stream = true, input = GatewayClient.UserMessage("x") });

        // As in TensorZero, the error takes the place of chunk 3 and the stream goes on: 15 text chunks, the usage, [DONE].
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(18, events.Count);
        Assert.Equal("""{"error":"Error from dummy client: Dummy error in stream"}""", events[3]);
        Assert.Equal(" wagged", JsonNode.Parse(events[4])!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("[DONE]", events[^1]);
    }

    [Fact]
    public async Task Stream_AllProvidersFailBeforeFirstChunk_IsAPlainJsonError()
    {
        var (status, contentType, _, raw) = await Stream(new { model_name = "dummy::error", stream = true, input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("application/json", contentType);
        Assert.Contains("All variants failed with errors", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_TimeToFirstChunkExceeded_FailsBeforeStreaming()
    {
        var (status, _, _, raw) = await Stream(new { model_name = "slow_start", stream = true, input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("Model provider slow timed out due to configured `streaming.ttft_ms` timeout (100 ms)", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_TotalTimeExceeded_EndsWithErrorEvent()
    {
        var (status, _, events, _) = await Stream(new { model_name = "slow_second", stream = true, input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, events.Count);
        Assert.Contains("`streaming.total_ms` timeout (500 ms)", events[1], StringComparison.Ordinal);
        Assert.Equal("[DONE]", events[2]);
    }

    [Fact]
    public async Task Stream_ModelTimeToFirstChunkExceeded_NamesTheModel()
    {
        var (status, _, _, raw) = await Stream(new { model_name = "slow_model", stream = true, input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("Model slow_model timed out due to configured `streaming.ttft_ms` timeout (150 ms)", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_VariantTotalTimeExceeded_EndsWithErrorNamingTheVariant()
    {
        var (status, _, events, _) = await Stream(new { function_name = "limited", variant_name = "v", stream = true, input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, events.Count);
        Assert.Contains("Variant `v` timed out due to configured `streaming.total_ms` timeout (400 ms)", events[1], StringComparison.Ordinal);
    }
}
