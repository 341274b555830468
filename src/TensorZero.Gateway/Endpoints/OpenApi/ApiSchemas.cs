using System.ComponentModel;
using System.Text.Json;

namespace TensorZero.Gateway.Endpoints.OpenApi;

// The shapes of the bodies that the endpoints read and write by hand (Utf8JsonReader/Writer), for the OpenAPI
// document only: nothing serializes these records. Property names become snake_case in the document. Free-form parts
// (tool schemas, provider-specific params, stored JSON) are JsonElement: any JSON.

/// <summary><c>POST /inference</c> request (TensorZero's native API): a function (or a model) and its input.</summary>
public sealed record InferenceRequestBody(
    [property: Description("A function in `[functions]`; or give `model_name` instead")] string? FunctionName,
    [property: Description("A model in `[models]` or a shorthand such as `openai::gpt-4o-mini` (runs the default function)")] string? ModelName,
    [property: Description("Pins one variant of the function")] string? VariantName,
    [property: Description("A UUIDv7 from an earlier inference's response, to group inferences into an episode")] Guid? EpisodeId,
    InferenceInput Input,
    [property: Description("Answer as server-sent events")] bool? Stream,
    [property: Description("Per-variant-type inference parameters, e.g. `{\"chat_completion\": {\"temperature\": 0.2}}`")] JsonElement? Params,
    [property: Description("Run without storing the inference")] bool? Dryrun,
    [property: Description("Values for `dynamic::NAME` credential locations, by NAME")] Dictionary<string, string>? Credentials,
    [property: Description("String tags stored with the inference")] Dictionary<string, string>? Tags,
    [property: Description("JSON functions: a schema that replaces the function's output schema for this request")] JsonElement? OutputSchema,
    [property: Description("`strict`, `json_mode = \"tool\"`... overrides the variant's `json_mode`")] string? JsonMode,
    JsonElement? ToolChoice,
    IReadOnlyList<string>? AllowedTools,
    IReadOnlyList<JsonElement>? AdditionalTools,
    bool? ParallelToolCalls,
    [property: Description("Adds the providers' raw responses to the answer")] bool? IncludeRawResponse,
    [property: Description("Adds the providers' raw usage objects to the answer")] bool? IncludeRawUsage,
    IReadOnlyList<JsonElement>? ExtraBody,
    IReadOnlyList<JsonElement>? ExtraHeaders);

/// <summary>The input of an inference: an optional system (text, or the system template's arguments) and messages.</summary>
public sealed record InferenceInput(JsonElement? System, IReadOnlyList<InputMessage> Messages);

/// <summary>One message: <c>user</c> or <c>assistant</c>, with text or a list of content blocks.</summary>
public sealed record InputMessage(
    [property: Description("`user` or `assistant`")] string Role,
    [property: Description("Text, or content blocks (`text`, `template`, `tool_call`, `tool_result`, `file`, `raw_text`, `thought`)")] JsonElement Content);

/// <summary><c>POST /inference</c> answer (not streamed): the content blocks of a chat function, or the output of a JSON one.</summary>
public sealed record InferenceResponseBody(
    Guid InferenceId,
    Guid EpisodeId,
    string VariantName,
    [property: Description("Chat functions: `text`, `tool_call` and `thought` blocks")] IReadOnlyList<JsonElement>? Content,
    [property: Description("JSON functions: `raw` text and the `parsed` value (null when it isn't valid)")] JsonOutput? Output,
    UsageBody Usage,
    [property: Description("`stop`, `length`, `tool_call`, `content_filter` or `unknown`")] string? FinishReason,
    IReadOnlyList<JsonElement>? RawResponse,
    IReadOnlyList<JsonElement>? RawUsage);

/// <summary>A JSON function's output.</summary>
public sealed record JsonOutput(string? Raw, JsonElement? Parsed);

/// <summary>Token counts; null when the provider didn't report them.</summary>
public sealed record UsageBody(long? InputTokens, long? OutputTokens);

/// <summary>
/// <c>POST /openai/v1/chat/completions</c> request: OpenAI's Chat Completions body, with <c>model</c> naming
/// <c>tensorzero::function_name::NAME</c>, <c>tensorzero::model_name::NAME</c> (or a model directly), and the
/// <c>tensorzero::*</c> extensions.
/// </summary>
public sealed record ChatCompletionRequestBody(
    [property: Description("`tensorzero::function_name::NAME`, `tensorzero::model_name::NAME`, or a model name")] string Model,
    IReadOnlyList<JsonElement> Messages,
    bool? Stream,
    double? Temperature,
    double? TopP,
    long? MaxTokens,
    long? MaxCompletionTokens,
    long? Seed,
    JsonElement? Stop,
    JsonElement? ResponseFormat,
    IReadOnlyList<JsonElement>? Tools,
    JsonElement? ToolChoice,
    bool? ParallelToolCalls,
    JsonElement? StreamOptions);

