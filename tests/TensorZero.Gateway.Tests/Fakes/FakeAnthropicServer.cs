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

/// <summary>What the fake Anthropic server saw of one request; <paramref name="Vertex"/> is set for Vertex AI's <c>rawPredict</c> routes.</summary>
public sealed record AnthropicRecordedRequest(
    string Path,
    string? ApiKey,
    IReadOnlyDictionary<string, string> Headers,
    JsonObject Body,
    AnthropicVertexCall? Vertex = null);

/// <summary>
/// A local stand-in for Anthropic's Messages API on 127.0.0.1:0. It checks <c>x-api-key</c> and <c>anthropic-version</c>
/// as Anthropic does (401 <c>authentication_error</c>, 400 <c>invalid_request_error</c>) and answers in Anthropic's
/// response shape, or as named SSE events when the body asks for <c>"stream": true</c>. It also serves Claude on
/// Vertex AI (<c>rawPredict</c> / <c>streamRawPredict</c>, see <c>FakeAnthropicServer.Vertex.cs</c>).
/// </summary>
/// <remarks>
/// Answers follow the conformance contract: a request offering tools gets a call to the first tool with
/// <c>{"location":"Brooklyn"}</c>; a request asking for JSON (<c>output_config.format</c>, or the JSON prefill the model
/// continues) gets <c>{"answer":"Hello"}</c>; anything else gets <c>echo: </c> and the last user text.
/// </remarks>
public sealed partial class FakeAnthropicServer : IAsyncDisposable
{
    public const string JsonAnswer = "{\"answer\":\"Hello\"}";
    public const string ToolArguments = "{\"location\":\"Brooklyn\"}";
    public const long InputTokens = 25;
    public const long OutputTokens = 12;

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<AnthropicRecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, bool> _validKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _rejectedKeys = new(StringComparer.Ordinal);

