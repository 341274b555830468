using System.Collections.Concurrent;
using System.Security.Cryptography;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Auth;

/// <summary>
/// Checks a request's <c>Authorization</c> value against the stored keys. A key is found by its public id (not a
/// secret); the SHA-256 of its long key is then compared with the stored one in constant time. What the store said
/// about a public id is kept for <c>[gateway.auth.cache] ttl_ms</c> (at most <see cref="MaxCachedKeys"/> ids), so a
/// disabled key stops working within that time.
/// </summary>
public sealed class ApiKeyValidator(IApiKeyStore store, AuthConfig config, TimeProvider time)
{
    /// <summary>Public ids whose lookups are kept; past it, expired ones are dropped, then lookups go uncached.</summary>
    public const int MaxCachedKeys = 10_000;

    private readonly ConcurrentDictionary<string, CachedLookup> _cache = new(StringComparer.Ordinal);

    private readonly TimeSpan _ttl = TimeSpan.FromMilliseconds(config.CacheEnabled ? config.CacheTtlMs : 0);

    /// <summary>
    /// The key <paramref name="authorization"/> presents when it is <c>Bearer &lt;key&gt;</c> naming a stored,
    /// enabled key with a matching secret; null otherwise. Throws when the store can't answer.
    /// </summary>
    public async ValueTask<GatewayApiKey?> ValidateAsync(string? authorization, CancellationToken cancellationToken)
    {
        var key = Parse(authorization);
        if (key is null)
        {
            return null;
        }
        var stored = await LookupAsync(key.PublicId, cancellationToken).ConfigureAwait(false);
        return Matches(key, stored) ? key : null;
    }

    /// <summary>The key in a <c>Bearer</c> value (scheme case-insensitive, as RFC 9110 says), or null.</summary>
    public static GatewayApiKey? Parse(string? authorization)
    {
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return GatewayApiKey.TryParse(authorization.AsSpan(Scheme.Length));
    }

    /// <summary>Whether <paramref name="key"/>'s secret is the stored key's and that key is enabled; the hashes are compared in constant time.</summary>
    public static bool Matches(GatewayApiKey key, CachedLookup? stored)
    {
        if (stored?.Hash is not { } expected)
        {
            return false;
        }
        var equal = CryptographicOperations.FixedTimeEquals(expected, key.LongKeyHash);
        return equal && stored.DisabledAt is null;
    }

    private async ValueTask<CachedLookup?> LookupAsync(string publicId, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (_ttl > TimeSpan.Zero && _cache.TryGetValue(publicId, out var cached) && time.GetElapsedTime(cached.FetchedAt, now) < _ttl)
        {
            return cached;
        }
        var row = await store.FindApiKeyAsync(publicId, cancellationToken).ConfigureAwait(false);
        var lookup = new CachedLookup(row is null ? null : HashBytes(row.HashHex), row?.DisabledAt, now);
        if (_ttl > TimeSpan.Zero)
        {
            Remember(publicId, lookup, now);
        }
        return lookup;
    }

    private void Remember(string publicId, CachedLookup lookup, long now)
    {
        if (_cache.Count >= MaxCachedKeys && !_cache.ContainsKey(publicId))
        {
            foreach (var (id, entry) in _cache)
            {
                if (time.GetElapsedTime(entry.FetchedAt, now) >= _ttl)
                {
                    _cache.TryRemove(id, out _);
                }
            }
            if (_cache.Count >= MaxCachedKeys)
            {
                return;
            }
        }
        _cache[publicId] = lookup;
    }

    private static byte[]? HashBytes(string hex)
    {
        try
        {
            return hex.Length == 64 ? Convert.FromHexString(hex) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>What the store said about a public id: the key's hash (null: no such key), when it was disabled, and when this was read.</summary>
    public sealed record CachedLookup(byte[]? Hash, DateTimeOffset? DisabledAt, long FetchedAt);

    /// <summary>How many public ids are cached now.</summary>
    internal int CachedCount => _cache.Count;
}