/// <summary><c>POST /openai/v1/chat/completions</c> answer (not streamed).</summary>
public sealed record ChatCompletionResponseBody(
    [property: Description("The inference id")] string Id,
    [property: Description("`chat.completion`")] string Object,
    long Created,
    [property: Description("`tensorzero::function_name::F::variant_name::V`")] string Model,
    string? SystemFingerprint,
    IReadOnlyList<ChatCompletionChoice> Choices,
    ChatCompletionUsage Usage,
    [property: Description("The episode id")] Guid EpisodeId);

/// <summary>One choice of a chat completion.</summary>
public sealed record ChatCompletionChoice(int Index, string? FinishReason, ChatCompletionMessage Message);

/// <summary>The assistant's message.</summary>
public sealed record ChatCompletionMessage(string Role, string? Content, IReadOnlyList<JsonElement>? ToolCalls);

/// <summary>OpenAI-style token counts.</summary>
public sealed record ChatCompletionUsage(long? PromptTokens, long? CompletionTokens, long? TotalTokens);

/// <summary><c>POST /openai/v1/embeddings</c> request: OpenAI's Embeddings body over <c>[embedding_models]</c> and shorthand models.</summary>
public sealed record EmbeddingsRequestBody(
    [property: Description("An embedding model in `[embedding_models]` (optionally `tensorzero::embedding_model_name::NAME`) or a shorthand")] string Model,
    [property: Description("A string or a list of strings")] JsonElement Input,
    [property: Description("`float` (default) or `base64`")] string? EncodingFormat,
    long? Dimensions);

/// <summary><c>POST /openai/v1/embeddings</c> answer.</summary>
public sealed record EmbeddingsResponseBody(string Object, IReadOnlyList<EmbeddingItem> Data, string Model, EmbeddingsUsage Usage);

/// <summary>One embedding: floats, or base64 of little-endian float32 when asked for.</summary>
public sealed record EmbeddingItem(string Object, int Index, JsonElement Embedding);

/// <summary>Embedding token counts.</summary>
public sealed record EmbeddingsUsage(long? PromptTokens, long? TotalTokens);

/// <summary><c>POST /v1/inferences/list_inferences</c> request: newest first, filtered, ordered, paged.</summary>
public sealed record ListInferencesRequestBody(
    string? FunctionName,
    string? VariantName,
    Guid? EpisodeId,
    [property: Description("Only inferences older than this inference id (the last id of the previous page)")] Guid? Before,
    [property: Description("Only inferences newer than this inference id (the page after it, answered newest first); not with `before`")] Guid? After,
    [property: Description("1 to 100; 20 when absent")] int? Limit,
    [property: Description("Rows to skip; not above 0 with `before` or `after`")] int? Offset,
    [property: Description("`inference` (the default), `none` (no `output`) or `demonstration` (only inferences with one; its newest as `output`, the inference's own in `dispreferred_outputs`)")] string? OutputSource,
    [property: Description("TensorZero's filter tree: `float_metric`, `boolean_metric`, `demonstration_feedback`, `tag`, `time`, `and`, `or`, `not`")] JsonElement? Filters,
    [property: Description("A list of `{\"by\": \"timestamp\" | \"metric\" | \"search_relevance\", \"direction\": \"ascending\" | \"descending\"}` (`name` for a metric)")] JsonElement? OrderBy,
    [property: Description("Only inferences whose input or output holds this text, whatever its case")] string? SearchQueryExperimental);

/// <summary><c>POST /internal/episodes</c> request: episodes newest first.</summary>
public sealed record ListEpisodesRequestBody(
    [property: Description("1 to 100; 20 when absent")] int? Limit,
    [property: Description("Only episodes older than this episode id")] Guid? Before,
    [property: Description("Only episodes newer than this episode id (the page after it, answered newest first); not with `before`")] Guid? After,
    [property: Description("Only episodes with an inference of this function")] string? FunctionName,
    [property: Description("Only episodes with an inference this filter tree holds for (as in `list_inferences`)")] JsonElement? Filters);

/// <summary>A page of episodes.</summary>
public sealed record EpisodeListBody(IReadOnlyList<EpisodeBody> Episodes);

/// <summary>One episode: its inference count, first and last inference times, and newest inference.</summary>
public sealed record EpisodeBody(Guid EpisodeId, long Count, DateTimeOffset StartTime, DateTimeOffset EndTime, Guid LastInferenceId);

/// <summary><c>POST /v1/inferences/get_inferences</c> request: stored inferences by id.</summary>
public sealed record GetInferencesRequestBody(
    [property: Description("Inference ids, at most 100")] IReadOnlyList<Guid> Ids,
    [property: Description("Only inferences of this function")] string? FunctionName,
    [property: Description("`inference` (the default), `none` (no `output`) or `demonstration` (only inferences with one; its newest as `output`, the inference's own in `dispreferred_outputs`)")] string? OutputSource);

/// <summary>A list of stored inferences, newest first.</summary>
public sealed record InferenceListBody(IReadOnlyList<StoredInferenceBody> Inferences);

