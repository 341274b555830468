using System.Net;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.Egress;

/// <summary>
/// A client-chosen endpoint (Azure <c>endpoint</c>, Bedrock <c>endpoint_url</c>) can't reach a loopback host in any
/// spelling, nor use another scheme or user info: the attacker's listener on 127.0.0.2 sees no connection at all, and
/// each attempt is a 400 naming the credential key, on both endpoints, streamed or not. The allow list opens the way.
/// </summary>
public sealed class DynamicEndpointGuardTests
{
    private const string AzureKey = "azure-canary-client-key-5c4b3a2910";
    private const string BedrockKey = "bedrock-canary-client-key-8e7d6c5b4a";
    private const string BedrockModel = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

    private static string Config(string gateway = "") => $$"""
        {{gateway}}
        [models.azure_m]
        routing = ["azure"]
        [models.azure_m.providers.azure]
        type = "azure"
        deployment_id = "gpt-4o-mini"
        endpoint = "dynamic::azure_endpoint"
        api_key_location = "dynamic::azure_key"

        [models.bedrock_m]
        routing = ["bedrock"]
        [models.bedrock_m.providers.bedrock]
        type = "aws_bedrock"
        model_id = "{{BedrockModel}}"
        region = "us-east-1"
        endpoint_url = "dynamic::bedrock_endpoint"
        api_key = "dynamic::bedrock_key"
        """;

    public static TheoryData<string> BypassForms() =>
    [
        "http://127.0.0.2:{port}/",
        "http://2130706434:{port}/",
        "http://0x7f000002:{port}/",
        "http://0177.0.0.2:{port}/",
        "http://[::ffff:127.0.0.2]:{port}/",
        "http://user:pass@127.0.0.2:{port}/",
        "http://localhost:{port}/",
        "file:///etc/passwd",
        "ftp://127.0.0.2:{port}/",
        "/foo",
    ];

