using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// A web page can't spend the gateway's keys: JSON routes refuse bodies not labelled JSON (the kinds a browser sends
/// cross-origin without a preflight) with a 415, before any provider is called, and CORS is off unless configured.
/// </summary>
public sealed class JsonContentTypeTests : IAsyncLifetime
{
    private const string Key = "sk-canary-csrf-7e1b2c9d40";
    private FakeOpenAIServer _openai = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add(Key);
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    private GatewayFactory Gateway(string extra = "") => new($$"""
        {{extra}}
        [models.gpt]
        routing = ["openai"]
        [models.gpt.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{_openai.BaseUrl}}"

        [embedding_models.small]
        routing = ["openai"]
        [embedding_models.small.providers.openai]
        type = "openai"
        model_name = "text-embedding-3-small"
        api_base = "{{_openai.BaseUrl}}"
        """,
        new Dictionary<string, string> { ["OPENAI_API_KEY"] = Key });

    /// <summary>A valid body for each JSON route, all calling the fake OpenAI.</summary>
    public static TheoryData<string, string> Routes() => new()
    {
        { "/inference", """{"model_name":"gpt","input":{"messages":[{"role":"user","content":"hi"}]}}""" },
        { "/openai/v1/chat/completions", """{"model":"tensorzero::model_name::gpt","messages":[{"role":"user","content":"hi"}]}""" },
        { "/openai/v1/embeddings", """{"model":"tensorzero::embedding_model_name::small","input":"hi"}""" },
    };

    public static IEnumerable<object?[]> RoutesAndRefusedTypes() =>
        from route in Routes()
        from type in new[] { "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/json", "application/jsonp", "application/*", "*/*", null }
        select new object?[] { route[0], route[1], type };

    [Theory]
    [MemberData(nameof(RoutesAndRefusedTypes))]
    public async Task JsonRoute_BodyNotLabelledJson_Is415WithoutCallingTheProvider(string path, string json, string? contentType)
    {
        using var gateway = Gateway();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await gateway.CreateClient().SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var message = path.StartsWith("/openai/", StringComparison.Ordinal) ? body["error"]!["message"]! : body["error"]!;
        Assert.StartsWith("`Content-Type` must be `application/json` (", message.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_openai.Requests);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task JsonRoute_JsonWithCharset_IsServed(string path, string json)
    {
        using var gateway = Gateway();

        using var response = await gateway.CreateClient().PostAsync(path, Labelled(json, "application/json; charset=utf-8"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_openai.Requests);
    }

    [Theory]
    [InlineData("APPLICATION/JSON")]
    [InlineData("application/vnd.api+json")]
    [InlineData("application/merge-patch+json; charset=UTF-8")]
    public async Task Inference_JsonMediaTypes_AreServed(string contentType)
    {
        using var gateway = Gateway();

        using var response = await gateway.CreateClient().PostAsync("/inference", Labelled(Routes().First()[1].ToString()!, contentType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Inference_TextPlain_MessageNamesWhatWasSent()
    {
        using var gateway = Gateway();

        using var response = await gateway.CreateClient().PostAsync("/inference", Labelled("{}", "text/plain;charset=UTF-8"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal("`Content-Type` must be `application/json` (got `text/plain; charset=UTF-8`)", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_NoContentType_MessageSaysNoneWasSent()
    {
        using var gateway = Gateway();
        using var content = new ByteArrayContent("{}"u8.ToArray());

        using var response = await gateway.CreateClient().PostAsync("/inference", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal("`Content-Type` must be `application/json` (none was sent)", body["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("OPTIONS")]
    public async Task Cors_NotConfigured_NoAnswerCarriesCorsHeaders(string method)
    {
        using var gateway = Gateway();
        using var request = new HttpRequestMessage(new HttpMethod(method), "/inference");
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        if (method == "POST")
        {
            request.Content = Labelled(Routes().First()[1].ToString()!, "application/json");
        }

        using var response = await gateway.CreateClient().SendAsync(request);

        Assert.DoesNotContain(response.Headers, header => header.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    private static ByteArrayContent Labelled(string json, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }
}
