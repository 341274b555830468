using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// Answers that both generations of TensorZero's clients can read: no <c>usage.cost</c> (or <c>tensorzero_cost</c>)
/// while the cost is unknown, since the 2025 Python client builds <c>Usage(**usage)</c> and fails on an unknown key;
/// thoughts that always carry <c>text</c>, which that client reads unconditionally; and reasoning streamed through the
/// OpenAI endpoint in <c>delta.tensorzero_extra_content</c>, as TensorZero streams it. A thinking model is the fake
/// Gemini server, which answers with a thought, then a signed answer part (a signature-only thought).
/// </summary>
public sealed class ResponseCompatibilityTests : IAsyncLifetime, IDisposable
{
    private const string Key = "AIzaSyResponseShapeKey0123456789abcdefgh";

    private FakeGeminiServer _gemini = null!;
    private GatewayFactory _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _gemini = await FakeGeminiServer.StartAsync();
        _gemini.ValidKeys.Add(Key);
        _gemini.IncludeThoughts = true;
        _gateway = new GatewayFactory($$"""
            [models.gemini]
            routing = ["gemini"]
            [models.gemini.providers.gemini]
            type = "google_ai_studio_gemini"
            model_name = "gemini-2.5-flash"
            api_base = "{{_gemini.AIStudioBaseUrl}}"

            [functions.thinker]
            type = "chat"
            [functions.thinker.variants.v]
            type = "chat_completion"
            model = "gemini"

            [functions.extract]
            type = "json"
            [functions.extract.variants.v]
            type = "chat_completion"
            model = "dummy::json"
            json_mode = "strict"

            [embedding_models.embed]
            routing = ["dummy"]
            [embedding_models.embed.providers.dummy]
            type = "dummy"
            model_name = "good"
            """, new Dictionary<string, string> { ["GOOGLE_API_KEY"] = Key });
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync() => await _gemini.DisposeAsync();

    public void Dispose() => _gateway.Dispose();

    private static string Json(JsonNode? node) => OpenAIClient.Json(node);

    /// <summary>What the 2025 Python client (<c>tensorzero</c> before 2025.5) requires of a native answer or chunk.</summary>
    private static void AssertReadableBy2025PythonClient(JsonObject body)
    {
        if (body["usage"] is JsonObject usage)
        {
            Assert.Equal(["input_tokens", "output_tokens"], usage.Select(p => p.Key));
        }
        foreach (var block in body["content"]?.AsArray() ?? [])
        {
            Assert.True(block!.AsObject().ContainsKey(block["type"]!.GetValue<string>() == "tool_call" ? "raw_name" : "text"), block.ToJsonString());
        }
    }

    [Fact]
    public async Task Inference_ThinkingModel_AnswersWithoutCostAndWithTextOnEveryThought()
    {
        var (status, body, raw) = await _client.PostInferenceAsync(new { function_name = "thinker", input = GatewayClient.UserMessage("Hi") });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("""
            [{"type":"thought","text":"The user wants an answer."},{"type":"thought","text":null,"signature":"fake-signature"},{"type":"text","text":"echo: Hi"}]
            """.Trim(), Json(body["content"]));
        Assert.Equal("""{"input_tokens":11,"output_tokens":10}""", Json(body["usage"]));
        AssertReadableBy2025PythonClient(body);
    }

    [Fact]
    public async Task InferenceStream_ThinkingModel_ChunksCarryTextOnEveryThoughtAndNoCost()
    {
        var (status, _, events, raw) = await _client.PostStreamAsync("/inference", new { function_name = "thinker", stream = true, input = GatewayClient.UserMessage("Hi") });

        Assert.True(status == HttpStatusCode.OK, raw);
        var chunks = events.Json();
        Assert.Equal("""
            [{"type":"thought","id":"0","text":"The user wants an answer."},{"type":"thought","id":"signature-0","text":null,"signature":"fake-signature"},{"type":"text","id":"0","text":"echo"},{"type":"text","id":"0","text":": Hi"}]
            """.Trim(), Json(new JsonArray(chunks.SelectMany(c => c["content"]!.AsArray()).Select(b => b!.DeepClone()).ToArray())));
        Assert.Contains(chunks, c => c["usage"] is not null);
        Assert.All(chunks, AssertReadableBy2025PythonClient);
    }

    [Fact]
    public async Task Inference_JsonFunction_AnswersWithoutCost()
    {
        var (status, body, raw) = await _client.PostInferenceAsync(new { function_name = "extract", input = GatewayClient.UserMessage("Hi") });
        var (streamStatus, _, events, _) = await _client.PostStreamAsync("/inference", new { function_name = "extract", stream = true, input = GatewayClient.UserMessage("Hi") });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("""{"input_tokens":10,"output_tokens":1}""", Json(body["usage"]));
        Assert.Equal(HttpStatusCode.OK, streamStatus);
        Assert.Equal("""{"input_tokens":10,"output_tokens":5}""", Json(events.Json()[^1]["usage"]));
    }

    [Fact]
    public async Task OpenAIChat_ThinkingModel_ReturnsThoughtsAsExtraContentAndNoCost()
    {
        var (status, body, raw) = await _client.PostChatAsync("""
            {"model": "tensorzero::function_name::thinker", "messages": [{"role": "user", "content": "Hi"}]}
            """);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("""
            {"content":"echo: Hi","role":"assistant","tensorzero_extra_content":[{"type":"thought","insert_index":0,"text":"The user wants an answer."},{"type":"thought","insert_index":1,"text":null,"signature":"fake-signature"}]}
            """.Trim(), Json(body["choices"]![0]!["message"]));
        Assert.Equal("""{"prompt_tokens":11,"completion_tokens":10,"total_tokens":21}""", Json(body["usage"]));
    }

    [Fact]
    public async Task OpenAIChatStream_ThinkingModel_StreamsThoughtsInExtraContentWithTheirPositions()
    {
        var (status, _, events, raw) = await _client.StreamChatAsync("""
            {"model": "tensorzero::function_name::thinker", "stream": true, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "Hi"}]}
            """);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("[DONE]", events[^1]);
        var deltas = events.Json().Select(c => Json(c["choices"]![0]!["delta"])).ToList();
        Assert.Equal(
        [
            """{"role":"assistant","tensorzero_extra_content":[{"type":"thought","insert_index":0,"id":"0","text":"The user wants an answer.","signature":null,"summary_id":null,"summary_text":null}]}""",
            """{"content":"echo","tensorzero_extra_content":[{"type":"thought","insert_index":1,"id":"signature-0","text":null,"signature":"fake-signature","summary_id":null,"summary_text":null}]}""",
            """{"content":": Hi"}""",
            "{}",
        ], deltas);
        Assert.Equal("""{"prompt_tokens":11,"completion_tokens":10,"total_tokens":21}""", Json(events.Json()[^1]["usage"]));
    }

    [Fact]
    public async Task OpenAIEmbeddings_AnswerWithoutCost()
    {
        var (status, body, raw) = await _client.PostRawAsync("/openai/v1/embeddings", """{"model": "tensorzero::embedding_model_name::embed", "input": "x"}""");

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("""{"prompt_tokens":10,"total_tokens":10}""", Json(body["usage"]));
    }
}
