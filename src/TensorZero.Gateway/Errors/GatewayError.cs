namespace TensorZero.Gateway.Errors;

/// <summary>The category of a gateway failure; <see cref="ErrorResponses"/> maps each kind to one HTTP status.</summary>
public enum ErrorKind
{
    InvalidRequest,
    /// <summary>The request body is over <c>[gateway] max_request_body_bytes</c> (413).</summary>
    PayloadTooLarge,
    /// <summary>The body's <c>Content-Type</c> or <c>Content-Encoding</c> isn't one the route reads (415).</summary>
    UnsupportedMediaType,
    MissingCredential,
    CredentialUnavailable,
    UnknownFunction,
    UnknownVariant,
    UnknownModel,
    ProviderClient,
    ProviderServer,
    Timeout,
    AllModelProvidersFailed,
    AllVariantsFailed,
    RateLimited,
    Internal,
    /// <summary>A stored record (an inference, an episode) that isn't there (404).</summary>
    NotFound,
}

/// <summary>A failure with a kind and a client-safe message. Messages never carry secret values.</summary>
public sealed class GatewayError : Exception
{
    public GatewayError(ErrorKind kind, string message, int? providerStatus = null, TimeSpan? retryAfter = null, bool? retryable = null)
        : base(message)
    {
        Kind = kind;
        ProviderStatus = providerStatus;
        RetryAfter = retryAfter;
        _retryable = retryable;
    }

    private readonly bool? _retryable;

    /// <summary>How long the provider asked callers to wait (<c>Retry-After</c> on a 429 or 503).</summary>
    public TimeSpan? RetryAfter { get; }

    public ErrorKind Kind { get; }

    /// <summary>The upstream HTTP status for provider errors, when there was one.</summary>
    public int? ProviderStatus { get; }

    /// <summary>Whether trying the same provider again with the same key could succeed.</summary>
    public bool IsRetryable => _retryable ?? Kind switch
    {
        ErrorKind.InvalidRequest or ErrorKind.PayloadTooLarge or ErrorKind.UnsupportedMediaType or ErrorKind.MissingCredential
            or ErrorKind.UnknownFunction or ErrorKind.UnknownVariant or ErrorKind.UnknownModel => false,
        ErrorKind.ProviderClient => ProviderStatus is null or 408 or 409 or 429,
        _ => true,
    };

    /// <summary>
    /// The body the provider answered with when it failed, redacted of every secret in play where the error was made;
    /// null when there was none (a timeout, a refused connection).
    /// </summary>
    public string? RawResponse { get; init; }

    /// <summary>
    /// The body sent to the provider when the call failed, for the failed attempt's stored row (which is redacted like
    /// every stored row); null when the failure came before a body was sent, or from no provider. Never shown to a client.
    /// </summary>
    public string? RawRequest { get; init; }

    /// <summary>
    /// The raw answers of the failed provider attempts this error stands for (fallbacks, retries, variants), oldest
    /// first, reported under <c>raw_response</c> when the request asked for them.
    /// </summary>
    public IReadOnlyList<RawResponseEntry> RawResponses { get; init; } = [];

    /// <summary>This error with <paramref name="entries"/> as its <see cref="RawResponses"/>; the same instance when they are already its.</summary>
    public GatewayError WithRawResponses(IReadOnlyList<RawResponseEntry> entries) =>
        ReferenceEquals(entries, RawResponses) || (entries.Count == 0 && RawResponses.Count == 0)
            ? this
            : Copy(RawRequest, entries);

    /// <summary>This error with <paramref name="body"/> as the body that was sent.</summary>
    public GatewayError WithRawRequest(string body) => Copy(body, RawResponses);

    // Every field of this error but the two a copy is made to change.
    private GatewayError Copy(string? rawRequest, IReadOnlyList<RawResponseEntry> rawResponses) =>
        new(Kind, Message, ProviderStatus, RetryAfter, _retryable) { RawRequest = rawRequest, RawResponse = RawResponse, RawResponses = rawResponses };

    public static GatewayError InvalidRequest(string message) => new(ErrorKind.InvalidRequest, message);
}
