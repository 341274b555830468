using System.Runtime.CompilerServices;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Routing;

/// <summary>
/// A routed provider's failure log (only the metrics wrapper sits outside it): every failed attempt (a call, or a
/// stream before its first chunk) is logged as a warning, also when a later provider answers. Messages were redacted
/// where they were made, so they carry no key.
/// </summary>
internal sealed class FailureLogging(IModelProvider inner, string providerName, string modelName, ILogger logger)
    : DelegatingModelProvider(inner)
{
    public override async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        try
        {
            return await Inner.InferAsync(request, credentials, cancellationToken).ConfigureAwait(false);
        }
        catch (GatewayError e)
        {
            Log(e);
            throw;
        }
    }

    public override async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var chunks = Inner.StreamAsync(request, credentials, cancellationToken).GetAsyncEnumerator(cancellationToken);
        bool more;
        try
        {
            more = await chunks.MoveNextAsync().ConfigureAwait(false);
        }
        catch (GatewayError e)
        {
            Log(e);
            throw;
        }
        while (more)
        {
            yield return chunks.Current;
            more = await chunks.MoveNextAsync().ConfigureAwait(false);
        }
    }

    private void Log(GatewayError error)
    {
        if (logger.IsEnabled(LogLevel.Warning))
        {
            logger.LogWarning("Model provider {Provider} of model {Model} failed: {Error}", providerName, modelName, error.Message);
        }
    }
}
