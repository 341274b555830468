using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>Which Google API a request addressed.</summary>
public enum GeminiApi
{
    /// <summary><c>/v1beta/models/{model}:{method}</c>, keyed by <c>x-goog-api-key</c>.</summary>
    AIStudio,

    /// <summary><c>/v1/projects/{p}/locations/{l}/publishers/google/models/{m}:{method}</c> (or <c>…/endpoints/{e}:{method}</c>), with a Bearer token.</summary>
    Vertex,
}

/// <summary>The parsed address of one request. For Vertex, <see cref="Project"/> and <see cref="Location"/> are set; <see cref="Model"/> is the model or endpoint id.</summary>
public sealed record GeminiRoute(GeminiApi Api, string Model, string Method, string? Project, string? Location, bool IsEndpoint)
{
    public bool Stream => Method == "streamGenerateContent";
}

/// <summary>What an auth check decided. <see cref="Identity"/> is what the request presented (a key, a token's subject), null if nothing.</summary>
public abstract record GeminiAuthResult(string? Identity)
{
    public sealed record Accepted(string Identity) : GeminiAuthResult(Identity);

    /// <summary>Answered with Google's error body: <c>{"error":{"code","message","status","details"}}</c>.</summary>
    public sealed record Rejected(string? Identity, int Status, string Message, JsonArray? Details = null) : GeminiAuthResult(Identity);
}

/// <summary>Checks one request's credentials for one API.</summary>
public delegate GeminiAuthResult GeminiAuthCheck(HttpRequest request, GeminiRoute route);

/// <summary>Google's error bodies as the Gemini API sends them: <c>{"error":{"code","message","status","details"}}</c>.</summary>
public static class GoogleErrors
{
    public const string InvalidKeyMessage = "API key not valid. Please pass a valid API key.";

    /// <summary>Google's answer to a wrong AI Studio key for <paramref name="status"/>; 403 echoes the key, as Google does for a suspended consumer.</summary>
    public static GeminiAuthResult.Rejected RejectKey(string key, int status) => status switch
    {
        400 => new(key, 400, InvalidKeyMessage, Details(ErrorInfo("API_KEY_INVALID"), new JsonObject
        {
            ["@type"] = "type.googleapis.com/google.rpc.LocalizedMessage",
            ["locale"] = "en-US",
            ["message"] = InvalidKeyMessage,
        })),
        401 => new(key, 401,
            "API keys are not supported by this API. Expected OAuth2 access token or other authentication credentials that assert a principal. See https://cloud.google.com/docs/authentication",
            Details(ErrorInfo("CREDENTIALS_MISSING"))),
        403 => new(key, 403, $"Permission denied: Consumer 'api_key:{key}' has been suspended.", Details(ErrorInfo("CONSUMER_SUSPENDED"))),
        429 => new(key, 429, "Resource has been exhausted (e.g. check quota).", null),
        _ => new(key, status, "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting", null),
    };

    /// <summary>Google's error body, e.g. <c>{"error":{"code":400,"message":"…","status":"INVALID_ARGUMENT"}}</c>.</summary>
    public static JsonObject ErrorBody(int status, string message, JsonArray? details = null)
    {
        var error = new JsonObject { ["code"] = status, ["message"] = message, ["status"] = StatusText(status) };
        if (details is not null)
        {
            error["details"] = details;
        }
        return new JsonObject { ["error"] = error };
    }

    private static string StatusText(int status) => status switch
    {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        429 => "RESOURCE_EXHAUSTED",
        503 => "UNAVAILABLE",
        _ => "INTERNAL",
    };

    private static JsonObject ErrorInfo(string reason) => new()
    {
        ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
        ["reason"] = reason,
        ["domain"] = "googleapis.com",
        ["metadata"] = new JsonObject { ["service"] = "generativelanguage.googleapis.com" },
    };

    private static JsonArray Details(params JsonObject[] details) => new(details.Select(d => (JsonNode?)d).ToArray());
}
