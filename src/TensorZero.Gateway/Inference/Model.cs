using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference.Routing;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// A model: its providers in routing order. Any provider error (a provider's own timeout included) moves on to the next
/// provider; the model's own <c>timeouts</c> bound the whole call.
/// </summary>
public sealed class Model(string name, IReadOnlyList<RoutedProvider> providers, TimeoutsConfig? timeouts, TimeProvider time)
{
    public string Name => name;

    public IReadOnlyList<RoutedProvider> Providers => providers;

    public async Task<ModelResult> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        using var modelDeadline = Deadline.Start(timeouts?.NonStreamingTotalMs, time, cancellationToken);
        // Made on the first failure: most calls are answered by the first provider.
        List<ProviderFailure>? failures = null;
        // By index: a foreach over the list's interface would box its enumerator for every call.
        for (var index = 0; index < providers.Count; index++)
        {
            var routed = providers[index];
            var started = time.GetTimestamp();
            try
            {
                var modelInferenceId = UuidV7.New(time.GetUtcNow());
                var response = await routed.Pipeline.InferAsync(request.ForProvider(name, routed.Name), credentials, modelDeadline.Token).ConfigureAwait(false);
                return new ModelResult(name, routed.Name, response)
                {
                    ModelInferenceId = modelInferenceId,
                    ProviderType = routed.Provider.Type,
                    FailedRawResponses = FailedRawResponses(failures),
                    FailedAttempts = Attempts(failures),
                };
            }
            catch (GatewayError e) when (!modelDeadline.Expired)
            {
                (failures ??= []).Add(new(routed.Name, Attribute(e, routed.Provider), (long)time.GetElapsedTime(started).TotalMilliseconds));
            }
            catch (Exception e) when (modelDeadline.Expired && e is OperationCanceledException or GatewayError)
            {
                throw new GatewayError(ErrorKind.Timeout,
                    $"Model {name} timed out due to configured `non_streaming.total_ms` timeout ({timeouts!.NonStreamingTotalMs} ms)");
            }
        }
        throw AllFailed(failures ?? []);
    }

    /// <summary>Starts a stream on the first provider that delivers a first chunk; earlier failures move on to the next provider.</summary>
    public async Task<ModelStreamRun> StreamAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var deadline = new StreamDeadline(time, timeouts?.StreamingTtftMs, timeouts?.StreamingTotalMs, cancellationToken);
        // Made on the first failure, as for a non-streamed call.
        List<ProviderFailure>? failures = null;
        try
        {
            for (var index = 0; index < providers.Count; index++)
            {
                var routed = providers[index];
                var started = time.GetTimestamp();
                try
                {
                    var run = await ModelStreamRun.StartAsync(
                        name, routed, request.ForProvider(name, routed.Name), credentials, UuidV7.New(time.GetUtcNow()), deadline.Token)
                        .ConfigureAwait(false);
                    run.Adopt(deadline, $"Model {name}");
                    run.FailedRawResponses = FailedRawResponses(failures);
                    run.FailedAttempts = Attempts(failures);
                    return run;
                }
                catch (GatewayError e) when (!deadline.Expired)
                {
                    (failures ??= []).Add(new(routed.Name, Attribute(e, routed.Provider), (long)time.GetElapsedTime(started).TotalMilliseconds));
                }
            }
        }
        catch (Exception e) when (deadline.Expired && e is OperationCanceledException or GatewayError)
        {
            deadline.Dispose();
            throw ModelStreamRun.TimeoutError(deadline, $"Model {name}");
        }
        catch
        {
            deadline.Dispose();
            throw;
        }
        deadline.Dispose();
        throw AllFailed(failures ?? []);
    }

    // A provider's own failure carries its raw body; here it learns which provider type and API sent it.
    private static GatewayError Attribute(GatewayError error, IModelProvider provider) =>
        error is { RawResponse: { } body, RawResponses.Count: 0 }
            ? error.WithRawResponses([new RawResponseEntry(null, provider.Type, provider.ApiType, body)])
            : error;

    // Typed as the interface, so that `[]` is the shared empty array rather than a new empty list (the common case).
    // The failure list exists only once a provider failed.
    private IReadOnlyList<FailedAttempt> Attempts(List<ProviderFailure>? failures) =>
        failures is null ? [] : (IReadOnlyList<FailedAttempt>)failures.Select(f => new FailedAttempt(name, f.Provider, f.Error.Message, f.Error.RawResponse, f.ElapsedMs) { RawRequest = f.Error.RawRequest }).ToList();

    private static IReadOnlyList<RawResponseEntry> FailedRawResponses(List<ProviderFailure>? failures) =>
        failures is null ? [] : (IReadOnlyList<RawResponseEntry>)failures.SelectMany(f => f.Error.RawResponses).ToList();

    /// <summary>A provider of this model that failed, and how long it took to.</summary>
    private readonly record struct ProviderFailure(string Provider, GatewayError Error, long ElapsedMs);

    private static GatewayError AllFailed(List<ProviderFailure> failures) => ErrorAggregation.Combine(
        ErrorKind.AllModelProvidersFailed,
        "All model providers failed to infer with errors: " + string.Join(", ", failures.Select(f => $"{f.Provider}: {f.Error.Message}")),
        failures.Select(f => f.Error));
}

