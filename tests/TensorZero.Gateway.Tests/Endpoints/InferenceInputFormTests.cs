using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// Every input form TensorZero's clients send to <c>/inference</c>, current, deprecated and from 2025 clients (content
/// as an object of template arguments, text blocks with <c>arguments</c> or <c>value</c>), checked by what the model
/// receives, streamed and not; and TensorZero's texts for the forms it refuses.
/// </summary>
public sealed class InferenceInputFormTests : IAsyncLifetime, IDisposable
{
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

            [functions.assistant]
            type = "chat"
            system_schema = "schemas/system.json"
            user_schema = "schemas/user.json"
            assistant_schema = "schemas/assistant.json"
            [functions.assistant.variants.v]
            type = "chat_completion"
            model = "gpt"
            system_template = "templates/system.minijinja"
            user_template = "templates/user.minijinja"
            assistant_template = "templates/assistant.minijinja"

            [functions.plain]
            type = "chat"
            [functions.plain.variants.v]
            type = "chat_completion"
            model = "gpt"
            """, files: OpenAIInputFormTests.Files);
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    public void Dispose() => _gateway.Dispose();

    private async Task<(HttpStatusCode Status, string Raw, JsonArray? Sent)> Call(string function, string input, bool stream)
    {
        var body = $$"""{"function_name": "{{function}}", "stream": {{(stream ? "true" : "false")}}, "input": {{input}}}""";
        string raw;
        HttpStatusCode status;
        if (stream)
        {
            (status, _, _, raw) = await _client.PostStreamAsync("/inference", JsonNode.Parse(body)!);
        }
        else
        {
            (status, _, raw) = await _client.PostRawAsync("/inference", body);
        }
        return (status, raw, _openai.Requests.Count == 0 ? null : _openai.Requests[^1].Body["messages"]!.AsArray());
    }

    private static string Text(JsonNode? message) => message!["content"]!.GetValue<string>();

    [Theory]
    [InlineData("""{"country": "Japan"}""", """{"reply": "Tokyo"}""", false)]
    [InlineData("""{"country": "Japan"}""", """{"reply": "Tokyo"}""", true)]
    [InlineData("""[{"type": "text", "arguments": {"country": "Japan"}}]""", """[{"type": "text", "arguments": {"reply": "Tokyo"}}]""", false)]
    [InlineData("""[{"type": "text", "value": {"country": "Japan"}}]""", """[{"type": "text", "value": {"reply": "Tokyo"}}]""", false)]
    [InlineData("""[{"type": "text", "value": {"country": "Japan"}}]""", """[{"type": "text", "value": {"reply": "Tokyo"}}]""", true)]
    [InlineData("""[{"type": "template", "name": "user", "arguments": {"country": "Japan"}}]""", """[{"type": "template", "name": "assistant", "arguments": {"reply": "Tokyo"}}]""", false)]
    public async Task Inference_TemplateArgumentForms_RenderTheRolesTemplates(string userContent, string assistantContent, bool stream)
    {
        var (status, raw, sent) = await Call("assistant", $$"""
            {"system": {"assistant_name": "Alfred"}, "messages": [
              {"role": "user", "content": {{userContent}}},
              {"role": "assistant", "content": {{assistantContent}}},
              {"role": "user", "content": {{userContent}}}]}
            """, stream);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(["You are Alfred.", "What is the capital of Japan?", "I say: Tokyo", "What is the capital of Japan?"], sent!.Select(Text));
    }

    [Theory]
    [InlineData("\"Hi there\"", false)]
    [InlineData("""[{"type": "text", "text": "Hi there"}]""", false)]
    [InlineData("""[{"type": "text", "value": "Hi there"}]""", false)]
    [InlineData("""[{"type": "text", "value": "Hi there"}]""", true)]
    [InlineData("""[{"type": "raw_text", "value": "Hi there"}]""", false)]
    public async Task Inference_TextForms_ReachTheModelAsText(string content, bool stream)
    {
        var (status, raw, sent) = await Call("plain", $$"""{"system": "Be brief.", "messages": [{"role": "user", "content": {{content}}}]}""", stream);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("Be brief.", Text(sent![0]));
        var user = sent[1]!["content"]!;
        Assert.Equal("Hi there", user is JsonArray parts ? Assert.Single(parts)!["text"]!.GetValue<string>() : user.GetValue<string>());
        Assert.Contains(stream ? "data: [DONE]" : "echo: Hi there", raw, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("assistant", """{"system": {"assistant_name": "A"}, "messages": [{"role": "user", "content": [{"type": "text", "text": "x", "arguments": {"country": "Japan"}}]}]}""",
        "`input.messages[0].content[0]`: Expected exactly one other key in text content, found 2 other keys")]
    [InlineData("plain", """{"messages": [{"role": "user", "content": [{"type": "text"}]}]}""",
        "`input.messages[0].content[0]`: Expected exactly one other key in text content, found 0 other keys")]
    [InlineData("plain", """{"messages": [{"role": "user", "content": [{"type": "text", "words": "x"}]}]}""",
        "`input.messages[0].content[0]`: Unknown key `words` in text content")]
    [InlineData("plain", """{"messages": [{"role": "user", "content": [{"type": "text", "value": 5}]}]}""",
        "`input.messages[0].content[0].value`: must be a string or an object of template arguments")]
    [InlineData("plain", """{"messages": [{"role": "user", "content": [{"type": "text", "text": {"country": "Japan"}}]}]}""",
        "`input.messages[0].content[0].text`: must be a string")]
    [InlineData("plain", """{"messages": [{"role": "user", "content": {"country": "Japan"}}]}""",
        "Message at index 0 has non-string content but there is no template `user` in any variant")]
    [InlineData("plain", """{"system": {"assistant_name": "A"}, "messages": []}""",
        "System message has non-string content but there is no template `system` in any variant")]
    [InlineData("plain", """{"messages": [{"content": "Hi"}]}""", "input.messages[0]: missing field `role`")]
    [InlineData("plain", """{"messages": [{"role": 5, "content": "Hi"}]}""", "`input.messages[0].role`: must be a string")]
    public async Task Inference_InvalidInputForm_Returns400WithTensorZerosText(string function, string input, string expected)
    {
        var (status, raw, _) = await Call(function, input, stream: false);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(expected, JsonNode.Parse(raw)!["error"]!.GetValue<string>());
        Assert.Empty(_openai.Requests);
    }

    [Theory]
    [InlineData("""{"system": "You are Alfred.", "messages": []}""", "input.system", true)]
    [InlineData("""{"system": {"assistant_name": 7}, "messages": []}""", "input.system", false)]
    [InlineData("""{"system": {"assistant_name": "A"}, "messages": [{"role": "user", "content": "What is the capital of Japan?"}]}""", "input.messages[0]", true)]
    [InlineData("""{"system": {"assistant_name": "A"}, "messages": [{"role": "user", "content": {"country": 5}}]}""", "input.messages[0]", false)]
    [InlineData("""{"system": {"assistant_name": "A"}, "messages": [{"role": "assistant", "content": [{"type": "text", "value": "Tokyo"}]}]}""", "input.messages[0]", true)]
    public async Task Inference_InputAgainstTheFunctionsSchemas_FailsJsonSchemaValidation(string input, string field, bool plainText)
    {
        foreach (var stream in new[] { false, true })
        {
            var (status, raw, _) = await Call("assistant", input, stream);

            Assert.Equal(HttpStatusCode.BadRequest, status);
            var message = JsonNode.Parse(raw)!["error"]!.GetValue<string>();
            Assert.StartsWith($"JSON Schema validation failed for `{field}`:\n", message, StringComparison.Ordinal);
            Assert.Equal(plainText, message.EndsWith($"(`{field}` is plain text, but the function has a schema for it: send template arguments instead)", StringComparison.Ordinal));
        }
        Assert.Empty(_openai.Requests);
    }

    [Fact]
    public async Task Inference_UnknownFunction_WithTemplateArguments_Returns404()
    {
        var (status, raw, _) = await Call("nope", """{"system": {"assistant_name": "A"}, "messages": [{"role": "user", "content": {"country": "Japan"}}]}""", stream: false);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Unknown function: nope", JsonNode.Parse(raw)!["error"]!.GetValue<string>());
    }
}
