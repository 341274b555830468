using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>Schemas and templates: arguments are validated against the function's schemas and rendered with the variant's templates.</summary>
public sealed class InferenceTemplateTests : IAsyncLifetime, IDisposable
{
    private FakeOpenAIServer _openai = null!;
    private GatewayFactory _gateway = null!;

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
            [functions.assistant.schemas.greeting]
            path = "schemas/greeting.json"
            [functions.assistant.variants.v]
            type = "chat_completion"
            model = "gpt"
            system_template = "templates/system.minijinja"
            user_template = "templates/user.minijinja"
            [functions.assistant.variants.v.templates.greeting]
            path = "templates/greeting.minijinja"

            [functions.wrapped]
            type = "chat"
            [functions.wrapped.variants.v]
            type = "chat_completion"
            model = "gpt"
            system_template = "templates/wrap_system.minijinja"
            user_template = "templates/wrap_user.minijinja"

            [functions.legacy_wrapped]
            type = "chat"
            [functions.legacy_wrapped.variants.v]
            type = "chat_completion"
            model = "gpt"
            input_wrappers.system = "templates/wrap_system.minijinja"
            input_wrappers.user = "templates/wrap_user.minijinja"
            """, files: new Dictionary<string, string>
        {
            ["schemas/system.json"] = """{"type":"object","properties":{"assistant_name":{"type":"string"}},"required":["assistant_name"]}""",
            ["schemas/user.json"] = """{"type":"object","properties":{"documents":{"type":"array","items":{"type":"string"}},"question":{"type":"string"}},"required":["documents","question"]}""",
            ["schemas/greeting.json"] = """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""",
            ["templates/system.minijinja"] = "You are a helpful assistant named {{ assistant_name }}.\n",
            ["templates/user.minijinja"] = "{% for doc in documents %}[{{ loop.index }}] {{ doc }}\n{% endfor %}Question: {{ question }}",
            ["templates/greeting.minijinja"] = "Say hello to {{ name | title }}.",
            ["templates/wrap_system.minijinja"] = "Policy: be brief. {{ system_text }}",
            ["templates/wrap_user.minijinja"] = "<<{{ user_text }}>>",
        });
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    public void Dispose() => _gateway.Dispose();

    private JsonArray SentMessages() => _openai.Requests[^1].Body["messages"]!.AsArray();

    [Fact]
    public async Task Arguments_AreRenderedWithTheVariantsTemplates()
    {
        var (status, _, raw) = await _gateway.CreateClient().PostRawAsync("/inference", """
            {"function_name":"assistant","input":{
              "system":{"assistant_name":"Kai"},
              "messages":[
                {"role":"user","content":[{"type":"text","arguments":{"documents":["a.txt","b.txt"],"question":"Which?"}}]},
                {"role":"assistant","content":"Both."},
                {"role":"user","content":[{"type":"template","name":"greeting","arguments":{"name":"ada lovelace"}},{"type":"raw_text","value":"{{ not a template }}"}]}
              ]}}
            """);

        Assert.True(status == HttpStatusCode.OK, raw);
        var messages = SentMessages();
        Assert.Equal("You are a helpful assistant named Kai.", messages[0]!["content"]!.GetValue<string>());
        Assert.Equal("[1] a.txt\n[2] b.txt\nQuestion: Which?", messages[1]!["content"]!.GetValue<string>());
        Assert.Equal("Both.", messages[2]!["content"]!.GetValue<string>());
        Assert.Equal("""[{"type":"text","text":"Say hello to Ada Lovelace."},{"type":"text","text":"{{ not a template }}"}]""",
            messages[3]!["content"]!.ToJsonString());
    }

    [Fact]
    public async Task PlainText_WithTemplateButNoSchema_IsPassedAsRoleText()
    {
        var (status, _, raw) = await _gateway.CreateClient().PostRawAsync("/inference", """
            {"function_name":"wrapped","input":{"system":"Mind the user.","messages":[{"role":"user","content":"hi"}]}}
            """);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("Policy: be brief. Mind the user.", SentMessages()[0]!["content"]!.GetValue<string>());
        Assert.Equal("<<hi>>", SentMessages()[1]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task PlainText_WithInputWrappers_IsWrappedAsWithRoleTemplates()
    {
        var (status, _, raw) = await _gateway.CreateClient().PostRawAsync("/inference", """
            {"function_name":"legacy_wrapped","input":{"system":"Mind the user.","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"ok"}]}}
            """);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("Policy: be brief. Mind the user.", SentMessages()[0]!["content"]!.GetValue<string>());
        Assert.Equal("<<hi>>", SentMessages()[1]!["content"]!.GetValue<string>());
        Assert.Equal("ok", SentMessages()[2]!["content"]!.GetValue<string>());
        Assert.DoesNotContain(_gateway.Logs.Lines, l => l.Contains("input_wrappers", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"system":{"assistant_name":7},"messages":[]}""", "JSON Schema validation failed for `input.system`:")]
    [InlineData("""{"messages":[]}""", "`input.system` is empty but a system template is present.")]
    [InlineData("""{"system":"plain","messages":[]}""", "JSON Schema validation failed for `input.system`:")]
    [InlineData("""{"system":{"assistant_name":"K"},"messages":[{"role":"user","content":"plain"}]}""", "JSON Schema validation failed for `input.messages[0]`:")]
    [InlineData("""{"system":{"assistant_name":"K"},"messages":[{"role":"user","content":[{"type":"text","arguments":{"documents":[]}}]}]}""", "JSON Schema validation failed for `input.messages[0]`:")]
    [InlineData("""{"system":{"assistant_name":"K"},"messages":[{"role":"user","content":[{"type":"template","name":"farewell","arguments":{}}]}]}""", "Message at index 0 has non-string content but there is no template `farewell` in any variant")]
    public async Task BadArguments_Return400(string input, string messageStart)
    {
        var (status, body, _) = await _gateway.CreateClient().PostRawAsync("/inference", $$"""{"function_name":"assistant","input":{{input}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(messageStart, body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_openai.Requests);
    }
}
