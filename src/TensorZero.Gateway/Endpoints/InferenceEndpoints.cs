using System.Text.Json;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Streaming;

namespace TensorZero.Gateway.Endpoints;

/// <summary>Options for bodies written by hand: relaxed escaping, since clients read JSON, not HTML.</summary>
public static class JsonWriting
{
    public static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary><c>POST /inference</c>: TensorZero's native inference API.</summary>
public static class InferenceEndpoints
{
    public static void MapInferenceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/inference", HandleAsync);
    }

    private static async Task HandleAsync(HttpContext context, GatewayRuntime runtime, TimeProvider time, ProtectedHeaders protectedHeaders)
    {
        using var body = await ReadJsonAsync(context);
        var request = InferenceRequestParser.Parse(body.RootElement, time, protectedHeaders);
        if (request.Stream)
        {
            // Errors before the first chunk (every provider and variant failed) are still a plain JSON error response.
            var stream = await runtime.Inference.StreamAsync(request, context.RequestAborted);
            await InferenceStreamWriter.WriteAsync(context, stream, context.RequestAborted);
            return;
        }
        var result = await runtime.Inference.InferAsync(request, context.RequestAborted);

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, JsonWriting.Options);
        InferenceResponseWriter.Write(writer, result, request.IncludeOriginalResponse);
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>Parses the body as JSON, or fails with a 400 that says where it broke (never what it contained).</summary>
    public static async Task<JsonDocument> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : string.Empty;
            throw GatewayError.InvalidRequest($"the request body is not valid JSON{where}");
        }
        catch (InvalidDataException)
        {
            throw GatewayError.InvalidRequest("the request body could not be decompressed (check `Content-Encoding`)");
        }
    }
}
