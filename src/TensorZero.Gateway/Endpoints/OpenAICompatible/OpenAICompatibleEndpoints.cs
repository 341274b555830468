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
        var group = app.MapGroup("/openai/v1").WithMetadata(OpenAIErrorBodyWriter.Instance);
        var routes = InferenceRoutes.From(app.ServiceProvider);
        var models = app.ServiceProvider.GetRequiredService<EmbeddingModelTable>();
        // Funcs, not RequestDelegates, so the routes keep their handler builders (and their OpenAPI descriptions).
        group.MapPost("/chat/completions", (Func<HttpContext, Task>)(context => ChatCompletionsAsync(context, routes, logger))).DocumentChatCompletions();
        group.MapPost("/embeddings", (Func<HttpContext, Task>)(context => EmbeddingsAsync(context, models, routes, logger))).DocumentEmbeddings();
    }

    private static async Task EmbeddingsAsync(HttpContext context, EmbeddingModelTable models, InferenceRoutes routes, ILogger logger)
    {
        using var body = await InferenceEndpoints.ReadJsonAsync(context, routes.Config);
        var request = OpenAIEmbeddingsRequestParser.Parse(body.RootElement, logger);
        if (request.IncludeRawResponse)
        {
            RawResponseRequest.Mark(context);
        }
        var model = models.Get(request.ModelName);
        var result = await model.EmbedAsync(request.Embedding, request.Credentials, context.RequestAborted);

        context.Response.StatusCode = StatusCodes.Status200OK;
        var secrets = request.IncludeRawResponse ? routes.Secrets.Scope(request.Credentials) : null;
        await JsonWriting.WriteResponseAsync(context.Response, (result, request.ResponseEncoding, secrets),
            static (writer, answer) => OpenAIEmbeddingsResponseWriter.Write(writer, answer.result, answer.ResponseEncoding, answer.secrets),
            context.RequestAborted);
    }

    private static async Task ChatCompletionsAsync(HttpContext context, InferenceRoutes routes, ILogger logger)
    {
        var (inference, time) = (routes.Inference, routes.Time);
        using var body = await InferenceEndpoints.ReadJsonAsync(context, routes.Config);
        var request = OpenAIChatRequestParser.Parse(body.RootElement, routes.Config, time, routes.ProtectedHeaders, logger, context.Request.Headers);
        // Copied only when authentication added the key's tag.
        if (Auth.ApiKeyAuthentication.WithKeyTag(context, request.Inference) is var tagged && !ReferenceEquals(tagged, request.Inference))
        {
            request = request with { Inference = tagged };
        }
        var raw = InferenceEndpoints.Prepare(context, request.Inference, "tensorzero::include_original_response", routes.Secrets);
        if (request.Inference.Stream)
        {
            // Errors before the first chunk (every provider and variant failed) are still a plain JSON error response.
            var stream = await inference.StreamAsync(request.Inference, context.RequestAborted);
            routes.Recorder.Observe(request.Inference, stream);
            Observability.RequestMetrics.Answered(request.Inference, stream.VariantName, stream.Run.ModelName, stream.Run.ProviderName);
            await OpenAIChatStreamWriter.WriteAsync(context, stream, request, raw, time, routes.ClientWriteTimeout, context.RequestAborted);
            return;
        }
        var result = await inference.InferAsync(request.Inference, context.RequestAborted);
        routes.Recorder.Record(request.Inference, result);
        Observability.RequestMetrics.Answered(request.Inference, result.VariantName, result.Model.ModelName, result.Model.ProviderName);

        context.Response.StatusCode = StatusCodes.Status200OK;
        await JsonWriting.WriteResponseAsync(context.Response, (result, request, raw, Created: time.GetUtcNow().ToUnixTimeSeconds()),
            static (writer, answer) => OpenAIChatResponseWriter.Write(writer, answer.result, answer.request, answer.raw, answer.Created),
            context.RequestAborted);
    }
}
