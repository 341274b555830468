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

/// <summary>What the fake saw of one request.</summary>
public sealed record RecordedRequest(string Path, string? Authorization, IReadOnlyDictionary<string, string> Headers, JsonObject Body);

/// <summary>
/// A local stand-in for OpenAI's chat-completions API on 127.0.0.1:0. It checks <c>Authorization: Bearer</c> the way
/// OpenAI does (401 with OpenAI's error body, which echoes a masked key) and answers in OpenAI's response shape.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakeOpenAIServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The <c>api_base</c> to put in a gateway config, e.g. <c>http://127.0.0.1:41234/v1/</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Keys the fake accepts. Empty means no auth is required (a local OpenAI-compatible server).</summary>
    public HashSet<string> ValidKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, a wrong key is echoed whole in the 401 body, as some compatible servers do.</summary>
    public bool EchoFullKeyOnAuthError { get; set; }

    /// <summary>When set, the fake answers every request with this status and an OpenAI error body.</summary>
    public int? FailWithStatus { get; set; }

    /// <summary>The text of the answer; by default the last user message is echoed as <c>echo: ...</c>.</summary>
    public Func<JsonObject, string> Reply { get; set; } = body => "echo: " + LastUserText(body);

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public static async Task<FakeOpenAIServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeOpenAIServer? server = null;
        app.MapPost("/v1/chat/completions", (HttpContext context) => server!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeOpenAIServer(app, address.TrimEnd('/') + "/v1/");
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = (JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync()) as JsonObject)!;
        var authorization = context.Request.Headers.Authorization.ToString();
        _requests.Enqueue(new RecordedRequest(
            context.Request.Path,
            authorization.Length == 0 ? null : authorization,
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body));

        if (ValidKeys.Count > 0)
        {
            if (authorization.Length == 0)
            {
                await Error(context, 401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", null);
                return;
            }
            var key = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : authorization;
            if (!ValidKeys.Contains(key))
            {
                var shown = EchoFullKeyOnAuthError ? key : Mask(key);
                await Error(context, 401, $"Incorrect API key provided: {shown}. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_api_key");
                return;
            }
        }
        if (FailWithStatus is { } status)
        {
            await Error(context, status, "The server had an error while processing your request.", null);
            return;
        }

        var text = Reply(body);
        var response = new JsonObject
        {
            ["id"] = "chatcmpl-fake1",
            ["object"] = "chat.completion",
            ["created"] = 1_710_000_000,
            ["model"] = body["model"]?.GetValue<string>(),
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text, ["refusal"] = null },
                ["logprobs"] = null,
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 57, ["completion_tokens"] = 17, ["total_tokens"] = 74 },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString());
    }

    private static Task Error(HttpContext context, int status, string message, string? code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var error = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = message,
                ["type"] = status == 401 ? "invalid_request_error" : "server_error",
                ["param"] = null,
                ["code"] = code,
            },
        };
        return context.Response.WriteAsync(error.ToJsonString());
    }

    // OpenAI shows the first and last characters of a wrong key with asterisks between.
    private static string Mask(string key) =>
        key.Length <= 8 ? new string('*', key.Length) : key[..3] + new string('*', key.Length - 7) + key[^4..];

    private static string LastUserText(JsonObject body) =>
        body["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == "user")!["content"] switch
        {
            JsonValue value => value.GetValue<string>(),
            JsonArray parts => string.Concat(parts.Select(p => p!["text"]!.GetValue<string>())),
            _ => string.Empty,
        };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
