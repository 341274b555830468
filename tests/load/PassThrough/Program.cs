using System.Net;
using System.Text.Json;

// The bare pass-through: POST /v1/chat/completions reads the body, parses it, sends it to the upstream, parses the
// answer and writes it back with the upstream's status and content type. A request with `"stream": true` is copied
// through as it arrives, flushing each read. It caches nothing: every request reaches the upstream.
var builder = WebApplication.CreateSlimBuilder(args);
// The yardstick logs no line per request.
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var upstream = builder.Configuration["PASSTHROUGH_UPSTREAM"] is { Length: > 0 } configured
    ? new Uri(configured)
    : throw new InvalidOperationException("set PASSTHROUGH_UPSTREAM to the upstream's chat completions URL");

var app = builder.Build();
using var client = new HttpClient(new SocketsHttpHandler
{
    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    AutomaticDecompression = DecompressionMethods.None,
    UseProxy = false,
});

app.MapPost("/v1/chat/completions", async (HttpContext context) =>
{
    var cancel = context.RequestAborted;
    using var body = new MemoryStream();
    await context.Request.Body.CopyToAsync(body, cancel);
    bool stream;
    using (var request = JsonDocument.Parse(body.GetBuffer().AsMemory(0, (int)body.Length)))
    {
        stream = request.RootElement.TryGetProperty("stream", out var flag) && flag.ValueKind == JsonValueKind.True;
    }

    using var outbound = new HttpRequestMessage(HttpMethod.Post, upstream)
    {
        Content = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length),
    };
    outbound.Content.Headers.ContentType = new("application/json");
    if (context.Request.Headers.Authorization is { Count: > 0 } authorization)
    {
        outbound.Headers.TryAddWithoutValidation("Authorization", authorization.ToString());
    }

    using var response = await client.SendAsync(outbound, HttpCompletionOption.ResponseHeadersRead, cancel);
    context.Response.StatusCode = (int)response.StatusCode;
    context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
    await using var upstreamBody = await response.Content.ReadAsStreamAsync(cancel);
    if (stream)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await upstreamBody.ReadAsync(buffer, cancel)) > 0)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), cancel);
            await context.Response.Body.FlushAsync(cancel);
        }
        return;
    }

    using var answer = new MemoryStream();
    await upstreamBody.CopyToAsync(answer, cancel);
    // Parsed as a proxy that reads the answer (usage, say) would, then written back unchanged.
    JsonDocument.Parse(answer.GetBuffer().AsMemory(0, (int)answer.Length)).Dispose();
    context.Response.ContentLength = answer.Length;
    await context.Response.Body.WriteAsync(answer.GetBuffer().AsMemory(0, (int)answer.Length), cancel);
});

app.Run();
