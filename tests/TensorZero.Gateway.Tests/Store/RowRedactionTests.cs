using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Store;
using TensorZero.Gateway.Store.Cache;

namespace TensorZero.Gateway.Tests.Store;

/// <summary>
/// Every redacted column of every row kind is masked on its own (a key in that column only), the row's other values
/// stay, and a row with nothing to mask comes back as the same row.
/// </summary>
public class RowRedactionTests
{
    private const string Key = "sk-canary-row-redaction-0123456789abcdef";
    private const string Leak = "echo " + Key;

    private static readonly DateTimeOffset At = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static readonly InferenceRow Inference = new(Guid.CreateVersion7(), Guid.CreateVersion7(), "f", "v", "chat",
        """{"messages":[]}""", "[]", """{"tools_available":[]}""", """{"type":"object"}""", "{}", "{}", 5, null, At);

    private static readonly ModelInferenceRow ModelInference = new(Guid.CreateVersion7(), Guid.CreateVersion7(), "{}", "{}",
        "be terse", "[]", "[]", 1, 2, 3, "m", "p", null, "stop", "failed", At);

    private static readonly FeedbackRow Feedback = new(Guid.CreateVersion7(), Guid.CreateVersion7(), "inference", "ok", "boolean", "true", "{}", At);

    private static readonly CacheEntryRow CacheEntry = new("k", "[]", "{}", "{}", 1, 2, "stop", At);

    // Each row kind with its key in one redacted column, and that column's reader.
    public static TheoryData<string, StoredRow, StoredRow, Func<StoredRow, string?>> Leaks() => new()
    {
        { "inference.input", Inference, Inference with { Input = Leak }, r => ((InferenceRow)r).Input },
        { "inference.output", Inference, Inference with { Output = Leak }, r => ((InferenceRow)r).Output },
        { "inference.tool_params", Inference, Inference with { ToolParams = Leak }, r => ((InferenceRow)r).ToolParams },
        { "inference.output_schema", Inference, Inference with { OutputSchema = Leak }, r => ((InferenceRow)r).OutputSchema },
        { "inference.inference_params", Inference, Inference with { InferenceParams = Leak }, r => ((InferenceRow)r).InferenceParams },
        { "inference.tags", Inference, Inference with { Tags = Leak }, r => ((InferenceRow)r).Tags },
        { "model_inference.raw_request", ModelInference, ModelInference with { RawRequest = Leak }, r => ((ModelInferenceRow)r).RawRequest },
        { "model_inference.raw_response", ModelInference, ModelInference with { RawResponse = Leak }, r => ((ModelInferenceRow)r).RawResponse },
        { "model_inference.system", ModelInference, ModelInference with { System = Leak }, r => ((ModelInferenceRow)r).System },
        { "model_inference.input_messages", ModelInference, ModelInference with { InputMessages = Leak }, r => ((ModelInferenceRow)r).InputMessages },
        { "model_inference.output", ModelInference, ModelInference with { Output = Leak }, r => ((ModelInferenceRow)r).Output },
        { "model_inference.error", ModelInference, ModelInference with { Error = Leak }, r => ((ModelInferenceRow)r).Error },
        { "feedback.value", Feedback, Feedback with { Value = Leak }, r => ((FeedbackRow)r).Value },
        { "feedback.tags", Feedback, Feedback with { Tags = Leak }, r => ((FeedbackRow)r).Tags },
        { "cache.output", CacheEntry, CacheEntry with { Output = Leak }, r => ((CacheEntryRow)r).Output },
        { "cache.raw_request", CacheEntry, CacheEntry with { RawRequest = Leak }, r => ((CacheEntryRow)r).RawRequest },
        { "cache.raw_response", CacheEntry, CacheEntry with { RawResponse = Leak }, r => ((CacheEntryRow)r).RawResponse },
    };

    [Theory]
    [MemberData(nameof(Leaks))]
    public void Redact_AKeyInOneColumn_IsMaskedThereAndTheRestKept(string column, StoredRow clean, StoredRow leaking, Func<StoredRow, string?> read)
    {
        var redacted = RowRedaction.Redact(leaking, Scope());

        Assert.Equal("echo [REDACTED]", read(redacted));
        // Put the clean value back in that column: every other value is the leaking row's, which are the clean row's.
        Assert.Equal(clean, Restore(redacted, read(clean)!, column));
    }

    [Fact]
    public void Redact_ARowWithNothingToMask_IsTheSameRow()
    {
        var scope = Scope();

        Assert.Same(Inference, RowRedaction.Redact(Inference, scope));
        Assert.Same(ModelInference, RowRedaction.Redact(ModelInference, scope));
        Assert.Same(Feedback, RowRedaction.Redact(Feedback, scope));
        Assert.Same(CacheEntry, RowRedaction.Redact(CacheEntry, scope));
    }

    [Fact]
    public void Redact_AKeyOfTheRequest_IsMaskedToo()
    {
        var dynamicKey = "sk-dynamic-row-redaction-fedcba9876543210";
        var scope = new SecretRegistry().Scope(new RequestCredentials(new Dictionary<string, Secret> { ["k"] = new(dynamicKey) }));

        var redacted = (ModelInferenceRow)RowRedaction.Redact(ModelInference with { RawResponse = $"echo {dynamicKey}" }, scope);

        Assert.Equal("echo [REDACTED]", redacted.RawResponse);
    }

    private static SecretScope Scope()
    {
        var registry = new SecretRegistry();
        registry.Register(new Secret(Key));
        return registry.Scope(RequestCredentials.Empty);
    }

    private static StoredRow Restore(StoredRow row, string value, string column) => (row, column) switch
    {
        (InferenceRow r, "inference.input") => r with { Input = value },
        (InferenceRow r, "inference.output") => r with { Output = value },
        (InferenceRow r, "inference.tool_params") => r with { ToolParams = value },
        (InferenceRow r, "inference.output_schema") => r with { OutputSchema = value },
        (InferenceRow r, "inference.inference_params") => r with { InferenceParams = value },
        (InferenceRow r, "inference.tags") => r with { Tags = value },
        (ModelInferenceRow r, "model_inference.raw_request") => r with { RawRequest = value },
        (ModelInferenceRow r, "model_inference.raw_response") => r with { RawResponse = value },
        (ModelInferenceRow r, "model_inference.system") => r with { System = value },
        (ModelInferenceRow r, "model_inference.input_messages") => r with { InputMessages = value },
        (ModelInferenceRow r, "model_inference.output") => r with { Output = value },
        (ModelInferenceRow r, "model_inference.error") => r with { Error = value },
        (FeedbackRow r, "feedback.value") => r with { Value = value },
        (FeedbackRow r, "feedback.tags") => r with { Tags = value },
        (CacheEntryRow r, "cache.output") => r with { Output = value },
        (CacheEntryRow r, "cache.raw_request") => r with { RawRequest = value },
        (CacheEntryRow r, "cache.raw_response") => r with { RawResponse = value },
        _ => throw new ArgumentException($"unknown column {column}", nameof(column)),
    };
}
