using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary><c>POST /inference</c> over the offline <c>dummy</c> provider and a fake OpenAI server.</summary>
public sealed class InferenceEndpointTests : IClassFixture<InferenceEndpointTests.DummyGateway>
{
    private readonly HttpClient _client;
    private readonly DummyGateway _gateway;

    public InferenceEndpointTests(DummyGateway gateway)
    {
        _gateway = gateway;
        _client = gateway.CreateClient();
    }

    /// <summary>One gateway shared by the tests of this class; its config uses only offline models.</summary>
    public sealed class DummyGateway() : GatewayFactory("""
        [models.good]
        routing = ["dummy"]
        [models.good.providers.dummy]
        type = "dummy"
        model_name = "good"

        [models.broken_then_good]
        routing = ["broken", "working"]
        [models.broken_then_good.providers.broken]
        type = "dummy"
        model_name = "error"
        [models.broken_then_good.providers.working]
        type = "dummy"
        model_name = "alternate"

        [models.always_broken]
        routing = ["broken"]
        [models.always_broken.providers.broken]
        type = "dummy"
        model_name = "error"

        [models.slow]
        routing = ["slow"]
        [models.slow.providers.slow]
        type = "dummy"
        model_name = "slow"
        timeouts = { non_streaming.total_ms = 200 }

        [models.keyed]
        routing = ["dummy"]
        [models.keyed.providers.dummy]
        type = "dummy"
        model_name = "test_key"
        api_key_location = "dynamic::dummy_key"

        [functions.basic]
        type = "chat"
        [functions.basic.variants.only]
        type = "chat_completion"
        model = "good"

        [functions.fallback]
        type = "chat"
        [functions.fallback.variants.a_broken]
        type = "chat_completion"
        model = "always_broken"
        weight = 1.0
        [functions.fallback.variants.b_good]
        type = "chat_completion"
        model = "dummy::echo"

        [functions.all_broken]
        type = "chat"
        [functions.all_broken.variants.one]
        type = "chat_completion"
        model = "always_broken"
        [functions.all_broken.variants.two]
        type = "chat_completion"
        model = "dummy::error_two"

        [functions.extract]
        type = "json"
        [functions.extract.variants.v]
        type = "chat_completion"
        model = "dummy::json"
        json_mode = "strict"

        [functions.ab]
        type = "chat"
        [functions.ab.variants.echo]
        type = "chat_completion"
        model = "dummy::echo"
        [functions.ab.variants.good]
        type = "chat_completion"
        model = "dummy::good"
        """);

    private Task<(HttpStatusCode Status, JsonObject Body, string Raw)> Infer(object body) => _client.PostInferenceAsync(body);

