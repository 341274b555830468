using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Inference.Variants;

/// <summary>
/// <c>experimental_chain_of_thought</c>: the model is asked for its thinking and the answer, and the client gets the
/// answer. The dummy's <c>json_cot</c> model answers <c>{"thinking":"hmmm", "response": {"answer":"tokyo!"}}</c>; a fake
/// OpenAI server shows the schema the model is asked to follow.
/// </summary>
public sealed class ChainOfThoughtTests : IAsyncLifetime, IDisposable
{
    private const string OutputSchema = """{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"],"additionalProperties":false}""";

    private FakeOpenAIServer _openai = null!;
    private GatewayFactory _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _gateway = new GatewayFactory($$"""
            [models.gpt]
            routing = ["openai"]
            [models.gpt.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{_openai.BaseUrl}}"
            api_key_location = "none"

            [functions.extract]
            type = "json"
            output_schema = "output_schema.json"

            [functions.extract.variants.cot]
            type = "experimental_chain_of_thought"
            model = "dummy::json_cot"
            json_mode = "strict"

            [functions.extract.variants.cot_tool]
            type = "experimental_chain_of_thought"
            model = "dummy::json_cot"
            json_mode = "tool"
            weight = 0

            [functions.extract.variants.asked]
            type = "experimental_chain_of_thought"
            model = "gpt"
            json_mode = "strict"
            temperature = 0.25
            weight = 0
            """, files: new Dictionary<string, string> { ["output_schema.json"] = OutputSchema });
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    public void Dispose() => _gateway.Dispose();

    private Task<(HttpStatusCode Status, JsonObject Body, string Raw)> Infer(string variant) =>
        _client.PostInferenceAsync(new { function_name = "extract", variant_name = variant, input = GatewayClient.UserMessage("Capital of Japan?") });

    [Theory]
    [InlineData("cot")]
    [InlineData("cot_tool")]
    public async Task Inference_ThinkingAndResponse_AnswersWithTheResponseOnly(string variant)
    {
        var (status, body, raw) = await Infer(variant);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("""{"answer":"tokyo!"}""", body["output"]!["raw"]!.GetValue<string>());
        Assert.Equal("tokyo!", body["output"]!["parsed"]!["answer"]!.GetValue<string>());
        Assert.Equal(variant, body["variant_name"]!.GetValue<string>());
        Assert.Equal(10, body["usage"]!["input_tokens"]!.GetValue<long>());
    }

    [Fact]
    public async Task Inference_ModelRequest_AsksForThinkingThenTheFunctionsOutput()
    {
        var (status, body, raw) = await Infer("asked");

        Assert.True(status == HttpStatusCode.OK, raw);
        var request = Assert.Single(_openai.Requests).Body;
        var schema = request["response_format"]!["json_schema"]!["schema"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {
              "type": "object",
              "properties": {
                "thinking": { "type": "string", "description": "A detailed description of the thought process used to arrive at the final answer." },
                "response": {{OutputSchema}}
              },
              "required": ["thinking", "response"],
              "additionalProperties": false
            }
            """.Replace("{{OutputSchema}}", OutputSchema, StringComparison.Ordinal)), schema), schema.ToJsonString());
        Assert.Equal(0.25, request["temperature"]!.GetValue<double>());
        // The fake's answer has no thinking: it is passed on as the model gave it.
        Assert.Equal("""{"answer":"Hello"}""", body["output"]!["raw"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stream_ChainOfThought_SendsTheResponseWholeThenUsage()
    {
        var (status, _, events, raw) = await _client.PostStreamAsync("/inference", new
        {
            function_name = "extract",
            variant_name = "cot",
            stream = true,
            input = GatewayClient.UserMessage("Capital of Japan?"),
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events.Json();
        Assert.Equal(2, chunks.Count);
        Assert.Equal("""{"answer":"tokyo!"}""", chunks[0]["raw"]!.GetValue<string>());
        Assert.Equal(10, chunks[1]["usage"]!["input_tokens"]!.GetValue<long>());
        Assert.Equal("stop", chunks[1]["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenAIChat_ChainOfThought_AnswersWithTheResponse()
    {
        var (status, body, raw) = await _client.PostInferenceAsyncAt("/openai/v1/chat/completions", new Dictionary<string, object>
        {
            ["model"] = "tensorzero::function_name::extract",
            ["tensorzero::variant_name"] = "cot",
            ["messages"] = new[] { new { role = "user", content = "Capital of Japan?" } },
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("""{"answer":"tokyo!"}""", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenAIChatStream_ChainOfThought_StreamsTheResponse()
    {
        var (status, _, events, raw) = await _client.PostStreamAsync("/openai/v1/chat/completions", new Dictionary<string, object>
        {
            ["model"] = "tensorzero::function_name::extract",
            ["tensorzero::variant_name"] = "cot",
            ["stream"] = true,
            ["messages"] = new[] { new { role = "user", content = "Capital of Japan?" } },
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        var text = string.Concat(events.Json().Select(c => c["choices"]!.AsArray().FirstOrDefault()?["delta"]?["content"]?.GetValue<string>()));
        Assert.Equal("""{"answer":"tokyo!"}""", text);
    }
}
