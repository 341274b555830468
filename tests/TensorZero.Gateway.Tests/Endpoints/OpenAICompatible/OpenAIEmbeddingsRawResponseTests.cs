using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;

/// <summary>
/// <c>tensorzero::include_raw_response</c> on <c>POST /openai/v1/embeddings</c>, as TensorZero answers it: a
/// <c>tensorzero::raw_response</c> array (failed providers first, then the answer, <c>api_type</c> <c>embeddings</c>),
/// in error answers too, and redacted of any key the provider echoes.
/// </summary>
public sealed class OpenAIEmbeddingsRawResponseTests
{
    private const string Path = "/openai/v1/embeddings";
    private const string GoodKey = "sk-CANARY-EMBEDRAW-5e9a1c7b3d2f";
    private const string WrongKey = "sk-CANARY-EMBEDBAD-2f4d6b8a0c1e";

    private static GatewayFactory Gateway(FakeOpenAIServer openai) => new($$"""
        [embedding_models.fallback]
        routing = ["broken", "good"]
        [embedding_models.fallback.providers.broken]
        type = "openai"
        model_name = "text-embedding-3-large"
        api_base = "{{openai.BaseUrl}}"
        api_key_location = "env::WRONG_KEY"
        [embedding_models.fallback.providers.good]
        type = "openrouter"
        model_name = "openai/text-embedding-3-small"
        api_base = "{{openai.BaseUrl}}"
        api_key_location = "env::OPENAI_API_KEY"

        [embedding_models.offline]
        routing = ["dummy"]
        [embedding_models.offline.providers.dummy]
        type = "dummy"
        model_name = "good"

        [embedding_models.failing]
        routing = ["dummy"]
        [embedding_models.failing.providers.dummy]
        type = "dummy"
        model_name = "error_with_raw_response"
        """,
        new Dictionary<string, string> { ["OPENAI_API_KEY"] = GoodKey, ["WRONG_KEY"] = WrongKey });

    private static async Task<FakeOpenAIServer> OpenAI()
    {
        var server = await FakeOpenAIServer.StartAsync();
        server.ValidKeys.Add(GoodKey);
        server.EchoCredentialInBody = true;
        server.EchoFullKeyOnAuthError = true;
        return server;
    }

    private static string Body(string model, bool raw = true) =>
        $$"""{"model":"tensorzero::embedding_model_name::{{model}}","input":"hello","tensorzero::include_raw_response":{{(raw ? "true" : "false")}}}""";

    [Fact]
    public async Task Embeddings_FallbackWithRawResponse_ReportsTheFailedProviderThenTheAnswerRedacted()
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai);

        var (status, body, raw) = await gateway.CreateClient().PostRawAsync(Path, Body("fallback"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["object", "data", "model", "usage", "tensorzero::raw_response"], body.Select(p => p.Key));
        var entries = body["tensorzero::raw_response"]!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.Equal(["provider_type", "api_type", "data"], entries[0]!.AsObject().Select(p => p.Key));
        Assert.Equal("openai", entries[0]!["provider_type"]!.GetValue<string>());
        Assert.Equal("embeddings", entries[0]!["api_type"]!.GetValue<string>());
        Assert.Contains("Incorrect API key provided: [REDACTED]", entries[0]!["data"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("openrouter", entries[1]!["provider_type"]!.GetValue<string>());
        Assert.Equal(7, Guid.Parse(entries[1]!["model_inference_id"]!.GetValue<string>()).Version);
        var answer = JsonNode.Parse(entries[1]!["data"]!.GetValue<string>())!;
        Assert.Equal("Bearer [REDACTED]", answer["x_echo"]!.GetValue<string>());
        SecretAssert.AssertNoSecretRun([raw, gateway.Logs.All], [GoodKey, WrongKey]);
    }

    [Fact]
    public async Task Embeddings_WithoutTheFlag_HasNoRawResponse()
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai);

        var (_, body, _) = await gateway.CreateClient().PostRawAsync(Path, Body("offline", raw: false));

        Assert.Equal(["object", "data", "model", "usage"], body.Select(p => p.Key));
    }

    [Fact]
    public async Task Embeddings_Dummy_ReportsItsRawBody()
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai);

        var (_, body, _) = await gateway.CreateClient().PostRawAsync(Path, Body("offline"));

        var entry = Assert.Single(body["tensorzero::raw_response"]!.AsArray())!;
        Assert.Equal("dummy", entry["provider_type"]!.GetValue<string>());
        Assert.Equal(DummyEmbeddingProvider.RawResponse, entry["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task Embeddings_EveryProviderFails_ErrorCarriesTensorZeroRawResponse()
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai);

        var (status, body, _) = await gateway.CreateClient().PostRawAsync(Path, Body("failing"));

        Assert.NotEqual(HttpStatusCode.OK, status);
        Assert.Equal(["error", "tensorzero_raw_response"], body.Select(p => p.Key));
        var entry = Assert.Single(body["tensorzero_raw_response"]!.AsArray())!;
        Assert.Equal("embeddings", entry["api_type"]!.GetValue<string>());
        Assert.Equal("dummy error raw response", entry["data"]!.GetValue<string>());
    }
}
