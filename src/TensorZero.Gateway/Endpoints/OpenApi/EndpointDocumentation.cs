using TensorZero.Gateway.Endpoints.OpenAICompatible;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Endpoints.OpenApi;

/// <summary>
/// Each route's OpenAPI metadata (name, summary, body schemas, error answers, examples), attached where the route is
/// mapped. The document at <c>/swagger/v1/swagger.json</c> is generated from it.
/// </summary>
public static class EndpointDocumentation
{
    private const string Json = "application/json";

    public static RouteHandlerBuilder DocumentInference(this RouteHandlerBuilder route) => route
        .WithName("inference")
        .WithTags("Inference")
        .WithSummary("Run an inference with a function or a model (TensorZero's native API)")
        .WithDescription("With `\"stream\": true` the answer is `text/event-stream`: one JSON chunk per event, then `[DONE]`. " +
            "Errors before the first chunk are a JSON error answer.")
        .Body<InferenceRequestBody>()
        .Produces<InferenceResponseBody>(StatusCodes.Status200OK, Json)
        .NativeErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status408RequestTimeout,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status429TooManyRequests,
            StatusCodes.Status502BadGateway)
        .WithMetadata(new OpenApiExample(
            """{"function_name":"draft_email","input":{"system":{"tone":"friendly"},"messages":[{"role":"user","content":"Thank the team for the launch."}]},"tags":{"user":"u-42"}}""",
            """{"inference_id":"0196c6a2-5b1e-7d03-9a8e-3f2f0c7e4b11","episode_id":"0196c6a2-5b1e-7d03-9a8e-3f2f0c7e4b10","variant_name":"gpt_4o_mini","content":[{"type":"text","text":"Thank you all for a great launch!"}],"usage":{"input_tokens":21,"output_tokens":9},"finish_reason":"stop"}"""));

    public static RouteHandlerBuilder DocumentChatCompletions(this RouteHandlerBuilder route) => route
        .WithName("openai_chat_completions")
        .WithTags("OpenAI-compatible")
        .WithSummary("OpenAI's Chat Completions API over TensorZero functions and models")
        .WithDescription("Point an OpenAI SDK's base URL at `/openai/v1`. With `\"stream\": true` the answer is `text/event-stream` " +
            "of `chat.completion.chunk` objects, then `[DONE]`.")
        .Body<ChatCompletionRequestBody>()
        .Produces<ChatCompletionResponseBody>(StatusCodes.Status200OK, Json)
        .OpenAIErrors()
        .WithMetadata(new OpenApiExample(
            """{"model":"tensorzero::function_name::draft_email","messages":[{"role":"user","content":"Thank the team for the launch."}]}""",
            """{"id":"0196c6a2-5b1e-7d03-9a8e-3f2f0c7e4b11","object":"chat.completion","created":1767225600,"model":"tensorzero::function_name::draft_email::variant_name::gpt_4o_mini","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Thank you all for a great launch!"}}],"usage":{"prompt_tokens":21,"completion_tokens":9,"total_tokens":30},"episode_id":"0196c6a2-5b1e-7d03-9a8e-3f2f0c7e4b10"}"""));

    public static RouteHandlerBuilder DocumentEmbeddings(this RouteHandlerBuilder route) => route
        .WithName("openai_embeddings")
        .WithTags("OpenAI-compatible")
        .WithSummary("OpenAI's Embeddings API over `[embedding_models]` and shorthand embedding models")
        .Body<EmbeddingsRequestBody>()
        .Produces<EmbeddingsResponseBody>(StatusCodes.Status200OK, Json)
        .OpenAIErrors()
        .WithMetadata(new OpenApiExample(
            """{"model":"text_embedding","input":"The launch went well."}""",
            """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0123,-0.0456,0.0789]}],"model":"text_embedding","usage":{"prompt_tokens":5,"total_tokens":5}}"""));

    public static RouteHandlerBuilder DocumentGetInference(this RouteHandlerBuilder route) => route
        .WithName("get_inference")
        .WithTags("Stored inferences")
        .WithSummary("A stored inference with its model inferences and feedback")
        .WithDescription("404 when storage is off or the inference isn't stored (rows are written shortly after the answer).")
        .Produces<StoredInferenceDetailBody>(StatusCodes.Status200OK, Json)
        .NativeErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);

    public static RouteHandlerBuilder DocumentListEpisode(this RouteHandlerBuilder route) => route
        .WithName("list_episode_inferences")
        .WithTags("Stored inferences")
        .WithSummary("The stored inferences of an episode, newest first")
        .WithDescription("Query: `limit` (1 to 100, default 20) and `before` (an inference id: the page after it).")
        .Produces<InferenceListBody>(StatusCodes.Status200OK, Json)
        .NativeErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);

    public static RouteHandlerBuilder DocumentListInferences(this RouteHandlerBuilder route) => route
        .WithName("list_inferences")
        .WithTags("Stored inferences")
        .WithSummary("Stored inferences, newest first or ordered, by function, variant, episode, filters or text, paged")
        .Body<ListInferencesRequestBody>()
        .Produces<InferenceListBody>(StatusCodes.Status200OK, Json)
        .NativeErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status415UnsupportedMediaType)
        .WithMetadata(new OpenApiExample("""{"function_name":"draft_email","variant_name":"gpt_4o_mini","limit":20}""", null));

    public static RouteHandlerBuilder DocumentListEpisodes(this RouteHandlerBuilder route) => route
        .WithName("list_episodes")
        .WithTags("Stored inferences")
        .WithSummary("Episodes newest first, with their inference counts and time spans, paged with `before` or `after`")
        .Body<ListEpisodesRequestBody>()
        .Produces<EpisodeListBody>(StatusCodes.Status200OK, Json)
        .NativeErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status415UnsupportedMediaType)
        .WithMetadata(new OpenApiExample("""{"limit":20,"function_name":"draft_email"}""", null));

    public static RouteHandlerBuilder DocumentGetInferences(this RouteHandlerBuilder route) => route
        .WithName("get_inferences")
        .WithTags("Stored inferences")
        .WithSummary("Stored inferences by id (at most 100), in the order asked; ids without a row are left out")
        .Body<GetInferencesRequestBody>()
        .Produces<InferenceListBody>(StatusCodes.Status200OK, Json)
        .NativeErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status415UnsupportedMediaType)
        .WithMetadata(new OpenApiExample("""{"ids":["0196c6a2-5b1e-7d03-9a8e-3f2f0c7e4b11"]}""", null));

    public static RouteHandlerBuilder DocumentFeedback(this RouteHandlerBuilder route) => route
        .WithName("feedback")
        .WithTags("Feedback")
        .WithSummary("Attach feedback (a metric value, a comment or a demonstration) to an inference or an episode")
        .Body<FeedbackRequestBody>()
        .Produces<FeedbackResponseBody>(StatusCodes.Status200OK, Json)
        .NativeErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status415UnsupportedMediaType)
        .WithMetadata(new OpenApiExample(
            """{"metric_name":"task_success","inference_id":"0196c6a2-5b1e-7d03-9a8e-3f2f0c7e4b11","value":true}""",
            """{"feedback_id":"0196c6a3-0a7d-7c55-8e1f-5b3a9d2c4e60"}"""));

    public static RouteHandlerBuilder DocumentFeedbackList(this RouteHandlerBuilder route) => route
        .WithName("list_feedback")
        .WithTags("Feedback")
        .WithSummary("The feedback stored for an inference or an episode, newest first")
        .WithDescription("Query: `limit` (1 to 100, default 100). 404 when storage is off.")
        .Produces<FeedbackListBody>(StatusCodes.Status200OK, Json)
        .NativeErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);

    public static RouteHandlerBuilder DocumentStatus(this RouteHandlerBuilder route) => route
        .WithName("status")
        .WithTags("Operations")
        .WithSummary("Liveness: the gateway runs (touches nothing else)")
        .Produces<StatusBody>(StatusCodes.Status200OK, Json);

    public static RouteHandlerBuilder DocumentHealth(this RouteHandlerBuilder route) => route
        .WithName("health")
        .WithTags("Operations")
        .WithSummary("Readiness: the gateway and its store answer; 503 naming the failing part, or while shutting down")
        .Produces<HealthResponseBody>(StatusCodes.Status200OK, Json)
        .Produces<HealthResponseBody>(StatusCodes.Status503ServiceUnavailable, Json);

    public static RouteHandlerBuilder DocumentMetrics(this RouteHandlerBuilder route) => route
        .WithName("metrics")
        .WithTags("Operations")
        .WithSummary("Prometheus metrics in the text exposition format")
        .Produces<string>(StatusCodes.Status200OK, "text/plain");

    // The body's schema as metadata for the document only: `Accepts<T>` would also make routing refuse other content
    // types before the endpoint runs, instead of the endpoint's own 415 that says what was sent.
    private static RouteHandlerBuilder Body<T>(this RouteHandlerBuilder route) => route.WithMetadata(new RequestBodySchema(typeof(T)));

    private static RouteHandlerBuilder NativeErrors(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses.Append(StatusCodes.Status500InternalServerError))
        {
            route.Produces<ErrorBody>(status, Json);
        }
        return route;
    }

    private static RouteHandlerBuilder OpenAIErrors(this RouteHandlerBuilder route)
    {
        foreach (var status in new[] { 400, 404, 408, 413, 415, 429, 500, 502 })
        {
            route.Produces<OpenAIErrorBody>(status, Json);
        }
        return route;
    }
}

/// <summary>The JSON body a route reads by hand, for the OpenAPI document (<see cref="RequestBodyOperationFilter"/>).</summary>
public sealed record RequestBodySchema(Type Type);

/// <summary>A route's example request and answer bodies (JSON), shown in the OpenAPI document.</summary>
public sealed record OpenApiExample(string? Request, string? Response);
