using System.Runtime.CompilerServices;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Observability;

/// <summary>
/// Outermost wrapper of a routed provider, for the metrics: it counts the call's tokens and its failures by kind, and
/// marks the time the request spends waiting on the provider (a call, or each next chunk of a stream), which the
/// gateway's overhead excludes.
/// </summary>
internal sealed class ProviderMetrics(IModelProvider inner, GatewayMetrics metrics, GatewayMetrics.ProviderErrorSeries errors)
    : DelegatingModelProvider(inner)
{
    public override async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        ProviderResponse response;
        using (RequestMetrics.Current?.WaitOnProvider())
        {
            try
            {
                response = await Inner.InferAsync(request, credentials, cancellationToken).ConfigureAwait(false);
            }
            catch (GatewayError e)
            {
                errors.Count(e.Kind);
                throw;
            }
        }
        metrics.CountTokens(response.Usage.InputTokens, response.Usage.OutputTokens);
        return response;
    }

    public override async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var timing = RequestMetrics.Current;
        await using var chunks = Inner.StreamAsync(request, credentials, cancellationToken).GetAsyncEnumerator(cancellationToken);
        // Providers report usage once or cumulatively; the last figures seen are the stream's.
        long? input = null;
        long? output = null;
        try
        {
            while (true)
            {
                using (timing?.WaitOnProvider())
                {
                    try
                    {
                        if (!await chunks.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (GatewayError e)
                    {
                        errors.Count(e.Kind);
                        throw;
                    }
                }
                if (chunks.Current.Usage is { } usage)
                {
                    input = usage.InputTokens ?? input;
                    output = usage.OutputTokens ?? output;
                }
                yield return chunks.Current;
            }
        }
        finally
        {
            // Also when the client went away mid-stream: those tokens were spent.
            metrics.CountTokens(input, output);
        }
    }
}
