using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Store;
using TensorZero.Gateway.Store.Cache;

namespace TensorZero.Gateway.Tests.Store.Cache;

/// <summary>The cache's reads never fail or hold up an inference: a hanging or failing database is a miss.</summary>
public sealed class ModelInferenceCacheTests
{
    [Fact]
    public async Task Lookup_DatabaseHangs_IsAMissWithinTheBound()
    {
        var store = new FakeCacheStore { Hang = true };
        var cache = Cache(store, TimeProvider.System, TimeSpan.FromMilliseconds(50));

        var entry = await cache.LookupAsync("k", null, CancellationToken.None);

        Assert.Null(entry);
        Assert.Equal(1, store.Lookups);
    }

    [Fact]
    public async Task Lookup_DatabaseFails_IsAMiss()
    {
        var cache = Cache(new FakeCacheStore { Fail = true }, TimeProvider.System, TimeSpan.FromSeconds(30));

        Assert.Null(await cache.LookupAsync("k", null, CancellationToken.None));
    }

    [Fact]
    public async Task Lookup_MaxAge_AnEntryOlderThanItMisses()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var store = new FakeCacheStore { Entry = new CacheEntryRow("k", "{}", "", "", 1, 2, null, time.GetUtcNow()) };
        var cache = Cache(store, time, TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(100));

        Assert.NotNull(await cache.LookupAsync("k", null, CancellationToken.None));
        Assert.NotNull(await cache.LookupAsync("k", 101, CancellationToken.None));
        Assert.Null(await cache.LookupAsync("k", 100, CancellationToken.None));
        Assert.Null(await cache.LookupAsync("k", 0, CancellationToken.None));
    }

    [Fact]
    public async Task Key_SecretUnavailable_BypassesTheCache()
    {
        var cache = Cache(new FakeCacheStore { Fail = true }, TimeProvider.System, TimeSpan.FromSeconds(30));

        var key = await cache.KeyAsync("m", "p", false, new(null, [], InferenceParams.Empty, [], []), TensorZero.Gateway.Credentials.RequestCredentials.Empty, CancellationToken.None);

        Assert.Null(key);
    }

    private static ModelInferenceCache Cache(FakeCacheStore store, TimeProvider time, TimeSpan timeout) => new(
        new StoreWriter(store, ObservabilityConfig.Default(Path.GetTempPath()), time, NullLogger<StoreWriter>.Instance),
        new CacheSettings(timeout), time, NullLogger<ModelInferenceCache>.Instance);

    private sealed class FakeCacheStore : IInferenceStore, IInferenceCacheStore
    {
        public bool Hang { get; init; }

        public bool Fail { get; init; }

        public CacheEntryRow? Entry { get; init; }

        public int Lookups;

        public string Name => "fake";

        public async Task<CacheEntryRow?> GetCacheEntryAsync(string cacheKey, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Lookups);
            if (Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return Fail ? throw new IOException("database down") : Entry;
        }

        public Task<byte[]> CacheSecretAsync(byte[] candidate, CancellationToken cancellationToken) =>
            Fail ? Task.FromException<byte[]>(new IOException("database down")) : Task.FromResult(candidate);

        public Task PrepareAsync(bool migrate, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task WriteAsync(IReadOnlyList<StoredRow> rows, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<InferenceRow?> GetInferenceAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult<InferenceRow?>(null);

        public Task<IReadOnlyList<InferenceRow>> ListInferencesAsync(InferenceQuery query, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<InferenceRow>>([]);

        public Task<IReadOnlyList<EpisodeRow>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<EpisodeRow>>([]);

        public Task<IReadOnlyList<ModelInferenceRow>> ListModelInferencesAsync(Guid inferenceId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ModelInferenceRow>>([]);

        public Task<IReadOnlyList<FeedbackRow>> ListFeedbackAsync(Guid targetId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<FeedbackRow>>([]);

        public Task<bool> EpisodeExistsAsync(Guid episodeId, CancellationToken cancellationToken) => Task.FromResult(false);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
