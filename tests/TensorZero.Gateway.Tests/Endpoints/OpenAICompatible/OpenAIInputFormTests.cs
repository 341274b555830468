using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;

/// <summary>
/// Every way TensorZero's clients pass system prompts and template arguments through <c>/openai/v1</c> (current forms,
/// deprecated ones, and several system or developer messages), checked by what the model receives, streamed and not.
/// </summary>
public sealed class OpenAIInputFormTests : IAsyncLifetime, IDisposable
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
            """, files: Files);
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    public void Dispose() => _gateway.Dispose();

    public static readonly Dictionary<string, string> Files = new()
    {
        ["schemas/system.json"] = """{"type":"object","properties":{"assistant_name":{"type":"string"}},"required":["assistant_name"]}""",
        ["schemas/user.json"] = """{"type":"object","properties":{"country":{"type":"string"}},"required":["country"]}""",
        ["schemas/assistant.json"] = """{"type":"object","properties":{"reply":{"type":"string"}},"required":["reply"]}""",
        ["templates/system.minijinja"] = "You are {{ assistant_name }}.",
        ["templates/user.minijinja"] = "What is the capital of {{ country }}?",
        ["templates/assistant.minijinja"] = "I say: {{ reply }}",
    };

    private const string Prefix = "Invalid request to OpenAI-compatible endpoint: ";

    private const string UserArguments = """[{"type": "tensorzero::template", "name": "user", "arguments": {"country": "Japan"}}]""";

    /// <summary>Calls the endpoint, streamed or not, and returns the status and the messages the model received.</summary>
    private async Task<(HttpStatusCode Status, string Raw, JsonArray? Sent)> Call(string function, string messages, bool stream)
    {
        var body = $$"""{"model": "tensorzero::function_name::{{function}}", "stream": {{(stream ? "true" : "false")}}, "messages": {{messages}}}""";
        var (status, raw) = stream
            ? await StreamRaw(body)
            : await PostRaw(body);
        return (status, raw, _openai.Requests.Count == 0 ? null : _openai.Requests[^1].Body["messages"]!.AsArray());
    }

    private async Task<(HttpStatusCode, string)> PostRaw(string body)
    {
        var (status, _, raw) = await _client.PostChatAsync(body);
        return (status, raw);
    }

    private async Task<(HttpStatusCode, string)> StreamRaw(string body)
    {
        var (status, _, _, raw) = await _client.StreamChatAsync(body);
        return (status, raw);
    }

    private static string Text(JsonNode? message) => message!["content"]!.GetValue<string>();

    public static TheoryData<string, string, bool> SystemTemplateForms()
    {
        var forms = new[]
        {
            """[{"assistant_name": "Alfred"}]""",
            """[{"type": "text", "tensorzero::arguments": {"assistant_name": "Alfred"}}]""",
            """[{"type": "tensorzero::template", "name": "system", "arguments": {"assistant_name": "Alfred"}}]""",
            // TensorZero takes the arguments of any template part as the system template's, whatever its name.
            """[{"type": "tensorzero::template", "name": "whatever", "arguments": {"assistant_name": "Alfred"}}]""",
        };
        var data = new TheoryData<string, string, bool>();
        foreach (var form in forms)
        {
            foreach (var role in new[] { "system", "developer" })
            {
                data.Add(role, form, false);
                data.Add(role, form, true);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SystemTemplateForms))]
    public async Task Chat_SystemTemplateArguments_RenderTheSystemTemplate(string role, string content, bool stream)
    {
        var (status, raw, sent) = await Call("assistant", $$"""
            [{"role": "{{role}}", "content": {{content}}}, {"role": "user", "content": {{UserArguments}}}]
            """, stream);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("You are Alfred.", Text(sent![0]));
        Assert.Equal("What is the capital of Japan?", Text(sent[1]));
    }

    [Theory]
    [InlineData("""{"country": "Japan"}""", """{"reply": "Tokyo"}""", false)]
    [InlineData("""{"country": "Japan"}""", """{"reply": "Tokyo"}""", true)]
    [InlineData("""{"type": "text", "tensorzero::arguments": {"country": "Japan"}}""", """{"type": "text", "tensorzero::arguments": {"reply": "Tokyo"}}""", false)]
    [InlineData("""{"type": "text", "tensorzero::arguments": {"country": "Japan"}}""", """{"type": "text", "tensorzero::arguments": {"reply": "Tokyo"}}""", true)]
    [InlineData("""{"type": "tensorzero::template", "name": "user", "arguments": {"country": "Japan"}}""", """{"type": "tensorzero::template", "name": "assistant", "arguments": {"reply": "Tokyo"}}""", false)]
    public async Task Chat_UserAndAssistantTemplateArguments_RenderTheirRolesTemplates(string userPart, string assistantPart, bool stream)
    {
        var (status, raw, sent) = await Call("assistant", $$"""
            [{"role": "system", "content": [{"assistant_name": "Alfred"}]},
             {"role": "user", "content": [{{userPart}}]},
             {"role": "assistant", "content": [{{assistantPart}}]},
             {"role": "user", "content": [{{userPart}}]}]
            """, stream);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(["You are Alfred.", "What is the capital of Japan?", "I say: Tokyo", "What is the capital of Japan?"],
            sent!.Select(Text));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chat_SeveralSystemAndDeveloperMessages_AreJoinedWithNewlinesAndMovedFirst(bool stream)
    {
        var (status, raw, sent) = await Call("plain", """
            [{"role": "system", "content": "Be brief."},
             {"role": "developer", "content": [{"type": "text", "text": "Answer in French."}, {"type": "tensorzero::raw_text", "value": "No {{ templates }}."}]},
             {"role": "user", "content": "Hi"},
             {"role": "system", "content": [{"type": "text", "text": "Sign as Bob."}]}]
            """, stream);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("system", sent![0]!["role"]!.GetValue<string>());
        Assert.Equal("Be brief.\nAnswer in French.\nNo {{ templates }}.\nSign as Bob.", Text(sent[0]));
        Assert.Equal("Hi", Text(sent[1]));
        Assert.Equal(2, sent.Count);
        Assert.Contains(_gateway.Logs.Lines, l => l.StartsWith("Multiple system messages provided. They will be concatenated and moved to the start of the conversation.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chat_SystemMessageAfterUser_IsMovedFirstWithAWarning()
    {
        var (status, raw, sent) = await Call("assistant", $$"""
            [{"role": "user", "content": {{UserArguments}}}, {"role": "developer", "content": [{"assistant_name": "Alfred"}]}]
            """, stream: false);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(["You are Alfred.", "What is the capital of Japan?"], sent!.Select(Text));
        Assert.Contains(_gateway.Logs.Lines, l => l.StartsWith("Moving system message to the start of the conversation.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chat_UntypedArguments_LogADeprecationWarning()
    {
        var (status, raw, _) = await Call("assistant", """
            [{"role": "system", "content": [{"assistant_name": "Alfred"}]}, {"role": "user", "content": [{"type": "text", "tensorzero::arguments": {"country": "Japan"}}]}]
            """, stream: false);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Contains(_gateway.Logs.Lines, l => l.Contains("a content block without `type` at `messages[0].content[0]`", StringComparison.Ordinal));
        Assert.Contains(_gateway.Logs.Lines, l => l.Contains("`tensorzero::arguments` in text content blocks is deprecated (at `messages[1].content[0]`)", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, HttpStatusCode, string> Rejections => new()
    {
        {
            "assistant", """[{"role": "system", "content": "Hi"}, {"role": "system", "content": [{"assistant_name": "A"}]}]""",
            HttpStatusCode.BadRequest, Prefix + "System message cannot contain template with other content"
        },
        {
            "assistant", """[{"role": "system", "content": [{"assistant_name": "A"}, {"assistant_name": "B"}]}]""",
            HttpStatusCode.BadRequest, Prefix + "System message cannot contain template with other content"
        },
        {
            "assistant", """[{"role": "system", "content": [{"assistant_name": "A"}]}, {"role": "developer", "content": "Hi"}]""",
            HttpStatusCode.BadRequest, Prefix + "Cannot add text after template system message"
        },
        {
            "assistant", """[{"role": "system", "content": [{"type": "image_url", "image_url": {"url": "https://example.com/image.jpg"}}]}]""",
            HttpStatusCode.BadRequest,
            Prefix + "System message must contain only text or template content blocks (`messages[0].content[0]` is neither).\n" +
            Prefix + "System message must be a text content block"
        },
        {
            "plain", """[{"role": "user", "content": [{"type": "text", "text": "x", "tensorzero::arguments": {}}]}]""",
            HttpStatusCode.BadRequest,
            Prefix + "Invalid TensorZero content block: Only one of `text` or `tensorzero::arguments` can be set when using `\"type\": \"text\"` (at `messages[0].content[0]`)"
        },
        {
            "plain", """[{"role": "user", "content": [{"type": "text"}]}]""",
            HttpStatusCode.BadRequest,
            Prefix + "Invalid content block: Either `text` or `tensorzero::arguments` must be set when using `\"type\": \"text\"` (at `messages[0].content[0]`)"
        },
        {
            "plain", """[{"role": "user", "content": [{"type": "text", "text": 5}]}]""",
            HttpStatusCode.BadRequest,
            Prefix + "Invalid content block: `text` must be a string when using `\"type\": \"text\"` (at `messages[0].content[0]`)"
        },
        {
            "plain", """[{"role": "user", "content": [{"type": "text", "tensorzero::arguments": "x"}]}]""",
            HttpStatusCode.BadRequest,
            Prefix + "Invalid TensorZero content block: `tensorzero::arguments` must be an object when using `\"type\": \"text\"` (at `messages[0].content[0]`)"
        },
        {
            "plain", """[{"role": "user", "content": [{"tensorzero::arguments": {"country": "Japan"}}]}]""",
            HttpStatusCode.BadRequest, Prefix + "Invalid TensorZero content block: missing field `type` (at `messages[0].content[0]`)"
        },
        {
            "plain", """[{"role": "user", "content": [{"type": "xml", "xml": "<a/>"}]}]""",
            HttpStatusCode.BadRequest,
            Prefix + "Invalid content block: unknown variant `xml`, expected one of `text`, `image_url`, `file`, `input_audio`, `tensorzero::raw_text`, `tensorzero::template` (at `messages[0].content[0]`)"
        },
        {
            "plain", """[{"role": "user", "content": ["Hi", 5]}]""",
            HttpStatusCode.BadRequest, Prefix + "Content block `\"Hi\"` is not an object"
        },
        {
            "plain", """[{"role": "user", "content": [{"type": "tensorzero::template", "arguments": {}}]}]""",
            HttpStatusCode.BadRequest, Prefix + "Invalid content block: missing field `name` (at `messages[0].content[0]`)"
        },
        {
            "plain", """[{"role": "user", "content": [{"type": "tensorzero::template", "name": "user"}]}]""",
            HttpStatusCode.BadRequest, Prefix + "Invalid content block: missing field `arguments` (at `messages[0].content[0]`)"
        },
        {
            "plain", """[{"role": "user", "content": [{"type": "tensorzero::raw_text", "value": "x", "extra": 1}]}]""",
            HttpStatusCode.BadRequest, Prefix + "Invalid content block: unknown field `extra`, expected `value` (at `messages[0].content[0]`)"
        },
        {
            "plain", """[{"role": "user", "content": [{"type": "file", "file": {"file_data": "aGVsbG8="}}]}]""",
            HttpStatusCode.BadRequest,
            Prefix + "Expected a base64-encoded data URL with MIME type (e.g. `data:image/png;base64,SGVsbG8sIFdvcmxkIQ==`), but got a value without the `data:` prefix. (at `messages[0].content[0].file.file_data`)"
        },
        {
            "plain", """[{"role": "user", "content": [{"type": "file", "file": {"file_data": "data:application/pdf,aGVsbG8="}}]}]""",
            HttpStatusCode.BadRequest,
            Prefix + "Expected a base64-encoded data URL with MIME type (e.g. `data:image/png;base64,SGVsbG8sIFdvcmxkIQ==`), but got a value without the `;base64,` separator. (at `messages[0].content[0].file.file_data`)"
        },
        {
            "plain", """[{"role": "system", "content": [{"assistant_name": "A"}]}]""",
            HttpStatusCode.BadRequest, "System message has non-string content but there is no template `system` in any variant"
        },
        {
            "plain", """[{"role": "user", "content": [{"country": "Japan"}]}]""",
            HttpStatusCode.BadRequest, "Message at index 0 has non-string content but there is no template `user` in any variant"
        },
        {
            "plain", """[{"role": "system"}]""", HttpStatusCode.BadRequest, "messages[0]: missing field `content`"
        },
        {
            "plain", """[{"content": "Hi"}]""", HttpStatusCode.BadRequest, "messages[0]: missing field `role`"
        },
        {
            "nope", """[{"role": "system", "content": [{"assistant_name": "A"}]}, {"role": "user", "content": [{"country": "Japan"}]}]""",
            HttpStatusCode.NotFound, "Unknown function: nope"
        },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Chat_InvalidInputForm_AnswersTensorZerosStatusAndText(string function, string messages, HttpStatusCode expectedStatus, string expected)
    {
        var (status, body, _) = await _client.PostChatAsync($$"""{"model": "tensorzero::function_name::{{function}}", "messages": {{messages}}}""");

        Assert.Equal(expectedStatus, status);
        Assert.Equal(expected, OpenAIClient.ErrorMessage(body));
        Assert.Empty(_openai.Requests);
    }

    [Theory]
    [InlineData("""[{"role": "system", "content": "You are Alfred."}, {"role": "user", "content": [{"country": "Japan"}]}]""", "input.system")]
    [InlineData("""[{"role": "system", "content": [{"assistant_name": 7}]}, {"role": "user", "content": [{"country": "Japan"}]}]""", "input.system")]
    [InlineData("""[{"role": "system", "content": [{"assistant_name": "A"}]}, {"role": "user", "content": "What is the capital of Japan?"}]""", "input.messages[0]")]
    [InlineData("""[{"role": "system", "content": [{"assistant_name": "A"}]}, {"role": "user", "content": [{"type": "text", "text": "Hi"}, {"country": "Japan"}]}]""", "input.messages[0]")]
    public async Task Chat_InputAgainstTheFunctionsSchemas_FailsJsonSchemaValidation(string messages, string field)
    {
        foreach (var stream in new[] { false, true })
        {
            var (status, body, _) = await _client.PostChatAsync(
                $$"""{"model": "tensorzero::function_name::assistant", "stream": {{(stream ? "true" : "false")}}, "messages": {{messages}}}""");

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.StartsWith($"JSON Schema validation failed for `{field}`:\n", OpenAIClient.ErrorMessage(body), StringComparison.Ordinal);
        }
        Assert.Empty(_openai.Requests);
    }
}
