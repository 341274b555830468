using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>How <see cref="BrokenStreamServer"/> breaks a stream after its first chunk.</summary>
public enum StreamBreak
{
    /// <summary>The connection is reset.</summary>
    Reset,

    /// <summary>Bytes that are no event of the wire format follow (with the caller's key in them).</summary>
    Garbage,

    /// <summary>The wire format's own error event follows, its message echoing the caller's key.</summary>
    ErrorEventEchoingKey,
}

/// <summary>
/// A server for every streaming wire format the gateway speaks (OpenAI chat completions, Anthropic messages, Gemini
/// <c>streamGenerateContent</c>, Bedrock ConverseStream), told apart by the request path. It sends one valid chunk and
/// then breaks the stream the chosen way.
/// </summary>
public sealed class BrokenStreamServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BrokenStreamServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The server's root, without a trailing slash.</summary>
    public string BaseUrl { get; }

    public StreamBreak Break { get; set; }

    private readonly TaskCompletionSource _proceed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Lets the server break the stream. It waits for this (at most 10 s) after its first chunk, so a test can first see
    /// that chunk arrive through the gateway: a reset would otherwise drop it before the gateway had read it.
    /// </summary>
    public void Proceed() => _proceed.TrySetResult();

    public static async Task<BrokenStreamServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        BrokenStreamServer? server = null;
        app.MapPost("/{**path}", async (HttpContext context) => await server!.AnswerAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new BrokenStreamServer(app, address.TrimEnd('/'));
        return server;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        await new StreamReader(context.Request.Body).ReadToEndAsync();
        var key = CallerKey(context.Request);
        var path = context.Request.Path.Value ?? string.Empty;
        var wire = path.EndsWith("/converse-stream", StringComparison.Ordinal) ? "bedrock"
            : path.EndsWith(":streamGenerateContent", StringComparison.Ordinal) ? "gemini"
            : path.EndsWith("/messages", StringComparison.Ordinal) || path.EndsWith(":streamRawPredict", StringComparison.Ordinal) ? "anthropic"
            : "openai";
        context.Response.ContentType = wire == "bedrock" ? "application/vnd.amazon.eventstream" : "text/event-stream";
        var body = context.Response.Body;
        await body.WriteAsync(FirstChunk(wire));
        await body.FlushAsync();
        await _proceed.Task.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        switch (Break)
        {
            case StreamBreak.Reset:
                context.Abort();
                return;
            case StreamBreak.Garbage:
                var garbage = new List<byte>(wire == "bedrock" ? [] : "data: "u8.ToArray());
                garbage.AddRange([0xFF, 0xFE, 0x00, 0x7B, 0x80, 0xC3]);
                garbage.AddRange(Encoding.UTF8.GetBytes($" not an event {key}\n\n"));
                await body.WriteAsync(garbage.ToArray());
                break;
            case StreamBreak.ErrorEventEchoingKey:
                await body.WriteAsync(ErrorEvent(wire, $"Incorrect API key provided: {key}"));
                break;
        }
        await body.FlushAsync();
    }

    private static string CallerKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return authorization["Bearer ".Length..];
        }
        foreach (var header in new[] { "x-api-key", "x-goog-api-key", "api-key" })
        {
            if (request.Headers.TryGetValue(header, out var value))
            {
                return value.ToString();
            }
        }
        return "no-key";
    }

    private static byte[] FirstChunk(string wire) => wire switch
    {
        "bedrock" => [
            .. EventStreamEncoder.Event("messageStart", """{"role":"assistant","p":"abcdefgh"}"""),
            .. EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"first"},"p":"abc"}"""),
        ],
        "gemini" => Sse("""{"candidates":[{"content":{"parts":[{"text":"first"}],"role":"model"},"index":0}]}"""),
        "anthropic" => [
            .. Sse("""{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"c","usage":{"input_tokens":3,"output_tokens":1}}}""", "message_start"),
            .. Sse("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""", "content_block_start"),
            .. Sse("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"first"}}""", "content_block_delta"),
        ],
        _ => Sse("""{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"first"},"finish_reason":null}]}"""),
    };

    private static byte[] ErrorEvent(string wire, string message) => wire switch
    {
        "bedrock" => EventStreamEncoder.Exception("validationException", message),
        "gemini" => Sse(new JsonObject { ["error"] = new JsonObject { ["code"] = 401, ["message"] = message, ["status"] = "UNAUTHENTICATED" } }.ToJsonString()),
        "anthropic" => Sse(new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = "authentication_error", ["message"] = message },
        }.ToJsonString(), "error"),
        _ => Sse(new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error" } }.ToJsonString()),
    };

    private static byte[] Sse(string data, string? eventName = null) =>
        Encoding.UTF8.GetBytes((eventName is null ? string.Empty : $"event: {eventName}\n") + $"data: {data}\n\n");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
