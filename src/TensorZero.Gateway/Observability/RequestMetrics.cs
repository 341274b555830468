using TensorZero.Gateway.Inference;

namespace TensorZero.Gateway.Observability;

/// <summary>
/// One request's figures for the metrics: the time it spent waiting on model providers (the union of the provider
/// calls' intervals, so parallel candidates aren't counted twice) and the inference it answered. It flows with the
/// request's async context, so provider wrappers and parallel candidates find it without being handed it.
/// </summary>
public sealed class RequestMetrics(TimeProvider time)
{
    private static readonly AsyncLocal<RequestMetrics?> CurrentRequest = new();

    private readonly Lock _lock = new();
    private int _active;
    private long _waitStarted;
    private long _waitedTicks;

    /// <summary>The metrics of the request this code runs for; null outside a request (background work, unit tests).</summary>
    public static RequestMetrics? Current => CurrentRequest.Value;

    /// <summary>The inference this request answered, once it has one.</summary>
    public AnsweredInference? Answer { get; private set; }

    public TimeProvider Time => time;

    /// <summary>Time spent with at least one provider call in flight.</summary>
    public TimeSpan ProviderWait
    {
        get
        {
            lock (_lock)
            {
                return TimeSpan.FromTicks(_waitedTicks);
            }
        }
    }

    internal static void Begin(RequestMetrics metrics) => CurrentRequest.Value = metrics;

    /// <summary>Records which function, variant, model and provider answered the current request.</summary>
    public static void Answered(InferenceRequest request, string variant, string model, string provider)
    {
        if (Current is { } current)
        {
            current.Answer = new AnsweredInference(request.FunctionName, variant, model, provider, request.Dryrun);
        }
    }

    /// <summary>A provider call starts; dispose the result when it has answered (or a stream's next chunk has arrived).</summary>
    public ProviderWaitScope WaitOnProvider()
    {
        lock (_lock)
        {
            if (_active++ == 0)
            {
                _waitStarted = time.GetTimestamp();
            }
        }
        return new ProviderWaitScope(this);
    }

    private void EndWait()
    {
        lock (_lock)
        {
            if (--_active == 0)
            {
                _waitedTicks += time.GetElapsedTime(_waitStarted).Ticks;
            }
        }
    }

    /// <summary>Ends one provider wait.</summary>
    public readonly struct ProviderWaitScope(RequestMetrics? owner) : IDisposable
    {
        public void Dispose() => owner?.EndWait();
    }
}

/// <summary>The names behind an answered inference, as the request and the answer gave them (mapped to labels later).</summary>
public sealed record AnsweredInference(string? Function, string Variant, string Model, string Provider, bool Dryrun);
