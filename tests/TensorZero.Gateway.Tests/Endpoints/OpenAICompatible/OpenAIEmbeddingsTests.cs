using System.Net;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;

/// <summary><c>POST /openai/v1/embeddings</c> through the whole gateway, against a fake OpenAI that checks Bearer keys.</summary>
public sealed class OpenAIEmbeddingsTests
{
    private const string Path = "/openai/v1/embeddings";
    private const string GoodKey = "sk-embed-good-0123456789abcdef";
    private const string WrongKey = "sk-embed-wrong-0123456789abcdef";

    private static GatewayFactory Gateway(FakeOpenAIServer openai, FakeOpenAIServer? backup = null, string openaiKey = GoodKey) => new($$"""
        [provider_types.openai.defaults]
        api_key_location = "dynamic::team_openai_key"

        [embedding_models.small]
        routing = ["openai"]
        [embedding_models.small.providers.openai]
        type = "openai"
        model_name = "text-embedding-3-small"
        api_base = "{{openai.BaseUrl}}"
        api_key_location = "env::OPENAI_API_KEY"

        [embedding_models.byok]
        routing = ["openai"]
        [embedding_models.byok.providers.openai]
        type = "openai"
        model_name = "text-embedding-3-small"
        api_base = "{{openai.BaseUrl}}"
        api_key_location = "dynamic::customer_key"

        [embedding_models.fallback]
        routing = ["broken", "openai"]
        [embedding_models.fallback.providers.broken]
        type = "openai"
        model_name = "text-embedding-3-large"
        api_base = "{{openai.BaseUrl}}"
        api_key_location = "env::WRONG_KEY"
        [embedding_models.fallback.providers.openai]
        type = "openrouter"
        model_name = "openai/text-embedding-3-small"
        api_base = "{{(backup ?? openai).BaseUrl}}"
        api_key_location = "env::OPENAI_API_KEY"

        [embedding_models.offline]
        routing = ["dummy"]
        [embedding_models.offline.providers.dummy]
        type = "dummy"
        model_name = "good"
        """,
        new Dictionary<string, string> { ["OPENAI_API_KEY"] = openaiKey, ["WRONG_KEY"] = WrongKey, ["OPENROUTER_API_KEY"] = GoodKey });

    private static async Task<FakeOpenAIServer> OpenAI()
    {
        var server = await FakeOpenAIServer.StartAsync();
        server.ValidKeys.Add(GoodKey);
        return server;
    }

