using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;

/// <summary><c>"stream": true</c> on the OpenAI-compatible endpoint, read as an OpenAI SDK reads it.</summary>
public sealed class OpenAIChatStreamingTests(OpenAIGateway gateway) : IClassFixture<OpenAIGateway>
{
    private readonly HttpClient _client = gateway.CreateClient();

    private Task<(HttpStatusCode Status, string? ContentType, List<string> Events, string Raw)> Stream(string json) => _client.StreamChatAsync(json);

    /// <summary>A chunk with its per-response values checked and replaced (<see cref="OpenAIClient.Normalized"/>).</summary>
    private static string Chunk(JsonObject chunk) => OpenAIClient.Normalized(chunk);

    [Fact]
    public async Task Stream_Text_SendsExactChunksThenDone()
    {
        var (status, contentType, events, raw) = await Stream("""
            {"model": "tensorzero::model_name::dummy::good", "stream": true, "messages": [{"role": "user", "content": "x"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/event-stream", contentType);
        Assert.EndsWith("data: [DONE]\n\n", raw, StringComparison.Ordinal);
        var chunks = events.Json();
        Assert.Equal(DummyProvider.StreamedPieces + 1, chunks.Count);
        Assert.Single(chunks.Select(c => c["id"]!.GetValue<string>()).Distinct());
        Assert.Single(chunks.Select(c => c["episode_id"]!.GetValue<string>()).Distinct());

        var firstText = chunks[0]["choices"]![0]!["delta"]!["content"]!.GetValue<string>();
        Assert.Equal($$$"""
            {"id":"ID","episode_id":"EPISODE","choices":[{"index":0,"finish_reason":null,"logprobs":null,"delta":{"role":"assistant","content":"{{{firstText}}}"}}],"created":0,"model":"tensorzero::model_name::dummy::good","system_fingerprint":"","service_tier":null,"object":"chat.completion.chunk","usage":null}
            """, Chunk(chunks[0]));
        var secondText = chunks[1]["choices"]![0]!["delta"]!["content"]!.GetValue<string>();
        Assert.Equal($$$"""
            {"id":"ID","episode_id":"EPISODE","choices":[{"index":0,"finish_reason":null,"logprobs":null,"delta":{"content":"{{{secondText}}}"}}],"created":0,"model":"tensorzero::model_name::dummy::good","system_fingerprint":"","service_tier":null,"object":"chat.completion.chunk","usage":null}
            """, Chunk(chunks[1]));
        Assert.Equal("""
            {"id":"ID","episode_id":"EPISODE","choices":[{"index":0,"finish_reason":"stop","logprobs":null,"delta":{}}],"created":0,"model":"tensorzero::model_name::dummy::good","system_fingerprint":"","service_tier":null,"object":"chat.completion.chunk","usage":null}
            """, Chunk(chunks[^1]));
        Assert.Equal(DummyProvider.StreamedText, string.Concat(chunks.Select(c => c["choices"]![0]!["delta"]!["content"]?.GetValue<string>())));
        Assert.Single(chunks, c => c["choices"]![0]!["delta"]!["role"] is not null);
    }

    [Fact]
    public async Task Stream_IncludeUsage_AddsUsageToTheFinalChunkOnly()
    {
        var (_, _, events, _) = await Stream("""
            {"model": "tensorzero::function_name::basic", "stream": true, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "Hi"}]}
            """);

        // The dummy streams 16 text chunks (one token each), then its usage.
        var chunks = events.Json();
        Assert.Equal(DummyProvider.StreamedPieces + 1, chunks.Count);
        Assert.Equal("tensorzero::function_name::basic::variant_name::echo", chunks[0]["model"]!.GetValue<string>());
        Assert.All(chunks[..^1], c => Assert.True(c.ContainsKey("usage") && c["usage"] is null));
        Assert.Equal("""{"prompt_tokens":10,"completion_tokens":16,"total_tokens":26}""", OpenAIClient.Json(chunks[^1]["usage"]));
        Assert.Equal("""{"index":0,"finish_reason":"stop","logprobs":null,"delta":{}}""", OpenAIClient.Json(chunks[^1]["choices"]![0]));
    }

    [Fact]
    public async Task Stream_ToolCall_IndexesCallsAndSendsIdOnFirstDeltaOnly()
    {
        var (_, _, events, _) = await Stream("""
            {"model": "tensorzero::function_name::weather", "stream": true, "messages": [{"role": "user", "content": "Weather?"}]}
            """);

        var deltas = events.Json().Select(c => c["choices"]![0]!["delta"]!).ToList();
        Assert.Equal("""
            {"role":"assistant","tool_calls":[{"id":"0","index":0,"type":"function","function":{"name":"get_temperature","arguments":"{\"location\""}}]}
            """, OpenAIClient.Json(deltas[0]));
        Assert.Equal("""
            {"tool_calls":[{"index":0,"type":"function","function":{"name":"","arguments":":\"Brooklyn\""}}]}
            """, OpenAIClient.Json(deltas[1]));
        Assert.Equal("""{"location":"Brooklyn","units":"celsius"}""",
            string.Concat(deltas.SelectMany(d => d["tool_calls"]?.AsArray() ?? []).Select(t => t!["function"]!["arguments"]!.GetValue<string>())));
        Assert.Equal("tool_calls", events.Json()[^1]["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stream_JsonFunction_StreamsRawOutputAsContent()
    {
        var (_, _, events, _) = await Stream("""
            {"model": "tensorzero::function_name::extract", "stream": true, "messages": [{"role": "user", "content": "x"}]}
            """);

        var chunks = events.Json();
        Assert.Equal("""{"name":"John","age":30}""", string.Concat(chunks.Select(c => c["choices"]![0]!["delta"]!["content"]!.GetValue<string>())));
        Assert.Equal("tensorzero::function_name::extract::variant_name::json", chunks[0]["model"]!.GetValue<string>());
        Assert.Equal("""{"content":""}""", OpenAIClient.Json(chunks[^1]["choices"]![0]!["delta"]));
    }

    [Fact]
    public async Task Stream_ErrorMidStream_SendsOpenAIErrorEventThenDone()
    {
        var (status, _, events, _) = await Stream("""
            {"model": "tensorzero::model_name::dummy::err_in_stream", "stream": true, "messages": [{"role": "user", "content": "x"}]}
            """);

        // As in TensorZero, the error takes the place of chunk 3 and the stream goes on: 15 text chunks, the usage, [DONE].
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(18, events.Count);
        Assert.Equal("""{"error":{"message":"Error from dummy client: Dummy error in stream"}}""", events[3]);
        Assert.Equal(" wagged", JsonNode.Parse(events[4])!["choices"]![0]!["delta"]!["content"]!.GetValue<string>());
        Assert.Equal("[DONE]", events[^1]);
    }

    [Fact]
    public async Task Stream_FailureBeforeFirstChunk_IsAPlainOpenAIError()
    {
        var (status, contentType, _, raw) = await Stream("""
            {"model": "tensorzero::function_name::broken", "stream": true, "messages": [{"role": "user", "content": "x"}]}
            """);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("application/json", contentType);
        Assert.StartsWith("All variants failed with errors: ", OpenAIClient.ErrorMessage(JsonNode.Parse(raw)!.AsObject()), StringComparison.Ordinal);
    }
}
