using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Auth;
using TensorZero.Gateway.Observability;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Tests.Store;

namespace TensorZero.Gateway.Tests.Auth;

/// <summary>
/// The whole gateway with <c>[gateway.auth] enabled = true</c> on both store engines: every kind of bad key gets the
/// same 401, a stored key is accepted and tagged, a disabled one is refused, and no key reaches a log, row or answer.
/// </summary>
public sealed class ApiKeyAuthenticationTests : IAsyncLifetime
{
    private const string ProviderKey = "sk-provider-canary-auth-5e8c1f2a9d";

    private FakeOpenAIServer _openai = null!;

    public static TheoryData<string> Engines => new() { "sqlite", "postgres" };

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add(ProviderKey);
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    private string Config(TestDatabase database, string auth = "") => $$"""
        {{database.ObservabilityToml}}
        [gateway.auth]
        enabled = true
        {{auth}}

        [models.gpt]
        routing = ["openai"]

        [models.gpt.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{_openai.BaseUrl}}"
        api_key_location = "dynamic::customer_key"

        [functions.chat]
        type = "chat"

        [functions.chat.variants.main]
        type = "chat_completion"
        model = "gpt"
        """;

    /// <summary>Creates a key in the database, as <c>--create-api-key</c> does, before the gateway starts.</summary>
    internal static async Task<string> CreateKeyAsync(TestDatabase database, bool disable = false)
    {
        await using var store = database.OpenStore();
        await store.PrepareAsync(migrate: true, CancellationToken.None);
        var (key, parsed) = GatewayApiKey.Generate();
        await store.InsertApiKeyAsync(parsed, "test", DateTimeOffset.UtcNow, CancellationToken.None);
        if (disable)
        {
            await store.DisableApiKeyAsync(parsed.PublicId, DateTimeOffset.UtcNow, CancellationToken.None);
        }
        return key;
    }

    private static string InferenceBody(string text = "hello") => JsonSerializer(new
    {
        function_name = "chat",
        input = GatewayClient.UserMessage(text),
        credentials = new Dictionary<string, string> { ["customer_key"] = ProviderKey },
    });

    private static string OpenAIBody(string text = "hello") =>
        $$$"""{"model": "tensorzero::function_name::chat", "messages": [{"role": "user", "content": "{{{text}}}"}], "tensorzero::credentials": {"customer_key": "{{{ProviderKey}}}"}}""";

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string JsonSerializer(object value) => System.Text.Json.JsonSerializer.Serialize(value, Relaxed);

