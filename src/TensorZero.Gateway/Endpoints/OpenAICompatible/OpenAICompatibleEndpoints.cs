using System.Text.Json;
using TensorZero.Gateway.Endpoints.OpenApi;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference.Embeddings;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>
/// <c>POST /openai/v1/chat/completions</c>: OpenAI's Chat Completions API over TensorZero functions and models, so
/// OpenAI SDKs can use the gateway by changing their base URL. It translates to and from the native inference.
/// <c>POST /openai/v1/embeddings</c> serves <c>[embedding_models]</c> and shorthand embedding models the same way.
/// </summary>
public static class OpenAICompatibleEndpoints
{
    /// <summary>The log category of these routes (unknown-field and message-order warnings).</summary>
    public const string LogCategory = "TensorZero.Gateway.Endpoints.OpenAICompatible";

    public static void MapOpenAICompatibleEndpoints(this IEndpointRouteBuilder app)
    {
        var logger = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory);
        var routes = app.MapGroup("/openai/v1").WithMetadata(OpenAIErrorBodyWriter.Instance);
        var services = InferenceRoutes.From(app.ServiceProvider);
        // A Func, not a RequestDelegate, so the route keeps its handler builder (and its OpenAPI description).
        routes.MapPost("/chat/completions", (Func<HttpContext, Task>)(context => ChatCompletionsAsync(context, services, logger))).DocumentChatCompletions();
        routes.MapPost("/embeddings", (HttpContext context, EmbeddingModelTable models) => EmbeddingsAsync(context, models, services, logger)).DocumentEmbeddings();
    }

    private static async Task EmbeddingsAsync(HttpContext context, EmbeddingModelTable models, InferenceRoutes services, ILogger logger)
    {
        using var body = await InferenceEndpoints.ReadJsonAsync(context, services.Config);
        var request = OpenAIEmbeddingsRequestParser.Parse(body.RootElement, logger);
        if (request.IncludeRawResponse)
        {
            RawResponseRequest.Mark(context);
        }
        var model = models.Get(request.ModelName);
        var result = await model.EmbedAsync(request.Embedding, request.Credentials, context.RequestAborted);

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, JsonWriting.Options);
        var secrets = request.IncludeRawResponse ? services.Secrets.Scope(request.Credentials) : null;
        OpenAIEmbeddingsResponseWriter.Write(writer, result, request.ResponseEncoding, secrets);
        await writer.FlushAsync(context.RequestAborted);
    }

    private static async Task ChatCompletionsAsync(HttpContext context, InferenceRoutes services, ILogger logger)
    {
        var (inference, time) = (services.Inference, services.Time);
        using var body = await InferenceEndpoints.ReadJsonAsync(context, services.Config);
        var request = OpenAIChatRequestParser.Parse(body.RootElement, services.Config, time, services.ProtectedHeaders, logger, context.Request.Headers);
        // Copied only when authentication added the key's tag.
        if (Auth.ApiKeyAuthentication.WithKeyTag(context, request.Inference) is var tagged && !ReferenceEquals(tagged, request.Inference))
        {
            request = request with { Inference = tagged };
        }
        var raw = InferenceEndpoints.Prepare(context, request.Inference, "tensorzero::include_original_response", services.Secrets);
        if (request.Inference.Stream)
        {
            // Errors before the first chunk (every provider and variant failed) are still a plain JSON error response.
            var stream = await inference.StreamAsync(request.Inference, context.RequestAborted);
            services.Recorder.Observe(request.Inference, stream);
            Observability.RequestMetrics.Answered(request.Inference, stream.VariantName, stream.Run.ModelName, stream.Run.ProviderName);
            await OpenAIChatStreamWriter.WriteAsync(context, stream, request, raw, time, services.ClientWriteTimeout, context.RequestAborted);
            return;
        }
        var result = await inference.InferAsync(request.Inference, context.RequestAborted);
        services.Recorder.Record(request.Inference, result);
        Observability.RequestMetrics.Answered(request.Inference, result.VariantName, result.Model.ModelName, result.Model.ProviderName);

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, JsonWriting.Options);
        OpenAIChatResponseWriter.Write(writer, result, request, raw, time.GetUtcNow().ToUnixTimeSeconds());
        await writer.FlushAsync(context.RequestAborted);
    }
}
