using System.Net;
using System.Net.Sockets;
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
/// Canary keys (from the environment, a fallback and the request) never show up in a response or a log line,
/// whatever way the provider fails.
/// </summary>
public sealed class CanaryFailureModeTests
{
    private const string EnvKey = "sk-CANARY-OPENAI-0001";
    private const string FallbackKey = "sk-CANARY-FALLBACK-0002";
    private const string DynamicKey = "sk-CANARY-DYNAMIC-0003";

    public static TheoryData<string> Modes() =>
    [
        "refused", "reset", "timeout", "garbage-json", "html", "garbage-sse", "sse-error-echo", "no-choices",
        "400", "401-echo", "403", "404", "413", "422", "429", "500", "502", "503", "529",
    ];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ProviderFailure_NoCanaryInResponseOrLogs(string mode)
    {
        await using var server = await MisbehavingServer.StartAsync(mode);
        var apiBase = mode == "refused" ? $"http://127.0.0.1:{FreePort()}/v1/" : server.BaseUrl;
        using var gateway = new GatewayFactory($$"""
            [models.m]
            routing = ["env", "fallback", "dynamic"]
            [models.m.providers.env]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{apiBase}}"
            timeouts = { non_streaming = { total_ms = 300 }, streaming = { total_ms = 300 } }
            [models.m.providers.fallback]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{apiBase}}"
            api_key_location = { default = "dynamic::absent_key", fallback = "env::OTHER_OPENAI_KEY" }
            timeouts = { non_streaming = { total_ms = 300 }, streaming = { total_ms = 300 } }
            [models.m.providers.dynamic]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{{apiBase}}"
            api_key_location = "dynamic::customer_key"
            timeouts = { non_streaming = { total_ms = 300 }, streaming = { total_ms = 300 } }
            """,
            new Dictionary<string, string> { ["OPENAI_API_KEY"] = EnvKey, ["OTHER_OPENAI_KEY"] = FallbackKey });
        var client = gateway.CreateClient();
        var request = new
        {
            model_name = "m",
            input = GatewayClient.UserMessage("x"),
            credentials = new { customer_key = DynamicKey },
        };

        var (status, _, raw) = await client.PostInferenceAsync(request);
        var streamed = await client.PostStreamAsync("/inference", new { request.model_name, request.input, request.credentials, stream = true });

        Assert.NotEqual(HttpStatusCode.OK, status);
        foreach (var canary in new[] { EnvKey, FallbackKey, DynamicKey })
        {
            Assert.DoesNotContain(canary, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(canary, streamed.Raw, StringComparison.Ordinal);
            Assert.DoesNotContain(canary, gateway.Logs.All, StringComparison.Ordinal);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An OpenAI-style server that fails in one chosen way, echoing the caller's key wherever it can.</summary>
    private sealed class MisbehavingServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private MisbehavingServer(WebApplication app, string baseUrl)
        {
            _app = app;
            BaseUrl = baseUrl;
        }

        public string BaseUrl { get; }

        public static async Task<MisbehavingServer> StartAsync(string mode)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.MapPost("/v1/chat/completions", async (HttpContext context) =>
            {
                var key = context.Request.Headers.Authorization.ToString();
                var stream = (await new StreamReader(context.Request.Body).ReadToEndAsync()).Contains("\"stream\":true", StringComparison.Ordinal);
                switch (mode)
                {
                    case "reset":
                        context.Abort();
                        return;
                    case "timeout":
                        await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                        return;
                    case "garbage-json":
                        context.Response.ContentType = "application/json";
                        await context.Response.WriteAsync($"{{\"choices\": [ {key}");
                        return;
                    case "html":
                        context.Response.ContentType = "text/html";
                        await context.Response.WriteAsync($"<html>proxy error for {key}</html>");
                        return;
                    case "garbage-sse" when stream:
                        context.Response.ContentType = "text/event-stream";
                        await context.Response.WriteAsync($"data: {{\"choices\":[{{\"delta\":{{\"content\":\"a\"}}}}]}}\n\ndata: {key} not json\n\n");
                        return;
                    case "sse-error-echo" when stream:
                        context.Response.ContentType = "text/event-stream";
                        await context.Response.WriteAsync($"data: {{\"error\":{{\"message\":\"bad key {key}\"}}}}\n\n");
                        return;
                    case "no-choices":
                        context.Response.ContentType = stream ? "text/event-stream" : "application/json";
                        await context.Response.WriteAsync(stream ? "data: [DONE]\n\n" : $"{{\"id\":\"{key}\",\"choices\":[]}}");
                        return;
                    default:
                        context.Response.StatusCode = int.TryParse(mode.Split('-')[0], out var status) ? status : 500;
                        context.Response.ContentType = "application/json";
                        await context.Response.WriteAsync($"{{\"error\":{{\"message\":\"Incorrect API key provided: {key}\",\"code\":\"invalid_api_key\"}}}}");
                        return;
                }
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new MisbehavingServer(app, address.TrimEnd('/') + "/v1/");
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
