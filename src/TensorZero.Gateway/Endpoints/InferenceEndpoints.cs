using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Endpoints.OpenApi;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference;

namespace TensorZero.Gateway.Endpoints;

/// <summary><c>POST /inference</c>: TensorZero's native inference API.</summary>
public static class InferenceEndpoints
{
    public static void MapInferenceEndpoints(this IEndpointRouteBuilder app)
    {
        var routes = InferenceRoutes.From(app.ServiceProvider);
        // A Func, not a RequestDelegate, so the route keeps its handler builder (and its OpenAPI description).
        app.MapPost("/inference", (Func<HttpContext, Task>)(context => HandleAsync(context, routes))).DocumentInference();
    }

    private static async Task HandleAsync(HttpContext context, InferenceRoutes routes)
    {
        var inference = routes.Inference;
        using var body = await ReadJsonAsync(context, routes.Config);
        var request = InferenceRequestParser.Parse(body.RootElement, routes.Time, routes.ProtectedHeaders);
        request = Auth.ApiKeyAuthentication.WithKeyTag(context, request);
        var raw = Prepare(context, request, "include_original_response", routes.Secrets);
        if (request.Stream)
        {
            // Errors before the first chunk (every provider and variant failed) are still a plain JSON error response.
            var stream = await inference.StreamAsync(request, context.RequestAborted);
            routes.Recorder.Observe(request, stream);
            Observability.RequestMetrics.Answered(request, stream.VariantName, stream.Run.ModelName, stream.Run.ProviderName);
            await InferenceStreamWriter.WriteAsync(context, stream, raw, routes.ClientWriteTimeout, context.RequestAborted);
            return;
        }
        var result = await inference.InferAsync(request, context.RequestAborted);
        routes.Recorder.Record(request, result);
        Observability.RequestMetrics.Answered(request, result.VariantName, result.Model.ModelName, result.Model.ProviderName);

        context.Response.StatusCode = StatusCodes.Status200OK;
        await JsonWriting.WriteResponseAsync(context.Response, (result, raw),
            static (writer, answer) => InferenceResponseWriter.Write(writer, answer.result, answer.raw), context.RequestAborted);
    }

    /// <summary>
    /// The raw output a request asked for; an error answer then carries the failed attempts' raw responses too, and
    /// the deprecated <paramref name="originalField"/> is warned about, as TensorZero does.
    /// </summary>
    public static RawOutput Prepare(HttpContext context, InferenceRequest request, string originalField, Credentials.SecretRegistry secrets)
    {
        if (request.IncludeRawResponse)
        {
            RawResponseRequest.Mark(context);
        }
        if (request.IncludeOriginalResponse)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(InferenceEndpoints).FullName!)
                .LogWarning("The `{Field:l}` parameter is deprecated. Use `{Replacement:l}` instead.", originalField,
                    originalField.Replace("original_response", "raw_response", StringComparison.Ordinal));
        }
        return RawOutput.For(request, secrets);
    }

    /// <summary>
    /// Reads a JSON body: <c>Content-Type</c> must say JSON (415), the body must fit <c>[gateway] max_request_body_bytes</c>
    /// after decompression (413), and it must be JSON whose strings are valid text (400). Messages say what was wrong
    /// and where, never what the body contained.
    /// </summary>
    public static async Task<JsonDocument> ReadJsonAsync(HttpContext context, GatewayConfig config)
    {
        JsonContentType.Require(context.Request);
        var limit = config.Gateway.MaxRequestBodyBytes;
        var bytes = await RequestBodyReader.ReadAsync(context.Request, limit, context.RequestAborted);
        JsonTextValidator.Validate(bytes);
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : string.Empty;
            throw GatewayError.InvalidRequest($"the request body is not valid JSON{where}");
        }
    }
}
