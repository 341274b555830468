using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Store;

/// <summary>
/// Every text column passes the same redaction as error messages (<see cref="SecretRedactor"/>): a key that a provider
/// echoed, or that a caller pasted into a message, never reaches a row. A row with nothing to mask is returned as it is
/// (redaction hands back clean text itself), so the common case copies no row.
/// </summary>
public static class RowRedaction
{
    public static StoredRow Redact(StoredRow row, SecretScope scope) => row switch
    {
        InferenceRow r => Redact(r, scope),
        ModelInferenceRow r => Redact(r, scope),
        FeedbackRow r => Redact(r, scope),
        Cache.CacheEntryRow r => Redact(r, scope),
        _ => row,
    };

    private static InferenceRow Redact(InferenceRow r, SecretScope scope)
    {
        var input = scope.Redact(r.Input);
        var output = scope.Redact(r.Output);
        var toolParams = Maybe(r.ToolParams, scope);
        var outputSchema = Maybe(r.OutputSchema, scope);
        var inferenceParams = scope.Redact(r.InferenceParams);
        var tags = scope.Redact(r.Tags);
        return Same(input, r.Input) && Same(output, r.Output) && Same(toolParams, r.ToolParams) &&
            Same(outputSchema, r.OutputSchema) && Same(inferenceParams, r.InferenceParams) && Same(tags, r.Tags)
            ? r
            : r with
            {
                Input = input,
                Output = output,
                ToolParams = toolParams,
                OutputSchema = outputSchema,
                InferenceParams = inferenceParams,
                Tags = tags,
            };
    }

    private static ModelInferenceRow Redact(ModelInferenceRow r, SecretScope scope)
    {
        var rawRequest = scope.Redact(r.RawRequest);
        var rawResponse = scope.Redact(r.RawResponse);
        var system = Maybe(r.System, scope);
        var inputMessages = scope.Redact(r.InputMessages);
        var output = scope.Redact(r.Output);
        var error = Maybe(r.Error, scope);
        return Same(rawRequest, r.RawRequest) && Same(rawResponse, r.RawResponse) && Same(system, r.System) &&
            Same(inputMessages, r.InputMessages) && Same(output, r.Output) && Same(error, r.Error)
            ? r
            : r with
            {
                RawRequest = rawRequest,
                RawResponse = rawResponse,
                System = system,
                InputMessages = inputMessages,
                Output = output,
                Error = error,
            };
    }

    private static FeedbackRow Redact(FeedbackRow r, SecretScope scope)
    {
        var value = scope.Redact(r.Value);
        var tags = scope.Redact(r.Tags);
        return Same(value, r.Value) && Same(tags, r.Tags) ? r : r with { Value = value, Tags = tags };
    }

    private static Cache.CacheEntryRow Redact(Cache.CacheEntryRow r, SecretScope scope)
    {
        var output = scope.Redact(r.Output);
        var rawRequest = scope.Redact(r.RawRequest);
        var rawResponse = scope.Redact(r.RawResponse);
        return Same(output, r.Output) && Same(rawRequest, r.RawRequest) && Same(rawResponse, r.RawResponse)
            ? r
            : r with { Output = output, RawRequest = rawRequest, RawResponse = rawResponse };
    }

    private static string? Maybe(string? text, SecretScope scope) => text is null ? null : scope.Redact(text);

    private static bool Same(string? redacted, string? original) => ReferenceEquals(redacted, original);
}
