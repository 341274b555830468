using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>A provider that answers with a redirect never gets the gateway to send the key somewhere else.</summary>
public sealed class RedirectTests
{
    private static async Task<(WebApplication App, string Url)> Start(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, address.TrimEnd('/'));
    }

    [Fact]
    public async Task ProviderRedirect_IsNotFollowedAndTheKeyStaysHome()
    {
        var elsewhereHits = 0;
        var (elsewhere, elsewhereUrl) = await Start(app => app.MapFallback(() =>
        {
            Interlocked.Increment(ref elsewhereHits);
            return Results.Ok();
        }));
        var (provider, providerUrl) = await Start(app => app.MapPost("/v1/chat/completions", (HttpContext context) =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = $"{elsewhereUrl}/collect";
        }));
        try
        {
            using var gateway = new GatewayFactory($$"""
                [models.m]
                routing = ["p"]
                [models.m.providers.p]
                type = "openai"
                model_name = "gpt-4o-mini"
                api_base = "{{providerUrl}}/v1/"
                """, new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-canary-redirect-0123456789" });

            var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new { model_name = "m", input = GatewayClient.UserMessage("x") });

            Assert.Equal(HttpStatusCode.BadGateway, status);
            Assert.Contains("Error 307 from OpenAI", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(0, elsewhereHits);
            Assert.DoesNotContain("sk-canary-redirect-0123456789", raw + gateway.Logs.All, StringComparison.Ordinal);
        }
        finally
        {
            await provider.StopAsync();
            await elsewhere.StopAsync();
            await provider.DisposeAsync();
            await elsewhere.DisposeAsync();
        }
    }
}
