using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>What the fake saw of one request.</summary>
public sealed record RecordedRequest(string Path, string? Authorization, IReadOnlyDictionary<string, string> Headers, JsonObject Body)
{
    /// <summary>The key presented in the flavour's own auth header (Bearer, or Azure's <c>api-key</c>); null when none.</summary>
    public string? ApiKey { get; init; }

    public string Query { get; init; } = string.Empty;

    /// <summary>Azure's deployment from the URL path.</summary>
    public string? Deployment { get; init; }
}

/// <summary>
/// A local stand-in on 127.0.0.1:0 for any server of the OpenAI chat-completions family (<see cref="FakeWire"/>):
/// OpenAI itself, Azure (<c>/openai/deployments/{id}/chat/completions?api-version=…</c>, <c>api-key</c> header),
/// DeepSeek, Mistral, vLLM, TGI and the others. It checks the flavour's real auth header, answers a wrong key with
/// that provider's error body (OpenAI's 401 echoes a masked key), and answers plainly or as an SSE stream ending in
/// <c>data: [DONE]</c>, with tool calls and JSON mode as <see cref="FakeAnswer"/> describes. <c>/v1/embeddings</c>
/// answers as <see cref="FakeEmbeddings"/> describes and <c>/v1/responses</c> (OpenAI's Responses API, plain or as typed
/// SSE events) as <see cref="FakeResponsesAnswer"/> describes, behind the same key checks.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakeOpenAIServer(WebApplication app, string origin, FakeWire wire)
    {
        _app = app;
        Origin = origin;
        BaseUrl = origin + "/v1/";
        Wire = wire;
    }

    public FakeWire Wire { get; }

    /// <summary>The <c>api_base</c> to put in a gateway config, e.g. <c>http://127.0.0.1:41234/v1/</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>The server root, e.g. <c>http://127.0.0.1:41234</c>: Azure's <c>endpoint</c>.</summary>
    public string Origin { get; }

    /// <summary>Keys the fake accepts. Empty means no auth is checked at all (a local OpenAI-compatible server).</summary>
    public HashSet<string> ValidKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys the fake refuses with a given status and the provider's error body for it.</summary>
    public ConcurrentDictionary<string, int> RejectedKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether a request without any key is served even though <see cref="ValidKeys"/> is set (vLLM, TGI).</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>When set, a wrong key is echoed whole in the 401 body, as some compatible servers do.</summary>
    public bool EchoFullKeyOnAuthError { get; set; }

    /// <summary>
    /// When set, every successful answer (the body, and each stream chunk) echoes the request's whole auth header in an
    /// extra <c>x_echo</c> field, as a misbehaving server might: raw output must still not show the key.
    /// </summary>
    public bool EchoCredentialInBody { get; set; }

    /// <summary>When set, the fake answers every request with this status and the provider's error body.</summary>
    public int? FailWithStatus { get; set; }

    /// <summary>With <see cref="FailWithStatus"/>: only this many requests fail, later ones are answered normally.</summary>
    public int? FailCount { get; set; }

    /// <summary>With <see cref="FailWithStatus"/>: the <c>Retry-After</c> header (seconds) sent with the failure.</summary>
    public int? RetryAfterSeconds { get; set; }

    private int _failures;

    /// <summary>When set, a stream sends this many chunks, then the provider's in-stream error event, and ends.</summary>
    public int? StreamErrorAfterChunks { get; set; }

    /// <summary>How long a chat completion waits before it answers (a provider's latency).</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>A pause before each chunk of a stream after the first, so a stream stays in flight for a while.</summary>
    public TimeSpan ChunkDelay { get; set; }

    /// <summary>The text of the answer; by default the last user message is echoed as <c>echo: ...</c>.</summary>
    public Func<JsonObject, string> Reply { get; set; } = body => "echo: " + FakeAnswer.LastUserText(body);

    /// <summary>A <c>Set-Cookie</c> value sent with every chat completion, as a server with sessions would.</summary>
    public string? SetCookie { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <param name="host">The loopback address to listen on, e.g. <c>127.0.0.2</c> for a host only an allow list lets through.</param>
    public static async Task<FakeOpenAIServer> StartAsync(FakeWire? wire = null, string host = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{host}:0");
        var app = builder.Build();
        FakeOpenAIServer? server = null;
        app.MapPost("/v1/chat/completions", (HttpContext context) => server!.HandleAsync(context, deployment: null));
        app.MapPost("/v1/embeddings", (HttpContext context) => server!.HandleEmbeddingsAsync(context));
        app.MapPost("/v1/responses", (HttpContext context) => server!.HandleResponsesAsync(context));
        app.MapPost("/openai/deployments/{deployment}/chat/completions", (HttpContext context, string deployment) => server!.HandleAsync(context, deployment));
        app.MapPost("/openai/deployments/{deployment}/embeddings", (HttpContext context, string deployment) => server!.HandleAzureEmbeddingsAsync(context, deployment));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeOpenAIServer(app, address.TrimEnd('/'), wire ?? FakeWire.OpenAI);
        return server;
    }

    private async Task HandleAsync(HttpContext context, string? deployment)
    {
        var body = await AdmitAsync(context, deployment);
        if (body is null)
        {
            return;
        }
        if (ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(ResponseDelay, context.RequestAborted);
        }
        var answer = FakeAnswer.For(body, Reply);
        var model = body["model"]?.GetValue<string>();
        if (SetCookie is not null)
        {
            context.Response.Headers.SetCookie = SetCookie;
        }
        var echo = EchoCredentialInBody ? (Wire.Auth == FakeAuth.ApiKey ? context.Request.Headers["api-key"] : context.Request.Headers.Authorization).ToString() : null;
        if (body["stream"]?.GetValue<bool>() == true)
        {
            await StreamAsync(context, answer, model, body["stream_options"]?["include_usage"]?.GetValue<bool>() == true, echo);
            return;
        }
        var completion = answer.Completion(Wire, model);
        if (echo is not null)
        {
            completion["x_echo"] = echo;
        }
        await WriteJson(context, 200, completion);
    }

    // The Responses API: the same key checks and scripted failures; a stream is typed events without `[DONE]`.
    private async Task HandleResponsesAsync(HttpContext context)
    {
        var body = await AdmitAsync(context, deployment: null);
        if (body is null)
        {
            return;
        }
        var answer = FakeResponsesAnswer.For(body, Reply);
        var model = body["model"]?.GetValue<string>();
        if (body["stream"]?.GetValue<bool>() != true)
        {
            await WriteJson(context, 200, answer.Response(model));
            return;
        }
        context.Response.ContentType = "text/event-stream";
        var sent = 0;
        var sequence = 0;
        foreach (var item in answer.Events(model))
        {
            var ev = sent++ == StreamErrorAfterChunks ? FakeResponsesAnswer.ErrorEvent() : item;
            ev["sequence_number"] = sequence++;
            await context.Response.WriteAsync($"event: {ev["type"]!.GetValue<string>()}\ndata: {ev.ToJsonString()}\n\n");
            await context.Response.Body.FlushAsync();
            if (ev["type"]!.GetValue<string>() == "error")
            {
                return;
            }
        }
    }

    private async Task HandleEmbeddingsAsync(HttpContext context)
    {
        if (await AdmitAsync(context, deployment: null) is { } body)
        {
            var response = FakeEmbeddings.Response(body);
            if (EchoCredentialInBody)
            {
                response["x_echo"] = context.Request.Headers.Authorization.ToString();
            }
            await WriteJson(context, 200, response);
        }
    }

    /// <summary>
    /// Azure's <c>/openai/deployments/{id}/embeddings?api-version=…</c>: the same answer and key checks (the
    /// <c>api-key</c> header); the answer names the deployment's model, as the request names none.
    /// </summary>
    private async Task HandleAzureEmbeddingsAsync(HttpContext context, string deployment)
    {
        if (await AdmitAsync(context, deployment) is { } body)
        {
            var response = FakeEmbeddings.Response(body);
            response["model"] = "text-embedding-3-small";
            await WriteJson(context, 200, response);
        }
    }

    /// <summary>Records the request and checks its route, key and scripted failures; the body when it should be answered, else null (already answered).</summary>
    private async Task<JsonObject?> AdmitAsync(HttpContext context, string? deployment)
    {
        var body = (JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync()) as JsonObject)!;
        var authorization = context.Request.Headers.Authorization.ToString();
        var key = PresentedKey(context.Request);
        _requests.Enqueue(new RecordedRequest(
            context.Request.Path,
            authorization.Length == 0 ? null : authorization,
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body)
        {
            ApiKey = key,
            Query = context.Request.QueryString.Value ?? string.Empty,
            Deployment = deployment,
        });

        var isAzureRoute = deployment is not null;
        if (isAzureRoute != (Wire.Auth == FakeAuth.ApiKey) || (isAzureRoute && !context.Request.Query.ContainsKey("api-version")))
        {
            await WriteJson(context, 404, new JsonObject { ["error"] = new JsonObject { ["code"] = "404", ["message"] = "Resource not found" } });
            return null;
        }
        if (key is not null && RejectedKeys.TryGetValue(key, out var rejectedWith))
        {
            await Error(context, rejectedWith, key);
            return null;
        }
        if (ValidKeys.Count > 0 && (key is null ? !AllowAnonymous : !ValidKeys.Contains(key)))
        {
            await Error(context, 401, key);
            return null;
        }
        if (FailWithStatus is { } status && (FailCount is null || Interlocked.Increment(ref _failures) <= FailCount))
        {
            if (RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            await Error(context, status, null);
            return null;
        }
        return body;
    }

    private async Task StreamAsync(HttpContext context, FakeAnswer answer, string? model, bool includeUsage, string? echo)
    {
        context.Response.ContentType = "text/event-stream";
        var sent = 0;
        foreach (var chunk in answer.Chunks(Wire, model, includeUsage))
        {
            if (echo is not null)
            {
                chunk["x_echo"] = echo;
            }
            if (sent > 0 && ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(ChunkDelay, context.RequestAborted);
            }
            if (sent++ == StreamErrorAfterChunks)
            {
                await context.Response.WriteAsync($"data: {Wire.StreamErrorEvent().ToJsonString()}\n\n");
                return;
            }
            await context.Response.WriteAsync($"data: {chunk.ToJsonString()}\n\n");
            await context.Response.Body.FlushAsync();
        }
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private string? PresentedKey(HttpRequest request)
    {
        if (Wire.Auth == FakeAuth.ApiKey)
        {
            var apiKey = request.Headers["api-key"].ToString();
            return apiKey.Length == 0 ? null : apiKey;
        }
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            return null;
        }
        return authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : authorization;
    }

    private Task Error(HttpContext context, int status, string? key) =>
        WriteJson(context, status, Wire.ErrorBody(status, key is null ? null : Wire.ShownKey(key, EchoFullKeyOnAuthError), keyPresented: key is not null));

    private static Task WriteJson(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
