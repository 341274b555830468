using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.Gemini;

/// <summary>
/// Any client can name a <c>google_ai_studio_gemini::</c> shorthand model; whatever the name, the gateway's
/// <c>GOOGLE_API_KEY</c> only ever goes to a path under <c>/v1beta/models/</c> (a name that can't be one path segment
/// is refused before anything is sent).
/// </summary>
public sealed class GeminiShorthandPathTests
{
    [Theory]
    [InlineData("../../x?y=")]
    [InlineData("../files")]
    [InlineData("..%2F..%2Fv1%2Ffiles")]
    [InlineData("%2e%2e/%2e%2e/x#frag")]
    [InlineData("..")]
    public async Task Shorthand_HostileModelName_NeverReachesAPathOutsideModels(string modelName)
    {
        await using var google = await RecordingServer.StartAsync();
        using var factory = new GatewayFactory("", new Dictionary<string, string> { ["GOOGLE_API_KEY"] = "AIzaCANARY-shorthand-path-0123456789" });
        // Google's host is reached on this machine's loopback: the request keeps the path the gateway built.
        using var gateway = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddHttpClient(ProviderHttp.ClientName).AddHttpMessageHandler(() => new LoopbackHandler(google.BaseUrl))));
        var client = gateway.CreateClient();

        var (status, _, _) = await client.PostInferenceAsync(new
        {
            model_name = $"google_ai_studio_gemini::{modelName}",
            input = GatewayClient.UserMessage("x"),
        });

        // Either the request reached Google under `models/`, or it was refused (a name of `..`) before any was sent.
        Assert.True(google.Targets.Count == 1 || (status != HttpStatusCode.OK && google.Targets.IsEmpty), $"status {status}, {google.Targets.Count} requests");
        foreach (var (rawTarget, path) in google.Targets)
        {
            Assert.StartsWith("/v1beta/models/", rawTarget, StringComparison.Ordinal);
            Assert.StartsWith("/v1beta/models/", path, StringComparison.Ordinal);
            Assert.DoesNotContain('?', rawTarget);
            Assert.DoesNotContain('#', rawTarget);
            Assert.DoesNotContain("/../", path, StringComparison.Ordinal);
        }
    }

    /// <summary>Sends each request to the loopback server, with the path and query the gateway built, unchanged.</summary>
    private sealed class LoopbackHandler(string baseUrl) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri = new Uri(baseUrl + request.RequestUri!.PathAndQuery);
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Records each request's target as received on the wire, and the path the server decoded from it.</summary>
    private sealed class RecordingServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private RecordingServer(WebApplication app, string baseUrl)
        {
            _app = app;
            BaseUrl = baseUrl;
        }

        public string BaseUrl { get; }

        public ConcurrentQueue<(string RawTarget, string Path)> Targets { get; } = new();

        public static async Task<RecordingServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            RecordingServer? server = null;
            app.Run(async context =>
            {
                server!.Targets.Enqueue((context.Features.Get<IHttpRequestFeature>()!.RawTarget, context.Request.Path.Value ?? string.Empty));
                context.Response.StatusCode = 404;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"error":{"code":404,"message":"not found","status":"NOT_FOUND"}}""");
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server = new RecordingServer(app, address.TrimEnd('/'));
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
