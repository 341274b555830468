using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// Input that used to reach a provider call and fail there with a 500 is a 400 naming the field, before any provider
/// is called: strings that aren't text (lone surrogates, bytes that aren't UTF-8), huge credential values, header
/// names and values HttpClient can't send, non-finite numbers.
/// </summary>
public sealed class RequestInputValidationTests : IAsyncLifetime, IDisposable
{
    private const string Key = "sk-canary-input-51c3e08a7f";
    private FakeOpenAIServer _openai = null!;
    private GatewayFactory _gateway = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add(Key);
        _gateway = new GatewayFactory($$"""
            [models.gpt]
            routing = ["openai"]
            [models.gpt.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{_openai.BaseUrl}}"
            api_key_location = "dynamic::openai_key"

            [embedding_models.small]
            routing = ["openai"]
            [embedding_models.small.providers.openai]
            type = "openai"
            model_name = "text-embedding-3-small"
            api_base = "{{_openai.BaseUrl}}"
            api_key_location = "dynamic::openai_key"
            """);
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    public void Dispose() => _gateway.Dispose();

    private static string Inference(string content = "\"hi\"", string extra = "") =>
        $$"""{"model_name":"gpt","input":{"messages":[{"role":"user","content":{{content}}}]},"credentials":{"openai_key":"{{Key}}"}{{extra}}}""";

    public static TheoryData<string, string> LoneSurrogates() => new()
    {
        { Inference("\"a\\ud800b\""), "`input.messages[0].content`: is not valid Unicode text" },
        { Inference("\"\\udc00\""), "`input.messages[0].content`: is not valid Unicode text" },
        { Inference("[{\"type\":\"text\",\"text\":\"\\uD83D\"}]"), "`input.messages[0].content[0].text`: is not valid Unicode text" },
        { Inference(extra: ",\"tags\":{\"a\":\"\\ud800\"}"), "`tags.a`: is not valid Unicode text" },
        { Inference(extra: ",\"tags\":{\"\\ud800\":\"a\"}"), "`tags`: has a property name that is not valid Unicode text" },
        { Inference(extra: ",\"additional_tools\":[{\"name\":\"t\",\"description\":\"d\",\"parameters\":{\"type\":\"object\",\"description\":\"\\ud800\"}}]"),
            "`additional_tools[0].parameters.description`: is not valid Unicode text" },
        { "{\"\\ud800\":1}", "the request body: has a property name that is not valid Unicode text" },
        { "\"\\ud800\"", "the request body: is not valid Unicode text" },
    };

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public async Task Inference_LoneSurrogate_Is400NamingTheField(string json, string problem)
    {
        var (status, body, _) = await _gateway.CreateClient().PostRawAsync("/inference", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"{problem} (a lone surrogate escape such as `\\ud800`, or bytes that are not UTF-8)", body["error"]!.GetValue<string>());
        Assert.Empty(_openai.Requests);
    }

    [Theory]
    [InlineData("/inference", "credentials")]
    [InlineData("/openai/v1/chat/completions", "tensorzero::credentials")]
    [InlineData("/openai/v1/embeddings", "tensorzero::credentials")]
    public async Task JsonRoutes_LoneSurrogateInCredential_Is400NamingTheKeyOnly(string path, string field)
    {
        var json = path switch
        {
            "/inference" => """{"model_name":"gpt","input":{"messages":[]},"credentials":{"openai_key":"sk-x\ud800y"}}""",
            "/openai/v1/embeddings" => """{"model":"tensorzero::embedding_model_name::small","input":"a","tensorzero::credentials":{"openai_key":"sk-x\ud800y"}}""",
            _ => """{"model":"tensorzero::model_name::gpt","messages":[{"role":"user","content":"hi"}],"tensorzero::credentials":{"openai_key":"sk-x\ud800y"}}""",
        };

        using var response = await _gateway.CreateClient().PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var raw = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"`{field}.openai_key`: is not valid Unicode text", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-x", raw, StringComparison.Ordinal);
        Assert.Empty(_openai.Requests);
    }

