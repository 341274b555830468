using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>What the fake saw of one request.</summary>
public sealed record RecordedGeminiRequest(
    string Path,
    string Query,
    GeminiRoute? Route,
    IReadOnlyDictionary<string, string> Headers,
    JsonObject? Body,
    string? Identity);

/// <summary>
/// A local stand-in for the Gemini API on 127.0.0.1:0, speaking Google's wire format: <c>generateContent</c> and
/// <c>streamGenerateContent?alt=sse</c> (events separated by <c>\r\n\r\n</c>, no terminator, usage in every chunk with
/// the totals in the last), Google's error bodies, AI Studio's <c>x-goog-api-key</c> check and a pluggable check for
/// the Vertex form of the same API.
/// </summary>
/// <remarks>
/// Answers follow the conformance contract: a request offering tools gets a call to the first tool with
/// <c>{"location":"Brooklyn"}</c>; one asking for JSON gets <c>{"answer":"Hello"}</c>; otherwise <c>echo: </c> and the
/// last user text. A <c>key=</c> query parameter is refused outright: the gateway must never put a key in a URL.
/// </remarks>
public sealed partial class FakeGeminiServer : IAsyncDisposable
{
    public const string InvalidKeyMessage = GoogleErrors.InvalidKeyMessage;
    public const string KeyInUrlMessage = "fake Gemini server: the API key was sent in the URL";

    private const int PromptTokens = 11;

    // Google writes quotes and non-ASCII text as is, not as \u escapes.
    private static readonly System.Text.Json.JsonSerializerOptions GoogleJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedGeminiRequest> _requests = new();

