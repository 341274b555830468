using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.AwsBedrock;

/// <summary>
/// Every way of authenticating to Bedrock, end to end through the gateway against a fake that recomputes SigV4
/// signatures with the secret it knows. Each test uses its own canary secrets and proves they reach no response or log.
/// </summary>
public sealed class AwsBedrockGatewayTests : IAsyncLifetime
{
    public const string ModelId = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

    private const string AccessKeyId = "AKIACANARY5D1F0C7E9A";
    private const string SecretKey = "canary-secret-83b2e6f4d1-0a9c7e5b3f";
    private const string SessionToken = "canary-session-token-47ac90e2b3";
    private const string BearerToken = "canary-bedrock-api-key-9e7d5c3b1a";
    private const string OtherBearerToken = "canary-bedrock-api-key-other-2468ac";

    private static readonly string[] Canaries = [SecretKey, SessionToken, BearerToken, OtherBearerToken, "wrong-secret-canary-13579"];

    private FakeBedrockServer _bedrock = null!;

    public async Task InitializeAsync()
    {
        _bedrock = await FakeBedrockServer.StartAsync();
        _bedrock.AddIamKey(AccessKeyId, SecretKey);
        _bedrock.AddBearerToken(BearerToken);
        _bedrock.AddBearerToken(OtherBearerToken);
    }

    public async Task DisposeAsync() => await _bedrock.DisposeAsync();

    public static string Config(string endpointUrl, string authLines, string region = "\"us-east-1\"", string extra = "") => $"""
        [models.m]
        routing = ["bedrock"]

        [models.m.providers.bedrock]
        type = "aws_bedrock"
        model_id = "{ModelId}"
        region = {region}
        endpoint_url = "{endpointUrl}"
        {authLines}
        {extra}

        [functions.f]
        type = "chat"

        [functions.f.variants.v]
        type = "chat_completion"
        model = "m"
        max_tokens = 100
        """;

    private static object Request(IReadOnlyDictionary<string, string>? credentials = null) => new
    {
        function_name = "f",
        input = GatewayClient.UserMessage("Hello"),
        credentials = credentials ?? new Dictionary<string, string>(),
    };

