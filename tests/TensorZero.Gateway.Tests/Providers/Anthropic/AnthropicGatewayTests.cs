using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.Anthropic;

/// <summary>
/// The whole gateway against a fake Anthropic server: every way of locating the key, checked at the fake's
/// <c>x-api-key</c> check, with canary keys that must never reach a response or a log line.
/// </summary>
public sealed class AnthropicGatewayTests : IAsyncLifetime
{
    private const string DefaultKey = "sk-ant-api03-canary-default-4c1e9b";
    private const string OtherKey = "sk-ant-api03-canary-other-b83d20";
    private const string CustomerKey = "sk-ant-api03-canary-customer-9e7a51";

    private static readonly Dictionary<string, string> AllKeys = new()
    {
        ["ANTHROPIC_API_KEY"] = DefaultKey,
        ["MY_ANTHROPIC_KEY"] = OtherKey,
    };

    private FakeAnthropicServer _anthropic = null!;

    public async Task InitializeAsync()
    {
        _anthropic = await FakeAnthropicServer.StartAsync();
        _anthropic.Accept(DefaultKey, OtherKey, CustomerKey);
    }

    public async Task DisposeAsync() => await _anthropic.DisposeAsync();

    private string Config(string? apiKeyLocation, string modelName = "claude-haiku-4-5", string variantExtra = "", string providerExtra = "") => $$"""
        [models.claude]
        routing = ["anthropic"]

        [models.claude.providers.anthropic]
        type = "anthropic"
        model_name = "{{modelName}}"
        api_base = "{{_anthropic.BaseUrl}}"
        {{(apiKeyLocation is null ? string.Empty : $"api_key_location = {apiKeyLocation}")}}
        {{providerExtra}}

        [functions.my_function]
        type = "chat"

        [functions.my_function.variants.main]
        type = "chat_completion"
        model = "claude"
        {{variantExtra}}
        """;

