using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>What the fake saw of one request. <see cref="Identity"/> is the access key id (SigV4) or bearer token presented.</summary>
public sealed record BedrockRequest(
    string RawPath,
    string ModelId,
    string Operation,
    IReadOnlyDictionary<string, string> Headers,
    JsonObject Body,
    string? Identity);

/// <summary>
/// A local stand-in for Bedrock Runtime's Converse and ConverseStream APIs on 127.0.0.1:0. It verifies SigV4 by
/// recomputing the signature with the secret key it knows (or accepts a known Bearer API key), answers AWS's error
/// shapes (<c>{"message": ...}</c> plus <c>x-amzn-ErrorType</c>), and streams binary event-stream frames.
/// </summary>
public sealed class FakeBedrockServer : IAsyncDisposable
{
    // AWS writes apostrophes and other punctuation as is, not as \u0027.
    private static readonly System.Text.Json.JsonSerializerOptions PlainJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<BedrockRequest> _requests = new();
    private readonly ConcurrentDictionary<string, (string Secret, string? SessionToken)> _iamKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _bearerTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _rejected = new(StringComparer.Ordinal);

    private FakeBedrockServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The <c>endpoint_url</c> to put in a gateway config, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>The region a SigV4 credential scope must name.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>When set, every authenticated request gets this status with the matching AWS error body.</summary>
    public int? FailWithStatus { get; set; }

    /// <summary>When set, a stream sends this exception (e.g. <c>throttlingException</c>) after its first content delta.</summary>
    public string? StreamException { get; set; }

    public IReadOnlyList<BedrockRequest> Requests => _requests.ToArray();

    public void AddIamKey(string accessKeyId, string secretAccessKey, string? sessionToken = null) =>
        _iamKeys[accessKeyId] = (secretAccessKey, sessionToken);

    public void AddBearerToken(string token) => _bearerTokens[token] = 0;

    /// <summary>Answers requests from this identity (access key id or bearer token) with <paramref name="status"/>.</summary>
    public void Reject(string identity, int status) => _rejected[identity] = status;

