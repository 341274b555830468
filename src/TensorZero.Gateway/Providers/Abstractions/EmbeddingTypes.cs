using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Providers.Abstractions;

/// <summary>How the response carries each vector: a JSON array of numbers, or base64 of little-endian float32s.</summary>
public enum EmbeddingEncoding
{
    Float,
    Base64,
}

/// <summary>
/// What to embed: one text or a batch. <paramref name="IsBatch"/> keeps the caller's shape, so a provider receives a
/// single string as a string and a one-item array as an array.
/// </summary>
public sealed record EmbeddingInput(IReadOnlyList<string> Texts, bool IsBatch)
{
    public static EmbeddingInput Single(string text) => new([text], false);
}

/// <summary>A provider-neutral embedding request.</summary>
/// <param name="Dimensions">The vector size to ask for, where the model can shorten its vectors.</param>
/// <param name="EncodingFormat">Sent to the provider only when the caller chose one.</param>
public sealed record EmbeddingRequest(EmbeddingInput Input, int? Dimensions = null, EmbeddingEncoding? EncodingFormat = null);

/// <summary>One provider's answer: a vector per input, in input order.</summary>
/// <param name="InputTokens">The provider's <c>prompt_tokens</c>; null when it reported none.</param>
/// <param name="RawResponse">The body received, unredacted: redact it with <see cref="Secrets"/> before it leaves the gateway.</param>
public sealed record EmbeddingProviderResponse(IReadOnlyList<float[]> Embeddings, long? InputTokens, string RawRequest, string RawResponse)
{
    /// <summary>The secrets in play for the call (the key it used included), to redact the raw body before a client sees it.</summary>
    public SecretScope? Secrets { get; init; }
}

/// <summary>An embedding model's successful answer and which provider gave it.</summary>
public sealed record EmbeddingResult(string ModelName, string ProviderName, EmbeddingProviderResponse Response)
{
    /// <summary>This model inference's id, as the <c>tensorzero::raw_response</c> entry names it.</summary>
    public Guid ModelInferenceId { get; init; }

    /// <summary>The TOML <c>type</c> of the provider that answered.</summary>
    public string ProviderType { get; init; } = string.Empty;

    /// <summary>Raw answers of the providers that failed before this one, oldest first.</summary>
    public IReadOnlyList<RawResponseEntry> FailedRawResponses { get; init; } = [];
}
