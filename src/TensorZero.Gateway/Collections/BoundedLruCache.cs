using System.Collections.Concurrent;
using System.Diagnostics;

namespace TensorZero.Gateway.Collections;

/// <summary>
/// A string-keyed cache that holds at most <c>capacity</c> entries and evicts the least recently used one to make room.
/// For state keyed by names a client can choose (shorthand model names, dummy model counters): any number of distinct
/// names costs at most <c>capacity</c> entries, and names in steady use stay cached. A hit takes no lock; only inserting
/// a new name does, and it scans the entries for the oldest (cheap at the small capacities used here).
/// </summary>
public sealed class BoundedLruCache<TValue>
    where TValue : class
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _insertGate = new();

    public BoundedLruCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _entries.Count;

    /// <summary>The cached value of <paramref name="key"/>, or a new one from <paramref name="create"/> (called outside the lock).</summary>
    public TValue GetOrAdd(string key, Func<string, TValue> create)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            entry.Touch();
            return entry.Value;
        }
        var value = create(key);
        lock (_insertGate)
        {
            if (_entries.TryGetValue(key, out entry))
            {
                // Another request built it first: keep one instance, so per-name state is shared.
                entry.Touch();
                return entry.Value;
            }
            while (_entries.Count >= Capacity)
            {
                EvictOldest();
            }
            _entries[key] = new Entry(value);
            return value;
        }
    }

    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    private void EvictOldest()
    {
        string? oldestKey = null;
        var oldest = long.MaxValue;
        foreach (var (key, entry) in _entries)
        {
            if (entry.LastUse < oldest)
            {
                oldest = entry.LastUse;
                oldestKey = key;
            }
        }
        if (oldestKey is not null)
        {
            _entries.TryRemove(oldestKey, out _);
        }
    }

    private sealed class Entry(TValue value)
    {
        private long _lastUse = Stopwatch.GetTimestamp();

        public TValue Value { get; } = value;

        public long LastUse => Volatile.Read(ref _lastUse);

        public void Touch() => Volatile.Write(ref _lastUse, Stopwatch.GetTimestamp());
    }
}
