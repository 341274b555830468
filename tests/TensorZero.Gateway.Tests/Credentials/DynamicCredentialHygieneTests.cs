using System.Net;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Credentials;

/// <summary>
/// A key or token from the request's <c>credentials</c> goes into an HTTP header, so it must be visible ASCII: anything
/// else is a 400 naming the key (never its value) before any provider is called (control characters are already refused
/// by the request parser). An empty or whitespace value counts
/// as absent: a 400 saying so, or the fallback when there is one. Checked on both endpoints, streamed or not.
/// </summary>
public sealed class DynamicCredentialHygieneTests : IAsyncLifetime
{
    private const string FallbackKey = "sk-canary-fallback-2b4d6f8a0c";
    private const string BedrockModel = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

    private FakeOpenAIServer _openai = null!;
    private FakeBedrockServer _bedrock = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add(FallbackKey);
        _bedrock = await FakeBedrockServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _openai.DisposeAsync();
        await _bedrock.DisposeAsync();
    }

    private string Config() => $$"""
        [models.plain]
        routing = ["openai"]
        [models.plain.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{_openai.BaseUrl}}"
        api_key_location = "dynamic::customer_key"

        [models.with_fallback]
        routing = ["openai"]
        [models.with_fallback.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{_openai.BaseUrl}}"
        api_key_location = { default = "dynamic::customer_key", fallback = "env::OPENAI_FALLBACK_KEY" }

        [models.bedrock_key]
        routing = ["bedrock"]
        [models.bedrock_key.providers.bedrock]
        type = "aws_bedrock"
        model_id = "{{BedrockModel}}"
        region = "us-east-1"
        endpoint_url = "{{_bedrock.BaseUrl}}"
        api_key = "dynamic::customer_key"

        [models.bedrock_iam]
        routing = ["bedrock"]
        [models.bedrock_iam.providers.bedrock]
        type = "aws_bedrock"
        model_id = "{{BedrockModel}}"
        region = "us-east-1"
        endpoint_url = "{{_bedrock.BaseUrl}}"
        access_key_id = "dynamic::customer_key"
        secret_access_key = "dynamic::customer_secret"
        """;

    public static TheoryData<string> UnsendableValues() =>
    [
        "sk-canary-ünïcödé-1a2b3c",
        "sk-canary-line\u2028separator-4d5e6f",
        "sk-canary-paragraph\u2029separator-7a8b9c",
        "sk-canary-nbsp\u00a0inside-3a4b5c",
        "sk-canary with-space-0d1e2f",
    ];

    [Theory]
    [MemberData(nameof(UnsendableValues))]
    public async Task Inference_KeyAHeaderCantCarry_Is400NamingTheKeyWithoutCallingTheProvider(string value)
    {
        using var gateway = new GatewayFactory(Config(), new Dictionary<string, string> { ["OPENAI_FALLBACK_KEY"] = FallbackKey });
        var client = gateway.CreateClient();
        var credentials = new Dictionary<string, string> { ["customer_key"] = value, ["customer_secret"] = "canary-secret-ok-5f6e7d" };

        foreach (var model in new[] { "plain", "with_fallback", "bedrock_key", "bedrock_iam" })
        {
            foreach (var stream in new[] { false, true })
            {
                foreach (var (status, raw) in new[] { await Native(client, model, credentials, stream), await OpenAICompatible(client, model, credentials, stream) })
                {
                    Assert.True(status == HttpStatusCode.BadRequest, $"{model} stream={stream}: {status} {raw}");
                    Assert.Contains("credential `customer_key` contains characters that can't be sent in an HTTP header", raw, StringComparison.Ordinal);
                    Assert.DoesNotContain("sk-canary", raw, StringComparison.Ordinal);
                }
            }
        }

        Assert.Empty(_openai.Requests);
        Assert.Empty(_bedrock.Requests);
        Assert.DoesNotContain("sk-canary", gateway.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(FallbackKey, gateway.Logs.All, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u3000")]
    public async Task Inference_EmptyKey_Is400SayingItIsEmpty(string value)
    {
        using var gateway = new GatewayFactory(Config(), new Dictionary<string, string> { ["OPENAI_FALLBACK_KEY"] = FallbackKey });
        var client = gateway.CreateClient();
        var credentials = new Dictionary<string, string> { ["customer_key"] = value, ["customer_secret"] = "canary-secret-ok-5f6e7d" };

        foreach (var model in new[] { "plain", "bedrock_key", "bedrock_iam" })
        {
            foreach (var stream in new[] { false, true })
            {
                foreach (var (status, raw) in new[] { await Native(client, model, credentials, stream), await OpenAICompatible(client, model, credentials, stream) })
                {
                    Assert.True(status == HttpStatusCode.BadRequest, $"{model} stream={stream}: {status} {raw}");
                    Assert.Contains("credential `customer_key` is empty", raw, StringComparison.Ordinal);
                }
            }
        }

        Assert.Empty(_openai.Requests);
        Assert.Empty(_bedrock.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("    ")]
    public async Task Inference_EmptyKeyWithEnvFallback_UsesTheFallback(string value)
    {
        using var gateway = new GatewayFactory(Config(), new Dictionary<string, string> { ["OPENAI_FALLBACK_KEY"] = FallbackKey });
        var client = gateway.CreateClient();
        var credentials = new Dictionary<string, string> { ["customer_key"] = value };

        var (status, raw) = await Native(client, "with_fallback", credentials, stream: false);
        var (streamStatus, streamRaw) = await OpenAICompatible(client, "with_fallback", credentials, stream: true);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.True(streamStatus == HttpStatusCode.OK, streamRaw);
        Assert.Equal(2, _openai.Requests.Count);
        Assert.All(_openai.Requests, r => Assert.Equal($"Bearer {FallbackKey}", r.Authorization));
        Assert.DoesNotContain(FallbackKey, raw + streamRaw + gateway.Logs.All, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string Raw)> Native(
        HttpClient client, string model, IReadOnlyDictionary<string, string> credentials, bool stream)
    {
        var (status, _, _, raw) = await client.PostStreamAsync("/inference", new
        {
            model_name = model,
            input = GatewayClient.UserMessage("Hello"),
            credentials,
            stream,
        });
        return (status, raw);
    }

    private static async Task<(HttpStatusCode Status, string Raw)> OpenAICompatible(
        HttpClient client, string model, IReadOnlyDictionary<string, string> credentials, bool stream)
    {
        var (status, _, _, raw) = await client.PostStreamAsync("/openai/v1/chat/completions", new Dictionary<string, object>
        {
            ["model"] = $"tensorzero::model_name::{model}",
            ["messages"] = new[] { new { role = "user", content = "Hello" } },
            ["stream"] = stream,
            ["tensorzero::credentials"] = credentials,
        });
        return (status, raw);
    }
}
