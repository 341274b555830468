using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>What the fake saw of one request. <see cref="Identity"/> is the access key id of its SigV4 signature.</summary>
public sealed record SageMakerRequest(
    string RawPath,
    string EndpointName,
    string Operation,
    IReadOnlyDictionary<string, string> Headers,
    JsonObject Body,
    string? Identity);

/// <summary>
/// A local stand-in for SageMaker Runtime on 127.0.0.1:0: <c>POST /endpoints/{name}/invocations</c> and
/// <c>/invocations-response-stream</c>. It verifies SigV4 (service <c>sagemaker</c>) by recomputing the signature with
/// the secret key it knows, and answers AWS's error shapes (<c>x-amzn-ErrorType</c>, a 424 <c>ModelError</c> carrying the
/// container's own answer). Each endpoint hosts an OpenAI-compatible or a TGI server, and answers in its chat-completions
/// format (<see cref="FakeAnswer"/>); a streamed answer is that server's SSE text cut into event-stream
/// <c>PayloadPart</c> messages at arbitrary byte positions, as SageMaker passes on what the container writes.
/// </summary>
public sealed class FakeSageMakerServer : IAsyncDisposable
{
    // AWS writes apostrophes and other punctuation as is, not as \u0027.
    private static readonly System.Text.Json.JsonSerializerOptions PlainJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SageMakerRequest> _requests = new();
    private readonly ConcurrentDictionary<string, (string Secret, string? SessionToken)> _iamKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeWire> _endpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _rejected = new(StringComparer.Ordinal);