    private static Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonObject Body, string Raw)> Infer(
        GatewayFactory gateway, Dictionary<string, string>? credentials = null, string text = "Hello") =>
        gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "my_function",
            input = GatewayClient.UserMessage(text),
            credentials = credentials ?? new Dictionary<string, string>(),
        });

    [Fact]
    public async Task Inference_DefaultCredential_SendsAnthropicApiKeyAsXApiKey()
    {
        using var gateway = new GatewayFactory(Config(null), AllKeys);

        var (status, body, _) = await Infer(gateway);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("echo: Hello", body["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(FakeAnthropicServer.InputTokens, body["usage"]!["input_tokens"]!.GetValue<long>());
        Assert.Equal(FakeAnthropicServer.OutputTokens, body["usage"]!["output_tokens"]!.GetValue<long>());
        Assert.Equal("stop", body["finish_reason"]!.GetValue<string>());
        var request = Assert.Single(_anthropic.Requests);
        Assert.Equal("/v1/messages", request.Path);
        Assert.Equal(DefaultKey, request.ApiKey);
        Assert.Equal("2023-06-01", request.Headers["anthropic-version"]);
        Assert.False(request.Headers.ContainsKey("authorization"));
        Assert.Equal(64_000, request.Body["max_tokens"]!.GetValue<int>());
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_EnvOverride_SendsThatVariable()
    {
        using var gateway = new GatewayFactory(Config("\"env::MY_ANTHROPIC_KEY\""), AllKeys);

        var (status, _, _) = await Infer(gateway);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(OtherKey, Assert.Single(_anthropic.Requests).ApiKey);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_DynamicCredential_SendsKeyFromRequest()
    {
        using var gateway = new GatewayFactory(Config("\"dynamic::customer_anthropic_key\""));

        var (status, _, raw) = await Infer(gateway, new() { ["customer_anthropic_key"] = CustomerKey });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(CustomerKey, Assert.Single(_anthropic.Requests).ApiKey);
        Assert.DoesNotContain(CustomerKey, raw, StringComparison.Ordinal);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_DynamicCredentialMissing_Returns400NamingKeyAndProvider()
    {
        using var gateway = new GatewayFactory(Config("\"dynamic::customer_anthropic_key\""));

        var (status, body, _) = await Infer(gateway, new() { ["another_key"] = CustomerKey });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var message = body["error"]!.GetValue<string>();
        Assert.Contains("customer_anthropic_key", message, StringComparison.Ordinal);
        Assert.Contains("Anthropic", message, StringComparison.Ordinal);
        Assert.Empty(_anthropic.Requests);
        AssertNoCanaryIn(body.ToJsonString() + gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_FallbackWithDynamicKeyPresent_UsesDynamicKey()
    {
        using var gateway = new GatewayFactory(
            Config("{ default = \"dynamic::customer_anthropic_key\", fallback = \"env::ANTHROPIC_API_KEY\" }"), AllKeys);

        var (status, _, _) = await Infer(gateway, new() { ["customer_anthropic_key"] = CustomerKey });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(CustomerKey, Assert.Single(_anthropic.Requests).ApiKey);
        Assert.DoesNotContain(gateway.Logs.Lines, l => l.Contains("Using fallback credential", StringComparison.Ordinal));
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_FallbackWithDynamicKeyAbsent_UsesEnvKeyAndWarns()
    {
        using var gateway = new GatewayFactory(
            Config("{ default = \"dynamic::customer_anthropic_key\", fallback = \"env::ANTHROPIC_API_KEY\" }"), AllKeys);

        var (status, _, _) = await Infer(gateway);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(DefaultKey, Assert.Single(_anthropic.Requests).ApiKey);
        var warning = Assert.Single(gateway.Logs.Lines, l => l.Contains("Using fallback credential", StringComparison.Ordinal));
        Assert.Contains("Anthropic", warning, StringComparison.Ordinal);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_WrongKey_Returns502WithAnthropic401AndNoKey()
    {
        const string wrongKey = "sk-ant-api03-canary-wrong-0d9c8b7a";
        using var gateway = new GatewayFactory(
            Config("{ default = \"dynamic::customer_anthropic_key\", fallback = \"env::ANTHROPIC_API_KEY\" }"), AllKeys);

        var (status, body, raw) = await Infer(gateway, new() { ["customer_anthropic_key"] = wrongKey });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        // A rejected key is not retried with the fallback.
        Assert.Equal(wrongKey, Assert.Single(_anthropic.Requests).ApiKey);
        var message = body["error"]!.GetValue<string>();
        Assert.Contains("401", message, StringComparison.Ordinal);
        Assert.Contains("authentication_error", message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, gateway.Logs.All, StringComparison.Ordinal);
        AssertNoCanaryIn(raw + gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_UnknownModelWithoutMaxTokens_FailsNamingMaxTokens()
    {
        using var gateway = new GatewayFactory(Config(null, modelName: "claude-future-9"), AllKeys);

        var (status, body, _) = await Infer(gateway);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("`max_tokens`", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_anthropic.Requests);
    }

    [Fact]
    public async Task Inference_UnknownModelWithVariantMaxTokens_SendsIt()
    {
        using var gateway = new GatewayFactory(Config(null, modelName: "claude-future-9", variantExtra: "max_tokens = 123"), AllKeys);

        var (status, _, _) = await Infer(gateway);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(123, Assert.Single(_anthropic.Requests).Body["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Inference_ProviderToolsAndExtraBody_ReachTheBody()
    {
        const string providerExtra = """
            provider_tools = [{ type = "web_search_20250305", name = "web_search", max_uses = 3 }]
            extra_body = [{ pointer = "/service_tier", value = "standard_only" }]
            """;
        using var gateway = new GatewayFactory(Config(null, providerExtra: providerExtra), AllKeys);

        await Infer(gateway);

        var body = Assert.Single(_anthropic.Requests).Body;
        Assert.Equal("""[{"type":"web_search_20250305","name":"web_search","max_uses":3}]""", body["tools"]!.ToJsonString());
        Assert.Equal("standard_only", body["service_tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_ApiBaseEndingInMessages_WarnsAndStillPostsToMessages()
    {
        var config = Config(null).Replace($"api_base = \"{_anthropic.BaseUrl}\"", $"api_base = \"{_anthropic.BaseUrl}messages\"", StringComparison.Ordinal);
        using var gateway = new GatewayFactory(config, AllKeys);

        var (status, _, _) = await Infer(gateway);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/v1/messages", Assert.Single(_anthropic.Requests).Path);
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("ends with `/messages`", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Inference_Shorthand_UsesDefaultKeyAndAnthropicUrl()
    {
        using var gateway = new RedirectingGatewayFactory(string.Empty, AllKeys, new Uri(_anthropic.BaseUrl));

        var (status, body, _) = await gateway.CreateClient().PostInferenceAsync(new
        {
            model_name = "anthropic::claude-haiku-4-5",
            input = GatewayClient.UserMessage("Hello"),
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("echo: Hello", body["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(new Uri("https://api.anthropic.com/v1/messages"), Assert.Single(gateway.RequestedUrls));
        var request = Assert.Single(_anthropic.Requests);
        Assert.Equal(DefaultKey, request.ApiKey);
        Assert.Equal("claude-haiku-4-5", request.Body["model"]!.GetValue<string>());
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_ShorthandWithoutDefaultVariable_FailsNamingIt()
    {
        using var gateway = new GatewayFactory(string.Empty);

        var (status, body, _) = await gateway.CreateClient().PostInferenceAsync(new
        {
            model_name = "anthropic::claude-haiku-4-5",
            input = GatewayClient.UserMessage("Hello"),
        });

        Assert.NotEqual(HttpStatusCode.OK, status);
        var message = body["error"]!.GetValue<string>();
        Assert.Contains("Anthropic", message, StringComparison.Ordinal);
        Assert.Contains("ANTHROPIC_API_KEY", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"none\"")]
    [InlineData("\"sdk\"")]
    public void Build_UnsupportedLocation_IsRejectedAtStartup(string location)
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(Config(location), Path.GetTempPath());
        var services = new ProviderServices(new NoHttp(), NullLoggerFactory.Instance, TimeProvider.System);

        var error = Assert.Throws<ConfigException>(() =>
            GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(), new FakeEnvironment(AllKeys), services));

        Assert.Contains(error.Errors, e => e.Contains("models.claude.providers.anthropic.api_key_location", StringComparison.Ordinal));
    }

    private static void AssertNoCanaryIn(string text)
    {
        foreach (var key in new[] { DefaultKey, OtherKey, CustomerKey })
        {
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        }
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in this test");
    }
}

/// <summary>A gateway whose provider HTTP client sends every request to <c>target</c>, keeping the path after <c>/v1/</c>.</summary>
public sealed class RedirectingGatewayFactory(string configToml, IReadOnlyDictionary<string, string> environment, Uri target)
    : GatewayFactory(configToml, environment)
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<Uri> _urls = new();

    /// <summary>The URLs the gateway asked for, before redirection.</summary>
    public IReadOnlyList<Uri> RequestedUrls => _urls.ToArray();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
            services.AddHttpClient(ProviderHttp.ClientName).AddHttpMessageHandler(() => new Redirect(target, _urls)));
    }

    private sealed class Redirect(Uri target, System.Collections.Concurrent.ConcurrentQueue<Uri> urls) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            urls.Enqueue(request.RequestUri!);
            var path = request.RequestUri!.AbsolutePath;
            var relative = path[(path.IndexOf("/v1/", StringComparison.Ordinal) + "/v1/".Length)..];
            request.RequestUri = new Uri(target, relative);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
