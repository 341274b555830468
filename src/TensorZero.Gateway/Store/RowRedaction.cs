using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Store;

/// <summary>
/// Every text column passes the same redaction as error messages (<see cref="SecretRedactor"/>): a key that a provider
/// echoed, or that a caller pasted into a message, never reaches a row.
/// </summary>
public static class RowRedaction
{
    public static StoredRow Redact(StoredRow row, SecretScope scope) => row switch
    {
        InferenceRow r => r with
        {
            Input = scope.Redact(r.Input),
            Output = scope.Redact(r.Output),
            ToolParams = Maybe(r.ToolParams, scope),
            OutputSchema = Maybe(r.OutputSchema, scope),
            InferenceParams = scope.Redact(r.InferenceParams),
            Tags = scope.Redact(r.Tags),
        },
        ModelInferenceRow r => r with
        {
            RawRequest = scope.Redact(r.RawRequest),
            RawResponse = scope.Redact(r.RawResponse),
            System = Maybe(r.System, scope),
            InputMessages = scope.Redact(r.InputMessages),
            Output = scope.Redact(r.Output),
            Error = Maybe(r.Error, scope),
        },
        FeedbackRow r => r with { Value = scope.Redact(r.Value), Tags = scope.Redact(r.Tags) },
        Cache.CacheEntryRow r => r with { Output = scope.Redact(r.Output), RawRequest = scope.Redact(r.RawRequest), RawResponse = scope.Redact(r.RawResponse) },
        _ => row,
    };

    private static string? Maybe(string? text, SecretScope scope) => text is null ? null : scope.Redact(text);
}