/// <summary>A stored inference, as <c>GET /inferences/{id}</c> and the lists show it.</summary>
public sealed record StoredInferenceBody(
    [property: Description("`chat` or `json`")] string Type,
    Guid InferenceId,
    Guid EpisodeId,
    string FunctionName,
    string VariantName,
    JsonElement Input,
    [property: Description("Absent with `output_source: none`; a demonstration with `output_source: demonstration`")] JsonElement? Output,
    [property: Description("With `output_source: demonstration`: the inference's own output")] IReadOnlyList<JsonElement>? DispreferredOutputs,
    [property: Description("Chat inferences: the `allowed_tools` the request chose")] IReadOnlyList<string>? AllowedTools,
    [property: Description("Chat inferences: the tools the request added")] IReadOnlyList<JsonElement>? AdditionalTools,
    [property: Description("Chat inferences that offered tools: the tool choice in force")] JsonElement? ToolChoice,
    [property: Description("Chat inferences: `parallel_tool_calls` in force, when set")] bool? ParallelToolCalls,
    [property: Description("Chat inferences: always empty")] IReadOnlyList<JsonElement>? ProviderTools,
    JsonElement? OutputSchema,
    JsonElement InferenceParams,
    Dictionary<string, string> Tags,
    long? ProcessingTimeMs,
    long? TtftMs,
    DateTimeOffset Timestamp);

/// <summary><c>GET /inferences/{id}</c>: the inference with its model inferences (one per provider attempt) and feedback.</summary>
public sealed record StoredInferenceDetailBody(
    string Type,
    Guid InferenceId,
    Guid EpisodeId,
    string FunctionName,
    string VariantName,
    JsonElement Input,
    JsonElement Output,
    [property: Description("Chat inferences: the `allowed_tools` the request chose")] IReadOnlyList<string>? AllowedTools,
    [property: Description("Chat inferences: the tools the request added")] IReadOnlyList<JsonElement>? AdditionalTools,
    [property: Description("Chat inferences that offered tools: the tool choice in force")] JsonElement? ToolChoice,
    [property: Description("Chat inferences: `parallel_tool_calls` in force, when set")] bool? ParallelToolCalls,
    [property: Description("Chat inferences: always empty")] IReadOnlyList<JsonElement>? ProviderTools,
    JsonElement? OutputSchema,
    JsonElement InferenceParams,
    Dictionary<string, string> Tags,
    long? ProcessingTimeMs,
    long? TtftMs,
    DateTimeOffset Timestamp,
    IReadOnlyList<StoredModelInferenceBody> ModelInferences,
    IReadOnlyList<JsonElement> Feedback);

/// <summary>One provider attempt of a stored inference; raw request and response are redacted.</summary>
public sealed record StoredModelInferenceBody(
    Guid Id,
    Guid InferenceId,
    string ModelName,
    string ModelProviderName,
    string RawRequest,
    string RawResponse,
    string? System,
    JsonElement InputMessages,
    JsonElement Output,
    long? InputTokens,
    long? OutputTokens,
    long? ResponseTimeMs,
    long? TtftMs,
    string? FinishReason,
    string? Error,
    DateTimeOffset Timestamp);

/// <summary><c>GET /health</c>: <c>gateway</c> and each store (<c>sqlite</c> or <c>postgres</c>), <c>ok</c> or <c>error</c>.</summary>
public sealed record HealthResponseBody(string Gateway, string? Sqlite, string? Postgres);

/// <summary><c>POST /feedback</c> request, as TensorZero takes it: a metric (or <c>comment</c>, <c>demonstration</c>) and its target.</summary>
public sealed record FeedbackRequestBody(
    [property: Description("A metric in `[metrics]`, or `comment` or `demonstration`")] string MetricName,
    [property: Description("The target of an inference-level metric (or a comment or demonstration)")] Guid? InferenceId,
    [property: Description("The target of an episode-level metric")] Guid? EpisodeId,
    [property: Description("A boolean or a number for the metric; text for a comment; the output for a demonstration")] JsonElement Value,
    Dictionary<string, string>? Tags,
    bool? Dryrun);

/// <summary><c>POST /feedback</c> answer.</summary>
public sealed record FeedbackResponseBody(Guid FeedbackId);

/// <summary><c>GET /internal/feedback/{target_id}</c> answer: the target's feedback, newest first.</summary>
public sealed record FeedbackListBody(IReadOnlyList<StoredFeedbackBody> Feedback);

/// <summary>One stored feedback, tagged by <c>type</c>, with TensorZero's fields for that kind.</summary>
public sealed record StoredFeedbackBody(
    [property: Description("`boolean`, `float`, `comment` or `demonstration`")] string Type,
    Guid Id,
    [property: Description("Metrics and comments: the inference or episode")] Guid? TargetId,
    [property: Description("Demonstrations: the inference")] Guid? InferenceId,
    [property: Description("Metrics: the metric's name")] string? MetricName,
    [property: Description("Comments: `inference` or `episode`")] string? TargetType,
    [property: Description("The value (a demonstration's as JSON text)")] JsonElement Value,
    Dictionary<string, string> Tags,
    DateTimeOffset Timestamp);