    private FakeGeminiServer(WebApplication app, string rootUrl)
    {
        _app = app;
        RootUrl = rootUrl;
        AIStudioAuth = CheckApiKey;
        VertexAuth = (_, _) => new GeminiAuthResult.Rejected(null, 401,
            "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.");
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>; Vertex paths start at <c>{RootUrl}v1/projects/…</c>.</summary>
    public string RootUrl { get; }

    /// <summary>The AI Studio <c>api_base</c>: <c>{RootUrl}v1beta/</c>.</summary>
    public string AIStudioBaseUrl => RootUrl + "v1beta/";

    /// <summary>Keys the default AI Studio check accepts.</summary>
    public HashSet<string> ValidKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys the default AI Studio check rejects with a given status (400 is Google's answer to a wrong key).</summary>
    public Dictionary<string, int> RejectedKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>The auth check of AI Studio routes; by default <c>x-goog-api-key</c> against <see cref="ValidKeys"/>.</summary>
    public GeminiAuthCheck AIStudioAuth { get; set; }

    /// <summary>The auth check of Vertex routes; by default every request is unauthenticated (401).</summary>
    public GeminiAuthCheck VertexAuth { get; set; }

    /// <summary>When set, every authenticated request is answered with this status and Google's error body.</summary>
    public int? FailWithStatus { get; set; }

    /// <summary>When set, a stream sends its first chunk, then an error object, then ends.</summary>
    public bool FailMidStream { get; set; }

    /// <summary>When set, answers start with a thought part and sign the answer part, as thinking models do.</summary>
    public bool IncludeThoughts { get; set; }

    public IReadOnlyList<RecordedGeminiRequest> Requests => _requests.ToArray();

    /// <summary>What each request presented as its identity, in order (null: no credential).</summary>
    public IReadOnlyList<string?> Authenticated => _requests.Where(r => r.Route is not null).Select(r => r.Identity).ToArray();

    public static async Task<FakeGeminiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeGeminiServer? server = null;
        app.MapPost("/{**path}", (HttpContext context) => server!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeGeminiServer(app, address.TrimEnd('/') + "/");
        return server;
    }

    private GeminiAuthResult CheckApiKey(HttpRequest request, GeminiRoute route)
    {
        var key = request.Headers["x-goog-api-key"].ToString();
        if (key.Length == 0)
        {
            return new GeminiAuthResult.Rejected(null, 403,
                "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
        }
        if (ValidKeys.Contains(key))
        {
            return new GeminiAuthResult.Accepted(key);
        }
        return GoogleErrors.RejectKey(key, RejectedKeys.GetValueOrDefault(key, 400));
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var route = ParseRoute(request.Path.Value ?? string.Empty);
        JsonObject? body = null;
        try
        {
            body = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync()) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            // Answered below as Google would.
        }
        GeminiAuthResult? auth = null;
        if (route is not null && !request.Query.ContainsKey("key"))
        {
            auth = route.Api == GeminiApi.AIStudio ? AIStudioAuth(request, route) : VertexAuth(request, route);
        }
        _requests.Enqueue(new RecordedGeminiRequest(
            request.Path.Value ?? string.Empty,
            request.QueryString.Value ?? string.Empty,
            route,
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body,
            auth?.Identity));

        if (route is null)
        {
            await Error(context, GoogleErrors.ErrorBody(404, $"fake Gemini server: no route for `{request.Path}`"));
            return;
        }
        if (request.Query.ContainsKey("key"))
        {
            await Error(context, GoogleErrors.ErrorBody(400, KeyInUrlMessage));
            return;
        }
        if (auth is GeminiAuthResult.Rejected rejected)
        {
            await Error(context, GoogleErrors.ErrorBody(rejected.Status, rejected.Message, rejected.Details));
            return;
        }
        if (body is null)
        {
            await Error(context, GoogleErrors.ErrorBody(400, "Invalid JSON payload received."));
            return;
        }
        if (FailWithStatus is { } status)
        {
            await Error(context, GoogleErrors.ErrorBody(status, "The model is overloaded. Please try again later."));
            return;
        }
        if (route.Stream && request.Query["alt"] != "sse")
        {
            await Error(context, GoogleErrors.ErrorBody(400, "fake Gemini server: only `alt=sse` streams are served"));
            return;
        }
        var parts = AnswerParts(body);
        if (route.Stream)
        {
            await StreamAsync(context, route, parts);
            return;
        }
        var response = Response(route, parts, "STOP", FinalUsage());
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(response.ToJsonString(GoogleJson));
    }

    private async Task StreamAsync(HttpContext context, GeminiRoute route, List<JsonObject> parts)
    {
        context.Response.ContentType = "text/event-stream";
        var pieces = new List<JsonObject>();
        foreach (var part in parts)
        {
            // Answer text comes in two pieces; thoughts and function calls come whole, as Gemini sends them.
            if (part["thought"] is null && part["text"] is JsonValue text && text.GetValue<string>() is { Length: > 1 } value)
            {
                var first = (JsonObject)part.DeepClone();
                first["text"] = value[..(value.Length / 2)];
                pieces.Add(first);
                pieces.Add(new JsonObject { ["text"] = value[(value.Length / 2)..] });
            }
            else
            {
                pieces.Add(part);
            }
        }
        for (var i = 0; i < pieces.Count; i++)
        {
            var running = new JsonObject { ["promptTokenCount"] = PromptTokens, ["candidatesTokenCount"] = i + 1, ["totalTokenCount"] = PromptTokens + i + 1 };
            await Event(context, Response(route, [pieces[i]], null, running));
            if (FailMidStream)
            {
                await Event(context, GoogleErrors.ErrorBody(500, "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"));
                return;
            }
        }
        await Event(context, Response(route, [new JsonObject { ["text"] = string.Empty }], "STOP", FinalUsage()));
    }

    private JsonObject FinalUsage()
    {
        var usage = new JsonObject { ["promptTokenCount"] = PromptTokens, ["candidatesTokenCount"] = 7 };
        if (IncludeThoughts)
        {
            usage["thoughtsTokenCount"] = 3;
        }
        usage["totalTokenCount"] = PromptTokens + 7 + (IncludeThoughts ? 3 : 0);
        return usage;
    }

    private static JsonObject Response(GeminiRoute route, IEnumerable<JsonObject> parts, string? finishReason, JsonObject usage)
    {
        var candidate = new JsonObject
        {
            ["content"] = new JsonObject { ["parts"] = new JsonArray(parts.Select(p => (JsonNode?)p.DeepClone()).ToArray()), ["role"] = "model" },
            ["index"] = 0,
        };
        if (finishReason is not null)
        {
            candidate["finishReason"] = finishReason;
        }
        return new JsonObject
        {
            ["candidates"] = new JsonArray(candidate),
            ["usageMetadata"] = usage,
            ["modelVersion"] = route.Model,
            ["responseId"] = "fake-gemini-response",
        };
    }

    private List<JsonObject> AnswerParts(JsonObject body)
    {
        var parts = new List<JsonObject>();
        if (IncludeThoughts)
        {
            parts.Add(new JsonObject { ["text"] = "The user wants an answer.", ["thought"] = true });
        }
        JsonObject answer;
        var firstTool = body["tools"]?[0]?["functionDeclarations"]?[0]?["name"]?.GetValue<string>();
        var mode = body["toolConfig"]?["functionCallingConfig"]?["mode"]?.GetValue<string>();
        if (firstTool is not null && !string.Equals(mode, "NONE", StringComparison.OrdinalIgnoreCase))
        {
            var allowed = body["toolConfig"]?["functionCallingConfig"]?["allowedFunctionNames"]?[0]?.GetValue<string>();
            answer = new JsonObject { ["functionCall"] = new JsonObject { ["name"] = allowed ?? firstTool, ["args"] = new JsonObject { ["location"] = "Brooklyn" } } };
        }
        else if (body["generationConfig"]?["responseMimeType"]?.GetValue<string>() == "application/json")
        {
            answer = new JsonObject { ["text"] = "{\"answer\":\"Hello\"}" };
        }
        else
        {
            answer = new JsonObject { ["text"] = "echo: " + LastUserText(body) };
        }
        if (IncludeThoughts)
        {
            answer["thoughtSignature"] = "fake-signature";
        }
        parts.Add(answer);
        return parts;
    }

    private static string LastUserText(JsonObject body) =>
        body["contents"]?.AsArray().LastOrDefault(c => c?["role"]?.GetValue<string>() == "user") is { } content
            ? string.Concat(content["parts"]!.AsArray().Select(p => p?["text"]?.GetValue<string>() ?? string.Empty))
            : string.Empty;

    private static async Task Event(HttpContext context, JsonObject data)
    {
        await context.Response.WriteAsync("data: " + data.ToJsonString(GoogleJson) + "\r\n\r\n");
        await context.Response.Body.FlushAsync();
    }

    private static Task Error(HttpContext context, JsonObject body)
    {
        context.Response.StatusCode = body["error"]!["code"]!.GetValue<int>();
        context.Response.ContentType = "application/json; charset=UTF-8";
        return context.Response.WriteAsync(body.ToJsonString(GoogleJson));
    }

    private static GeminiRoute? ParseRoute(string path)
    {
        if (AIStudioPath().Match(path) is { Success: true } studio)
        {
            return new GeminiRoute(GeminiApi.AIStudio, studio.Groups["model"].Value, studio.Groups["method"].Value, null, null, IsEndpoint: false);
        }
        if (VertexPath().Match(path) is { Success: true } vertex)
        {
            return new GeminiRoute(GeminiApi.Vertex, vertex.Groups["model"].Value, vertex.Groups["method"].Value,
                vertex.Groups["project"].Value, vertex.Groups["location"].Value, IsEndpoint: vertex.Groups["kind"].Value == "endpoints");
        }
        return null;
    }

    [GeneratedRegex("^/v1beta/models/(?<model>[^/:]+):(?<method>generateContent|streamGenerateContent)$")]
    private static partial Regex AIStudioPath();

    [GeneratedRegex("^/v1/projects/(?<project>[^/]+)/locations/(?<location>[^/]+)/(?<kind>publishers/google/models|endpoints)/(?<model>[^/:]+):(?<method>generateContent|streamGenerateContent)$")]
    private static partial Regex VertexPath();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