    private static async Task<(HttpStatusCode Status, byte[] Body, string? Challenge)> SendAsync(
        HttpClient client, HttpMethod method, string path, string? body, params string[] authorization)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        foreach (var value in authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", value);
        }
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Request_EveryKindOfBadKey_GetsByteIdenticalUnauthorized(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var valid = await CreateKeyAsync(database);
        var disabled = await CreateKeyAsync(database, disable: true);
        var wrongSecret = valid[..19] + new string('Z', 47) + (valid[^1] == 'Q' ? 'R' : 'Q');
        using var gateway = new GatewayFactory(Config(database), database.Environment());
        var client = gateway.CreateClient();
        string[][] badKinds =
        [
            [],
            [""],
            ["Basic dXNlcjpwYXNz"],
            [valid],
            ["Bearer"],
            ["Bearer not-a-key"],
            ["Bearer sk-t0-AAAAAAAAAAAA-" + new string('b', 48)],
            ["Bearer " + wrongSecret],
            ["Bearer " + disabled],
            ["Bearer " + valid[..^1]],
            ["Bearer " + valid, "Bearer " + valid],
        ];
        var expected = new Dictionary<string, string>
        {
            ["/inference"] = JsonSerializer(new { error = ApiKeyAuthentication.RefusedMessage }),
            ["/openai/v1/chat/completions"] = JsonSerializer(new { error = new { message = ApiKeyAuthentication.RefusedMessage } }),
            ["/inferences/" + Guid.NewGuid()] = JsonSerializer(new { error = ApiKeyAuthentication.RefusedMessage }),
            ["/no/such/route"] = JsonSerializer(new { error = ApiKeyAuthentication.RefusedMessage }),
        };

        foreach (var (path, body) in expected)
        {
            var method = path.StartsWith("/inferences/", StringComparison.Ordinal) ? HttpMethod.Get : HttpMethod.Post;
            var content = path.StartsWith("/openai", StringComparison.Ordinal) ? OpenAIBody() : InferenceBody();
            var first = await SendAsync(client, method, path, method == HttpMethod.Get ? null : content, badKinds[0]);
            Assert.Equal(HttpStatusCode.Unauthorized, first.Status);
            Assert.Equal("Bearer", first.Challenge);
            Assert.Equal(body, Encoding.UTF8.GetString(first.Body));
            foreach (var kind in badKinds.Skip(1))
            {
                var answer = await SendAsync(client, method, path, method == HttpMethod.Get ? null : content, kind);
                Assert.True(answer.Status == HttpStatusCode.Unauthorized, $"{path} with {string.Join(" | ", kind)}: {answer.Status}");
                Assert.Equal(first.Challenge, answer.Challenge);
                Assert.Equal(first.Body, answer.Body);
            }
        }
        // The valid key itself still works, and no refused request reached the provider.
        Assert.Empty(_openai.Requests);
        var ok = await SendAsync(client, HttpMethod.Post, "/inference", InferenceBody(), "Bearer " + valid);
        Assert.Equal(HttpStatusCode.OK, ok.Status);
    }

    [Fact]
    public async Task Request_UnauthenticatedRoutes_AreOpenWithoutAKey()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var gateway = new GatewayFactory(Config(database), database.Environment());
        var client = gateway.CreateClient();

