using System.Net;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// The credential guide end to end: every way of locating an OpenAI key, checked at a fake OpenAI server that validates
/// the Bearer header as OpenAI does. Each test uses its own canary keys and proves they never reach a log line.
/// </summary>
public sealed class InferenceCredentialTests : IAsyncLifetime
{
    private const string DefaultKey = "sk-canary-default-5d1f0c7e9a";
    private const string OtherKey = "sk-canary-other-83b2e6f4d1";
    private const string CustomerKey = "sk-canary-customer-47ac90e2b3";

    private FakeOpenAIServer _openai = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.UnionWith([DefaultKey, OtherKey, CustomerKey]);
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    private string Config(string? apiKeyLocation) => $$"""
        [models.gpt]
        routing = ["openai"]

        [models.gpt.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{_openai.BaseUrl}}"
        {{(apiKeyLocation is null ? string.Empty : $"api_key_location = {apiKeyLocation}")}}

        [functions.my_function]
        type = "chat"

        [functions.my_function.variants.main]
        type = "chat_completion"
        model = "gpt"
        """;

    private static readonly Dictionary<string, string> AllKeys = new()
    {
        ["OPENAI_API_KEY"] = DefaultKey,
        ["MY_OTHER_OPENAI_API_KEY"] = OtherKey,
    };

