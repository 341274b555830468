using System.Runtime.CompilerServices;
using System.Text.Json;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Store.Cache;

namespace TensorZero.Gateway.Inference.Routing;

/// <summary>
/// The inference cache around one routed provider, as TensorZero places it: with <c>cache_options</c> reading, a call
/// whose key has an entry is answered from it (zero usage, no provider call; a stream replays its chunks); with them
/// writing, a successful answer, or a stream that ended without an error, is queued for the cache. The key covers the
/// model, this provider, the request as the provider gets it and the caller's credentials.
/// </summary>
internal sealed class ModelInferenceCaching(IModelProvider inner, string modelName, string providerName, ModelInferenceCache cache, SecretRegistry secrets)
    : DelegatingModelProvider(inner)
{
    private static readonly Usage Zero = new(0, 0);

    // With the cache off for the request (the default), the call goes straight through, without a frame of its own.
    public override Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken) =>
        Uses(request.Cache) ? CachedInferAsync(request, credentials, cancellationToken) : Inner.InferAsync(request, credentials, cancellationToken);

    private async Task<ProviderResponse> CachedInferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var options = request.Cache;
        if (await cache.KeyAsync(modelName, providerName, false, request, credentials, cancellationToken).ConfigureAwait(false) is not { } key)
        {
            return await Inner.InferAsync(request, credentials, cancellationToken).ConfigureAwait(false);
        }
        if (options.Reads &&
            await cache.LookupAsync(key, options.MaxAgeS, cancellationToken).ConfigureAwait(false) is { } entry &&
            CacheEntryJson.ReadBlocks(entry.Output) is { } blocks)
        {
            return new ProviderResponse(blocks, Zero, Finish(entry.FinishReason), entry.RawRequest, entry.RawResponse)
            {
                CachedUsage = new Usage(entry.InputTokens, entry.OutputTokens),
            };
        }
        var response = await Inner.InferAsync(request, credentials, cancellationToken).ConfigureAwait(false);
        if (options.Writes && ValidToolCalls(response.Content, request) && CacheEntryJson.Blocks(response.Content) is { } output)
        {
            cache.Write(response.Secrets ?? secrets.Scope(credentials), new CacheEntryRow(key, output, response.RawRequest, response.RawResponse,
                response.Usage.InputTokens, response.Usage.OutputTokens, response.FinishReason?.ToString(), DateTimeOffset.UtcNow));
        }
        return response;
    }

    public override IAsyncEnumerable<ProviderStreamChunk> StreamAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken) =>
        Uses(request.Cache) ? CachedStreamAsync(request, credentials, cancellationToken) : Inner.StreamAsync(request, credentials, cancellationToken);

    private async IAsyncEnumerable<ProviderStreamChunk> CachedStreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = request.Cache;
        var key = await cache.KeyAsync(modelName, providerName, true, request, credentials, cancellationToken).ConfigureAwait(false);
        if (key is not null && options.Reads &&
            await cache.LookupAsync(key, options.MaxAgeS, cancellationToken).ConfigureAwait(false) is { } entry &&
            CacheEntryJson.ReadChunks(entry.Output) is { } replay)
        {
            string? unsentBody = entry.RawRequest;
            foreach (var chunk in replay)
            {
                yield return ProviderStreamChunk.First(
                    chunk with { Usage = chunk.Usage is null ? null : Zero, CachedUsage = chunk.Usage ?? Usage.Unknown }, ref unsentBody);
            }
            yield break;
        }
        var buffer = key is not null && options.Writes ? new List<ProviderStreamChunk>() : null;
        await using var chunks = Inner.StreamAsync(request, credentials, cancellationToken).GetAsyncEnumerator(cancellationToken);
        SecretScope? scope = null;
        while (await chunks.MoveNextAsync().ConfigureAwait(false))
        {
            var chunk = chunks.Current;
            if (buffer is not null)
            {
                // As TensorZero: a stream with an error in it is not cached.
                if (chunk.Error is not null)
                {
                    buffer = null;
                }
                else
                {
                    buffer.Add(chunk);
                    scope ??= chunk.Secrets;
                }
            }
            yield return chunk;
        }
        if (buffer is { Count: > 0 } && CacheEntryJson.Chunks(buffer) is { } output)
        {
            var usage = buffer.Aggregate(Usage.Unknown, (total, c) => c.Usage is { } u ? new Usage(u.InputTokens ?? total.InputTokens, u.OutputTokens ?? total.OutputTokens) : total);
            cache.Write(scope ?? secrets.Scope(credentials), new CacheEntryRow(key!, output, buffer[0].RawRequest ?? string.Empty, string.Join('\n', buffer.Select(c => c.RawChunk)),
                usage.InputTokens, usage.OutputTokens, buffer.LastOrDefault(c => c.FinishReason is not null)?.FinishReason?.ToString(), DateTimeOffset.UtcNow));
        }
    }

    private bool Uses(CacheOptions options) => (options.Reads || options.Writes) && cache.Available;

    private static FinishReason? Finish(string? name) => name is not null && Enum.TryParse<FinishReason>(name, out var reason) ? reason : null;

    // As TensorZero: an answer with a tool call whose arguments aren't JSON is not cached (custom tools take text).
    private static bool ValidToolCalls(IReadOnlyList<ContentBlock> content, ModelRequest request)
    {
        foreach (var block in content)
        {
            if (block is ToolCallBlock call && request.CustomTools?.Any(t => t.Name == call.Name) != true && !IsJson(call.Arguments))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