    [Theory]
    [MemberData(nameof(BypassForms))]
    public async Task Inference_ClientChosenEndpoint_IsRefusedWith400AndNeverConnects(string form)
    {
        await using var attacker = CountingTcpListener.Closing("127.0.0.2");
        var url = form.Replace("{port}", attacker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using var gateway = new GatewayFactory(Config());
        var client = gateway.CreateClient();

        foreach (var (model, endpointKey) in new[] { ("azure_m", "azure_endpoint"), ("bedrock_m", "bedrock_endpoint") })
        {
            var credentials = new Dictionary<string, string>
            {
                [endpointKey] = url,
                ["azure_key"] = AzureKey,
                ["bedrock_key"] = BedrockKey,
            };
            foreach (var stream in new[] { false, true })
            {
                var (nativeStatus, nativeRaw) = await Native(client, model, credentials, stream);
                var (openAIStatus, openAIRaw) = await OpenAICompatible(client, model, credentials, stream);

                Assert.True(nativeStatus == HttpStatusCode.BadRequest, $"{model} stream={stream}: {nativeStatus} {nativeRaw}");
                Assert.True(openAIStatus == HttpStatusCode.BadRequest, $"{model} stream={stream} (OpenAI): {openAIStatus} {openAIRaw}");
                Assert.Contains($"`{endpointKey}`", nativeRaw, StringComparison.Ordinal);
                Assert.Contains($"`{endpointKey}`", openAIRaw, StringComparison.Ordinal);
                foreach (var raw in new[] { nativeRaw, openAIRaw })
                {
                    Assert.DoesNotContain(AzureKey, raw, StringComparison.Ordinal);
                    Assert.DoesNotContain(BedrockKey, raw, StringComparison.Ordinal);
                    Assert.DoesNotContain("127.0.0.2", raw, StringComparison.Ordinal);
                }
            }
        }

        Assert.Equal(0, attacker.Connections);
        Assert.DoesNotContain(AzureKey, gateway.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(BedrockKey, gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_AllowListedHost_ReachesTheFakeAzureThere()
    {
        await using var azure = await FakeOpenAIServer.StartAsync(FakeWire.For("azure"), host: "127.0.0.2");
        azure.ValidKeys.Add(AzureKey);
        using var gateway = new GatewayFactory(Config("[gateway]\nallowed_dynamic_hosts = [\"127.0.0.2\"]"));
        var client = gateway.CreateClient();
        var credentials = new Dictionary<string, string> { ["azure_endpoint"] = azure.Origin, ["azure_key"] = AzureKey };

        var (status, raw) = await Native(client, "azure_m", credentials, stream: false);
        var (streamStatus, streamRaw) = await OpenAICompatible(client, "azure_m", credentials, stream: true);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.True(streamStatus == HttpStatusCode.OK, streamRaw);
        Assert.Equal(2, azure.Requests.Count);
        Assert.All(azure.Requests, r => Assert.Equal(AzureKey, r.ApiKey));
    }

    [Fact]
    public async Task Inference_AllowListedCidr_ReachesTheFakeBedrockThere()
    {
        await using var bedrock = await FakeBedrockServer.StartAsync(host: "127.0.0.2");
        bedrock.AddBearerToken(BedrockKey);
        using var gateway = new GatewayFactory(Config("[gateway]\nallowed_dynamic_hosts = [\"127.0.0.0/30\"]"));
        var client = gateway.CreateClient();
        var credentials = new Dictionary<string, string> { ["bedrock_endpoint"] = bedrock.BaseUrl, ["bedrock_key"] = BedrockKey };

        var (status, raw) = await Native(client, "bedrock_m", credentials, stream: false);
        var (streamStatus, streamRaw) = await Native(client, "bedrock_m", credentials, stream: true);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.True(streamStatus == HttpStatusCode.OK, streamRaw);
        Assert.Equal(2, bedrock.Requests.Count);
    }

    [Fact]
    public async Task Inference_AllowListForOtherHost_StillRefusesLoopback()
    {
        await using var attacker = CountingTcpListener.Closing("127.0.0.2");
        using var gateway = new GatewayFactory(Config("[gateway]\nallowed_dynamic_hosts = [\"127.0.0.3\", \"llm.internal\"]"));
        var credentials = new Dictionary<string, string>
        {
            ["azure_endpoint"] = $"http://127.0.0.2:{attacker.Port}/",
            ["azure_key"] = AzureKey,
        };

        var (status, raw) = await Native(gateway.CreateClient(), "azure_m", credentials, stream: false);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("allowed_dynamic_hosts", raw, StringComparison.Ordinal);
        Assert.Equal(0, attacker.Connections);
    }

    [Fact]
    public async Task Inference_ConfiguredLoopbackApiBase_IsNotSubjectToTheGuard()
    {
        await using var vllm = await FakeOpenAIServer.StartAsync(FakeWire.For("vllm"));
        using var gateway = new GatewayFactory($"""
            [models.local]
            routing = ["vllm"]
            [models.local.providers.vllm]
            type = "vllm"
            model_name = "Qwen/Qwen2.5-7B-Instruct"
            api_base = "{vllm.BaseUrl}"
            """);

        var (status, raw) = await Native(gateway.CreateClient(), "local", new Dictionary<string, string>(), stream: false);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Single(vllm.Requests);
    }

    private static async Task<(HttpStatusCode Status, string Raw)> Native(
        HttpClient client, string model, IReadOnlyDictionary<string, string> credentials, bool stream)
    {
        var body = new { model_name = model, input = GatewayClient.UserMessage("Hello"), credentials, stream };
        var (status, _, _, raw) = await client.PostStreamAsync("/inference", body);
        return (status, raw);
    }

    private static async Task<(HttpStatusCode Status, string Raw)> OpenAICompatible(
        HttpClient client, string model, IReadOnlyDictionary<string, string> credentials, bool stream)
    {
        var body = new Dictionary<string, object>
        {
            ["model"] = $"tensorzero::model_name::{model}",
            ["messages"] = new[] { new { role = "user", content = "Hello" } },
            ["stream"] = stream,
            ["tensorzero::credentials"] = credentials,
        };
        var (status, _, _, raw) = await client.PostStreamAsync("/openai/v1/chat/completions", body);
        return (status, raw);
    }
}