    private FakeSageMakerServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The <c>endpoint_url</c> to put in a gateway config, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>The region a SigV4 credential scope must name.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>When set, the hosted container answers every authenticated request with this status (SageMaker's 424 <c>ModelError</c>).</summary>
    public int? ContainerFailsWith { get; set; }

    /// <summary>When set, a stream sends this exception (e.g. <c>ModelStreamError</c>) after its first payload part.</summary>
    public string? StreamException { get; set; }

    /// <summary>How many bytes of the container's SSE text each <c>PayloadPart</c> carries at most.</summary>
    public int PayloadPartBytes { get; set; } = 23;

    public IReadOnlyList<SageMakerRequest> Requests => _requests.ToArray();

    public void AddIamKey(string accessKeyId, string secretAccessKey, string? sessionToken = null) =>
        _iamKeys[accessKeyId] = (secretAccessKey, sessionToken);

    /// <summary>Deploys an endpoint hosting an <c>openai</c>-compatible or a <c>tgi</c> server.</summary>
    public void AddEndpoint(string name, string hostedProvider) => _endpoints[name] = FakeWire.For(hostedProvider);

    /// <summary>Answers requests signed by this access key id with <paramref name="status"/>.</summary>
    public void Reject(string accessKeyId, int status) => _rejected[accessKeyId] = status;

    public static async Task<FakeSageMakerServer> StartAsync(string host = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{host}:0");
        var app = builder.Build();
        FakeSageMakerServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeSageMakerServer(app, address.TrimEnd('/'));
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var segments = rawPath.Split('/');
        if (context.Request.Method != "POST" || segments.Length != 4 || segments[1] != "endpoints" ||
            segments[3] is not ("invocations" or "invocations-response-stream"))
        {
            await Error(context, 404, "UnknownOperationException", "Unknown operation");
            return;
        }
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        var body = JsonNode.Parse(bytes) as JsonObject ?? [];
        var endpointName = Uri.UnescapeDataString(segments[2]);
        var outcome = SigV4Verifier.Authenticate(context.Request, rawPath, queryStart < 0 ? string.Empty : rawTarget[(queryStart + 1)..], bytes,
            keyId => _iamKeys.TryGetValue(keyId, out var key) ? key : null, "sagemaker", Region);
        _requests.Enqueue(new SageMakerRequest(
            rawPath,
            endpointName,
            segments[3],
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body,
            outcome.Identity));

        if (outcome.Error is { } denied)
        {
            await Error(context, denied.Status, denied.Type, denied.Message);
            return;
        }
        if (outcome.Identity is { } identity && _rejected.TryGetValue(identity, out var rejected))
        {
            await Error(context, rejected, rejected == 403 ? "AccessDeniedException" : "UnrecognizedClientException",
                rejected == 403 ? "User is not authorized to perform: sagemaker:InvokeEndpoint on this resource" : "The security token included in the request is invalid.");
            return;
        }
        if (!_endpoints.TryGetValue(endpointName, out var wire))
        {
            await Error(context, 400, "ValidationError", $"Endpoint {endpointName} of account 123456789012 not found.");
            return;
        }
        if (ContainerFailsWith is { } status)
        {
            await ModelError(context, wire, status);
            return;
        }

        var answer = FakeAnswer.For(body, b => "echo: " + FakeAnswer.LastUserText(b));
        var model = body["model"]?.GetValue<string>();
        if (segments[3] == "invocations")
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer.Completion(wire, model).ToJsonString());
            return;
        }
        await StreamAsync(context, wire, answer, model, body["stream_options"]?["include_usage"]?.GetValue<bool>() == true);
    }

    private async Task StreamAsync(HttpContext context, FakeWire wire, FakeAnswer answer, string? model, bool includeUsage)
    {
        context.Response.ContentType = "application/vnd.amazon.eventstream";
        context.Response.Headers["X-Amzn-SageMaker-Content-Type"] = "text/event-stream";
        var sse = new StringBuilder();
        foreach (var chunk in answer.Chunks(wire, model, includeUsage))
        {
            sse.Append("data: ").Append(chunk.ToJsonString()).Append("\n\n");
        }
        sse.Append("data: [DONE]\n\n");
        var bytes = Encoding.UTF8.GetBytes(sse.ToString());
        for (var offset = 0; offset < bytes.Length; offset += PayloadPartBytes)
        {
            var part = bytes.AsSpan(offset, Math.Min(PayloadPartBytes, bytes.Length - offset)).ToArray();
            await Send(context, EventStreamEncoder.Encode(
                [(":event-type", "PayloadPart"), (":content-type", "application/octet-stream"), (":message-type", "event")], part));
            if (offset == 0 && StreamException is { } exception)
            {
                await Send(context, EventStreamEncoder.Encode(
                    [(":exception-type", exception), (":content-type", "application/json"), (":message-type", "exception")],
                    Encoding.UTF8.GetBytes(new JsonObject { ["ErrorCode"] = "ModelStreamError", ["Message"] = "The model container stopped responding." }.ToJsonString())));
                return;
            }
        }
    }

    private static async Task Send(HttpContext context, byte[] frame)
    {
        await context.Response.Body.WriteAsync(frame);
        await context.Response.Body.FlushAsync();
    }

    /// <summary>The container answered with an error: SageMaker passes it on as a 424 <c>ModelError</c>.</summary>
    private static Task ModelError(HttpContext context, FakeWire wire, int status)
    {
        var original = wire.ErrorBody(status, null, keyPresented: false).ToJsonString();
        context.Response.StatusCode = 424;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-amzn-ErrorType"] = "ModelError:http://internal.amazon.com/coral/com.amazon.sagemaker/";
        return context.Response.WriteAsync(new JsonObject
        {
            ["ErrorCode"] = "CLIENT_ERROR_FROM_MODEL",
            ["LogStreamArn"] = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/fake",
            ["Message"] = $"Received client error ({status}) from primary with message \"{original}\". See the log stream for more information.",
            ["OriginalMessage"] = original,
            ["OriginalStatusCode"] = status,
        }.ToJsonString(PlainJson));
    }

    private static Task Error(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-amzn-ErrorType"] = $"{type}:http://internal.amazon.com/coral/com.amazon.sagemaker/";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        return context.Response.WriteAsync(new JsonObject { ["message"] = message }.ToJsonString(PlainJson));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
