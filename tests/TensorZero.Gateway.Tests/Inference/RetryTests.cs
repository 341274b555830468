using TensorZero.Gateway.Inference.Functions;
using System.Net;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Inference;

/// <summary>Variant <c>retries</c>: transient provider errors are retried, auth and validation errors are not, <c>Retry-After</c> is honoured.</summary>
public sealed class RetryTests : IAsyncLifetime
{
    private FakeOpenAIServer _openai = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add("sk-canary-retry-1234567890");
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    private GatewayFactory Gateway(string retries) => new($$"""
        [models.gpt]
        routing = ["openai"]
        [models.gpt.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{_openai.BaseUrl}}"
        api_key_location = "dynamic::key"

        [functions.f]
        type = "chat"
        [functions.f.variants.v]
        type = "chat_completion"
        model = "gpt"
        retries = {{retries}}
        """);

    private static object Request(string key) => new
    {
        function_name = "f",
        input = GatewayClient.UserMessage("hi"),
        credentials = new { key },
    };

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task TransientError_IsRetried(int status)
    {
        _openai.FailWithStatus = status;
        _openai.FailCount = 1;
        _openai.RetryAfterSeconds = 0;
        using var gateway = Gateway("{ num_retries = 2, max_delay_s = 0.05 }");

        var (code, _, raw) = await gateway.CreateClient().PostInferenceAsync(Request("sk-canary-retry-1234567890"));

        Assert.True(code == HttpStatusCode.OK, raw);
        Assert.Equal(2, _openai.Requests.Count);
    }

    [Fact]
    public async Task RejectedKey_IsNotRetriedWithTheSameKey()
    {
        using var gateway = Gateway("{ num_retries = 3, max_delay_s = 0.05 }");

        var (code, _, _) = await gateway.CreateClient().PostInferenceAsync(Request("sk-canary-wrong-000000000"));

        Assert.Equal(HttpStatusCode.BadGateway, code);
        Assert.Single(_openai.Requests);
    }

    [Fact]
    public async Task RetriesExhausted_ReturnsTheLastError()
    {
        _openai.FailWithStatus = 500;
        using var gateway = Gateway("{ num_retries = 2, max_delay_s = 0.05 }");

        var (code, body, _) = await gateway.CreateClient().PostInferenceAsync(Request("sk-canary-retry-1234567890"));

        Assert.Equal(HttpStatusCode.BadGateway, code);
        Assert.Contains("Error 500 from OpenAI server", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, _openai.Requests.Count);
    }

    [Theory]
    [InlineData(2.0, 10.0, 2.0)]
    [InlineData(30.0, 5.0, 5.0)]
    public void RetryDelay_UsesRetryAfterCappedAtMaxDelay(double retryAfter, double maxDelay, double expected)
    {
        var error = new GatewayError(ErrorKind.ProviderClient, "429", 429, TimeSpan.FromSeconds(retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(expected), VariantRuntime.RetryDelay(error, TimeSpan.FromSeconds(maxDelay)));
        Assert.Null(VariantRuntime.RetryDelay(new GatewayError(ErrorKind.ProviderServer, "500"), TimeSpan.FromSeconds(maxDelay)));
    }

    [Fact]
    public async Task RetryAfter_FromProvider_SurvivesTheRoutingWrapper()
    {
        _openai.FailWithStatus = 429;
        _openai.RetryAfterSeconds = 7;
        using var gateway = Gateway("{ num_retries = 0, max_delay_s = 1 }");
        var model = gateway.Services.GetService(typeof(GatewayRuntime)) as GatewayRuntime;

        var error = await Assert.ThrowsAsync<GatewayError>(() => model!.Models.Get("gpt").InferAsync(
            new ModelRequest(null, [new RequestMessage(Role.User, [new TextBlock("hi")])], TensorZero.Gateway.Configuration.InferenceParams.Empty, [], []),
            new TensorZero.Gateway.Credentials.RequestCredentials(new Dictionary<string, TensorZero.Gateway.Credentials.Secret>
            {
                ["key"] = new("sk-canary-retry-1234567890"),
            }),
            CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.True(error.IsRetryable);
    }
}
