using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// An OpenAI-compatible server answers 400, 401 and 500 echoing the caller's key in every encoding seen in the wild;
/// no run of 8 characters of any key in play (env, fallback env, dynamic, another gateway-held key) reaches the
/// status line, a header, the body, an SSE event or a log line.
/// </summary>
public sealed class SecretEchoCorpusTests
{
    private const string EnvKey = "sk-CANARY-ENV-e03aaf467a9b8c7d6e5f40";
    private const string FallbackKey = "sk+CANARY/FALLBACK=5b7d9f1e3a2c4b6d+/==";
    private const string DynamicKey = "sk-CANARY-DYN-c4e6a8f0b2d41357/+9=";
    private const string OtherHeldKey = "sk-ant-CANARY-OTHER-7f1e2d3c4b5a6978";

    private static readonly string[] Canaries = [EnvKey, FallbackKey, DynamicKey, OtherHeldKey];

    public static readonly string[] Encodings =
    [
        "plain", "json-u", "json-u-text", "percent", "percent-reserved", "json-slash", "base64", "base64-bearer", "base64url",
        "cut", "straddle", "straddle-json", "html", "other-held-key",
    ];

    public static TheoryData<string> Sources() => ["env", "fallback", "dynamic"];

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task ProviderError_EchoOfKeyInAnyEncoding_LeavesNoRunOfAnyKey(string source)
    {
        await using var server = await EchoServer.StartAsync(OtherHeldKey);
        using var gateway = new GatewayFactory($$"""
            [models.env]
            routing = ["p"]
            [models.env.providers.p]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{server.BaseUrl}}"
            api_key_location = "env::CORPUS_KEY"

            [models.fallback]
            routing = ["p"]
            [models.fallback.providers.p]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{server.BaseUrl}}"
            api_key_location = { default = "dynamic::absent_key", fallback = "env::CORPUS_FALLBACK_KEY" }

            [models.dynamic]
            routing = ["p"]
            [models.dynamic.providers.p]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{server.BaseUrl}}"
            api_key_location = "dynamic::customer_key"

            [models.other]
            routing = ["p"]
            [models.other.providers.p]
            type = "anthropic"
            model_name = "claude-haiku-4-5"
            api_key_location = "env::CORPUS_OTHER_KEY"
            """,
            new Dictionary<string, string>
            {
                ["CORPUS_KEY"] = EnvKey, ["CORPUS_FALLBACK_KEY"] = FallbackKey, ["CORPUS_OTHER_KEY"] = OtherHeldKey,
            });
        var client = gateway.CreateClient();
        var credentials = new { customer_key = DynamicKey };
        var cases = 0;

        foreach (var encoding in Encodings)
        {
            foreach (var status in new[] { 400, 401, 500 })
            {
                server.Encoding = encoding;
                server.Status = status;
                foreach (var stream in new[] { false, true })
                {
                    using var response = await client.PostAsJsonAsync("/inference", new
                    {
                        model_name = source,
                        input = GatewayClient.UserMessage("x"),
                        stream,
                        credentials,
                    });
                    var body = await response.Content.ReadAsStringAsync();
                    var where = $"{encoding} {status}{(stream ? " streamed" : string.Empty)}";
                    Assert.False(response.IsSuccessStatusCode, where);
                    SecretAssert.AssertNoSecretRun($"HTTP/1.1 {(int)response.StatusCode} {response.ReasonPhrase}", Canaries, $"the status line ({where})");
                    SecretAssert.AssertNoSecretRun(
                        response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(", ", h.Value)}"), Canaries, $"the headers ({where})");
                    SecretAssert.AssertNoSecretRun(body, Canaries, $"the body ({where})");
                    cases++;
                }
            }
        }

        Assert.Equal(Encodings.Length * 3 * 2, cases);
        Assert.Equal(Encodings.Length * 3 * 2, server.Echoed);
        SecretAssert.AssertNoSecretRun(gateway.Logs.Lines, Canaries, "the logs");
        Assert.Contains(gateway.Logs.Lines, line => line.Contains("Incorrect API key provided", StringComparison.Ordinal));
    }

    /// <summary>An OpenAI-style server whose every answer is an error echoing the caller's key in the chosen encoding.</summary>
    private sealed class EchoServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _echoed;

        private EchoServer(WebApplication app, string baseUrl)
        {
            _app = app;
            BaseUrl = baseUrl;
        }

        public string BaseUrl { get; }

        public string Encoding { get; set; } = "plain";

        public int Status { get; set; } = 401;

        public int Echoed => _echoed;

        public static async Task<EchoServer> StartAsync(string otherKey)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            EchoServer? server = null;
            app.MapPost("/v1/chat/completions", async (HttpContext context) =>
            {
                await new StreamReader(context.Request.Body).ReadToEndAsync();
                var key = context.Request.Headers.Authorization.ToString()["Bearer ".Length..];
                var (contentType, body) = Echo(server!.Encoding, server.Encoding == "other-held-key" ? otherKey : key);
                Interlocked.Increment(ref server._echoed);
                context.Response.StatusCode = server.Status;
                context.Response.ContentType = contentType;
                await context.Response.WriteAsync(body);
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server = new EchoServer(app, address.TrimEnd('/') + "/v1/");
            return server;
        }

        private static (string ContentType, string Body) Echo(string encoding, string key)
        {
            static string Json(string message) =>
                new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["code"] = "invalid_api_key" } }.ToJsonString();
            var escaped = string.Concat(key.Select(c => $"\\u{(int)c:x4}"));
            var filler = new string('x', 4090);
            return encoding switch
            {
                "plain" => ("application/json", Json($"Incorrect API key provided: {key}")),
                "json-u" => ("application/json", $"{{\"error\":{{\"message\":\"Incorrect API key provided: {escaped}\"}}}}"),
                "json-u-text" => ("text/plain", $"Incorrect API key provided: {escaped}"),
                "percent" => ("application/json", Json("Incorrect API key provided: " + string.Concat(System.Text.Encoding.UTF8.GetBytes(key).Select(b => $"%{b:X2}")))),
                "percent-reserved" => ("text/plain", "Incorrect API key provided: " + Uri.EscapeDataString(key)),
                "json-slash" => ("application/json", $"{{\"error\":{{\"message\":\"Incorrect API key provided: {key.Replace("/", "\\/", StringComparison.Ordinal)}\"}}}}"),
                "base64" => ("application/json", Json("Incorrect API key provided: " + SecretAssert.Base64(key))),
                "base64-bearer" => ("text/plain", "Incorrect API key provided in " + SecretAssert.Base64("Authorization: Bearer " + key)),
                "base64url" => ("application/json", Json("Incorrect API key provided: " + SecretAssert.Base64Url(key))),
                "cut" => ("application/json", Json($"Incorrect API key provided: {key[..(key.Length / 2 + 4)]}... (truncated)")),
                "straddle" => ("text/plain", $"Incorrect API key provided {filler}{key} end"),
                "straddle-json" => ("application/json", Json($"Incorrect API key provided {filler}{key} end")),
                "html" => ("text/html", $"<html><body>Incorrect API key provided for {key}</body></html>"),
                _ => ("application/json", Json($"Incorrect API key provided: {key}")),
            };
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