    [Fact]
    public async Task Inference_StaticIamFieldsFromEnv_SignsWithSigV4()
    {
        using var gateway = new GatewayFactory(
            Config(_bedrock.BaseUrl, "access_key_id = \"env::MY_AKID\"\nsecret_access_key = \"env::MY_SECRET\""),
            new Dictionary<string, string> { ["MY_AKID"] = AccessKeyId, ["MY_SECRET"] = SecretKey });

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(Request());

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("echo: Hello", body["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(57, body["usage"]!["input_tokens"]!.GetValue<long>());
        var request = Assert.Single(_bedrock.Requests);
        Assert.Equal(AccessKeyId, request.Identity);
        Assert.Equal("/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse", request.RawPath);
        Assert.Equal(ModelId, request.ModelId);
        Assert.Equal("application/json", request.Headers["content-type"]);
        Assert.Equal("application/json", request.Headers["accept"]);
        Assert.False(request.Headers.ContainsKey("x-amz-security-token"));
        Assert.Equal(100, request.Body["inferenceConfig"]!["maxTokens"]!.GetValue<int>());
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task Inference_StaticIamWithSessionToken_SendsSignedSecurityToken()
    {
        _bedrock.AddIamKey("AKIATEMPORARY0000001", SecretKey, SessionToken);
        using var gateway = new GatewayFactory(
            Config(_bedrock.BaseUrl, "access_key_id = \"env::K\"\nsecret_access_key = \"env::S\"\nsession_token = \"env::T\""),
            new Dictionary<string, string> { ["K"] = "AKIATEMPORARY0000001", ["S"] = SecretKey, ["T"] = SessionToken });

        var (status, _, raw) = await gateway.CreateClient().PostInferenceAsync(Request());

        Assert.True(status == HttpStatusCode.OK, raw);
        var request = Assert.Single(_bedrock.Requests);
        Assert.Equal(SessionToken, request.Headers["x-amz-security-token"]);
        Assert.Contains("x-amz-security-token", request.Headers["authorization"], StringComparison.Ordinal);
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task Inference_DynamicIamFields_SignsWithKeysFromRequest()
    {
        using var gateway = new GatewayFactory(Config(_bedrock.BaseUrl,
            "access_key_id = \"dynamic::aws_access_key_id\"\nsecret_access_key = \"dynamic::aws_secret_access_key\""));

        var (status, _, raw) = await gateway.CreateClient().PostInferenceAsync(Request(new Dictionary<string, string>
        {
            ["aws_access_key_id"] = AccessKeyId,
            ["aws_secret_access_key"] = SecretKey,
        }));

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(AccessKeyId, Assert.Single(_bedrock.Requests).Identity);
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task Inference_DynamicIamFieldsMissing_Returns400NamingEveryKey()
    {
        using var gateway = new GatewayFactory(Config(_bedrock.BaseUrl,
            "access_key_id = \"dynamic::aws_access_key_id\"\nsecret_access_key = \"dynamic::aws_secret_access_key\""));

        var (status, body, _) = await gateway.CreateClient().PostInferenceAsync(Request(new Dictionary<string, string>
        {
            ["unrelated"] = SecretKey,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var message = body["error"]!.GetValue<string>();
        Assert.Contains("aws_access_key_id", message, StringComparison.Ordinal);
        Assert.Contains("aws_secret_access_key", message, StringComparison.Ordinal);
        Assert.Contains("AWS Bedrock", message, StringComparison.Ordinal);
        Assert.Empty(_bedrock.Requests);
        AssertNoCanary(message, gateway);
    }

    [Fact]
    public async Task Inference_ApiKeyFromEnv_SendsBearer()
    {
        using var gateway = new GatewayFactory(Config(_bedrock.BaseUrl, "api_key = \"env::MY_BEDROCK_KEY\""),
            new Dictionary<string, string> { ["MY_BEDROCK_KEY"] = BearerToken });

        var (status, _, raw) = await gateway.CreateClient().PostInferenceAsync(Request());

        Assert.True(status == HttpStatusCode.OK, raw);
        var request = Assert.Single(_bedrock.Requests);
        Assert.Equal($"Bearer {BearerToken}", request.Headers["authorization"]);
        Assert.False(request.Headers.ContainsKey("x-amz-date"));
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task Inference_ApiKeyDynamic_SendsBearerFromRequest()
    {
        using var gateway = new GatewayFactory(Config(_bedrock.BaseUrl, "api_key = \"dynamic::customer_bedrock_key\""));

        var (status, _, raw) = await gateway.CreateClient().PostInferenceAsync(Request(new Dictionary<string, string>
        {
            ["customer_bedrock_key"] = OtherBearerToken,
        }));

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(OtherBearerToken, Assert.Single(_bedrock.Requests).Identity);
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task Inference_ApiKeyWithFallback_UsesDynamicThenEnv()
    {
        using var gateway = new GatewayFactory(
            Config(_bedrock.BaseUrl, "api_key = { default = \"dynamic::customer_bedrock_key\", fallback = \"env::MY_BEDROCK_KEY\" }"),
            new Dictionary<string, string> { ["MY_BEDROCK_KEY"] = BearerToken });
        var client = gateway.CreateClient();

        var (withStatus, _, _) = await client.PostInferenceAsync(Request(new Dictionary<string, string> { ["customer_bedrock_key"] = OtherBearerToken }));
        var (withoutStatus, _, raw) = await client.PostInferenceAsync(Request());

        Assert.Equal(HttpStatusCode.OK, withStatus);
        Assert.Equal(HttpStatusCode.OK, withoutStatus);
        Assert.Equal([OtherBearerToken, BearerToken], _bedrock.Requests.Select(r => r.Identity));
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task Inference_NothingConfiguredButBearerTokenVariable_SendsThatToken()
    {
        using var gateway = new GatewayFactory(Config(_bedrock.BaseUrl, string.Empty),
            new Dictionary<string, string> { ["AWS_BEARER_TOKEN_BEDROCK"] = BearerToken });

        var (status, _, raw) = await gateway.CreateClient().PostInferenceAsync(Request());

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal($"Bearer {BearerToken}", Assert.Single(_bedrock.Requests).Headers["authorization"]);
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task Inference_WrongSecretKey_ReturnsInvalidSignatureWithoutTheKey()
    {
        using var gateway = new GatewayFactory(
            Config(_bedrock.BaseUrl, "access_key_id = \"env::MY_AKID\"\nsecret_access_key = \"env::MY_SECRET\""),
            new Dictionary<string, string> { ["MY_AKID"] = AccessKeyId, ["MY_SECRET"] = "wrong-secret-canary-13579" });

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(Request());

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var message = body["error"]!.GetValue<string>();
        Assert.Contains("403", message, StringComparison.Ordinal);
        Assert.Contains("The request signature we calculated does not match", message, StringComparison.Ordinal);
        Assert.Equal(AccessKeyId, Assert.Single(_bedrock.Requests).Identity);
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task Inference_ExtraHeadersAndBody_AreAppliedBeforeSigning()
    {
        using var gateway = new GatewayFactory(
            Config(_bedrock.BaseUrl, "access_key_id = \"env::MY_AKID\"\nsecret_access_key = \"env::MY_SECRET\"", extra: """
                extra_headers = [{ name = "x-custom-trace", value = "trace-1" }]
                extra_body = [{ pointer = "/additionalModelRequestFields/top_k", value = 5 }]
                """),
            new Dictionary<string, string> { ["MY_AKID"] = AccessKeyId, ["MY_SECRET"] = SecretKey });

        var (status, _, raw) = await gateway.CreateClient().PostInferenceAsync(Request());

        Assert.True(status == HttpStatusCode.OK, raw);
        var request = Assert.Single(_bedrock.Requests);
        Assert.Equal("trace-1", request.Headers["x-custom-trace"]);
        Assert.Contains("x-custom-trace", request.Headers["authorization"], StringComparison.Ordinal);
        Assert.Equal(5, request.Body["additionalModelRequestFields"]!["top_k"]!.GetValue<int>());
    }

    [Fact]
    public async Task Inference_DynamicRegion_SignsForThatRegion()
    {
        _bedrock.Region = "eu-west-3";
        using var gateway = new GatewayFactory(
            Config(_bedrock.BaseUrl, "access_key_id = \"env::MY_AKID\"\nsecret_access_key = \"env::MY_SECRET\"", region: "\"dynamic::aws_region\""),
            new Dictionary<string, string> { ["MY_AKID"] = AccessKeyId, ["MY_SECRET"] = SecretKey });
        var client = gateway.CreateClient();

        var (okStatus, _, raw) = await client.PostInferenceAsync(Request(new Dictionary<string, string> { ["aws_region"] = "eu-west-3" }));
        var (missingStatus, missingBody, _) = await client.PostInferenceAsync(Request());
        var (badStatus, _, _) = await client.PostInferenceAsync(Request(new Dictionary<string, string> { ["aws_region"] = "evil.example.com/x" }));

        Assert.True(okStatus == HttpStatusCode.OK, raw);
        Assert.Contains("/eu-west-3/bedrock/aws4_request", Assert.Single(_bedrock.Requests).Headers["authorization"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
        Assert.Contains("aws_region", missingBody["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Single(_bedrock.Requests);
    }

    [Fact]
    public async Task Inference_DynamicEndpoint_GoesWhereTheRequestSays()
    {
        // A client-chosen endpoint pairs only with the client's own key; the fake's loopback address must be allow-listed.
        using var gateway = new GatewayFactory(
            "[gateway]\nallowed_dynamic_hosts = [\"127.0.0.1\"]\n" + Config("dynamic::bedrock_endpoint", "api_key = \"dynamic::customer_bedrock_key\""));

        var (status, _, raw) = await gateway.CreateClient().PostInferenceAsync(Request(new Dictionary<string, string>
        {
            ["bedrock_endpoint"] = _bedrock.BaseUrl,
            ["customer_bedrock_key"] = BearerToken,
        }));

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(BearerToken, Assert.Single(_bedrock.Requests).Identity);
        AssertNoCanary(raw, gateway);
    }

    [Fact]
    public async Task Inference_UpstreamThrottled_IsProviderErrorWithAwsMessage()
    {
        _bedrock.FailWithStatus = 429;
        using var gateway = new GatewayFactory(Config(_bedrock.BaseUrl, "api_key = \"env::MY_BEDROCK_KEY\""),
            new Dictionary<string, string> { ["MY_BEDROCK_KEY"] = BearerToken });

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(Request());

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("Too many requests", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        AssertNoCanary(raw, gateway);
    }

    private static void AssertNoCanary(string text, GatewayFactory gateway)
    {
        foreach (var canary in Canaries)
        {
            Assert.DoesNotContain(canary, text, StringComparison.Ordinal);
            Assert.DoesNotContain(canary, gateway.Logs.All, StringComparison.Ordinal);
        }
    }
}
