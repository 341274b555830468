using TensorZero.Gateway.Store.Cache;

namespace TensorZero.Gateway.Store;

/// <summary>The cache's own reads of the database (its writes go through the write queue like every row).</summary>
public interface IInferenceCacheStore
{
    /// <summary>The entry stored under <paramref name="cacheKey"/>, or null.</summary>
    Task<CacheEntryRow?> GetCacheEntryAsync(string cacheKey, CancellationToken cancellationToken);

    /// <summary>
    /// The database's cache secret: the one stored already, else <paramref name="candidate"/>, stored now. Replicas
    /// sharing a database agree on it, so they share entries.
    /// </summary>
    Task<byte[]> CacheSecretAsync(byte[] candidate, CancellationToken cancellationToken);
}

public sealed partial class SqlInferenceStore : IInferenceCacheStore
{
    public async Task<CacheEntryRow?> GetCacheEntryAsync(string cacheKey, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "SELECT output, raw_request, raw_response, input_tokens, output_tokens, finish_reason, created_at FROM model_inference_cache " +
            "WHERE cache_key = @cache_key");
        Add(command, "cache_key", cacheKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        return new CacheEntryRow(cacheKey, reader.GetString(0), reader.GetString(1), reader.GetString(2), SqlDialect.ReadLong(reader, 3),
            SqlDialect.ReadLong(reader, 4), SqlDialect.ReadText(reader, 5), SqlDialect.ReadTime(reader, 6));
    }

    public async Task<byte[]> CacheSecretAsync(byte[] candidate, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using (var insert = Command(connection, null,
            "INSERT INTO model_inference_cache_secret (id, secret, created_at) VALUES (1, @secret, @created_at) ON CONFLICT (id) DO NOTHING"))
        {
            Add(insert, "secret", Convert.ToBase64String(candidate));
            Add(insert, "created_at", dialect.Time(DateTimeOffset.UtcNow));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var select = Command(connection, null, "SELECT secret FROM model_inference_cache_secret WHERE id = 1");
        var stored = await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string
            ?? throw new InvalidOperationException("the cache secret is missing");
        return Convert.FromBase64String(stored);
    }
}
