using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;
using static TensorZero.Gateway.Tests.Providers.OpenAI.OpenAIFamilyKit;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary>Every flavour against its fake server: streamed text, tool calls and JSON, usage, wrong keys and in-stream errors.</summary>
public sealed class OpenAIFamilyStreamTests
{
    public static TheoryData<string> Types => new(
        "openai", "azure", "deepseek", "fireworks", "hyperbolic", "mistral", "together", "xai", "vllm", "sglang", "tgi", "groq", "openrouter");

    [Theory]
    [MemberData(nameof(Types))]
    public async Task StreamAsync_Text_ArrivesInPiecesWithUsage(string type)
    {
        await using var fake = await StartFake(type);
        var chunks = await Collect(Against(type, fake).StreamAsync(Hello, RequestCredentials.Empty, CancellationToken.None));

        Assert.Equal("echo: Hi", string.Concat(chunks.SelectMany(c => c.Content).OfType<TextDelta>().Select(d => d.Text)));
        Assert.True(chunks.Count(c => c.Content.OfType<TextDelta>().Any()) >= 2);
        Assert.Contains(chunks, c => c.Usage == new Usage(57, type == "xai" ? 22 : 17));
        Assert.Contains(chunks, c => c.FinishReason == FinishReason.Stop);
        var request = Assert.Single(fake.Requests);
        Assert.Equal("text/event-stream", request.Headers["accept"]);
        Assert.Equal(Key, request.ApiKey);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task StreamAsync_Tools_AssemblesToolCall(string type)
    {
        await using var fake = await StartFake(type);
        var request = Hello with { Tools = [Weather], ToolChoice = ToolChoice.Auto };
        var chunks = await Collect(Against(type, fake).StreamAsync(request, RequestCredentials.Empty, CancellationToken.None));

        var calls = chunks.SelectMany(c => c.Content).OfType<ToolCallDelta>().ToList();
        if (type == "hyperbolic")
        {
            Assert.Empty(calls);
            return;
        }
        Assert.Equal("get_weather", Assert.Single(calls, c => c.Name is not null).Name);
        Assert.Single(calls.Select(c => c.Id).Distinct());
        Assert.Equal(FakeAnswer.ToolArguments, string.Concat(calls.Select(c => c.ArgumentsDelta)));
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task InferAsync_JsonMode_GetsJsonAnswer(string type)
    {
        await using var fake = await StartFake(type);
        var request = Hello with { JsonMode = JsonMode.On, OutputSchema = AnswerSchema };
        var response = await Against(type, fake).InferAsync(request, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal(FakeAnswer.JsonText, Assert.IsType<TextBlock>(Assert.Single(response.Content)).Text);
        Assert.Equal(57, response.Usage.InputTokens);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task InferAsync_WrongKey_IsRedactedClientError(string type)
    {
        await using var fake = await StartFake(type);
        const string wrong = "sk-wrong-key-abcdef0123456789";
        var provider = Against(type, fake, new Secret(wrong));

        var error = await Assert.ThrowsAsync<GatewayError>(() => provider.InferAsync(Hello, RequestCredentials.Empty, CancellationToken.None));
        Assert.Equal(ErrorKind.ProviderClient, error.Kind);
        Assert.Equal(401, error.ProviderStatus);
        Assert.DoesNotContain(wrong, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong[^4..], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task StreamAsync_ErrorEvent_ThrowsAfterFirstChunks(string type)
    {
        await using var fake = await StartFake(type);
        fake.StreamErrorAfterChunks = 2;
        var received = new List<ProviderStreamChunk>();

        var error = await Assert.ThrowsAsync<GatewayError>(async () =>
        {
            await foreach (var chunk in Against(type, fake).StreamAsync(Hello, RequestCredentials.Empty, CancellationToken.None))
            {
                received.Add(chunk);
            }
        });
        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.NotEmpty(received);
    }

    private static async Task<FakeOpenAIServer> StartFake(string type)
    {
        var fake = await FakeOpenAIServer.StartAsync(FakeWire.For(type));
        fake.ValidKeys.Add(Key);
        return fake;
    }

    private static IModelProvider Against(string type, FakeOpenAIServer fake, Secret? secret = null)
    {
        var provider = type == "azure"
            ? Create(type, new RealHttp(), out var errors, settings: new() { ["deployment_id"] = "prod", ["endpoint"] = fake.Origin }, secret: secret)
            : Create(type, new RealHttp(), out errors, apiBase: fake.BaseUrl, secret: secret);
        Assert.Empty(errors);
        return provider;
    }

    private static async Task<List<ProviderStreamChunk>> Collect(IAsyncEnumerable<ProviderStreamChunk> stream)
    {
        var chunks = new List<ProviderStreamChunk>();
        await foreach (var chunk in stream)
        {
            chunks.Add(chunk);
        }
        return chunks;
    }
}
