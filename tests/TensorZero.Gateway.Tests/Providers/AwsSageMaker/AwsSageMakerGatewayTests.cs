using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.AwsSageMaker;

/// <summary>
/// <c>aws_sagemaker</c> end to end, through <c>/inference</c> and <c>/openai/v1/chat/completions</c>, streamed and not,
/// for both hosted servers, against a fake SageMaker that recomputes SigV4 signatures with the secret it knows and
/// cuts streamed answers into event-stream payload parts. Each test proves its canary secrets reach no response or log.
/// </summary>
public sealed class AwsSageMakerGatewayTests : IAsyncLifetime
{
    private const string AccessKeyId = "AKIACANARYSAGEMAKER1";
    private const string SecretKey = "cnry-5e3c1a9f7d-Zq81-secret";
    private const string SessionToken = "cnry-8b6d4f2a0c-Wx47-token";
    private const string OpenAIEndpoint = "ollama-provisioned-endpoint";
    private const string TgiEndpoint = "text-generation-inference-2025-05-21";

    private static readonly string[] Canaries = [SecretKey, SessionToken, "cnry-24680bdf13-Vy93-wrong"];

    private static readonly Dictionary<string, string> StaticKeys = new() { ["MY_AKID"] = AccessKeyId, ["MY_SECRET"] = SecretKey };

    private FakeSageMakerServer _sagemaker = null!;

    public async Task InitializeAsync()
    {
        _sagemaker = await FakeSageMakerServer.StartAsync();
        _sagemaker.AddIamKey(AccessKeyId, SecretKey);
        _sagemaker.AddEndpoint(OpenAIEndpoint, "openai");
        _sagemaker.AddEndpoint(TgiEndpoint, "tgi");
    }

    public async Task DisposeAsync() => await _sagemaker.DisposeAsync();

    public static string Config(
        string endpointUrl,
        string authLines = "access_key_id = \"env::MY_AKID\"\nsecret_access_key = \"env::MY_SECRET\"",
        string region = "\"us-east-1\"",
        string extra = "") => $"""
        [models.openai_hosted]
        routing = ["aws_sagemaker"]
        [models.openai_hosted.providers.aws_sagemaker]
        type = "aws_sagemaker"
        endpoint_name = "{OpenAIEndpoint}"
        model_name = "gemma3:1b"
        hosted_provider = "openai"
        region = {region}
        endpoint_url = "{endpointUrl}"
        {authLines}
        {extra}

        [models.tgi_hosted]
        routing = ["aws_sagemaker"]
        [models.tgi_hosted.providers.aws_sagemaker]
        type = "aws_sagemaker"
        endpoint_name = "{TgiEndpoint}"
        model_name = "gemma3:1b"
        hosted_provider = "tgi"
        region = {region}
        endpoint_url = "{endpointUrl}"
        {authLines}

        [functions.f]
        type = "chat"
        [functions.f.variants.openai]
        type = "chat_completion"
        model = "openai_hosted"
        max_tokens = 100
        """;

    private static object Request(string model, bool stream = false, IReadOnlyDictionary<string, string>? credentials = null) => new
    {
        model_name = model,
        input = GatewayClient.UserMessage("Hello"),
        stream,
        credentials = credentials ?? new Dictionary<string, string>(),
    };

    private static object OpenAIRequest(string model, bool stream) => new Dictionary<string, object>
    {
        ["model"] = $"tensorzero::model_name::{model}",
        ["messages"] = new[] { new { role = "user", content = "Hello" } },
        ["stream"] = stream,
        ["max_tokens"] = 64,
    };

