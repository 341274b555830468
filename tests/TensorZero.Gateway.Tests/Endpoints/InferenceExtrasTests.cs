using System.Net;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>Request-time <c>extra_body</c> and <c>extra_headers</c>: priority over config, targeting, and what a request may not set.</summary>
public sealed class InferenceExtrasTests : IAsyncLifetime, IDisposable
{
    private FakeOpenAIServer _openai = null!;
    private GatewayFactory _gateway = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add("sk-canary-extras-0123456789");
        _gateway = new GatewayFactory($$"""
            [models.gpt]
            routing = ["first", "second"]
            [models.gpt.providers.first]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{_openai.BaseUrl}}"
            extra_body = [{ pointer = "/service_tier", value = "provider" }, { pointer = "/from_provider", value = 1 }]
            extra_headers = [{ name = "X-Team", value = "provider" }]
            [models.gpt.providers.second]
            type = "openai"
            model_name = "gpt-4o"
            api_base = "{{_openai.BaseUrl}}"

            [functions.f]
            type = "chat"
            [functions.f.variants.v]
            type = "chat_completion"
            model = "gpt"
            extra_body = [{ pointer = "/service_tier", value = "variant" }, { pointer = "/from_variant", value = true }]
            """, new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-canary-extras-0123456789" });
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    public void Dispose() => _gateway.Dispose();

    [Fact]
    public async Task ExtraBody_RequestWinsOverProviderWhichWinsOverVariant()
    {
        var (status, _, raw) = await _gateway.CreateClient().PostRawAsync("/inference", """
            {"function_name":"f","input":{"messages":[{"role":"user","content":"hi"}]},
             "extra_body":[{"pointer":"/service_tier","value":"request"},{"pointer":"/temperature","value":0.1},{"pointer":"/from_variant","delete":true}]}
            """);

        Assert.True(status == HttpStatusCode.OK, raw);
        var body = Assert.Single(_openai.Requests).Body;
        Assert.Equal("request", body["service_tier"]!.GetValue<string>());
        Assert.Equal(0.1, body["temperature"]!.GetValue<double>());
        Assert.Equal(1, body["from_provider"]!.GetValue<int>());
        Assert.False(body.ContainsKey("from_variant"));
    }

    [Fact]
    public async Task ExtraBodyAndHeaders_TargetedAtOneProvider_OnlyReachThatProvider()
    {
        var (status, _, raw) = await _gateway.CreateClient().PostRawAsync("/inference", """
            {"function_name":"f","input":{"messages":[{"role":"user","content":"hi"}]},
             "extra_body":[{"model_name":"gpt","provider_name":"second","pointer":"/only_second","value":2},
                           {"variant_name":"other","pointer":"/never","value":0}],
             "extra_headers":[{"model_name":"gpt","provider_name":"first","name":"X-Request","value":"first-only"},
                              {"name":"X-Team","value":"request"}]}
            """);

        Assert.True(status == HttpStatusCode.OK, raw);
        var request = Assert.Single(_openai.Requests);
        Assert.False(request.Body.ContainsKey("only_second"));
        Assert.False(request.Body.ContainsKey("never"));
        Assert.Equal("first-only", request.Headers["x-request"]);
        Assert.Equal("request", request.Headers["x-team"]);
    }

    [Fact]
    public async Task ExtraHeaders_AuthorizationFromRequest_IsRejected()
    {
        var (status, body, _) = await _gateway.CreateClient().PostRawAsync("/inference", """
            {"function_name":"f","input":{"messages":[]},"extra_headers":[{"name":"Authorization","value":"Bearer stolen"}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("`extra_headers[0].name`: `Authorization` can't be set from a request (it carries credentials or framing)", body["error"]!.GetValue<string>());
        Assert.Empty(_openai.Requests);
    }

    [Theory]
    [InlineData("""{"name":"X-A","value":"a\r\nX-Injected: 1"}""", "`extra_headers[0].value`: must not contain line breaks")]
    [InlineData("""{"name":"X A","value":"a"}""", "`extra_headers[0].name`: is not a valid header name")]
    [InlineData("""{"name":"X-A"}""", "`extra_headers[0]`: needs exactly one of `value` or `\"delete\": true`")]
    [InlineData("""{"name":"X-A","value":"a","provider_name":"first"}""", "`extra_headers[0].provider_name`: needs `model_name`")]
    public async Task ExtraHeaders_Invalid_Returns400(string item, string message)
    {
        var (status, body, _) = await _gateway.CreateClient().PostRawAsync("/inference",
            $$"""{"function_name":"f","input":{"messages":[]},"extra_headers":[{{item}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExtraBody_BadPointer_Returns400()
    {
        var (status, body, _) = await _gateway.CreateClient().PostRawAsync("/inference", """
            {"function_name":"f","input":{"messages":[]},"extra_body":[{"pointer":"service_tier","value":1}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("`extra_body[0].pointer`: must be a JSON pointer starting with `/`", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExtraBody_LegacyModelProviderName_TargetsThatProvider()
    {
        var (status, _, raw) = await _gateway.CreateClient().PostRawAsync("/inference", """
            {"function_name":"f","input":{"messages":[{"role":"user","content":"hi"}]},
             "extra_body":[{"model_provider_name":"tensorzero::model_name::gpt::provider_name::first","pointer":"/only_first","value":1},
                           {"model_provider_name":"tensorzero::model_name::gpt::provider_name::second","pointer":"/only_second","value":2}]}
            """);

        Assert.True(status == HttpStatusCode.OK, raw);
        var body = Assert.Single(_openai.Requests).Body;
        Assert.Equal(1, body["only_first"]!.GetValue<int>());
        Assert.False(body.ContainsKey("only_second"));
    }

    [Theory]
    [InlineData("""{"model_provider_name":"first","pointer":"/a","value":1}""",
        "`extra_body[0].model_provider_name`: Invalid legacy `model_provider_name` format (missing prefix): first")]
    [InlineData("""{"model_provider_name":"tensorzero::model_name::gpt::provider_name::first","model_name":"gpt","pointer":"/a","value":1}""",
        "`extra_body[0]`: Cannot specify both `model_provider_name` and `model_name`/`provider_name`")]
    public async Task ExtraBody_InvalidLegacyModelProviderName_Returns400(string item, string message)
    {
        var (status, body, _) = await _gateway.CreateClient().PostRawAsync("/inference",
            $$"""{"function_name":"f","input":{"messages":[]},"extra_body":[{{item}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, body["error"]!.GetValue<string>());
    }
}
