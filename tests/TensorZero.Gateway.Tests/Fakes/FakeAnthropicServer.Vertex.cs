using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using TensorZero.Gateway.Tests.Fakes.Gcp;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>A request to Claude on Vertex AI: the address in its path and who its bearer token authenticated (null: nobody).</summary>
public sealed record AnthropicVertexCall(string Project, string Location, string Model, bool Stream, string? Identity);

/// <summary>
/// Claude on Vertex AI: <c>/v1/projects/{p}/locations/{l}/publishers/anthropic/models/{m}:rawPredict</c> and
/// <c>:streamRawPredict</c>. Google's front end checks the bearer token (<see cref="VertexAuth"/>, Google's error shape);
/// the body is Anthropic's Messages body with <c>"anthropic_version": "vertex-2023-10-16"</c> and no <c>model</c>, and
/// the answer is Anthropic's. The path, not the body, selects streaming.
/// </summary>
public sealed partial class FakeAnthropicServer
{
    public const string VertexAnthropicVersion = "vertex-2023-10-16";

    /// <summary>The Vertex <c>api_base</c> to put in a gateway config, e.g. <c>http://127.0.0.1:41234/v1/</c>.</summary>
    public string VertexBaseUrl => BaseUrl;

    /// <summary>The bearer check of the Vertex routes; by default every request is unauthenticated (401).</summary>
    public VertexBearerCheck VertexAuth { get; set; }

    /// <summary>The Vertex requests so far, in order.</summary>
    public IReadOnlyList<AnthropicVertexCall> VertexCalls => Requests.Where(r => r.Vertex is not null).Select(r => r.Vertex!).ToList();

    private static VertexAuthResult RejectAllVertexRequests(string? authorization, string location) =>
        new VertexAuthResult.Rejected(null, 401, VertexJwtVerifier.MissingCredentialMessage, "no Vertex auth check is configured");

    private async Task HandleVertexAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? string.Empty;
        var match = VertexPath().Match(path);
        JsonObject? body = null;
        try
        {
            body = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync()) as JsonObject;
        }
        catch (JsonException)
        {
            // Answered below as Google would.
        }
        var auth = match.Success ? VertexAuth(request.Headers.Authorization.ToString(), match.Groups["location"].Value) : null;
        var key = request.Headers["x-api-key"].ToString();
        _requests.Enqueue(new AnthropicRecordedRequest(
            path,
            key.Length == 0 ? null : key,
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body ?? [],
            match.Success
                ? new AnthropicVertexCall(match.Groups["project"].Value, match.Groups["location"].Value, match.Groups["model"].Value,
                    match.Groups["method"].Value == "streamRawPredict", auth?.Identity)
                : null));

        if (!match.Success)
        {
            await GoogleError(context, GoogleErrors.ErrorBody(404, $"fake Vertex server: no route for `{path}`"));
            return;
        }
        if (auth is VertexAuthResult.Rejected rejected)
        {
            await GoogleError(context, GoogleErrors.ErrorBody(rejected.Status, rejected.Message, rejected.Details));
            return;
        }
        if (body is null)
        {
            await GoogleError(context, GoogleErrors.ErrorBody(400, "Invalid JSON payload received."));
            return;
        }
        var stream = match.Groups["method"].Value == "streamRawPredict";
        if (VertexBodyProblem(body, stream) is { } problem)
        {
            await Error(context, 400, problem);
            return;
        }
        // Vertex reports the model with a dash where its id has the `@`.
        await AnswerAsync(context, body, match.Groups["model"].Value.Replace('@', '-'), stream);
    }

    private static string? VertexBodyProblem(JsonObject body, bool stream)
    {
        if (body["anthropic_version"] is not JsonValue version)
        {
            return "anthropic_version: Field required";
        }
        if (!version.TryGetValue<string>(out var text) || text != VertexAnthropicVersion)
        {
            return $"anthropic_version: Input should be '{VertexAnthropicVersion}'";
        }
        if (body.ContainsKey("model"))
        {
            return "model: Extra inputs are not permitted";
        }
        if (body["stream"] is not JsonValue streamValue || !streamValue.TryGetValue<bool>(out var streamFlag) || streamFlag != stream)
        {
            return $"fake Vertex server: `stream` must be {(stream ? "true" : "false")} for {(stream ? "streamRawPredict" : "rawPredict")}";
        }
        return BodyProblem(body);
    }

    private static Task GoogleError(HttpContext context, JsonObject body)
    {
        context.Response.StatusCode = body["error"]!["code"]!.GetValue<int>();
        context.Response.ContentType = "application/json; charset=UTF-8";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    [GeneratedRegex("^/v1/projects/(?<project>[^/]+)/locations/(?<location>[^/]+)/publishers/anthropic/models/(?<model>[^/:]+):(?<method>rawPredict|streamRawPredict)$")]
    private static partial Regex VertexPath();
}