    /// <param name="host">The loopback address to listen on, e.g. <c>127.0.0.2</c> for a host only an allow list lets through.</param>
    public static async Task<FakeBedrockServer> StartAsync(string host = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{host}:0");
        var app = builder.Build();
        FakeBedrockServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeBedrockServer(app, address.TrimEnd('/'));
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var segments = rawPath.Split('/');
        if (context.Request.Method != "POST" || segments.Length != 4 || segments[1] != "model" || segments[3] is not ("converse" or "converse-stream"))
        {
            await Error(context, 404, "UnknownOperationException", "Unknown operation");
            return;
        }
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        var body = JsonNode.Parse(bytes) as JsonObject ?? [];
        var (identity, authError) = Authenticate(context, rawPath, queryStart < 0 ? string.Empty : rawTarget[(queryStart + 1)..], bytes);
        _requests.Enqueue(new BedrockRequest(
            rawPath,
            Uri.UnescapeDataString(segments[2]),
            segments[3],
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body,
            identity));

        if (authError is { } denied)
        {
            await Error(context, denied.Status, denied.Type, denied.Message);
            return;
        }
        int? failure = identity is not null && _rejected.TryGetValue(identity, out var rejected) ? rejected : FailWithStatus;
        if (failure is { } status)
        {
            var (type, message) = ErrorFor(status);
            await Error(context, status, type, message);
            return;
        }

        var reply = Answer(body);
        if (segments[3] == "converse")
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(ConverseResponse(reply).ToJsonString());
        }
        else
        {
            await StreamAsync(context, reply);
        }
    }

    private (string? Identity, (int Status, string Type, string Message)? Error) Authenticate(HttpContext context, string rawPath, string rawQuery, byte[] body)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            var token = header["Bearer ".Length..];
            return _bearerTokens.ContainsKey(token)
                ? (token, null)
                : (token, (403, "UnrecognizedClientException", "Invalid API Key format: Must start with pre-defined prefix"));
        }
        var result = SigV4Verifier.Authenticate(context.Request, rawPath, rawQuery, body,
            keyId => _iamKeys.TryGetValue(keyId, out var key) ? key : null, "bedrock", Region);
        return (result.Identity, result.Error);
    }

    /// <summary>What the model "says": a tool call when tools are offered, JSON after a JSON prefill, else an echo.</summary>
    private static Reply Answer(JsonObject body)
    {
        if (body["toolConfig"]?["tools"] is JsonArray { Count: > 0 } tools)
        {
            var name = tools[0]!["toolSpec"]!["name"]!.GetValue<string>();
            return new Reply(null, name, "{\"location\":\"Brooklyn\"}");
        }
        var messages = body["messages"] as JsonArray ?? [];
        var last = messages.LastOrDefault() as JsonObject;
        if (last?["role"]?.GetValue<string>() == "assistant" && Texts(last).EndsWith('{'))
        {
            // The model continues after the prefilled brace.
            return new Reply("\"answer\":\"Hello\"}", null, null);
        }
        var lastUser = messages.OfType<JsonObject>().LastOrDefault(m => m["role"]?.GetValue<string>() == "user");
        return new Reply("echo: " + (lastUser is null ? string.Empty : Texts(lastUser)), null, null);
    }

    private static string Texts(JsonObject message) =>
        string.Concat((message["content"] as JsonArray ?? []).Select(c => c?["text"]?.GetValue<string>() ?? string.Empty));

    private static JsonObject ConverseResponse(Reply reply)
    {
        var content = new JsonArray();
        if (reply.Text is { } text)
        {
            content.Add(new JsonObject { ["text"] = text });
        }
        if (reply.ToolName is { } toolName)
        {
            content.Add(new JsonObject
            {
                ["toolUse"] = new JsonObject { ["toolUseId"] = "tooluse_fake1", ["name"] = toolName, ["input"] = JsonNode.Parse(reply.ToolInput!) },
            });
        }
        return new JsonObject
        {
            ["output"] = new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content } },
            ["stopReason"] = reply.ToolName is null ? "end_turn" : "tool_use",
            ["usage"] = new JsonObject { ["inputTokens"] = 57, ["outputTokens"] = 17, ["totalTokens"] = 74 },
            ["metrics"] = new JsonObject { ["latencyMs"] = 123 },
        };
    }

    private async Task StreamAsync(HttpContext context, Reply reply)
    {
        context.Response.ContentType = "application/vnd.amazon.eventstream";
        async Task Send(byte[] frame)
        {
            await context.Response.Body.WriteAsync(frame);
            await context.Response.Body.FlushAsync();
        }
        await Send(EventStreamEncoder.Event("messageStart", """{"role":"assistant","p":"abcdefgh"}"""));
        var delivered = 0;
        if (reply.Text is { } text)
        {
            foreach (var piece in Split(text))
            {
                await Send(EventStreamEncoder.Event("contentBlockDelta",
                    new JsonObject { ["contentBlockIndex"] = 0, ["delta"] = new JsonObject { ["text"] = piece }, ["p"] = "abc" }.ToJsonString()));
                if (++delivered == 1 && StreamException is { } exception)
                {
                    await Send(EventStreamEncoder.Exception(exception, "Too many tokens, please wait before trying again."));
                    return;
                }
            }
            await Send(EventStreamEncoder.Event("contentBlockStop", """{"contentBlockIndex":0,"p":"abcd"}"""));
        }
        if (reply.ToolName is { } toolName)
        {
            await Send(EventStreamEncoder.Event("contentBlockStart", new JsonObject
            {
                ["contentBlockIndex"] = 1,
                ["start"] = new JsonObject { ["toolUse"] = new JsonObject { ["toolUseId"] = "tooluse_fake1", ["name"] = toolName } },
                ["p"] = "ab",
            }.ToJsonString()));
            foreach (var piece in Split(reply.ToolInput!))
            {
                await Send(EventStreamEncoder.Event("contentBlockDelta", new JsonObject
                {
                    ["contentBlockIndex"] = 1,
                    ["delta"] = new JsonObject { ["toolUse"] = new JsonObject { ["input"] = piece } },
                    ["p"] = "abcdef",
                }.ToJsonString()));
            }
            await Send(EventStreamEncoder.Event("contentBlockStop", """{"contentBlockIndex":1,"p":"a"}"""));
        }
        await Send(EventStreamEncoder.Event("messageStop",
            new JsonObject { ["stopReason"] = reply.ToolName is null ? "end_turn" : "tool_use", ["p"] = "abcdefghij" }.ToJsonString()));
        await Send(EventStreamEncoder.Event("metadata",
            """{"usage":{"inputTokens":57,"outputTokens":17,"totalTokens":74},"metrics":{"latencyMs":300},"p":"abc"}"""));
    }

    private static IEnumerable<string> Split(string text) =>
        text.Length < 2 ? [text] : [text[..(text.Length / 2)], text[(text.Length / 2)..]];

    private static (string Type, string Message) ErrorFor(int status) => status switch
    {
        400 => ("ValidationException", "The provided model identifier is invalid."),
        401 => ("UnrecognizedClientException", "The security token included in the request is invalid."),
        403 => ("AccessDeniedException", "You don't have access to the model with the specified model ID."),
        404 => ("ResourceNotFoundException", "Could not resolve the foundation model from the provided model identifier."),
        408 => ("ModelTimeoutException", "Model has timed out in processing the request."),
        424 => ("ModelErrorException", "The model encountered an error while processing the request."),
        429 => ("ThrottlingException", "Too many requests, please wait before trying again."),
        503 => ("ServiceUnavailableException", "Bedrock is unable to process your request."),
        _ => ("InternalServerException", "The server encountered an internal error."),
    };

    private static Task Error(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-amzn-ErrorType"] = $"{type}:http://internal.amazon.com/coral/com.amazon.bedrock/";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        return context.Response.WriteAsync(new JsonObject { ["message"] = message }.ToJsonString(PlainJson));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record Reply(string? Text, string? ToolName, string? ToolInput);
}
