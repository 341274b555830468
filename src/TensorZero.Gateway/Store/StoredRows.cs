namespace TensorZero.Gateway.Store;

/// <summary>A row waiting in the write queue. Text columns are redacted before the row reaches the database.</summary>
public abstract record StoredRow;

/// <summary>
/// One inference, shaped after TensorZero's <c>chat_inferences</c> / <c>json_inferences</c> rows. JSON columns hold
/// JSON text. <paramref name="ToolParams"/> is the chat table's, <paramref name="OutputSchema"/> the JSON table's.
/// </summary>
public sealed record InferenceRow(
    Guid Id,
    Guid EpisodeId,
    string FunctionName,
    string VariantName,
    string FunctionType,
    string Input,
    string Output,
    string? ToolParams,
    string? OutputSchema,
    string InferenceParams,
    string Tags,
    long? ProcessingTimeMs,
    long? TtftMs,
    DateTimeOffset CreatedAt) : StoredRow
{
    /// <summary>
    /// Read with a demonstration in place of <see cref="Output"/> (TensorZero's <c>output_source: demonstration</c>):
    /// the inference's own output, which the read endpoints show as <c>dispreferred_outputs</c>. Never written.
    /// </summary>
    public string? DispreferredOutput { get; init; }
}

/// <summary>One provider attempt of an inference, shaped after TensorZero's <c>model_inferences</c> row.</summary>
/// <param name="Output">The content as JSON text; <c>[]</c> for a failed attempt.</param>
/// <param name="Error">Why the attempt failed (redacted); null when it answered.</param>
public sealed record ModelInferenceRow(
    Guid Id,
    Guid InferenceId,
    string RawRequest,
    string RawResponse,
    string? System,
    string InputMessages,
    string Output,
    long? InputTokens,
    long? OutputTokens,
    long? ResponseTimeMs,
    string ModelName,
    string ModelProviderName,
    long? TtftMs,
    string? FinishReason,
    string? Error,
    DateTimeOffset CreatedAt) : StoredRow
{
    /// <summary>Whether the answer came from the inference cache (its usage is then what the original call used).</summary>
    public bool Cached { get; init; }
}

/// <summary>
/// One piece of feedback. <paramref name="Kind"/> picks the table: <c>boolean</c>, <c>float</c>, <c>comment</c> or
/// <c>demonstration</c>; <paramref name="Value"/> is JSON text (true, 0.5, a string, the demonstration's content).
/// </summary>
public sealed record FeedbackRow(
    Guid Id,
    Guid TargetId,
    string TargetType,
    string MetricName,
    string Kind,
    string Value,
    string Tags,
    DateTimeOffset CreatedAt) : StoredRow;
