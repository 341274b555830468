using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>
/// An OpenAI chat-completions server on 127.0.0.1:0 that accepts only the keys it is told are current, as a provider
/// does while a key is rotated (old and new during the overlap, then the new one alone). A wrong key gets OpenAI's 401;
/// an accepted one gets an answer whose text names the key's index, so the client learns which key its request carried.
/// </summary>
public sealed class RotatingKeyServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<int, int> _servedPerKey = new();
    private IReadOnlyDictionary<string, int> _accepted = new Dictionary<string, int>();
    private int _rejected;

    private RotatingKeyServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The <c>api_base</c> for a gateway config.</summary>
    public string BaseUrl { get; }

    /// <summary>Requests refused for a key that was not current.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    /// <summary>Answered requests per key index.</summary>
    public int Served(int index) => _servedPerKey.GetValueOrDefault(index);

    /// <summary>Replaces the accepted keys at once: each key with the index its answers name.</summary>
    public void Accept(params (string Key, int Index)[] keys) =>
        Volatile.Write(ref _accepted, keys.ToDictionary(k => k.Key, k => k.Index, StringComparer.Ordinal));

    public static async Task<RotatingKeyServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        RotatingKeyServer? server = null;
        app.MapPost("/v1/chat/completions", (HttpContext context) => server!.Answer(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new RotatingKeyServer(app, address.TrimEnd('/') + "/v1/");
        return server;
    }

    private async Task Answer(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : string.Empty;
        // The accepted keys are read after the request arrived: a key retired before then is refused.
        if (!Volatile.Read(ref _accepted).TryGetValue(key, out var index))
        {
            Interlocked.Increment(ref _rejected);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["error"] = new JsonObject { ["message"] = "Incorrect API key provided.", ["type"] = "invalid_request_error", ["code"] = "invalid_api_key" },
            });
            return;
        }
        _servedPerKey.AddOrUpdate(index, 1, (_, n) => n + 1);
        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["id"] = "chatcmpl-rotation",
            ["object"] = "chat.completion",
            ["created"] = 1_710_000_000,
            ["model"] = "gpt-4o-mini",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = $"key {index}" },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["completion_tokens"] = 2, ["total_tokens"] = 3 },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
