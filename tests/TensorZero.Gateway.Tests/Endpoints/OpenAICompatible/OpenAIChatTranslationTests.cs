using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;

/// <summary>
/// What the OpenAI-compatible endpoint sends on: each OpenAI field checked in the request a fake OpenAI server
/// receives, with the caller's key taken from <c>tensorzero::credentials</c>.
/// </summary>
public sealed class OpenAIChatTranslationTests : IAsyncLifetime, IDisposable
{
    private const string CustomerKey = "sk-canary-customer-61d0e2a9f4";

    private FakeOpenAIServer _openai = null!;
    private GatewayFactory _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add(CustomerKey);
        _gateway = new GatewayFactory($$"""
            [models.gpt]
            routing = ["openai"]
            [models.gpt.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{_openai.BaseUrl}}"
            api_key_location = "dynamic::customer_openai_api_key"

            [functions.assistant]
            type = "chat"
            [functions.assistant.variants.gpt]
            type = "chat_completion"
            model = "gpt"
            temperature = 0.9
            """);
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    public void Dispose()
    {
        _client.Dispose();
        _gateway.Dispose();
    }

    private async Task<(JsonObject Body, JsonObject Sent)> Chat(string fields, string messages = """[{"role": "user", "content": "Hello"}]""")
    {
        var (status, body, raw) = await _client.PostChatAsync($$"""
            {"model": "tensorzero::function_name::assistant", "messages": {{messages}},
             "tensorzero::credentials": {"customer_openai_api_key": "{{CustomerKey}}"}{{(fields.Length == 0 ? "" : ", " + fields)}}}
            """);
        Assert.True(status == HttpStatusCode.OK, raw);
        return (body, _openai.Requests[^1].Body);
    }

