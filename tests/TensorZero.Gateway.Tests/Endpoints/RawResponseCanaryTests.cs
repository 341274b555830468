using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// Raw provider data goes back to clients only after the same redaction as errors: a provider that echoes the key it
/// was sent (in its answer, in every stream chunk, in a 401 body) never gets that key, a gateway-held one or the
/// request's own, into <c>raw_response</c>, <c>raw_chunk</c>, <c>original_response</c> or an error's raw entries, on
/// either inference API, streamed or not. The raw data is there, redacted, so the check is not passing by omission.
/// </summary>
public sealed class RawResponseCanaryTests : IAsyncLifetime, IDisposable
{
    private const string EnvKey = "sk-CANARY-RAWENV-6b1f0c9d2e7a";
    private const string DynamicKey = "sk-CANARY-RAWDYN-3c8e5a1f9b2d";
    private const string WrongKey = "sk-CANARY-RAWBAD-8d2a7e4c1f6b";

    private FakeOpenAIServer _openai = null!;
    private GatewayFactory _gateway = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add(EnvKey);
        _openai.ValidKeys.Add(DynamicKey);
        _openai.EchoCredentialInBody = true;
        _openai.EchoFullKeyOnAuthError = true;
        _gateway = new GatewayFactory($$"""
            [models.env]
            routing = ["openai"]
            [models.env.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{_openai.BaseUrl}}"

            [models.dyn]
            routing = ["openai"]
            [models.dyn.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{_openai.BaseUrl}}"
            api_key_location = "dynamic::customer_key"
            """,
            new Dictionary<string, string> { ["OPENAI_API_KEY"] = EnvKey });
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    public void Dispose() => _gateway.Dispose();

    public static TheoryData<string, string, bool> Cases()
    {
        var cases = new TheoryData<string, string, bool>();
        foreach (var api in new[] { "native", "openai" })
        {
            foreach (var model in new[] { "env", "dyn" })
            {
                cases.Add(api, model, false);
                cases.Add(api, model, true);
            }
        }
        return cases;
    }

    private static JsonObject Request(string api, string model, bool stream, string key)
    {
        var flags = api == "native"
            ? """{"include_raw_response":true,"include_raw_usage":true,"include_original_response":true}"""
            : """{"tensorzero::include_raw_response":true,"tensorzero::include_raw_usage":true,"tensorzero::include_original_response":true}""";
        var body = JsonNode.Parse(flags)!.AsObject();
        if (api == "native")
        {
            body["model_name"] = model;
            body["input"] = JsonNode.Parse("""{"messages":[{"role":"user","content":"Hi"}]}""");
            body["credentials"] = new JsonObject { ["customer_key"] = key };
        }
        else
        {
            body["model"] = $"tensorzero::model_name::{model}";
            body["messages"] = JsonNode.Parse("""[{"role":"user","content":"Hi"}]""");
            body["tensorzero::credentials"] = new JsonObject { ["customer_key"] = key };
        }
        body["stream"] = stream;
        return body;
    }

    private static string Path(string api) => api == "native" ? "/inference" : "/openai/v1/chat/completions";

    private static string Prefix(string api) => api == "native" ? string.Empty : "tensorzero_";

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Inference_ProviderEchoesKeyInItsAnswer_RawOutputIsRedacted(string api, string model, bool stream)
    {
        var client = _gateway.CreateClient();
        string raw;
        string echoedRaw;
        if (stream)
        {
            var (status, _, events, text) = await client.PostStreamAsync(Path(api), Request(api, model, stream, DynamicKey));
            Assert.Equal(HttpStatusCode.OK, status);
            raw = text;
            var chunks = events.Json();
            // Role, two text pieces, finish, usage: the role-only chunk has nothing to read but comes through for its
            // raw data, and every chunk echoed the key.
            Assert.Equal(5, chunks.Count);
            echoedRaw = string.Join("\n", chunks.Select(c => c[Prefix(api) + "raw_chunk"]!.GetValue<string>()));
            Assert.All(chunks, c => Assert.Equal(c[Prefix(api) + "raw_chunk"]!.GetValue<string>(), c[Prefix(api) + "original_chunk"]!.GetValue<string>()));
        }
        else
        {
            var (status, body, text) = await client.PostRawAsync(Path(api), Request(api, model, stream, DynamicKey).ToJsonString());
            Assert.Equal(HttpStatusCode.OK, status);
            raw = text;
            var entry = Assert.Single(body[Prefix(api) + "raw_response"]!.AsArray())!;
            Assert.Equal("openai", entry["provider_type"]!.GetValue<string>());
            echoedRaw = entry["data"]!.GetValue<string>() + body[Prefix(api) + "original_response"]!.GetValue<string>();
            Assert.Equal(
                """{"prompt_tokens":57,"completion_tokens":17,"total_tokens":74}""",
                Assert.Single(body[Prefix(api) + "raw_usage"]!.AsArray())!["data"]!.ToJsonString());
        }

        Assert.Contains("x_echo", echoedRaw, StringComparison.Ordinal);
        Assert.Contains("[REDACTED]", echoedRaw, StringComparison.Ordinal);
        Assert.Equal(model == "env" ? EnvKey : DynamicKey, _openai.Requests[^1].ApiKey);
        SecretAssert.AssertNoSecretRun([raw, _gateway.Logs.All], [EnvKey, DynamicKey], $"{api} {model} stream={stream}");
    }

    [Theory]
    [InlineData("native", false)]
    [InlineData("native", true)]
    [InlineData("openai", false)]
    [InlineData("openai", true)]
    public async Task Inference_ProviderEchoesRejectedKeyIn401_ErrorRawResponseIsRedacted(string api, bool stream)
    {
        var (status, body, raw) = await _gateway.CreateClient().PostRawAsync(Path(api), Request(api, "dyn", stream, WrongKey).ToJsonString());

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var entry = Assert.Single(body[Prefix(api) + "raw_response"]!.AsArray())!.AsObject();
        Assert.False(entry.ContainsKey("model_inference_id"));
        Assert.Equal("openai", entry["provider_type"]!.GetValue<string>());
        Assert.Contains("Incorrect API key provided: [REDACTED]", entry["data"]!.GetValue<string>(), StringComparison.Ordinal);
        SecretAssert.AssertNoSecretRun([raw, _gateway.Logs.All], [EnvKey, DynamicKey, WrongKey], $"{api} stream={stream}");
    }
}