    [Fact]
    public async Task Inference_DefaultCredential_SendsOpenAIApiKeyAsBearer()
    {
        using var gateway = new GatewayFactory(Config(null), AllKeys);
        var (status, body, _) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "my_function",
            input = GatewayClient.UserMessage("Hello"),
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("echo: Hello", body["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal($"Bearer {DefaultKey}", Assert.Single(_openai.Requests).Authorization);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_EnvOverride_SendsThatVariable()
    {
        using var gateway = new GatewayFactory(Config("\"env::MY_OTHER_OPENAI_API_KEY\""), AllKeys);
        var (status, _, _) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "my_function",
            input = GatewayClient.UserMessage("Hello"),
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"Bearer {OtherKey}", Assert.Single(_openai.Requests).Authorization);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_DynamicCredential_SendsKeyFromRequest()
    {
        using var gateway = new GatewayFactory(Config("\"dynamic::customer_openai_api_key\""));
        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "my_function",
            input = GatewayClient.UserMessage("Hello"),
            credentials = new Dictionary<string, string> { ["customer_openai_api_key"] = CustomerKey },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("main", body["variant_name"]!.GetValue<string>());
        Assert.Equal($"Bearer {CustomerKey}", Assert.Single(_openai.Requests).Authorization);
        Assert.DoesNotContain(CustomerKey, raw, StringComparison.Ordinal);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_DynamicCredentialMissing_Returns400NamingKeyAndProvider()
    {
        using var gateway = new GatewayFactory(Config("\"dynamic::customer_openai_api_key\""));
        var (status, body, _) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "my_function",
            input = GatewayClient.UserMessage("Hello"),
            credentials = new Dictionary<string, string> { ["some_other_key"] = CustomerKey },
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var message = body["error"]!.GetValue<string>();
        Assert.Contains("customer_openai_api_key", message, StringComparison.Ordinal);
        Assert.Contains("OpenAI", message, StringComparison.Ordinal);
        Assert.DoesNotContain(CustomerKey, message, StringComparison.Ordinal);
        Assert.Empty(_openai.Requests);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_FallbackWithDynamicKeyPresent_UsesDynamicKey()
    {
        using var gateway = new GatewayFactory(
            Config("{ default = \"dynamic::customer_openai_api_key\", fallback = \"env::OPENAI_API_KEY\" }"), AllKeys);
        var (status, _, _) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "my_function",
            input = GatewayClient.UserMessage("Hello"),
            credentials = new Dictionary<string, string> { ["customer_openai_api_key"] = CustomerKey },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"Bearer {CustomerKey}", Assert.Single(_openai.Requests).Authorization);
        Assert.DoesNotContain(gateway.Logs.Lines, l => l.Contains("Using fallback credential", StringComparison.Ordinal));
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_FallbackWithDynamicKeyAbsent_UsesEnvKeyAndWarnsWithoutValues()
    {
        using var gateway = new GatewayFactory(
            Config("{ default = \"dynamic::customer_openai_api_key\", fallback = \"env::OPENAI_API_KEY\" }"), AllKeys);
        var (status, _, _) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "my_function",
            input = GatewayClient.UserMessage("Hello"),
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"Bearer {DefaultKey}", Assert.Single(_openai.Requests).Authorization);
        var warning = Assert.Single(gateway.Logs.Lines, l => l.Contains("Using fallback credential", StringComparison.Ordinal));
        Assert.Contains("customer_openai_api_key", warning, StringComparison.Ordinal);
        AssertNoCanaryIn(gateway.Logs.All);
    }

    [Fact]
    public async Task Inference_FallbackAfterProvider401_IsNotUsed()
    {
        using var gateway = new GatewayFactory(
            Config("{ default = \"dynamic::customer_openai_api_key\", fallback = \"env::OPENAI_API_KEY\" }"), AllKeys);
        const string revokedKey = "sk-canary-revoked-0f9e8d7c6b5a";
        var (status, body, _) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "my_function",
            input = GatewayClient.UserMessage("Hello"),
            credentials = new Dictionary<string, string> { ["customer_openai_api_key"] = revokedKey },
        });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal($"Bearer {revokedKey}", Assert.Single(_openai.Requests).Authorization);
        Assert.DoesNotContain(revokedKey, body.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(revokedKey, gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_NoneLocation_SendsNoAuthorizationHeader()
    {
        _openai.ValidKeys.Clear();
        using var gateway = new GatewayFactory(Config("\"none\""), AllKeys);
        var (status, _, _) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "my_function",
            input = GatewayClient.UserMessage("Hello"),
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var request = Assert.Single(_openai.Requests);
        Assert.Null(request.Authorization);
        Assert.False(request.Headers.ContainsKey("authorization"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Inference_Provider401EchoingKey_ReturnsErrorWithoutKey(bool echoFullKey)
    {
        _openai.EchoFullKeyOnAuthError = echoFullKey;
        const string wrongKey = "sk-canary-wrong-1a2b3c4d5e6f7a8b";
        using var gateway = new GatewayFactory(Config("\"dynamic::customer_openai_api_key\""));
        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "my_function",
            input = GatewayClient.UserMessage("Hello"),
            credentials = new Dictionary<string, string> { ["customer_openai_api_key"] = wrongKey },
        });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var message = body["error"]!.GetValue<string>();
        Assert.Contains("401", message, StringComparison.Ordinal);
        Assert.Contains("Incorrect API key provided", message, StringComparison.Ordinal);
        Assert.Contains("[REDACTED]", message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey[^4..] + ".", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, gateway.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("*****", gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_SeedExample_Returns200()
    {
        // The credential guide's Python example, as raw HTTP: a function, messages and a per-request key.
        using var gateway = new GatewayFactory(Config("\"dynamic::customer_openai_api_key\""));
        var (status, body, _) = await gateway.CreateClient().PostRawAsync("/inference", $$"""
            {
              "function_name": "my_function",
              "input": {"messages": [{"role": "user", "content": "What is the capital of Japan?"}]},
              "credentials": {"customer_openai_api_key": "{{CustomerKey}}"}
            }
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(Guid.TryParse(body["inference_id"]!.GetValue<string>(), out var inferenceId));
        Assert.Equal(7, inferenceId.Version);
        Assert.Equal("echo: What is the capital of Japan?", body["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(57, body["usage"]!["input_tokens"]!.GetValue<int>());
        Assert.Equal(17, body["usage"]!["output_tokens"]!.GetValue<int>());
        Assert.Equal("stop", body["finish_reason"]!.GetValue<string>());
    }

    private static void AssertNoCanaryIn(string text)
    {
        foreach (var key in new[] { DefaultKey, OtherKey, CustomerKey })
        {
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        }
    }
}