    [Fact]
    public async Task Chat_JsonSchemaOnChatFunction_ReachesTheProviderAsStrictResponseFormat()
    {
        var (body, sent) = await Chat("""
            "response_format": {"type": "json_schema", "json_schema": {"name": "reply", "strict": true,
              "schema": {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}}}
            """);

        Assert.Equal("""
            {"type":"json_schema","json_schema":{"name":"response","strict":true,"schema":{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}}}
            """.Trim(), sent["response_format"]!.ToJsonString());
        Assert.Equal("""{"answer":"Hello"}""", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_ImageFileAndAudioParts_ReachTheProviderAsParts()
    {
        const string png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        var (_, sent) = await Chat(string.Empty, $$$"""
            [{"role": "user", "content": [
              {"type": "text", "text": "What is in these?"},
              {"type": "image_url", "image_url": {"url": "data:image/png;base64,{{{png}}}", "detail": "low"}},
              {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
              {"type": "file", "file": {"file_data": "data:application/pdf;base64,JVBERi0xLjQK", "filename": "brief.pdf"}},
              {"type": "input_audio", "input_audio": {"data": "SUQzBAAAAAAA", "format": "mp3"}}
            ]}]
            """);

        var parts = sent["messages"]![0]!["content"]!.AsArray();
        Assert.Equal(5, parts.Count);
        Assert.Equal($"data:image/png;base64,{png}", parts[1]!["image_url"]!["url"]!.GetValue<string>());
        Assert.Equal("low", parts[1]!["image_url"]!["detail"]!.GetValue<string>());
        Assert.Equal("https://example.com/cat.jpg", parts[2]!["image_url"]!["url"]!.GetValue<string>());
        Assert.Equal("file", parts[3]!["type"]!.GetValue<string>());
        Assert.Equal("data:application/pdf;base64,JVBERi0xLjQK", parts[3]!["file"]!["file_data"]!.GetValue<string>());
        Assert.Equal("brief.pdf", parts[3]!["file"]!["filename"]!.GetValue<string>());
        Assert.Equal("input_audio", parts[4]!["type"]!.GetValue<string>());
        Assert.Equal("mp3", parts[4]!["input_audio"]!["format"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_Credentials_AreSentAsTheProviderKey()
    {
        var (body, _) = await Chat(string.Empty);

        Assert.Equal("echo: Hello", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal($"Bearer {CustomerKey}", _openai.Requests[^1].Authorization);
        Assert.DoesNotContain(CustomerKey, _gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_SamplingFields_BecomeInferenceParams()
    {
        var (_, sent) = await Chat("""
            "temperature": 0.25, "top_p": 0.5, "max_tokens": 300, "max_completion_tokens": 200, "seed": 7, "stop": "END",
            "presence_penalty": 0.1, "frequency_penalty": 0.2, "reasoning_effort": "low", "service_tier": null
            """);

        Assert.Equal(0.25, sent["temperature"]!.GetValue<double>());
        Assert.Equal(0.5, sent["top_p"]!.GetValue<double>());
        Assert.Equal(200, sent["max_completion_tokens"]!.GetValue<int>());
        Assert.Equal(7, sent["seed"]!.GetValue<int>());
        Assert.Equal("""["END"]""", sent["stop"]!.ToJsonString());
        Assert.Equal(0.1, sent["presence_penalty"]!.GetValue<double>());
        Assert.Equal(0.2, sent["frequency_penalty"]!.GetValue<double>());
    }

    // Each sampling field set alone reaches the provider (the stored row writes an empty set from a shared text).
    [Theory]
    [InlineData("\"temperature\": 0.25", "temperature", "0.25")]
    [InlineData("\"top_p\": 0.5", "top_p", "0.5")]
    [InlineData("\"max_tokens\": 300", "max_completion_tokens", "300")]
    [InlineData("\"max_completion_tokens\": 200", "max_completion_tokens", "200")]
    [InlineData("\"seed\": 7", "seed", "7")]
    [InlineData("\"stop\": \"END\"", "stop", "[\"END\"]")]
    [InlineData("\"presence_penalty\": 0.1", "presence_penalty", "0.1")]
    [InlineData("\"frequency_penalty\": 0.2", "frequency_penalty", "0.2")]
    [InlineData("\"reasoning_effort\": \"low\"", "reasoning_effort", "\"low\"")]
    [InlineData("\"service_tier\": \"flex\"", "service_tier", "\"flex\"")]
    [InlineData("\"verbosity\": \"low\"", "verbosity", "\"low\"")]
    [InlineData("\"tensorzero::params\": {\"chat_completion\": {\"seed\": 11}}", "seed", "11")]
    public async Task Chat_OneSamplingFieldAlone_IsSent(string field, string sentName, string sentJson)
    {
        var (_, sent) = await Chat(field);

        Assert.Equal(sentJson, sent[sentName]?.ToJsonString());
        if (sentName != "temperature")
        {
            // The variant's own temperature still applies beside the field.
            Assert.Equal(0.9, sent["temperature"]!.GetValue<double>());
        }
    }

    [Fact]
    public async Task Chat_MaxCompletionTokensAlone_IsTheLimit()
    {
        var (_, sent) = await Chat("""
            "max_completion_tokens": 64, "stop": ["a", "b"]
            """);

        Assert.Equal(64, sent["max_completion_tokens"]!.GetValue<int>());
        Assert.Equal("""["a","b"]""", sent["stop"]!.ToJsonString());
        Assert.Equal(0.9, sent["temperature"]!.GetValue<double>());
    }

    [Fact]
    public async Task Chat_TensorZeroParams_WinOverOpenAIFields()
    {
        var (_, sent) = await Chat("""
            "temperature": 0.25, "tensorzero::params": {"chat_completion": {"temperature": 0.75, "json_mode": "on"}},
            "response_format": {"type": "text"}
            """);

        Assert.Equal(0.75, sent["temperature"]!.GetValue<double>());
        Assert.Equal("""{"type":"json_object"}""", sent["response_format"]!.ToJsonString());
    }

    [Fact]
    public async Task Chat_JsonObjectResponseFormat_TurnsJsonModeOn()
    {
        var (body, sent) = await Chat("""
            "response_format": {"type": "json_object"}
            """, """[{"role": "user", "content": "Answer in JSON"}]""");

        Assert.Equal("""{"type":"json_object"}""", sent["response_format"]!.ToJsonString());
        Assert.Equal("""{"answer":"Hello"}""", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_Messages_AreTranslatedWithSystemFirstAndToolResultsCoalesced()
    {
        var (_, sent) = await Chat(string.Empty, """
            [{"role": "system", "content": "Be terse."},
             {"role": "user", "content": "Weather in Tokyo and Paris?"},
             {"role": "developer", "content": [{"type": "text", "text": "Use Celsius."}]},
             {"role": "assistant", "content": "Checking.", "tool_calls": [
               {"id": "call_1", "type": "function", "function": {"name": "get_temperature", "arguments": "{\"location\":\"Tokyo\"}"}},
               {"id": "call_2", "type": "function", "function": {"name": "get_humidity", "arguments": "{\"location\":\"Paris\"}"}}]},
             {"role": "tool", "tool_call_id": "call_1", "content": "21"},
             {"role": "tool", "tool_call_id": "call_2", "content": [{"type": "text", "text": "40%"}]},
             {"role": "user", "content": "Thanks"}]
            """);

        Assert.Equal("""
            [{"role":"system","content":"Be terse.\nUse Celsius."},{"role":"user","content":"Weather in Tokyo and Paris?"},{"role":"assistant","content":"Checking.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_temperature","arguments":"{\"location\":\"Tokyo\"}"}},{"id":"call_2","type":"function","function":{"name":"get_humidity","arguments":"{\"location\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"21"},{"role":"tool","tool_call_id":"call_2","content":"40%"},{"role":"user","content":"Thanks"}]
            """, OpenAIClient.Json(sent["messages"]));
    }

    [Fact]
    public async Task Chat_Tools_AreOfferedWithChoiceAndParallelism()
    {
        var (body, sent) = await Chat("""
            "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather now", "strict": true,
                       "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}},
                      {"type": "function", "function": {"name": "get_time"}}],
            "tool_choice": {"type": "function", "function": {"name": "get_weather"}}, "parallel_tool_calls": false
            """);

        Assert.Equal("""
            [{"type":"function","function":{"name":"get_weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},"strict":true},{"type":"function","function":{"name":"get_time","description":"","parameters":{"type":"object","properties":{}}},"strict":false}]
            """, OpenAIClient.Json(sent["tools"]));
        Assert.Equal("""{"type":"function","function":{"name":"get_weather"}}""", OpenAIClient.Json(sent["tool_choice"]));
        Assert.False(sent["parallel_tool_calls"]!.GetValue<bool>());
        Assert.Equal("""
            {"content":null,"tool_calls":[{"id":"call_fake1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Brooklyn\"}"}}],"role":"assistant"}
            """, OpenAIClient.Json(body["choices"]![0]!["message"]));
        Assert.Equal("tool_calls", body["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("\"none\"", "\"none\"")]
    [InlineData("\"auto\"", "\"auto\"")]
    [InlineData("\"required\"", "\"required\"")]
    [InlineData("""{"type": "allowed_tools", "allowed_tools": {"mode": "required", "tools": []}}""", "\"required\"")]
    public async Task Chat_ToolChoice_IsMapped(string choice, string expected)
    {
        var (_, sent) = await Chat("""
            "tools": [{"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}}], "tool_choice":
            """ + choice);

        Assert.Equal(expected, OpenAIClient.Json(sent["tool_choice"]));
    }

    [Fact]
    public async Task Chat_ExtraBodyAndHeaders_ReachTheProvider()
    {
        var (_, sent) = await Chat("""
            "tensorzero::extra_body": [{"pointer": "/logprobs", "value": true}],
            "tensorzero::extra_headers": [{"name": "x-trace", "value": "abc", "model_name": "gpt"}]
            """);

        Assert.True(sent["logprobs"]!.GetValue<bool>());
        Assert.Equal("abc", _openai.Requests[^1].Headers["x-trace"]);
    }

    [Fact]
    public async Task Stream_ThroughOpenAIProvider_ReportsUsageWhenAsked()
    {
        var (status, _, events, _) = await _client.StreamChatAsync($$$"""
            {"model": "tensorzero::function_name::assistant", "stream": true, "stream_options": {"include_usage": true},
             "messages": [{"role": "user", "content": "Hello"}], "tensorzero::credentials": {"customer_openai_api_key": "{{{CustomerKey}}}"}}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var chunks = events.Json();
        Assert.Equal("echo: Hello", string.Concat(chunks.Select(c => c["choices"]![0]!["delta"]!["content"]?.GetValue<string>())));
        var withUsage = Assert.Single(chunks, c => c["usage"] is not null);
        Assert.Equal("""{"prompt_tokens":57,"completion_tokens":17,"total_tokens":74}""", OpenAIClient.Json(withUsage["usage"]));
        Assert.Equal("[DONE]", events[^1]);
    }
}