    [Fact]
    public async Task Embeddings_ConfiguredModel_AnswersInOpenAIShapeWithTheBearerKey()
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai);

        var (status, body, _) = await gateway.CreateClient().PostRawAsync(Path,
            """{"model": "tensorzero::embedding_model_name::small", "input": "hello"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            """{"object":"list","data":[{"object":"embedding","embedding":[5,5.25,5.5],"index":0}],"model":"tensorzero::embedding_model_name::small","usage":{"prompt_tokens":5,"total_tokens":5}}""",
            OpenAIClient.Json(body));
        var request = Assert.Single(openai.Requests);
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.Equal($"Bearer {GoodKey}", request.Authorization);
        Assert.Equal("""{"model":"text-embedding-3-small","input":"hello"}""", OpenAIClient.Json(request.Body));
    }

    [Fact]
    public async Task Embeddings_BatchWithDimensions_GivesOneVectorPerInputInOrder()
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai);

        var (status, body, _) = await gateway.CreateClient().PostRawAsync(Path,
            """{"model": "small", "input": ["a", "abc"], "dimensions": 2, "encoding_format": "float", "user": "u1"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            """[{"object":"embedding","embedding":[1,1.25],"index":0},{"object":"embedding","embedding":[3,3.25],"index":1}]""",
            OpenAIClient.Json(body["data"]));
        Assert.Equal("tensorzero::embedding_model_name::small", body["model"]!.GetValue<string>());
        Assert.Equal("""{"model":"text-embedding-3-small","input":["a","abc"],"dimensions":2,"encoding_format":"float"}""", OpenAIClient.Json(Assert.Single(openai.Requests).Body));
        Assert.Contains("Deprecation Warning: Model names in the OpenAI-compatible embeddings endpoint should be prefixed", gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_Base64_IsLittleEndianFloat32OfTheSameVector()
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai);

        var (status, body, _) = await gateway.CreateClient().PostRawAsync(Path,
            """{"model": "tensorzero::embedding_model_name::small", "input": ["hello"], "encoding_format": "base64"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(FakeEmbeddings.Base64(FakeEmbeddings.Vector("hello", 3)), body["data"]![0]!["embedding"]!.GetValue<string>());
        Assert.Equal("base64", Assert.Single(openai.Requests).Body["encoding_format"]!.GetValue<string>());
    }

    [Fact]
    public async Task Embeddings_WrongKey_IsTheProvidersErrorWithoutTheKey()
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai, openaiKey: WrongKey);

        var (status, body, raw) = await gateway.CreateClient().PostRawAsync(Path, """{"model": "tensorzero::embedding_model_name::small", "input": "x"}""");

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.StartsWith("All model providers failed to embed with errors: openai: Error 401 from OpenAI client: ", OpenAIClient.ErrorMessage(body), StringComparison.Ordinal);
        Assert.Equal($"Bearer {WrongKey}", Assert.Single(openai.Requests).Authorization);
        Assert.DoesNotContain(WrongKey, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongKey[^4..], raw, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongKey, gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_DynamicKey_IsSentAndAMissingOneIsA400NamingIt()
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai);
        var client = gateway.CreateClient();

        var (okStatus, _, _) = await client.PostRawAsync(Path,
            $$$"""{"model": "tensorzero::embedding_model_name::byok", "input": "x", "tensorzero::credentials": {"customer_key": "{{{GoodKey}}}"}}""");
        var (missingStatus, missing, _) = await client.PostRawAsync(Path, """{"model": "tensorzero::embedding_model_name::byok", "input": "x"}""");

        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal($"Bearer {GoodKey}", Assert.Single(openai.Requests).Authorization);
        Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
        Assert.Equal(
            "All model providers failed to embed with errors: openai: API key missing for provider OpenAI: Dynamic api key `customer_key` is missing",
            OpenAIClient.ErrorMessage(missing));
    }

    [Fact]
    public async Task Embeddings_FirstProviderRejected_FallsBackToTheNext()
    {
        await using var openai = await OpenAI();
        await using var backup = await FakeOpenAIServer.StartAsync(FakeWire.For("openrouter"));
        backup.ValidKeys.Add(GoodKey);
        using var gateway = Gateway(openai, backup);

        var (status, body, _) = await gateway.CreateClient().PostRawAsync(Path,
            """{"model": "tensorzero::embedding_model_name::fallback", "input": "hi"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[2,2.25,2.5]", OpenAIClient.Json(body["data"]![0]!["embedding"]));
        Assert.Equal($"Bearer {WrongKey}", Assert.Single(openai.Requests).Authorization);
        var second = Assert.Single(backup.Requests);
        Assert.Equal("openai/text-embedding-3-small", second.Body["model"]!.GetValue<string>());
        Assert.Equal("TensorZero", second.Headers["x-title"]);
    }

    [Fact]
    public async Task Embeddings_Dummy_Gives1536ZerosAndTenTokens()
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai);

        var (status, body, _) = await gateway.CreateClient().PostRawAsync(Path,
            """{"model": "tensorzero::embedding_model_name::offline", "input": ["a", "b"], "tensorzero::dryrun": true}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var data = body["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        Assert.All(data, item => Assert.True(item!["embedding"]!.AsArray().Count == 1536 && item["embedding"]!.AsArray().All(v => v!.GetValue<double>() == 0)));
        Assert.Equal("""{"prompt_tokens":10,"total_tokens":10}""", OpenAIClient.Json(body["usage"]));
    }

    [Fact]
    public async Task Embeddings_DummyShorthand_NeedsNoConfig()
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai);

        var (status, body, _) = await gateway.CreateClient().PostRawAsync(Path,
            """{"model": "tensorzero::embedding_model_name::dummy::good", "input": "x", "encoding_format": "base64"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("tensorzero::embedding_model_name::dummy::good", body["model"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(new byte[1536 * 4]), body["data"]![0]!["embedding"]!.GetValue<string>());
    }

    [Fact]
    public async Task Embeddings_OpenAIShorthand_UsesTheProviderTypeDefaultCredential()
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai);

        // `[provider_types.openai.defaults]` makes the shorthand's key a dynamic one, so its absence is named without any network.
        var (status, body, _) = await gateway.CreateClient().PostRawAsync(Path,
            """{"model": "tensorzero::embedding_model_name::openai::text-embedding-3-small", "input": "x"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            "All model providers failed to embed with errors: openai: API key missing for provider OpenAI: Dynamic api key `team_openai_key` is missing",
            OpenAIClient.ErrorMessage(body));
    }

    [Fact]
    public async Task Embeddings_ChatOnlyShorthand_IsAnUnknownModel()
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai);

        var (status, body, _) = await gateway.CreateClient().PostRawAsync(Path,
            """{"model": "tensorzero::embedding_model_name::anthropic::claude", "input": "x"}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Model not found: anthropic::claude", OpenAIClient.ErrorMessage(body));
    }

    public static TheoryData<string, HttpStatusCode, string> Rejections => new()
    {
        { """{"model": "tensorzero::embedding_model_name::nope", "input": "x"}""", HttpStatusCode.NotFound, "Model not found: nope" },
        { """{"model": "tensorzero::embedding_model_name::", "input": "x"}""", HttpStatusCode.BadRequest,
            "Invalid request to OpenAI-compatible endpoint: embedding_model_name (passed in model field after \"tensorzero::embedding_model_name::\") cannot be empty" },
        { """{"input": "x"}""", HttpStatusCode.BadRequest, "missing field `model`" },
        { """{"model": "offline"}""", HttpStatusCode.BadRequest, "missing field `input`" },
        { """{"model": "offline", "input": []}""", HttpStatusCode.BadRequest, "Input cannot be empty" },
        { """{"model": "offline", "input": [1, 2]}""", HttpStatusCode.BadRequest, "`input`: token arrays are not supported by this gateway yet; send text" },
        { """{"model": "offline", "input": {"a": 1}}""", HttpStatusCode.BadRequest, "`input`: must be a string or an array of strings" },
        { """{"model": "offline", "input": "x", "encoding_format": "int8"}""", HttpStatusCode.BadRequest,
            "`encoding_format`: unknown format `int8` (expected float or base64)" },
        { """{"model": "offline", "input": "x", "dimensions": 0}""", HttpStatusCode.BadRequest, "`dimensions`: must be at least 1" },
        { """{"model": "offline", "input": "x", "tensorzero::credentials": {"k": 1}}""", HttpStatusCode.BadRequest, "`tensorzero::credentials.k`: must be a string" },
        { """{"model": "offline", "input": "x", "extra": 1, "tensorzero::deny_unknown_fields": true}""", HttpStatusCode.BadRequest,
            "Invalid request to OpenAI-compatible endpoint: `tensorzero::deny_unknown_fields` is set to true, but found unknown fields in the request: [extra]" },
        { """["x"]""", HttpStatusCode.BadRequest, "the request body must be a JSON object" },
        { """{"model": "dummy::error", "input": "x"}""", HttpStatusCode.InternalServerError,
            "All model providers failed to embed with errors: dummy: Error from dummy client: Error sending request to Dummy provider for model 'error'." },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Embeddings_BadRequest_IsAnOpenAIErrorWithTheGatewaysStatus(string json, HttpStatusCode expectedStatus, string message)
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai);

        var (status, body, _) = await gateway.CreateClient().PostRawAsync(Path, json);

        Assert.Equal(expectedStatus, status);
        Assert.Equal(message, OpenAIClient.ErrorMessage(body));
    }

    [Fact]
    public async Task Embeddings_UnknownField_IsIgnoredWithAWarning()
    {
        await using var openai = await OpenAI();
        using var gateway = Gateway(openai);

        var (status, _, _) = await gateway.CreateClient().PostRawAsync(Path,
            """{"model": "tensorzero::embedding_model_name::offline", "input": "x", "zzz": 1, "tensorzero::cache_options": {"enabled": "on"}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Ignoring unknown fields in OpenAI-compatible embeddings request: [zzz]", gateway.Logs.All, StringComparison.Ordinal);
    }
}