/// <summary>A model's successful answer and which provider gave it.</summary>
public sealed record ModelResult(string ModelName, string ProviderName, ProviderResponse Response)
{
    /// <summary>This model inference's id, as <c>raw_response</c> and <c>raw_usage</c> entries name it.</summary>
    public Guid ModelInferenceId { get; init; }

    /// <summary>The TOML <c>type</c> of the provider that answered (<c>provider_type</c> of raw entries).</summary>
    public string ProviderType { get; init; } = string.Empty;

    /// <summary>Raw answers of the attempts that failed before this one (earlier providers, earlier retries), oldest first.</summary>
    public IReadOnlyList<RawResponseEntry> FailedRawResponses { get; init; } = [];

    /// <summary>
    /// This call's own usage when <see cref="ProviderResponse.Usage"/> is the sum over the calls of a best-of-N or
    /// mixture-of-N answer (each call's stored row holds its own); null when the response's usage is its own.
    /// </summary>
    public Usage? OwnUsage { get; init; }

    /// <summary>This model's providers that failed before this one answered, oldest first (each gets a stored row).</summary>
    public IReadOnlyList<FailedAttempt> FailedAttempts { get; init; } = [];

    /// <summary>
    /// The other model calls that went into this answer (best-of-N's other candidates and its evaluator, mixture-of-N's
    /// candidates), in the order TensorZero reports them after it: their raw responses and raw usage are reported too.
    /// </summary>
    public IReadOnlyList<ModelResult> OtherModelResults { get; init; } = [];

    /// <summary>
    /// What <c>original_response</c> shows: the provider's raw body; for a best-of-N or mixture-of-N answer the
    /// evaluator's or fuser's, and null when none of them answered (the field is then left out, as in TensorZero).
    /// </summary>
    public string? OriginalResponse { get; init; } = Response.RawResponse;

    /// <summary>This answer's model call, then every other that went into it, depth first.</summary>
    public IEnumerable<ModelResult> AllModelResults() =>
        OtherModelResults.Count == 0 ? [this] : OtherModelResults.SelectMany(o => o.AllModelResults()).Prepend(this);
}

/// <summary>A cancellation token that also fires after an optional timeout, and knows whether it was the timeout that fired.</summary>
internal sealed class Deadline : IDisposable
{
    private readonly CancellationTokenSource? _timeout;
    private readonly CancellationTokenSource? _linked;
    private readonly CancellationToken _outer;

    private Deadline(CancellationTokenSource? timeout, CancellationTokenSource? linked, CancellationToken outer)
    {
        _timeout = timeout;
        _linked = linked;
        _outer = outer;
    }

    public CancellationToken Token => _linked?.Token ?? _outer;

    public bool Expired => _timeout is not null && _timeout.IsCancellationRequested && !_outer.IsCancellationRequested;

    public static Deadline Start(long? milliseconds, TimeProvider time, CancellationToken outer)
    {
        if (milliseconds is not { } ms)
        {
            return new Deadline(null, null, outer);
        }
        var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(ms), time);
        return new Deadline(timeout, CancellationTokenSource.CreateLinkedTokenSource(outer, timeout.Token), outer);
    }

    public void Dispose()
    {
        _linked?.Dispose();
        _timeout?.Dispose();
    }
}

/// <summary>
/// Wrapping errors: a missing client credential stays a client error (400) through every wrapper, and, as in
/// TensorZero, a wrapper whose last cause is a rate limit answers 429.
/// </summary>
internal static class ErrorAggregation
{
    public static GatewayError Combine(ErrorKind wrapperKind, string message, IEnumerable<GatewayError> causes)
    {
        var list = causes.ToList();
        if (list.Any(e => e.Kind == ErrorKind.MissingCredential))
        {
            return new GatewayError(ErrorKind.MissingCredential, message, retryable: false);
        }
        if (list.Count > 0 && list[^1].Kind == ErrorKind.RateLimited)
        {
            wrapperKind = ErrorKind.RateLimited;
        }
        // Worth retrying only if some cause is (a 401 from every provider won't change on a second try), and
        // no sooner than the longest Retry-After any provider asked for.
        var retryAfter = list.Select(e => e.RetryAfter).Max();
        return new GatewayError(wrapperKind, message, retryAfter: retryAfter, retryable: list.Any(e => e.IsRetryable))
        {
            RawResponses = list.SelectMany(e => e.RawResponses).ToList(),
        };
    }
}

/// <summary>
/// A provider of a model that failed before another answered: what the store records of it. <paramref name="Error"/>
/// and <paramref name="RawResponse"/> were redacted where the error was made.
/// </summary>
public sealed record FailedAttempt(string ModelName, string ProviderName, string Error, string? RawResponse, long ResponseTimeMs)
{
    /// <summary>The body sent to the provider; null when none was sent (a refused credential, a timeout before sending).</summary>
    public string? RawRequest { get; init; }
}