    [Fact]
    public async Task Inference_Function_ReturnsTensorZeroShape()
    {
        var (status, body, _) = await Infer(new { function_name = "basic", input = GatewayClient.UserMessage("Hi") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(7, Guid.Parse(body["inference_id"]!.GetValue<string>()).Version);
        Assert.Equal(7, Guid.Parse(body["episode_id"]!.GetValue<string>()).Version);
        Assert.NotEqual(body["inference_id"]!.GetValue<string>(), body["episode_id"]!.GetValue<string>());
        Assert.Equal("only", body["variant_name"]!.GetValue<string>());
        Assert.Equal("""[{"type":"text","text":"Megumin gleefully chanted her spell, unleashing a thunderous explosion that lit up the sky and left a massive crater in its wake."}]""", body["content"]!.ToJsonString());
        Assert.Equal("""{"input_tokens":10,"output_tokens":1}""", body["usage"]!.ToJsonString());
        Assert.Equal("stop", body["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_ModelName_UsesDefaultFunctionWithModelAsVariant()
    {
        var (status, body, _) = await Infer(new
        {
            model_name = "dummy::echo",
            input = new { system = "You are terse.", messages = new object[] { new { role = "user", content = new[] { new { type = "text", text = "ping" } } } } },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("dummy::echo", body["variant_name"]!.GetValue<string>());
        Assert.Equal("ping", body["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_EpisodeId_IsEchoedAndSticky()
    {
        var episode = Guid.CreateVersion7(DateTimeOffset.UtcNow.AddMinutes(-1));
        var variants = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            var (status, body, _) = await Infer(new { function_name = "ab", episode_id = episode, input = GatewayClient.UserMessage("x") });
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(episode.ToString(), body["episode_id"]!.GetValue<string>());
            variants.Add(body["variant_name"]!.GetValue<string>());
        }
        Assert.Single(variants);
    }

    [Fact]
    public async Task Inference_ProviderFails_RoutesToNextProvider()
    {
        var (status, body, _) = await Infer(new { model_name = "broken_then_good", input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(DummyProvider.AlternateText, body["content"]![0]!["text"]!.GetValue<string>());
        Assert.Contains(_gateway.Logs.Lines, l => l.StartsWith(
            "Model provider \"broken\" of model \"broken_then_good\" failed: \"Error from dummy client: Error sending request to Dummy provider for model 'error'.\"",
            StringComparison.Ordinal));
    }

    [Fact]
    public async Task Inference_VariantFails_FallsBackToNextVariant()
    {
        var (status, body, _) = await Infer(new { function_name = "fallback", input = GatewayClient.UserMessage("rescued") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("b_good", body["variant_name"]!.GetValue<string>());
        Assert.Equal("rescued", body["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_AllVariantsFail_Returns502ListingEachVariant()
    {
        var (status, body, _) = await Infer(new { function_name = "all_broken", input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var message = body["error"]!.GetValue<string>();
        Assert.StartsWith("All variants failed with errors: ", message, StringComparison.Ordinal);
        Assert.Contains("one: All model providers failed to infer with errors: broken: Error from dummy client: Error sending request to Dummy provider for model 'error'.", message, StringComparison.Ordinal);
        Assert.Contains("two: All model providers failed to infer with errors: dummy: Error from dummy client: Error sending request to Dummy provider for model 'error_two'.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_PinnedVariantFails_Returns500()
    {
        var (status, body, _) = await Infer(new { function_name = "all_broken", variant_name = "one", input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.StartsWith("All model providers failed to infer with errors: broken:", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_ProviderTimeout_IsAProviderError()
    {
        var (status, body, _) = await Infer(new { model_name = "slow", input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("Model provider slow timed out due to configured `non_streaming.total_ms` timeout (200 ms)", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_DummyTestKey_ChecksDynamicKey()
    {
        var good = await Infer(new { model_name = "keyed", input = GatewayClient.UserMessage("x"), credentials = new { dummy_key = DummyProvider.GoodKey } });
        Assert.Equal(HttpStatusCode.OK, good.Status);

        var bad = await Infer(new { model_name = "keyed", input = GatewayClient.UserMessage("x"), credentials = new { dummy_key = "wrong-canary-key" } });
        Assert.Equal(HttpStatusCode.BadGateway, bad.Status);
        Assert.Contains("Invalid API key for Dummy provider", bad.Body["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var missing = await Infer(new { model_name = "keyed", input = GatewayClient.UserMessage("x") });
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Contains("Dynamic api key `dummy_key` is missing", missing.Body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_FlakyModel_FailsEverySecondCall()
    {
        var name = $"dummy::flaky_{Guid.NewGuid():N}";
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await Infer(new { model_name = name, input = GatewayClient.UserMessage("x") })).Status);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.BadGateway, HttpStatusCode.OK, HttpStatusCode.BadGateway], statuses);
    }

    [Fact]
    public async Task Inference_JsonFunction_ReturnsRawAndParsedOutput()
    {
        var (status, body, _) = await Infer(new { function_name = "extract", input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"answer":"Hello"}""", body["output"]!["raw"]!.GetValue<string>());
        Assert.Equal("Hello", body["output"]!["parsed"]!["answer"]!.GetValue<string>());
        Assert.Null(body["content"]);
    }

    [Theory]
    [InlineData("""{"input":{"messages":[]}}""", 400, "Invalid inference target: Either `function_name` or `model_name` must be provided")]
    [InlineData("""{"function_name":"basic","model_name":"good","input":{"messages":[]}}""", 400, "Invalid inference target: Only one of `function_name` or `model_name` can be provided")]
    [InlineData("""{"model_name":"good","variant_name":"x","input":{"messages":[]}}""", 400, "Invalid inference target: `variant_name` cannot be provided when using `model_name`")]
    [InlineData("""{"model_name":"nope","input":{"messages":[]}}""", 400, "Invalid inference target: Invalid model name: Model name 'nope' not found in model table")]
    [InlineData("""{"function_name":"nope","input":{"messages":[]}}""", 404, "Unknown function: nope")]
    [InlineData("""{"function_name":"basic","variant_name":"nope","input":{"messages":[]}}""", 404, "Unknown variant: nope")]
    [InlineData("""{"function_name":"basic"}""", 400, "missing field `input`")]
    [InlineData("""{"function_name":"basic","input":{"messages":[{"role":"system","content":"x"}]}}""", 400, "`input.messages[0].role`: unknown role `system`, expected `user` or `assistant`")]
    [InlineData("""{"function_name":"basic","input":{"messages":[{"role":"user"}]}}""", 400, "input.messages[0]: missing field `content`")]
    [InlineData("""{"function_name":"basic","input":{"messages":[{"role":"user","content":5}]}}""", 400, "`input.messages[0].content`: must be a string, an object of template arguments or an array of content blocks")]
    [InlineData("""{"function_name":"basic","input":{"messages":[]},"credentials":{"k":5}}""", 400, "`credentials.k`: must be a string")]
    [InlineData("""{"function_name":"basic","input":{"messages":[]},"credentials":{"k":"a\r\nX-Injected: 1"}}""", 400, "`credentials.k`: must not contain control characters")]
    [InlineData("""{"function_name":"basic","input":{"messages":[]},"tags":{"tensorzero::x":"1"}}""", 400, "Tag name cannot start with 'tensorzero::': tensorzero::x")]
    [InlineData("""{"function_name":"basic","input":{"messages":[]},"params":{"chat_completion":{"temprature":1}}}""", 400, "`params.chat_completion.temprature`: unknown field")]
    [InlineData("""{"function_name":"basic","input":{"messages":[]},"params":{"chat_completion":{"max_tokens":"many"}}}""", 400, "`params.chat_completion.max_tokens`: must be an integer")]
    [InlineData("""{"function_name":"basic","input":{"messages":[]},"surprise":true}""", 400, "`surprise`: unknown field")]
    [InlineData("""{"function_name":"basic","input":{"messages":[]},"episode_id":"not-a-uuid"}""", 400, "`episode_id`: `not-a-uuid` is not a UUID")]
    [InlineData("""{"function_name":"basic","input":{"messages":[]},"episode_id":"3f2c0b0e-7a4b-4c9d-8e2f-1a2b3c4d5e6f"}""", 400, "Failed to parse UUID as v7: 3f2c0b0e-7a4b-4c9d-8e2f-1a2b3c4d5e6f")]
    [InlineData("""{"function_name":"basic","input":{"messages":[]},"episode_id":"00000000-0000-7000-8000-000000000000"}""", 400, "Invalid Episode ID: Timestamp is too early")]
    [InlineData("""{"function_name":"basic","input":{"messages":[]},"episode_id":"ffffff00-0000-7000-8000-000000000000"}""", 400, "Workflow evaluation run not found for episode id: ffffff00-0000-7000-8000-000000000000")]
    [InlineData("""{"function_name":"basic","input":{"messages":[]}""", 400, "the request body is not valid JSON (line 1, byte 49)")]
    public async Task Inference_BadRequest_ReturnsStatusAndMessageNamingTheField(string json, int expectedStatus, string expectedMessage)
    {
        var (status, body, raw) = await _client.PostRawAsync("/inference", json);

        Assert.Equal(expectedStatus, (int)status);
        Assert.Equal(expectedMessage, body["error"]!.GetValue<string>());
        Assert.DoesNotContain("   at ", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_FutureEpisodeId_IsRejected()
    {
        var future = Guid.CreateVersion7(DateTimeOffset.UtcNow.AddDays(1));
        var (status, body, _) = await Infer(new { function_name = "basic", episode_id = future, input = GatewayClient.UserMessage("x") });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Invalid Episode ID: Timestamp is in the future", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_ReturnsOkAndVersion()
    {
        using var response = await _client.GetAsync("/status");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", body!["status"]!.GetValue<string>());
        Assert.Equal("2026.4.1", body["version"]!.GetValue<string>());
        Assert.Equal("2026.4.1", response.Headers.GetValues("x-tensorzero-gateway-version").Single());
    }

    [Fact]
    public async Task Health_WhenReady_Returns200()
    {
        using var response = await _client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnknownRoute_Returns404NamingIt()
    {
        using var response = await _client.PostAsync("/inferenze", null);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Route not found: POST /inferenze", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_IncludeOriginalResponse_AddsTheProvidersRawBody()
    {
        var (status, body, _) = await Infer(new { model_name = "dummy::good", include_original_response = true, input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.OK, status);
        // The dummy's raw body is TensorZero's: a completions-style answer holding the same text.
        var original = JsonNode.Parse(body["original_response"]!.GetValue<string>())!;
        Assert.Equal(DummyProvider.DefaultText, original["choices"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(20, original["usage"]!["total_tokens"]!.GetValue<int>());

        var (_, without, _) = await Infer(new { model_name = "dummy::good", input = GatewayClient.UserMessage("x") });
        Assert.False(without.ContainsKey("original_response"));
    }

    [Fact]
    public async Task Inference_ThoughtBlocks_AreReturnedWithSignature()
    {
        var (status, body, _) = await Infer(new { model_name = "dummy::reasoner_with_signature", input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"type":"thought","text":"hmmm","signature":"my_signature"}""", body["content"]![0]!.ToJsonString());
        Assert.Equal("text", body["content"]![1]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_DryrunAndTags_AreAccepted()
    {
        var (status, _, _) = await Infer(new
        {
            function_name = "basic",
            dryrun = true,
            tags = new Dictionary<string, string> { ["user_id"] = "42" },
            input = GatewayClient.UserMessage("x"),
        });

        Assert.Equal(HttpStatusCode.OK, status);
    }
}
