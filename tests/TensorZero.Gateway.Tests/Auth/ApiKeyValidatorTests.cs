using Microsoft.Extensions.Time.Testing;
using TensorZero.Gateway.Auth;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Tests.Auth;

/// <summary>An in-memory key table that records which public ids were looked up.</summary>
internal sealed class FakeApiKeyStore : IApiKeyStore
{
    private readonly Dictionary<string, StoredApiKey> _keys = new(StringComparer.Ordinal);

    public List<string> Lookups { get; } = [];

    public Task<StoredApiKey?> FindApiKeyAsync(string publicId, CancellationToken cancellationToken)
    {
        lock (_keys)
        {
            Lookups.Add(publicId);
            return Task.FromResult(_keys.GetValueOrDefault(publicId));
        }
    }

    public Task InsertApiKeyAsync(GatewayApiKey key, string? description, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_keys)
        {
            _keys.Add(key.PublicId, new StoredApiKey(key.PublicId, key.HashHex(), null));
        }
        return Task.CompletedTask;
    }

    public Task<DateTimeOffset?> DisableApiKeyAsync(string publicId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_keys)
        {
            if (!_keys.TryGetValue(publicId, out var key))
            {
                return Task.FromResult<DateTimeOffset?>(null);
            }
            _keys[publicId] = key with { DisabledAt = now };
            return Task.FromResult<DateTimeOffset?>(now);
        }
    }

    public Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
}

public sealed class ApiKeyValidatorTests
{
    private readonly FakeApiKeyStore _store = new();
    private readonly FakeTimeProvider _time = new();

    private ApiKeyValidator Validator(long ttlMs = 10_000, bool cache = true) =>
        new(_store, new AuthConfig(true, cache, ttlMs, AuthConfig.DefaultUnauthenticatedRoutes), _time);

    private async Task<string> CreateKeyAsync()
    {
        var (key, parsed) = GatewayApiKey.Generate();
        await _store.InsertApiKeyAsync(parsed, null, _time.GetUtcNow(), CancellationToken.None);
        return key;
    }

    [Fact]
    public async Task ValidateAsync_StoredKey_ReturnsItsPublicId()
    {
        var key = await CreateKeyAsync();

        var valid = await Validator().ValidateAsync($"Bearer {key}", CancellationToken.None);

        Assert.Equal(key[6..18], valid?.PublicId);
    }

    [Fact]
    public async Task ValidateAsync_StoredPublicIdWithOtherSecret_ReturnsNullAndLooksUpOnlyThePublicId()
    {
        var key = await CreateKeyAsync();
        // The same public id, the long key differing in its last character only.
        var forged = key[..^1] + (key[^1] == 'a' ? 'b' : 'a');
        var validator = Validator();

        var valid = await validator.ValidateAsync($"Bearer {key}", CancellationToken.None);
        var refused = await validator.ValidateAsync($"Bearer {forged}", CancellationToken.None);

        Assert.NotNull(valid);
        Assert.Null(refused);
        // The store is asked by public id only (once: the second answer came from the cache), never by secret.
        Assert.Equal([key[6..18]], _store.Lookups);
    }

    [Fact]
    public void Matches_HashDiffersInOneByte_IsFalse()
    {
        var key = GatewayApiKey.TryParse("sk-t0-AbCdEf012345-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")!;
        var other = (byte[])key.LongKeyHash.Clone();
        other[^1] ^= 1;

        Assert.True(ApiKeyValidator.Matches(key, new ApiKeyValidator.CachedLookup(key.LongKeyHash, null, 0)));
        Assert.False(ApiKeyValidator.Matches(key, new ApiKeyValidator.CachedLookup(other, null, 0)));
        Assert.False(ApiKeyValidator.Matches(key, new ApiKeyValidator.CachedLookup(key.LongKeyHash, DateTimeOffset.UnixEpoch, 0)));
        Assert.False(ApiKeyValidator.Matches(key, new ApiKeyValidator.CachedLookup(null, null, 0)));
        Assert.False(ApiKeyValidator.Matches(key, null));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer not-a-key")]
    [InlineData("Bearer sk-t0-AbCdEf012345-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")]
    public async Task ValidateAsync_MissingMalformedOrUnknown_ReturnsNull(string? authorization)
    {
        await CreateKeyAsync();

        Assert.Null(await Validator().ValidateAsync(authorization, CancellationToken.None));
    }

    [Fact]
    public async Task ValidateAsync_LowerCaseScheme_IsAccepted()
    {
        var key = await CreateKeyAsync();

        Assert.NotNull(await Validator().ValidateAsync($"bearer {key}", CancellationToken.None));
    }

    [Fact]
    public async Task ValidateAsync_RepeatedWithinTtl_ReadsTheStoreOnce()
    {
        var key = await CreateKeyAsync();
        var validator = Validator();

        for (var i = 0; i < 100; i++)
        {
            Assert.NotNull(await validator.ValidateAsync($"Bearer {key}", CancellationToken.None));
        }

        Assert.Single(_store.Lookups);
    }

    [Fact]
    public async Task ValidateAsync_DisabledKey_WorksUntilTheTtlThenIsRefused()
    {
        var key = await CreateKeyAsync();
        var validator = Validator(ttlMs: 10_000);
        Assert.NotNull(await validator.ValidateAsync($"Bearer {key}", CancellationToken.None));

        await _store.DisableApiKeyAsync(key[6..18], _time.GetUtcNow(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(9_999));
        var beforeTtl = await validator.ValidateAsync($"Bearer {key}", CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var afterTtl = await validator.ValidateAsync($"Bearer {key}", CancellationToken.None);

        Assert.NotNull(beforeTtl);
        Assert.Null(afterTtl);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(10_000, false)]
    public async Task ValidateAsync_CacheOff_DisabledKeyIsRefusedAtOnce(long ttlMs, bool cacheEnabled)
    {
        var key = await CreateKeyAsync();
        var validator = Validator(ttlMs, cacheEnabled);
        Assert.NotNull(await validator.ValidateAsync($"Bearer {key}", CancellationToken.None));

        await _store.DisableApiKeyAsync(key[6..18], _time.GetUtcNow(), CancellationToken.None);

        Assert.Null(await validator.ValidateAsync($"Bearer {key}", CancellationToken.None));
        Assert.Equal(2, _store.Lookups.Count);
    }

    [Fact]
    public async Task ValidateAsync_MoreUnknownIdsThanTheCacheHolds_CacheStaysBounded()
    {
        var validator = Validator();

        for (var i = 0; i < ApiKeyValidator.MaxCachedKeys + 50; i++)
        {
            await validator.ValidateAsync($"Bearer sk-t0-{i:D12}-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", CancellationToken.None);
        }

        Assert.Equal(ApiKeyValidator.MaxCachedKeys, validator.CachedCount);
    }
}
