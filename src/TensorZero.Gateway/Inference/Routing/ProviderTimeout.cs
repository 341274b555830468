using System.Runtime.CompilerServices;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Routing;

/// <summary>
/// A routed provider's own <c>timeouts</c>: <c>non_streaming.total_ms</c> bounds a call, <c>streaming.ttft_ms</c> the
/// wait for the first chunk and <c>streaming.total_ms</c> the whole stream. An expired timeout is a
/// <see cref="ErrorKind.Timeout"/> error in TensorZero's wording, so routing moves on to the next provider.
/// </summary>
internal sealed class ProviderTimeout(IModelProvider inner, string providerName, TimeoutsConfig timeouts, TimeProvider time)
    : DelegatingModelProvider(inner)
{
    public override async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        using var deadline = Deadline.Start(timeouts.NonStreamingTotalMs, time, cancellationToken);
        try
        {
            return await Inner.InferAsync(request, credentials, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.Expired)
        {
            throw new GatewayError(ErrorKind.Timeout,
                $"Model provider {providerName} timed out due to configured `non_streaming.total_ms` timeout ({timeouts.NonStreamingTotalMs} ms)");
        }
    }

    public override async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var deadline = new StreamDeadline(time, timeouts.StreamingTtftMs, timeouts.StreamingTotalMs, cancellationToken);
        await using var chunks = Inner.StreamAsync(request, credentials, deadline.Token).GetAsyncEnumerator(deadline.Token);
        while (true)
        {
            bool more;
            try
            {
                more = await chunks.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (deadline.Expired && e is OperationCanceledException or GatewayError)
            {
                throw ModelStreamRun.TimeoutError(deadline, $"Model provider {providerName}");
            }
            if (!more)
            {
                yield break;
            }
            deadline.FirstChunkArrived();
            yield return chunks.Current;
        }
    }
}
