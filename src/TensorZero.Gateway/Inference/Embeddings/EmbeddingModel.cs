using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Embeddings;

/// <summary>One provider of an embedding model, in routing order, with its per-attempt timeout.</summary>
public sealed record RoutedEmbeddingProvider(string Name, IEmbeddingProvider Provider, long? TimeoutMs);

/// <summary>
/// An embedding model: its providers in routing order. Any provider error (a provider timeout included) moves on to
/// the next provider; the model's own timeout bounds the whole call.
/// </summary>
public sealed class EmbeddingModel(string name, IReadOnlyList<RoutedEmbeddingProvider> providers, long? timeoutMs, TimeProvider time)
{
    public string Name => name;

    public IReadOnlyList<RoutedEmbeddingProvider> Providers => providers;

    public async Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        using var modelDeadline = Deadline.Start(timeoutMs, time, cancellationToken);
        var failures = new List<(string Provider, GatewayError Error)>();
        foreach (var routed in providers)
        {
            using var providerDeadline = Deadline.Start(routed.TimeoutMs, time, modelDeadline.Token);
            try
            {
                var modelInferenceId = UuidV7.New(time.GetUtcNow());
                var response = await routed.Provider.EmbedAsync(request, credentials, providerDeadline.Token).ConfigureAwait(false);
                return new EmbeddingResult(name, routed.Name, response)
                {
                    ModelInferenceId = modelInferenceId,
                    ProviderType = routed.Provider.Type,
                    FailedRawResponses = failures.SelectMany(f => f.Error.RawResponses).ToList(),
                };
            }
            catch (GatewayError e) when (!modelDeadline.Expired)
            {
                failures.Add((routed.Name, e is { RawResponse: { } body, RawResponses.Count: 0 }
                    ? e.WithRawResponses([new RawResponseEntry(null, routed.Provider.Type, RawResponseEntry.Embeddings, body)])
                    : e));
            }
            catch (OperationCanceledException) when (providerDeadline.Expired && !modelDeadline.Expired)
            {
                failures.Add((routed.Name, new GatewayError(ErrorKind.Timeout,
                    $"Embedding model provider {routed.Name} timed out due to configured `timeout_ms` ({routed.TimeoutMs} ms)")));
            }
            catch (Exception e) when (modelDeadline.Expired && e is OperationCanceledException or GatewayError)
            {
                throw new GatewayError(ErrorKind.Timeout,
                    $"Embedding model {name} timed out due to configured `timeout_ms` ({timeoutMs} ms)");
            }
        }
        throw ErrorAggregation.Combine(
            ErrorKind.AllModelProvidersFailed,
            "All model providers failed to embed with errors: " + string.Join(", ", failures.Select(f => $"{f.Provider}: {f.Error.Message}")),
            failures.Select(f => f.Error));
    }
}
