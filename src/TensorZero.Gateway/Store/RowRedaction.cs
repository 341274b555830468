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
        var m = new Masking(scope);
        var (input, output, toolParams) = (m.Text(r.Input), m.Text(r.Output), m.Maybe(r.ToolParams));
        var (outputSchema, inferenceParams, tags) = (m.Maybe(r.OutputSchema), m.Text(r.InferenceParams), m.Text(r.Tags));
        return !m.Changed ? r : r with
        {
            Input = input, Output = output, ToolParams = toolParams,
            OutputSchema = outputSchema, InferenceParams = inferenceParams, Tags = tags,
        };
    }

    private static ModelInferenceRow Redact(ModelInferenceRow r, SecretScope scope)
    {
        var m = new Masking(scope);
        var (rawRequest, rawResponse, system) = (m.Text(r.RawRequest), m.Text(r.RawResponse), m.Maybe(r.System));
        var (inputMessages, output, error) = (m.Text(r.InputMessages), m.Text(r.Output), m.Maybe(r.Error));
        return !m.Changed ? r : r with
        {
            RawRequest = rawRequest, RawResponse = rawResponse, System = system,
            InputMessages = inputMessages, Output = output, Error = error,
        };
    }

    private static FeedbackRow Redact(FeedbackRow r, SecretScope scope)
    {
        var m = new Masking(scope);
        var (value, tags) = (m.Text(r.Value), m.Text(r.Tags));
        return !m.Changed ? r : r with { Value = value, Tags = tags };
    }

    private static Cache.CacheEntryRow Redact(Cache.CacheEntryRow r, SecretScope scope)
    {
        var m = new Masking(scope);
        var (output, rawRequest, rawResponse) = (m.Text(r.Output), m.Text(r.RawRequest), m.Text(r.RawResponse));
        return !m.Changed ? r : r with { Output = output, RawRequest = rawRequest, RawResponse = rawResponse };
    }

    /// <summary>Redacts a row's columns one by one and remembers whether any of them changed (a local, never copied).</summary>
    private struct Masking(SecretScope scope)
    {
        public bool Changed { get; private set; }

        public string Text(string text)
        {
            var redacted = scope.Redact(text);
            Changed |= !ReferenceEquals(redacted, text);
            return redacted;
        }

        public string? Maybe(string? text) => text is null ? null : Text(text);
    }
}