        var status = await client.GetAsync("/status");
        var health = await client.GetAsync("/health");
        var metrics = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("tensorzero_requests_total", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_UnauthenticatedRoutesConfigured_OnlyThoseAreOpen()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var gateway = new GatewayFactory(Config(database, "unauthenticated_routes = [\"/status\", \"/inferences/{id}\"]"), database.Environment());
        var client = gateway.CreateClient();

        var status = await client.GetAsync("/status");
        var health = await client.GetAsync("/health");
        var inference = await client.GetAsync($"/inferences/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, inference.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Inference_StoredKey_RowTagAndLogLineCarryThePublicIdNeverTheKey(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var key = await CreateKeyAsync(database);
        var publicId = key[6..18];
        var secret = key[19..];
        using var gateway = new GatewayFactory(Config(database), database.Environment());
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        // The key also travels in the prompt: the gateway must not echo it from the header anywhere.
        var (status, body, raw) = await client.PostInferenceAsync(new
        {
            function_name = "chat",
            input = GatewayClient.UserMessage("hi"),
            credentials = new Dictionary<string, string> { ["customer_key"] = ProviderKey },
            tags = new Dictionary<string, string> { ["user"] = "alice" },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var stored = await WaitForInferenceAsync(client, body["inference_id"]!.GetValue<string>());
        Assert.Equal(publicId, stored["tags"]![ApiKeyAuthentication.PublicIdTag]!.GetValue<string>());
        Assert.Equal("alice", stored["tags"]!["user"]!.GetValue<string>());
        var line = Assert.Single(gateway.Logs.Events, e =>
            e.MessageTemplate.Text.StartsWith("HTTP", StringComparison.Ordinal) && e.Properties.TryGetValue("RequestPath", out var p) &&
            p.ToString() == "\"/inference\"");
        Assert.Equal($"\"{publicId}\"", line.Properties[RequestLog.ApiKeyProperty].ToString());
        foreach (var text in new[] { raw, stored.ToJsonString(), gateway.Logs.All })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        }
        Assert.All(_openai.Requests, r => Assert.Equal("Bearer " + ProviderKey, r.Authorization));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Inference_KeyDisabledWhileServing_IsRefusedOnceTheCacheTtlPassed(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var key = await CreateKeyAsync(database);
        // ttl_ms = 0: each request reads the store, so "after the TTL" is the next request.
        using var gateway = new GatewayFactory(Config(database, "[gateway.auth.cache]\nttl_ms = 0"), database.Environment());
        var client = gateway.CreateClient();

        var before = await SendAsync(client, HttpMethod.Post, "/inference", InferenceBody(), "Bearer " + key);
        await using (var store = database.OpenStore())
        {
            await store.DisableApiKeyAsync(key[6..18], DateTimeOffset.UtcNow, CancellationToken.None);
        }
        var after = await SendAsync(client, HttpMethod.Post, "/inference", InferenceBody(), "Bearer " + key);
        var missing = await SendAsync(client, HttpMethod.Post, "/inference", InferenceBody());

        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, after.Status);
        Assert.Equal(missing.Body, after.Body);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task ChatCompletions_SdkApiKeyIsTheGatewayKey_ProviderKeyComesFromTensorZeroCredentials(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var key = await CreateKeyAsync(database);
        using var gateway = new GatewayFactory(Config(database), database.Environment());
        var client = gateway.CreateClient();

        // What the OpenAI SDK sends for `OpenAI(api_key=<gateway key>, base_url=".../openai/v1")`.
        var ok = await SendAsync(client, HttpMethod.Post, "/openai/v1/chat/completions", OpenAIBody(), "Bearer " + key);
        var refused = await SendAsync(client, HttpMethod.Post, "/openai/v1/chat/completions", OpenAIBody(), "Bearer " + ProviderKey);

        Assert.Equal(HttpStatusCode.OK, ok.Status);
        var answer = JsonNode.Parse(ok.Body)!;
        Assert.Equal("chat.completion", answer["object"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal(ApiKeyAuthentication.RefusedMessage, JsonNode.Parse(refused.Body)!["error"]!["message"]!.GetValue<string>());
        var call = Assert.Single(_openai.Requests);
        Assert.Equal("Bearer " + ProviderKey, call.Authorization);
        Assert.DoesNotContain(key[19..], Encoding.UTF8.GetString(ok.Body), StringComparison.Ordinal);
        Assert.DoesNotContain(key[19..], gateway.Logs.All, StringComparison.Ordinal);
        var stored = await WaitForInferenceAsync(client, answer["id"]!.GetValue<string>(), key);
        Assert.Equal(key[6..18], stored["tags"]![ApiKeyAuthentication.PublicIdTag]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_KeyStoreFails_Answers503NotUnauthorizedAndLogsNoSecret()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        var key = await CreateKeyAsync(database);
        using var gateway = new GatewayFactory(Config(database), database.Environment())
        {
            ConfigureServices = services => services.AddSingleton(sp => new ApiKeyValidator(
                new FailingApiKeyStore(), new TensorZero.Gateway.Configuration.AuthConfig(true, true, 1_000, ["/status"]), TimeProvider.System)),
        };
        var client = gateway.CreateClient();

        var answer = await SendAsync(client, HttpMethod.Post, "/inference", InferenceBody(), "Bearer " + key);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Equal(ApiKeyAuthentication.UnavailableMessage, JsonNode.Parse(answer.Body)!["error"]!.GetValue<string>());
        Assert.Contains("API key lookup failed (InvalidOperationException)", gateway.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("postgres://secret", gateway.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(key[19..], gateway.Logs.All, StringComparison.Ordinal);
    }

    private sealed class FailingApiKeyStore : IApiKeyStore
    {
        public Task<StoredApiKey?> FindApiKeyAsync(string publicId, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("could not connect to postgres://secret@db");

        public Task InsertApiKeyAsync(GatewayApiKey key, string? description, DateTimeOffset now, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<DateTimeOffset?> DisableApiKeyAsync(string publicId, DateTimeOffset now, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static async Task<JsonObject> WaitForInferenceAsync(HttpClient client, string id, string? key = null)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/inferences/{id}");
            if (key is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }
            using var response = await client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            }
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"inference {id} was not stored within 20 s");
    }
}
