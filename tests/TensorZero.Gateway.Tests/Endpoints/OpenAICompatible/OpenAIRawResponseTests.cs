using System.Net;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;

/// <summary>
/// <c>tensorzero::include_raw_response</c>, <c>tensorzero::include_raw_usage</c> and
/// <c>tensorzero::include_original_response</c> on <c>/openai/v1/chat/completions</c>, with TensorZero's
/// <c>tensorzero_</c>-prefixed names, streamed and not, against the dummy provider.
/// </summary>
public sealed class OpenAIRawResponseTests(RawResponseTests.Gateway gateway) : IClassFixture<RawResponseTests.Gateway>
{
    private readonly HttpClient _client = gateway.CreateClient();

    private static string Body(string model, string extra = "") =>
        $$"""{"model":"tensorzero::{{model}}","messages":[{"role":"user","content":"Hi"}]{{extra}}}""";

    [Fact]
    public async Task ChatCompletions_IncludeRawResponse_AddsTensorZeroRawResponse()
    {
        var (status, body, raw) = await _client.PostChatAsync(Body("function_name::basic", ""","tensorzero::include_raw_response":true"""));

        Assert.Equal(HttpStatusCode.OK, status);
        var entry = Assert.Single(body["tensorzero_raw_response"]!.AsArray())!;
        Assert.Equal("dummy", entry["provider_type"]!.GetValue<string>());
        Assert.Equal("chat_completions", entry["api_type"]!.GetValue<string>());
        Assert.Equal(DummyResponses.DefaultRawResponse, entry["data"]!.GetValue<string>());
        Assert.False(body.ContainsKey("tensorzero_raw_usage"), raw);
    }

    [Fact]
    public async Task ChatCompletions_WithoutTheFlag_HasNoRawFields()
    {
        var (_, body, _) = await _client.PostChatAsync(Body("function_name::basic"));

        Assert.DoesNotContain(body, p => p.Key.StartsWith("tensorzero_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChatCompletions_AllRawFlags_InTensorZeroOrderAfterUsage()
    {
        var (_, body, _) = await _client.PostChatAsync(Body("function_name::basic",
            ""","tensorzero::include_raw_response":true,"tensorzero::include_raw_usage":true,"tensorzero::include_original_response":true"""));

        var keys = body.Select(p => p.Key).ToList();
        Assert.Equal(["usage", "tensorzero_raw_usage", "tensorzero_original_response", "tensorzero_raw_response"], keys[keys.IndexOf("usage")..]);
        Assert.Equal(DummyResponses.DefaultRawResponse, body["tensorzero_original_response"]!.GetValue<string>());
        Assert.Null(body["tensorzero_raw_usage"]![0]!["data"]);
    }

    [Fact]
    public async Task ChatCompletions_ProviderFallback_ReportsTheFailedProviderFirst()
    {
        var (_, body, _) = await _client.PostChatAsync(Body("model_name::backup", ""","tensorzero::include_raw_response":true"""));

        var entries = body["tensorzero_raw_response"]!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.Equal("dummy error raw response", entries[0]!["data"]!.GetValue<string>());
        Assert.False(entries[0]!.AsObject().ContainsKey("model_inference_id"));
        Assert.True(entries[1]!.AsObject().ContainsKey("model_inference_id"));
    }

    [Fact]
    public async Task ChatCompletions_EveryProviderFails_ErrorCarriesTensorZeroRawResponse()
    {
        var (status, body, _) = await _client.PostChatAsync(Body("model_name::failing", ""","tensorzero::include_raw_response":true"""));

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal(["error", "tensorzero_raw_response"], body.Select(p => p.Key));
        Assert.Contains("All model providers failed", OpenAIClient.ErrorMessage(body), StringComparison.Ordinal);
        Assert.Equal("dummy error raw response", Assert.Single(body["tensorzero_raw_response"]!.AsArray())!["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stream_IncludeRawResponse_AddsTensorZeroRawChunk()
    {
        var (status, _, events, _) = await _client.StreamChatAsync(Body("function_name::basic", ""","stream":true,"tensorzero::include_raw_response":true"""));

        Assert.Equal(HttpStatusCode.OK, status);
        var chunks = events.Json();
        var text = chunks.Where(c => c["choices"]![0]!["delta"]!["content"] is not null).ToList();
        Assert.Equal(DummyResponses.StreamedText, text.Select(c => c["tensorzero_raw_chunk"]!.GetValue<string>()));
        Assert.All(chunks, c => Assert.False(c.ContainsKey("tensorzero_original_chunk")));
    }

    [Fact]
    public async Task Stream_IncludeRawUsage_ImpliesUsageAndPutsRawUsageOnTheUsageChunk()
    {
        var (_, _, events, _) = await _client.StreamChatAsync(Body("function_name::basic", ""","stream":true,"tensorzero::include_raw_usage":true"""));

        var chunks = events.Json();
        var last = chunks[^1];
        Assert.NotNull(last["usage"]);
        Assert.Equal("dummy", Assert.Single(last["tensorzero_raw_usage"]!.AsArray())!["provider_type"]!.GetValue<string>());
        Assert.Single(chunks, c => c.ContainsKey("tensorzero_raw_usage"));
    }

    [Fact]
    public async Task Stream_IncludeRawUsageWithUsageOff_Is400()
    {
        var (status, body, _) = await _client.PostChatAsync(Body("function_name::basic",
            ""","stream":true,"stream_options":{"include_usage":false},"tensorzero::include_raw_usage":true"""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("`tensorzero::include_raw_usage` requires `stream_options.include_usage`", OpenAIClient.ErrorMessage(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_IncludeOriginalResponse_AddsTensorZeroOriginalChunkOnly()
    {
        var (_, _, events, _) = await _client.StreamChatAsync(Body("function_name::basic", ""","stream":true,"tensorzero::include_original_response":true"""));

        var first = events.Json()[0];
        Assert.Equal(DummyResponses.StreamedText[0], first["tensorzero_original_chunk"]!.GetValue<string>());
        Assert.False(first.ContainsKey("tensorzero_raw_chunk"));
    }

    [Fact]
    public async Task Stream_VariantFallback_FirstChunkHasRoleAndTensorZeroRawResponse()
    {
        var (_, _, events, _) = await _client.StreamChatAsync(Body("function_name::fallback", ""","stream":true,"tensorzero::include_raw_response":true"""));

        var chunks = events.Json();
        var first = chunks[0];
        Assert.Equal("""{"role":"assistant"}""", first["choices"]![0]!["delta"]!.ToJsonString());
        Assert.Null(first["usage"]);
        Assert.Equal("dummy error raw response", Assert.Single(first["tensorzero_raw_response"]!.AsArray())!["data"]!.GetValue<string>());
        // The role goes on the first chunk only.
        Assert.All(chunks.Skip(1), c => Assert.Null(c["choices"]![0]!["delta"]!["role"]));
    }

    [Fact]
    public async Task Stream_ErrorInStreamWithRawResponse_ErrorEventCarriesTensorZeroRawChunk()
    {
        var (_, _, events, _) = await _client.StreamChatAsync(Body("model_name::dummy::err_in_stream_with_raw_response",
            ""","stream":true,"tensorzero::include_raw_response":true"""));

        var error = Assert.Single(events.Json(), e => e.ContainsKey("error"));
        Assert.Equal(["error", "tensorzero_raw_chunk"], error.Select(p => p.Key));
        Assert.Equal("""{"error": "dummy client raw response"}""", error["tensorzero_raw_chunk"]!.GetValue<string>());
    }
}