    [Fact]
    public async Task Inference_OpenAIHosted_SignsForSageMakerAndSendsTheChatCompletionsBody()
    {
        using var gateway = new GatewayFactory(Config(_sagemaker.BaseUrl), StaticKeys);

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "f",
            input = GatewayClient.UserMessage("Hello"),
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("echo: Hello", body["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(57, body["usage"]!["input_tokens"]!.GetValue<long>());
        Assert.Equal(17, body["usage"]!["output_tokens"]!.GetValue<long>());
        var request = Assert.Single(_sagemaker.Requests);
        Assert.Equal(AccessKeyId, request.Identity);
        Assert.Equal($"/endpoints/{OpenAIEndpoint}/invocations", request.RawPath);
        Assert.Contains("/us-east-1/sagemaker/aws4_request", request.Headers["authorization"], StringComparison.Ordinal);
        Assert.Equal("application/json", request.Headers["content-type"]);
        Assert.Equal("application/json", request.Headers["accept"]);
        Assert.Equal("gemma3:1b", request.Body["model"]!.GetValue<string>());
        Assert.Equal("Hello", request.Body["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Equal(100, request.Body["max_completion_tokens"]!.GetValue<int>());
        Assert.False(request.Body["stream"]!.GetValue<bool>());
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task Inference_TgiHosted_SendsModelTgiAndReadsTgiAnswers()
    {
        using var gateway = new GatewayFactory(Config(_sagemaker.BaseUrl), StaticKeys);

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(Request("tgi_hosted"));

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("echo: Hello", body["content"]![0]!["text"]!.GetValue<string>());
        var request = Assert.Single(_sagemaker.Requests);
        Assert.Equal($"/endpoints/{TgiEndpoint}/invocations", request.RawPath);
        Assert.Equal("tgi", request.Body["model"]!.GetValue<string>());
        AssertNoCanary(raw, gateway);
    }

    [Theory]
    [InlineData("openai_hosted", "gemma3:1b")]
    [InlineData("tgi_hosted", "tgi")]
    public async Task InferenceStream_EitherHostedServer_ReassemblesTheSplitPayloadParts(string model, string sentModel)
    {
        // Payload parts of 7 bytes cut every SSE line and multi-byte character boundary the answer has.
        _sagemaker.PayloadPartBytes = 7;
        using var gateway = new GatewayFactory(Config(_sagemaker.BaseUrl), StaticKeys);

        var (status, _, events, raw) = await gateway.CreateClient().PostStreamAsync("/inference", Request(model, stream: true));

        Assert.True(status == HttpStatusCode.OK, raw);
        var chunks = events.Json();
        Assert.Equal("echo: Hello", string.Concat(chunks.SelectMany(c => c["content"] as JsonArray ?? []).Select(c => c!["text"]?.GetValue<string>())));
        Assert.Contains(chunks, c => c["usage"]?["input_tokens"]?.GetValue<long>() == 57);
        Assert.Equal("[DONE]", events[^1]);
        var request = Assert.Single(_sagemaker.Requests);
        Assert.Equal("invocations-response-stream", request.Operation);
        Assert.False(request.Headers.ContainsKey("accept"));
        Assert.True(request.Body["stream"]!.GetValue<bool>());
        Assert.Equal(sentModel, request.Body["model"]!.GetValue<string>());
        AssertNoCanary(raw, gateway);
    }

    [Theory]
    [InlineData("openai_hosted", false)]
    [InlineData("openai_hosted", true)]
    [InlineData("tgi_hosted", false)]
    [InlineData("tgi_hosted", true)]
    public async Task OpenAIChatCompletions_EitherHostedServer_AnswersStreamedAndNot(string model, bool stream)
    {
        using var gateway = new GatewayFactory(Config(_sagemaker.BaseUrl), StaticKeys);
        var client = gateway.CreateClient();

        string text;
        string raw;
        if (stream)
        {
            var (status, _, events, body) = await client.PostStreamAsync("/openai/v1/chat/completions", OpenAIRequest(model, stream: true));
            Assert.True(status == HttpStatusCode.OK, body);
            text = string.Concat(events.Json().Select(e => e["choices"]?[0]?["delta"]?["content"]?.GetValue<string>()));
            raw = body;
        }
        else
        {
            using var response = await client.PostAsJsonAsync("/openai/v1/chat/completions", OpenAIRequest(model, stream: false));
            raw = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, raw);
            text = JsonNode.Parse(raw)!["choices"]![0]!["message"]!["content"]!.GetValue<string>();
        }

        Assert.Equal("echo: Hello", text);
        var request = Assert.Single(_sagemaker.Requests);
        Assert.Equal(stream ? "invocations-response-stream" : "invocations", request.Operation);
        Assert.Equal(64, request.Body["max_completion_tokens"]?.GetValue<int>() ?? request.Body["max_tokens"]!.GetValue<int>());
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task Inference_ToolCall_IsMappedBackForBothHostedServers()
    {
        using var gateway = new GatewayFactory(Config(_sagemaker.BaseUrl), StaticKeys);
        var client = gateway.CreateClient();
        var tools = new[]
        {
            new
            {
                name = "get_temperature",
                description = "Get the temperature of a city.",
                parameters = new { type = "object", properties = new { location = new { type = "string" } }, required = new[] { "location" } },
            },
        };

        foreach (var model in new[] { "openai_hosted", "tgi_hosted" })
        {
            var (status, body, raw) = await client.PostInferenceAsync(new
            {
                model_name = model,
                input = GatewayClient.UserMessage("Weather in Brooklyn?"),
                additional_tools = tools,
            });

            Assert.True(status == HttpStatusCode.OK, raw);
            var call = body["content"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "tool_call")!;
            Assert.Equal("get_temperature", call["name"]!.GetValue<string>());
            Assert.Equal("Brooklyn", call["arguments"]!["location"]!.GetValue<string>());
        }
        Assert.All(_sagemaker.Requests, r => Assert.Equal("get_temperature", r.Body["tools"]![0]!["function"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Inference_SessionToken_IsSentAndSigned()
    {
        _sagemaker.AddIamKey("AKIATEMPSAGEMAKER001", SecretKey, SessionToken);
        using var gateway = new GatewayFactory(
            Config(_sagemaker.BaseUrl, "access_key_id = \"env::K\"\nsecret_access_key = \"env::S\"\nsession_token = \"env::T\""),
            new Dictionary<string, string> { ["K"] = "AKIATEMPSAGEMAKER001", ["S"] = SecretKey, ["T"] = SessionToken });

        var (status, _, raw) = await gateway.CreateClient().PostInferenceAsync(Request("openai_hosted"));

        Assert.True(status == HttpStatusCode.OK, raw);
        var request = Assert.Single(_sagemaker.Requests);
        Assert.Equal(SessionToken, request.Headers["x-amz-security-token"]);
        Assert.Contains("x-amz-security-token", request.Headers["authorization"], StringComparison.Ordinal);
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task Inference_DynamicIamFields_SignWithTheRequestsKeysAndMissingOnesAre400NamingEachKey()
    {
        using var gateway = new GatewayFactory(Config(_sagemaker.BaseUrl,
            "access_key_id = \"dynamic::aws_access_key_id\"\nsecret_access_key = \"dynamic::aws_secret_access_key\""));
        var client = gateway.CreateClient();

        var (okStatus, _, okRaw) = await client.PostInferenceAsync(Request("openai_hosted", credentials: new Dictionary<string, string>
        {
            ["aws_access_key_id"] = AccessKeyId,
            ["aws_secret_access_key"] = SecretKey,
        }));
        var (missingStatus, missingBody, missingRaw) = await client.PostInferenceAsync(Request("openai_hosted", credentials: new Dictionary<string, string>
        {
            ["unrelated"] = SecretKey,
        }));

        Assert.True(okStatus == HttpStatusCode.OK, okRaw);
        Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
        var message = missingBody["error"]!.GetValue<string>();
        Assert.Contains("aws_access_key_id", message, StringComparison.Ordinal);
        Assert.Contains("aws_secret_access_key", message, StringComparison.Ordinal);
        Assert.Contains("AWS SageMaker", message, StringComparison.Ordinal);
        Assert.Equal(AccessKeyId, Assert.Single(_sagemaker.Requests).Identity);
        AssertNoCanary(okRaw + missingRaw, gateway);
    }

    [Fact]
    public async Task Inference_WrongSecretKey_IsTheInvalidSignatureErrorWithoutTheKey()
    {
        using var gateway = new GatewayFactory(Config(_sagemaker.BaseUrl),
            new Dictionary<string, string> { ["MY_AKID"] = AccessKeyId, ["MY_SECRET"] = "cnry-24680bdf13-Vy93-wrong" });

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(Request("openai_hosted"));

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var message = body["error"]!.GetValue<string>();
        Assert.Contains("Error 403 from AWS SageMaker", message, StringComparison.Ordinal);
        Assert.Contains("The request signature we calculated does not match", message, StringComparison.Ordinal);
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task Inference_ExtraHeadersAndBody_AreAppliedBeforeSigning()
    {
        using var gateway = new GatewayFactory(Config(_sagemaker.BaseUrl, extra: """
            extra_headers = [{ name = "X-Amzn-SageMaker-Target-Variant", value = "variant-a" }]
            extra_body = [{ pointer = "/top_k", value = 5 }]
            """), StaticKeys);

        var (status, _, raw) = await gateway.CreateClient().PostInferenceAsync(Request("openai_hosted"));

        Assert.True(status == HttpStatusCode.OK, raw);
        var request = Assert.Single(_sagemaker.Requests);
        Assert.Equal("variant-a", request.Headers["x-amzn-sagemaker-target-variant"]);
        Assert.Contains("x-amzn-sagemaker-target-variant", request.Headers["authorization"], StringComparison.Ordinal);
        Assert.Equal(5, request.Body["top_k"]!.GetValue<int>());
    }

    [Fact]
    public async Task Inference_DynamicRegion_SignsForThatRegionAndRefusesAMissingOrMalformedOne()
    {
        _sagemaker.Region = "us-east-2";
        using var gateway = new GatewayFactory(Config(_sagemaker.BaseUrl, region: "\"dynamic::aws_region\""), StaticKeys);
        var client = gateway.CreateClient();

        var (okStatus, _, raw) = await client.PostInferenceAsync(Request("openai_hosted", credentials: new Dictionary<string, string> { ["aws_region"] = "us-east-2" }));
        var (missingStatus, missingBody, _) = await client.PostInferenceAsync(Request("openai_hosted"));
        var (badStatus, _, _) = await client.PostInferenceAsync(Request("openai_hosted", credentials: new Dictionary<string, string> { ["aws_region"] = "evil.example.com/x" }));

        Assert.True(okStatus == HttpStatusCode.OK, raw);
        Assert.Contains("/us-east-2/sagemaker/aws4_request", Assert.Single(_sagemaker.Requests).Headers["authorization"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
        Assert.Contains("aws_region", missingBody["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Single(_sagemaker.Requests);
    }

    [Fact]
    public async Task Inference_DynamicEndpoint_IsGuardedAndGoesWhereTheRequestSaysOnceAllowed()
    {
        var config = Config("dynamic::sagemaker_endpoint",
            "access_key_id = \"dynamic::aws_access_key_id\"\nsecret_access_key = \"dynamic::aws_secret_access_key\"");
        var credentials = new Dictionary<string, string>
        {
            ["sagemaker_endpoint"] = _sagemaker.BaseUrl,
            ["aws_access_key_id"] = AccessKeyId,
            ["aws_secret_access_key"] = SecretKey,
        };
        using var guarded = new GatewayFactory(config);
        using var allowed = new GatewayFactory("[gateway]\nallowed_dynamic_hosts = [\"127.0.0.1\"]\n" + config);

        var (refusedStatus, refusedBody, refusedRaw) = await guarded.CreateClient().PostInferenceAsync(Request("openai_hosted", credentials: credentials));
        Assert.Empty(_sagemaker.Requests);
        var (status, _, raw) = await allowed.CreateClient().PostInferenceAsync(Request("openai_hosted", credentials: credentials));

        Assert.Equal(HttpStatusCode.BadRequest, refusedStatus);
        Assert.Contains("`sagemaker_endpoint`", refusedBody["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(AccessKeyId, Assert.Single(_sagemaker.Requests).Identity);
        AssertNoCanary(refusedRaw + raw, allowed);
    }

    [Fact]
    public async Task Inference_ContainerError_IsTheModelErrorMessageAsA502()
    {
        _sagemaker.ContainerFailsWith = 400;
        using var gateway = new GatewayFactory(Config(_sagemaker.BaseUrl), StaticKeys);

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(Request("openai_hosted"));

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var message = body["error"]!.GetValue<string>();
        Assert.Contains("Error 424 from AWS SageMaker server", message, StringComparison.Ordinal);
        Assert.Contains("Received client error (400) from primary", message, StringComparison.Ordinal);
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task InferenceStream_ModelStreamErrorMidStream_EndsWithAnErrorEvent()
    {
        _sagemaker.StreamException = "ModelStreamError";
        _sagemaker.PayloadPartBytes = 400;
        using var gateway = new GatewayFactory(Config(_sagemaker.BaseUrl), StaticKeys);

        var (status, _, events, raw) = await gateway.CreateClient().PostStreamAsync("/inference", Request("openai_hosted", stream: true));

        Assert.Equal(HttpStatusCode.OK, status);
        var error = events.Json().Single(e => e.ContainsKey("error"))["error"]!.GetValue<string>();
        Assert.Contains("ModelStreamError: The model container stopped responding.", error, StringComparison.Ordinal);
        Assert.Contains("AWS SageMaker", error, StringComparison.Ordinal);
        Assert.Equal("[DONE]", events[^1]);
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task Inference_UnknownEndpointName_IsSageMakersValidationError()
    {
        using var gateway = new GatewayFactory(Config(_sagemaker.BaseUrl).Replace(OpenAIEndpoint, "not-deployed", StringComparison.Ordinal), StaticKeys);

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(Request("openai_hosted"));

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("Endpoint not-deployed of account 123456789012 not found.", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("/endpoints/not-deployed/invocations", Assert.Single(_sagemaker.Requests).RawPath);
        AssertNoCanary(raw, gateway);
    }

    private static void AssertNoCanary(string text, GatewayFactory gateway)
    {
        SecretAssert.AssertNoSecretRun(text, Canaries, "the response");
        SecretAssert.AssertNoSecretRun(gateway.Logs.All, Canaries, "the logs");
    }
}
