using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// On a real socket, a non-streamed answer of each JSON route leaves with a <c>Content-Length</c> equal to its body
/// and without chunked framing, as TensorZero's gateway sends it; an answer longer than the copy's slices arrives
/// whole.
/// </summary>
public sealed class JsonAnswerFramingTests : IAsyncLifetime
{
    private const string Key = "sk-framing-canary-4f2a9c7e1b";

    private FakeOpenAIServer _openai = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add(Key);
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    private GatewayFactory Gateway() => new($$"""
        [gateway]
        bind_address = "127.0.0.1:0"

        [models.gpt]
        routing = ["openai"]

        [models.gpt.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{_openai.BaseUrl}}"
        api_key_location = "env::FRAMING_OPENAI_KEY"

        [embedding_models.small]
        routing = ["openai"]

        [embedding_models.small.providers.openai]
        type = "openai"
        model_name = "text-embedding-3-small"
        api_base = "{{_openai.BaseUrl}}"
        api_key_location = "env::FRAMING_OPENAI_KEY"
        """, new Dictionary<string, string> { ["FRAMING_OPENAI_KEY"] = Key });

    [Theory]
    [InlineData("/inference", """{"model_name":"gpt","input":{"messages":[{"role":"user","content":"hi"}]}}""")]
    [InlineData("/openai/v1/chat/completions", """{"model":"tensorzero::model_name::gpt","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("/openai/v1/embeddings", """{"model":"tensorzero::embedding_model_name::small","input":"hi"}""")]
    public async Task Answer_HasItsContentLength_AndNoChunkedFraming(string path, string body)
    {
        await using var gateway = Gateway();
        var address = gateway.StartOnLoopback();

        var (response, bytes) = await PostAsync(address, path, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.IsType<JsonObject>(JsonNode.Parse(bytes));
        Assert.DoesNotContain(Key, Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/inference", """{"model_name":"gpt","input":{"messages":[{"role":"user","content":"hi"}]}}""")]
    [InlineData("/openai/v1/chat/completions", """{"model":"tensorzero::model_name::gpt","messages":[{"role":"user","content":"hi"}]}""")]
    public async Task LongAnswer_SentInSlices_ArrivesWhole(string path, string body)
    {
        // Several slices and a partial last one, with multi-byte characters across the slice boundaries.
        var text = string.Concat(Enumerable.Repeat("long answer é ✓ ", (JsonWriting.ResponseSliceBytes * 3 / 16) + 7));
        _openai.Reply = _ => text;
        await using var gateway = Gateway();
        var address = gateway.StartOnLoopback();

        var (response, bytes) = await PostAsync(address, path, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(bytes.Length > 3 * JsonWriting.ResponseSliceBytes, $"the answer is {bytes.Length} bytes");
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        var answer = JsonNode.Parse(bytes)!;
        var content = path == "/inference"
            ? answer["content"]![0]!["text"]!.GetValue<string>()
            : answer["choices"]![0]!["message"]!["content"]!.GetValue<string>();
        Assert.Equal(text, content);
    }

    [Fact]
    public async Task Answers_OneAfterAnother_OnOneConnection_EachHaveTheirOwnLength()
    {
        await using var gateway = Gateway();
        var address = gateway.StartOnLoopback();
        using var client = new HttpClient { BaseAddress = address };

        // A reused buffer that kept a longer answer's bytes or count would show as a wrong length or a broken body.
        foreach (var reply in new[] { new string('x', 5000), "short", new string('y', 300) })
        {
            _openai.Reply = _ => reply;
            using var response = await client.PostAsync("/openai/v1/chat/completions", new StringContent(
                """{"model":"tensorzero::model_name::gpt","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
            Assert.Equal(reply, JsonNode.Parse(bytes)!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("/inference", """{"model_name":"missing","input":{"messages":[{"role":"user","content":"hi"}]}}""", "error")]
    [InlineData("/openai/v1/chat/completions", """{"model":"tensorzero::model_name::missing","messages":[{"role":"user","content":"hi"}]}""", "message")]
    [InlineData("/openai/v1/chat/completions", """{"model":"tensorzero::model_name::gpt","messages":"not a list"}""", "message")]
    public async Task ErrorBody_HasItsContentLength_InItsRoutesShape(string path, string body, string messageField)
    {
        await using var gateway = Gateway();
        var address = gateway.StartOnLoopback();

        var (response, bytes) = await PostAsync(address, path, body);

        Assert.True((int)response.StatusCode >= 400, $"expected an error, got {(int)response.StatusCode}");
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonNode.Parse(bytes)!["error"]!;
        var message = messageField == "error" ? error.GetValue<string>() : error["message"]!.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(message));
        Assert.Empty(_openai.Requests);
    }

    private static async Task<(HttpResponseMessage Response, byte[] Body)> PostAsync(Uri address, string path, string body)
    {
        using var client = new HttpClient { BaseAddress = address };
        var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        return (response, await response.Content.ReadAsByteArrayAsync());
    }
}
