using TensorZero.Gateway.Collections;

namespace TensorZero.Gateway.Tests.Collections;

public sealed class BoundedLruCacheTests
{
    [Fact]
    public void GetOrAdd_ManyDistinctKeys_NeverHoldsMoreThanCapacity()
    {
        var cache = new BoundedLruCache<string>(capacity: 8);

        for (var i = 0; i < 1000; i++)
        {
            cache.GetOrAdd($"key-{i}", key => key.ToUpperInvariant());
            Assert.True(cache.Count <= 8, $"count {cache.Count} after {i + 1} inserts");
        }

        Assert.Equal(8, cache.Count);
    }

    [Fact]
    public void GetOrAdd_FullCache_EvictsTheLeastRecentlyUsedKey()
    {
        var cache = new BoundedLruCache<string>(capacity: 3);
        cache.GetOrAdd("a", k => k);
        cache.GetOrAdd("b", k => k);
        cache.GetOrAdd("c", k => k);

        Thread.Sleep(1);
        cache.GetOrAdd("a", _ => throw new InvalidOperationException("a is cached")); // a is now the most recent
        cache.GetOrAdd("d", k => k);

        Assert.True(cache.ContainsKey("a"));
        Assert.False(cache.ContainsKey("b"));
        Assert.True(cache.ContainsKey("c"));
        Assert.True(cache.ContainsKey("d"));
    }

    [Fact]
    public void GetOrAdd_CachedKey_ReturnsTheSameInstanceWithoutBuilding()
    {
        var cache = new BoundedLruCache<object>(capacity: 2);
        var first = cache.GetOrAdd("k", _ => new object());

        var second = cache.GetOrAdd("k", _ => throw new InvalidOperationException("built twice"));

        Assert.Same(first, second);
    }

    [Fact]
    public async Task GetOrAdd_ConcurrentInserts_StayWithinCapacity()
    {
        var cache = new BoundedLruCache<object>(capacity: 16);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                cache.GetOrAdd($"k{i % 40}", _ => new object());
            }
        })));

        Assert.True(cache.Count <= 16);
    }
}