    private FakeAnthropicServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        VertexAuth = RejectAllVertexRequests;
    }

    /// <summary>The <c>api_base</c> to put in a gateway config, e.g. <c>http://127.0.0.1:41234/v1/</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Accepts these keys; any other key (or none) gets Anthropic's 401.</summary>
    public void Accept(params string[] keys)
    {
        foreach (var key in keys)
        {
            _validKeys[key] = true;
        }
    }

    /// <summary>Rejects this key with <paramref name="status"/> and Anthropic's error body for it.</summary>
    public void Reject(string key, int status) => _rejectedKeys[key] = status;

    /// <summary>When set, every authenticated request gets this status and Anthropic's error body.</summary>
    public int? FailWithStatus { get; set; }

    /// <summary>When set, a stream sends its first text delta and then an <c>event: error</c> (<c>overloaded_error</c>).</summary>
    public bool FailMidStream { get; set; }

    /// <summary>When set, a stream stops after its first delta without <c>message_stop</c>.</summary>
    public bool TruncateStream { get; set; }

    /// <summary>When set, answers start with a signed thinking block.</summary>
    public bool IncludeThinking { get; set; }

    /// <summary>Cache-read tokens reported besides <see cref="InputTokens"/>.</summary>
    public long CacheReadTokens { get; set; }

    public IReadOnlyList<AnthropicRecordedRequest> Requests => _requests.ToArray();

    public static async Task<FakeAnthropicServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeAnthropicServer? server = null;
        app.MapPost("/v1/messages", (HttpContext context) => server!.HandleAsync(context));
        app.MapPost("/v1/projects/{**rest}", (HttpContext context) => server!.HandleVertexAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeAnthropicServer(app, address.TrimEnd('/') + "/v1/");
        return server;
    }

    /// <summary>Anthropic's error <c>type</c> for a status.</summary>
    public static string ErrorType(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        _ => "api_error",
    };

    private async Task HandleAsync(HttpContext context)
    {
        var body = (JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync()) as JsonObject)!;
        var key = context.Request.Headers["x-api-key"].ToString();
        _requests.Enqueue(new AnthropicRecordedRequest(
            context.Request.Path,
            key.Length == 0 ? null : key,
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body));

        if (key.Length == 0)
        {
            await Error(context, 401, "x-api-key header is required");
            return;
        }
        if (_rejectedKeys.TryGetValue(key, out var rejectedStatus))
        {
            await Error(context, rejectedStatus, rejectedStatus == 401 ? "invalid x-api-key" : "The request was rejected.");
            return;
        }
        if (!_validKeys.ContainsKey(key))
        {
            await Error(context, 401, "invalid x-api-key");
            return;
        }
        if (context.Request.Headers["anthropic-version"].ToString().Length == 0)
        {
            await Error(context, 400, "anthropic-version: header is required");
            return;
        }
        if (BodyProblem(body) is { } problem)
        {
            await Error(context, 400, problem);
            return;
        }
        await AnswerAsync(context, body, body["model"]?.GetValue<string>(), body["stream"]?.GetValue<bool>() == true);
    }

    /// <summary>What Anthropic says about a body missing a required field, or null if it has them.</summary>
    private static string? BodyProblem(JsonObject body) =>
        body["max_tokens"] is null ? "max_tokens: Field required"
        : body["messages"] is not JsonArray { Count: > 0 } ? "messages: at least one message is required"
        : null;

    /// <summary>Answers an authenticated, well-formed request (or fails it as <see cref="FailWithStatus"/> says).</summary>
    private async Task AnswerAsync(HttpContext context, JsonObject body, string? model, bool stream)
    {
        if (FailWithStatus is { } status)
        {
            await Error(context, status, status == 529 ? "Overloaded" : "Internal server error");
            return;
        }

        var content = Answer(body);
        if (stream)
        {
            await StreamAsync(context, model, content);
            return;
        }
        var response = new JsonObject
        {
            ["id"] = "msg_fake01",
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = model,
            ["content"] = new JsonArray(content.Select(c => (JsonNode?)c.DeepClone()).ToArray()),
            ["stop_reason"] = StopReason(content),
            ["stop_sequence"] = null,
            ["usage"] = Usage(OutputTokens),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString());
    }

    private List<JsonObject> Answer(JsonObject body)
    {
        var content = new List<JsonObject>();
        if (IncludeThinking)
        {
            content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = "Let me think.", ["signature"] = "sig-fake-1" });
        }
        if (body["tools"] is JsonArray { Count: > 0 } tools)
        {
            content.Add(new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = "toolu_fake01",
                ["name"] = tools[0]!["name"]!.DeepClone(),
                ["input"] = JsonNode.Parse(ToolArguments),
            });
            return content;
        }
        var messages = body["messages"]!.AsArray();
        var last = messages[^1]!.AsObject();
        string text;
        if (body["output_config"]?["format"] is not null)
        {
            text = JsonAnswer;
        }
        else if (last["role"]!.GetValue<string>() == "assistant" && TextOf(last).EndsWith('{'))
        {
            // The model continues the prefilled assistant turn, after its opening brace.
            text = JsonAnswer[1..];
        }
        else
        {
            text = "echo: " + TextOf(messages.Last(m => m!["role"]!.GetValue<string>() == "user")!.AsObject());
        }
        content.Add(new JsonObject { ["type"] = "text", ["text"] = text });
        return content;
    }

    private async Task StreamAsync(HttpContext context, string? model, List<JsonObject> content)
    {
        context.Response.ContentType = "text/event-stream";
        var start = new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = "msg_fake01",
                ["type"] = "message",
                ["role"] = "assistant",
                ["content"] = new JsonArray(),
                ["model"] = model,
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = Usage(1),
            },
        };
        await Send(context, start);
        await Send(context, new JsonObject { ["type"] = "ping" });
        for (var index = 0; index < content.Count; index++)
        {
            var block = content[index];
            var type = block["type"]!.GetValue<string>();
            var (startBlock, deltaType, field, whole) = type switch
            {
                "text" => (new JsonObject { ["type"] = "text", ["text"] = "" }, "text_delta", "text", block["text"]!.GetValue<string>()),
                "thinking" => (new JsonObject { ["type"] = "thinking", ["thinking"] = "", ["signature"] = "" }, "thinking_delta", "thinking",
                    block["thinking"]!.GetValue<string>()),
                _ => (new JsonObject { ["type"] = "tool_use", ["id"] = block["id"]!.DeepClone(), ["name"] = block["name"]!.DeepClone(), ["input"] = new JsonObject() },
                    "input_json_delta", "partial_json", block["input"]!.ToJsonString()),
            };
            await Send(context, new JsonObject { ["type"] = "content_block_start", ["index"] = index, ["content_block"] = startBlock });
            var half = whole.Length / 2;
            foreach (var piece in new[] { whole[..half], whole[half..] })
            {
                await Send(context, new JsonObject
                {
                    ["type"] = "content_block_delta",
                    ["index"] = index,
                    ["delta"] = new JsonObject { ["type"] = deltaType, [field] = piece },
                });
                if (FailMidStream)
                {
                    await Send(context, new JsonObject
                    {
                        ["type"] = "error",
                        ["error"] = new JsonObject { ["type"] = "overloaded_error", ["message"] = "Overloaded" },
                    });
                    return;
                }
                if (TruncateStream)
                {
                    return;
                }
            }
            if (type == "thinking")
            {
                await Send(context, new JsonObject
                {
                    ["type"] = "content_block_delta",
                    ["index"] = index,
                    ["delta"] = new JsonObject { ["type"] = "signature_delta", ["signature"] = block["signature"]!.DeepClone() },
                });
            }
            await Send(context, new JsonObject { ["type"] = "content_block_stop", ["index"] = index });
        }
        await Send(context, new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = StopReason(content), ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = OutputTokens },
        });
        await Send(context, new JsonObject { ["type"] = "message_stop" });
    }

    private static async Task Send(HttpContext context, JsonObject data)
    {
        await context.Response.WriteAsync($"event: {data["type"]!.GetValue<string>()}\ndata: {data.ToJsonString()}\n\n");
        await context.Response.Body.FlushAsync();
    }

    private JsonObject Usage(long outputTokens) => new()
    {
        ["input_tokens"] = InputTokens,
        ["cache_creation_input_tokens"] = 0,
        ["cache_read_input_tokens"] = CacheReadTokens,
        ["output_tokens"] = outputTokens,
    };

    private static string StopReason(List<JsonObject> content) =>
        content.Any(c => c["type"]!.GetValue<string>() == "tool_use") ? "tool_use" : "end_turn";

    private static string TextOf(JsonObject message) => message["content"] switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray blocks => string.Concat(blocks.OfType<JsonObject>().Where(b => b["type"]?.GetValue<string>() == "text").Select(b => b["text"]!.GetValue<string>())),
        _ => string.Empty,
    };

    private static Task Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var error = new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = ErrorType(status), ["message"] = message },
        };
        return context.Response.WriteAsync(error.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
