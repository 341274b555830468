using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// The failed attempts of one variant's retries: each failure leaves with the raw answers of every attempt so far, so
/// the last one reports them all, and a later success reports them ahead of its own failed providers.
/// </summary>
internal sealed class RetryAttempts
{
    private readonly List<RawResponseEntry> _failed = [];

    public async Task<T> RecordAsync<T>(Func<Task<T>> attempt)
    {
        try
        {
            return await attempt().ConfigureAwait(false);
        }
        catch (GatewayError e) when (e.RawResponses.Count > 0)
        {
            _failed.AddRange(e.RawResponses);
            throw e.WithRawResponses(_failed.ToList());
        }
        catch (GatewayError e) when (_failed.Count > 0)
        {
            throw e.WithRawResponses(_failed.ToList());
        }
    }

    /// <summary>The failed attempts' raw answers, then <paramref name="later"/>.</summary>
    public IReadOnlyList<RawResponseEntry> Before(IReadOnlyList<RawResponseEntry> later) =>
        _failed.Count == 0 ? later : [.. _failed, .. later];
}