    [Fact]
    public async Task Inference_BytesThatAreNotUtf8_Is400NamingTheField()
    {
        var json = Encoding.UTF8.GetBytes(Inference("\"caf\u00e9\""));
        var at = Array.IndexOf(json, (byte)0xC3);
        json[at] = 0xFF;
        using var content = new ByteArrayContent(json);
        content.Headers.ContentType = new("application/json");

        using var response = await _gateway.CreateClient().PostAsync("/inference", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("`input.messages[0].content`: is not valid Unicode text", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_SurrogatePairEscape_IsText()
    {
        var (status, _, raw) = await _gateway.CreateClient().PostRawAsync("/inference", Inference("\"smile \\ud83d\\ude00\""));

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("smile \U0001F600", FakeAnswer.LastUserText(Assert.Single(_openai.Requests).Body));
    }

    [Theory]
    [InlineData("/inference")]
    [InlineData("/openai/v1/chat/completions")]
    [InlineData("/openai/v1/embeddings")]
    public async Task JsonRoutes_CredentialAtTheLimit_IsForwarded(string path)
    {
        _openai.ValidKeys.Add(new string('k', 8192));

        var (status, _, raw) = await _gateway.CreateClient().PostRawAsync(path, WithCredential(path, new string('k', 8192)));

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(new string('k', 8192), Assert.Single(_openai.Requests).ApiKey);
    }

    [Theory]
    [InlineData("/inference", "credentials", 8193)]
    [InlineData("/inference", "credentials", 100_000)]
    [InlineData("/openai/v1/chat/completions", "tensorzero::credentials", 1_000_000)]
    [InlineData("/openai/v1/embeddings", "tensorzero::credentials", 8193)]
    public async Task JsonRoutes_CredentialOverTheLimit_Is400NamingTheKey(string path, string field, int length)
    {
        var (status, _, raw) = await _gateway.CreateClient().PostRawAsync(path, WithCredential(path, new string('k', length)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"`{field}.openai_key`: is longer than 8192 characters, the limit for a credential value", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("kkkk", raw, StringComparison.Ordinal);
        Assert.Empty(_openai.Requests);
    }

    [Theory]
    [InlineData("""{"name":"Expires","value":"0"}""", "`extra_headers[0].name`: `Expires` describes the request body, which the gateway sets itself")]
    [InlineData("""{"name":"Content-Encoding","delete":true}""", "`extra_headers[0].name`: `Content-Encoding` describes the request body, which the gateway sets itself")]
    [InlineData("""{"name":"Bad Name:","value":"0"}""", "`extra_headers[0].name`: is not a valid header name")]
    [InlineData("""{"name":"X-A","value":"caf\u00e9"}""", "`extra_headers[0].value`: must be printable ASCII (no control characters or non-ASCII letters)")]
    [InlineData("""{"name":"X-A","value":"a\u0007b"}""", "`extra_headers[0].value`: must be printable ASCII (no control characters or non-ASCII letters)")]
    public async Task Inference_ExtraHeaderThatCantBeSent_Is400(string item, string message)
    {
        var (status, body, _) = await _gateway.CreateClient().PostRawAsync("/inference", Inference(extra: $",\"extra_headers\":[{item}]"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, body["error"]!.GetValue<string>());
        Assert.Empty(_openai.Requests);
    }

    [Fact]
    public async Task ChatCompletions_ExtraHeaderThatCantBeSent_Is400InOpenAIShape()
    {
        var (status, body, _) = await _gateway.CreateClient().PostRawAsync("/openai/v1/chat/completions", $$"""
            {"model":"tensorzero::model_name::gpt","messages":[{"role":"user","content":"hi"}],"tensorzero::credentials":{"openai_key":"{{Key}}"},
             "tensorzero::extra_headers":[{"name":"Last-Modified","value":"x"}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("`tensorzero::extra_headers[0].name`: `Last-Modified` describes the request body, which the gateway sets itself",
            body["error"]!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/inference", "\"params\":{\"chat_completion\":{\"temperature\":1e400}}", "`params.chat_completion.temperature`: must be a finite number")]
    [InlineData("/openai/v1/chat/completions", "\"top_p\":-1e999", "`top_p`: must be a finite number")]
    public async Task JsonRoutes_NumberTooLargeForADouble_Is400(string path, string field, string message)
    {
        var json = path == "/inference"
            ? Inference(extra: "," + field)
            : $$"""{"model":"tensorzero::model_name::gpt","messages":[{"role":"user","content":"hi"}],"tensorzero::credentials":{"openai_key":"{{Key}}"},{{field}}}""";

        var (status, body, raw) = await _gateway.CreateClient().PostRawAsync(path, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, raw, StringComparison.Ordinal);
        Assert.NotNull(body);
        Assert.Empty(_openai.Requests);
    }

    // Field names are looked up as UTF-8 and turned into text only for an error: each kind of read names its field.
    [Theory]
    [InlineData("\"episode_id\":5", "`episode_id`: must be a string")]
    [InlineData("\"variant_name\":[]", "`variant_name`: must be a string")]
    [InlineData("\"dryrun\":\"yes\"", "`dryrun`: must be a boolean")]
    [InlineData("\"include_raw_usage\":1", "`include_raw_usage`: must be a boolean")]
    [InlineData("\"params\":{\"chat_completion\":{\"top_p\":\"high\"}}", "`params.chat_completion.top_p`: must be a number")]
    [InlineData("\"params\":{\"chat_completion\":{\"seed\":1.5}}", "`params.chat_completion.seed`: must be an integer")]
    [InlineData("\"params\":{\"chat_completion\":{\"verbosity\":2}}", "`params.chat_completion.verbosity`: must be a string")]
    public async Task Inference_FieldOfTheWrongType_Is400NamingIt(string field, string message)
    {
        var (status, _, raw) = await _gateway.CreateClient().PostRawAsync("/inference", Inference(extra: "," + field));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, raw, StringComparison.Ordinal);
        Assert.Empty(_openai.Requests);
    }

    private static string WithCredential(string path, string value) => path switch
    {
        "/inference" => $$$"""{"model_name":"gpt","input":{"messages":[{"role":"user","content":"hi"}]},"credentials":{"openai_key":"{{{value}}}"}}""",
        "/openai/v1/embeddings" => $$$"""{"model":"tensorzero::embedding_model_name::small","input":"hi","tensorzero::credentials":{"openai_key":"{{{value}}}"}}""",
        _ => $$$"""{"model":"tensorzero::model_name::gpt","messages":[{"role":"user","content":"hi"}],"tensorzero::credentials":{"openai_key":"{{{value}}}"}}""",
    };
}
