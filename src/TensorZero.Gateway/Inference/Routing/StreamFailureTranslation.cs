using System.Runtime.CompilerServices;
using System.Text.Json;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Routing;

/// <summary>
/// Innermost wrapper of a routed provider: a stream that fails in a way the provider's own code did not turn into a
/// <see cref="GatewayError"/> (a reset connection, invalid JSON) still fails as a provider error, with the secrets in
/// play redacted from the message; so does a stream that ends before its first chunk, or whose first chunk is a
/// non-fatal error. Cancellation (the client leaving, a deadline) passes through untouched.
/// </summary>
internal sealed class StreamFailureTranslation(IModelProvider inner, string providerName, SecretRegistry secrets)
    : DelegatingModelProvider(inner)
{
    public override async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var chunks = Inner.StreamAsync(request, credentials, cancellationToken).GetAsyncEnumerator(cancellationToken);
        for (var first = true; ; first = false)
        {
            bool more;
            try
            {
                more = await chunks.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not GatewayError && !cancellationToken.IsCancellationRequested)
            {
                throw Translate(e, secrets.Scope(credentials));
            }
            if (!more && first)
            {
                throw new GatewayError(ErrorKind.ProviderServer, $"Model provider {providerName} ended its stream without any chunk");
            }
            if (!more)
            {
                yield break;
            }
            if (first && chunks.Current.Error is { } failure)
            {
                // Nothing reached the client yet, so the failure is the attempt's, and routing may move on.
                throw failure;
            }
            yield return chunks.Current;
        }
    }

    private GatewayError Translate(Exception e, SecretScope scope)
    {
        var problem = e switch
        {
            OperationCanceledException => "the request timed out",
            HttpRequestException or IOException => $"the connection broke: {e.Message}",
            JsonException => "the provider sent invalid JSON",
            _ => $"the stream failed ({e.GetType().Name}): {e.Message}",
        };
        return new GatewayError(ErrorKind.ProviderServer, $"Error in stream of model provider {providerName}: {scope.Redact(problem)}");
    }
}
