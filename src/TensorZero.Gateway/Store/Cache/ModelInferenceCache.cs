using System.Security.Cryptography;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Store.Cache;

/// <summary>How long a cache read may take before the call goes to the provider instead.</summary>
public sealed record CacheSettings(TimeSpan ReadTimeout)
{
    /// <summary>500 ms: far below a provider call, so a slow database costs an inference at most that.</summary>
    public static readonly CacheSettings Default = new(TimeSpan.FromMilliseconds(500));
}

/// <summary>
/// The inference cache over the store: keys (<see cref="CacheKey"/>, under the database's cache secret), reads bounded
/// by <see cref="CacheSettings.ReadTimeout"/>, and writes through the store's write queue, so a cache write never
/// holds up an inference. Any failure to read is a miss: the cache never fails an inference.
/// </summary>
public sealed partial class ModelInferenceCache
{
    internal static readonly TimeSpan SecretLoadTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FailureLogInterval = TimeSpan.FromSeconds(10);

    private readonly Lazy<StoreWriter?> _writer;
    private readonly CacheSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelInferenceCache> _logger;
    private readonly Lock _gate = new();
    private Task<byte[]>? _secretLoad;
    private byte[]? _secret;
    private long _lastFailureLog = long.MinValue;

    public ModelInferenceCache(StoreWriter? writer, CacheSettings settings, TimeProvider time, ILogger<ModelInferenceCache> logger)
        : this(() => writer, settings, time, logger)
    {
    }

    /// <summary>The store is looked up on first use, so building the providers doesn't open it.</summary>
    public ModelInferenceCache(Func<StoreWriter?> writer, CacheSettings settings, TimeProvider time, ILogger<ModelInferenceCache> logger)
    {
        _writer = new Lazy<StoreWriter?>(writer);
        _settings = settings;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether there is a store to cache in (storage on).</summary>
    public bool Available => Store is not null;

    private IInferenceCacheStore? Store => _writer.Value?.Store as IInferenceCacheStore;

    /// <summary>The entry's key, or null when the cache can't be used for this call (no secret yet, an undescribable request).</summary>
    public async Task<string?> KeyAsync(
        string modelName, string providerName, bool stream, ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var secret = await SecretAsync(cancellationToken).ConfigureAwait(false);
        return secret is null ? null : CacheKey.Compute(secret, modelName, providerName, stream, request, credentials);
    }

    /// <summary>The entry under <paramref name="key"/> no older than <paramref name="maxAgeS"/> seconds; null on a miss, a timeout or a database failure.</summary>
    public async Task<CacheEntryRow?> LookupAsync(string key, uint? maxAgeS, CancellationToken cancellationToken)
    {
        if (Store is not { } store)
        {
            return null;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.ReadTimeout);
        try
        {
            // On the thread pool: an engine whose "async" calls run synchronously (SQLite) is bounded too.
            var entry = await Task.Run(() => store.GetCacheEntryAsync(key, timeout.Token), timeout.Token)
                .WaitAsync(_settings.ReadTimeout, _time, cancellationToken).ConfigureAwait(false);
            if (entry is null || (maxAgeS is { } maxAge && entry.CreatedAt <= _time.GetUtcNow().AddSeconds(-maxAge)))
            {
                return null;
            }
            return entry;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            await timeout.CancelAsync().ConfigureAwait(false);
            LogReadFailure(e);
            return null;
        }
    }

    /// <summary>Queues an entry; its text is redacted with <paramref name="scope"/> before it is written.</summary>
    public void Write(SecretScope scope, CacheEntryRow entry) => _writer.Value?.Enqueue(scope, entry);

    /// <summary>
    /// Loads (or creates) the database's cache secret, waiting at most <paramref name="wait"/> (the read timeout unless
    /// given); until it is known, calls bypass the cache.
    /// </summary>
    public async Task<byte[]?> SecretAsync(CancellationToken cancellationToken, TimeSpan? wait = null)
    {
        if (Volatile.Read(ref _secret) is { } known)
        {
            return known;
        }
        if (Store is not { } store)
        {
            return null;
        }
        Task<byte[]> load;
        lock (_gate)
        {
            if (_secretLoad is null || _secretLoad.IsFaulted || _secretLoad.IsCanceled)
            {
                _secretLoad = LoadSecretAsync(store);
            }
            load = _secretLoad;
        }
        try
        {
            return await load.WaitAsync(wait ?? _settings.ReadTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogReadFailure(e);
            return null;
        }
    }

    private async Task<byte[]> LoadSecretAsync(IInferenceCacheStore store)
    {
        using var timeout = new CancellationTokenSource(SecretLoadTimeout, _time);
        var secret = await Task.Run(() => store.CacheSecretAsync(RandomNumberGenerator.GetBytes(32), timeout.Token), timeout.Token).ConfigureAwait(false);
        Volatile.Write(ref _secret, secret);
        return secret;
    }

    private void LogReadFailure(Exception e)
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastFailureLog);
        if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= FailureLogInterval) &&
            Interlocked.CompareExchange(ref _lastFailureLog, now, last) == last)
        {
            // The exception's type only: a driver's message may quote the connection string.
            LogCacheUnavailable(e is TimeoutException or OperationCanceledException ? "timed out" : e.GetType().Name, (long)_settings.ReadTimeout.TotalMilliseconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Inference cache: a read failed ({Problem}, bound {TimeoutMs} ms); calls go to the provider until the database answers")]
    private partial void LogCacheUnavailable(string problem, long timeoutMs);
}

/// <summary>Registers the cache; it loads the database's cache secret once the store is ready.</summary>
public static class ModelInferenceCacheServiceCollectionExtensions
{
    public static IServiceCollection AddModelInferenceCache(this IServiceCollection services)
    {
        services.AddSingleton(CacheSettings.Default);
        services.AddSingleton(sp => new ModelInferenceCache(
            () => sp.GetRequiredService<StoreRuntime>().Writer, sp.GetRequiredService<CacheSettings>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ModelInferenceCache>>()));
        services.AddHostedService(sp => new SecretWarmup(sp.GetRequiredService<ModelInferenceCache>()));
        return services;
    }

    // After the store's migrations (registered before it): the first cached call then needn't wait for the secret.
    private sealed class SecretWarmup(ModelInferenceCache cache) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            cache.Available ? cache.SecretAsync(cancellationToken, ModelInferenceCache.SecretLoadTimeout) : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
