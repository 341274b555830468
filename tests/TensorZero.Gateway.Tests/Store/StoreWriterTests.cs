using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Tests.Store;

public sealed class StoreWriterTests
{
    /// <summary>A database that refuses writes while <see cref="Down"/> is set, and keeps what it accepted.</summary>
    private sealed class FlakyStore : IInferenceStore
    {
        private readonly List<StoredRow> _rows = [];
        private readonly List<int> _batchSizes = [];

        public volatile bool Down;

        /// <summary>Writes that fail while the database is up and answers pings (a connection an outage broke).</summary>
        public int BrokenWrites;

        public int Attempts;

        public string Name => "postgres";

        public IReadOnlyList<StoredRow> Rows
        {
            get
            {
                lock (_rows)
                {
                    return _rows.ToList();
                }
            }
        }

        /// <summary>The size of each write that was accepted, in order.</summary>
        public IReadOnlyList<int> BatchSizes
        {
            get
            {
                lock (_rows)
                {
                    return _batchSizes.ToList();
                }
            }
        }

        public Task PrepareAsync(bool migrate, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task WriteAsync(IReadOnlyList<StoredRow> rows, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Attempts);
            if (Down)
            {
                throw new IOException("connection refused");
            }
            if (Interlocked.Decrement(ref BrokenWrites) >= 0)
            {
                throw new IOException("connection reset by peer");
            }
            lock (_rows)
            {
                _rows.AddRange(rows);
                _batchSizes.Add(rows.Count);
            }
            return Task.CompletedTask;
        }

        public Task PingAsync(CancellationToken cancellationToken) => Down ? throw new IOException("connection refused") : Task.CompletedTask;

        public Task<InferenceRow?> GetInferenceAsync(Guid id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<InferenceRow>> ListInferencesAsync(InferenceQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<EpisodeRow>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<ModelInferenceRow>> ListModelInferencesAsync(Guid inferenceId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<FeedbackRow>> ListFeedbackAsync(Guid targetId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> EpisodeExistsAsync(Guid episodeId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static ObservabilityConfig Settings(int capacity) => ObservabilityConfig.Default(".") with { QueueCapacity = capacity, FlushIntervalMs = 1 };

    [Fact]
    public async Task Enqueue_DatabaseDown_HoldsRowsAndWritesThemWhenItRecovers()
    {
        var store = new FlakyStore { Down = true };
        await using var writer = new StoreWriter(store, Settings(100), TimeProvider.System, NullLogger<StoreWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);

        writer.Enqueue(SecretScope.None, StoreRows.Inference(Guid.CreateVersion7(), Guid.CreateVersion7()), StoreRows.Inference(Guid.CreateVersion7(), Guid.CreateVersion7()));
        await WaitUntilAsync(() => Volatile.Read(ref store.Attempts) >= 2);
        Assert.Empty(store.Rows);
        Assert.True(writer.Failing);

        store.Down = false;
        await WaitUntilAsync(() => store.Rows.Count == 2);
        Assert.False(writer.Failing);
        Assert.Equal(0, writer.DroppedRows);
        await writer.StopAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData(1)] // the batch again, whole
    [InlineData(2)] // then row by row
    public async Task Enqueue_BrokenConnectionAfterTheOutage_WritesEveryRowAndSaysTheDatabaseAnswersAgain(int brokenWrites)
    {
        var store = new FlakyStore { Down = true };
        var logger = new CapturingLogger();
        await using var writer = new StoreWriter(store, Settings(100), TimeProvider.System, logger);
        await writer.StartAsync(CancellationToken.None);

        writer.Enqueue(SecretScope.None, StoreRows.Inference(Guid.CreateVersion7(), Guid.CreateVersion7()), StoreRows.Inference(Guid.CreateVersion7(), Guid.CreateVersion7()));
        await WaitUntilAsync(() => writer.Failing);
        store.BrokenWrites = brokenWrites;
        store.Down = false;

        // The writer clears Failing just before it logs the recovery: the line is awaited, not read at once.
        await WaitUntilAsync(() => store.Rows.Count == 2 && !writer.Failing
            && logger.Messages.Any(m => m.Contains("the database answers again; 2 held rows written", StringComparison.Ordinal)));
        Assert.Equal(0, writer.DroppedRows);
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Enqueue_PastTheBound_DropsCountsAndNeverWaits()
    {
        var store = new FlakyStore();
        var logs = new CapturingLogger();
        // Not started: nothing drains the queue, so exactly the bound is held.
        await using var writer = new StoreWriter(store, Settings(2), TimeProvider.System, logs);

        for (var i = 0; i < 5; i++)
        {
            writer.Enqueue(SecretScope.None, StoreRows.Inference(Guid.CreateVersion7(), Guid.CreateVersion7()));
        }

        Assert.Equal(3, writer.DroppedRows);
        Assert.Equal(2, writer.QueueDepth);
        Assert.Single(logs.Messages, m => m.Contains("write queue is full (2 rows)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_WithRowsQueued_WritesThemBeforeReturning()
    {
        var store = new FlakyStore();
        await using var writer = new StoreWriter(store, Settings(100), TimeProvider.System, NullLogger<StoreWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 10; i++)
        {
            writer.Enqueue(SecretScope.None, StoreRows.Inference(Guid.CreateVersion7(), Guid.CreateVersion7()));
        }

        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(10, store.Rows.Count);
    }

    [Fact]
    public async Task Enqueue_FullBatchesAreWrittenAtOnce_APartialOneAfterTheFlushInterval()
    {
        var store = new FlakyStore();
        var time = new FakeTimeProvider();
        var settings = Settings(100) with { FlushIntervalMs = 60_000, MaxRows = 10 };
        await using var writer = new StoreWriter(store, settings, time, NullLogger<StoreWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);

        // One row first, so the writer is already waiting for its batch to fill when the rest arrive.
        writer.Enqueue(SecretScope.None, StoreRows.Inference(Guid.CreateVersion7(), Guid.CreateVersion7()));
        await Task.Delay(200);
        Assert.Empty(store.Rows);
        for (var i = 1; i < 25; i++)
        {
            writer.Enqueue(SecretScope.None, StoreRows.Inference(Guid.CreateVersion7(), Guid.CreateVersion7()));
        }

        // The clock hasn't moved: two full batches go, the five rows left wait for the interval.
        await WaitUntilAsync(() => store.Rows.Count == 20);
        await Task.Delay(200);
        Assert.Equal([10, 10], store.BatchSizes);
        Assert.Equal(5, writer.QueueDepth);

        await WaitUntilAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(settings.FlushIntervalMs));
            return store.Rows.Count == 25;
        });
        Assert.Equal([10, 10, 5], store.BatchSizes);
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stop_APartialBatchWaitingForItsInterval_IsWrittenAtOnce()
    {
        var store = new FlakyStore();
        var time = new FakeTimeProvider();
        await using var writer = new StoreWriter(store, Settings(100) with { FlushIntervalMs = 60_000, MaxRows = 10 }, time,
            NullLogger<StoreWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            writer.Enqueue(SecretScope.None, StoreRows.Inference(Guid.CreateVersion7(), Guid.CreateVersion7()));
        }
        await Task.Delay(200);
        Assert.Empty(store.Rows);

        // The clock never moves: only the stop can end the wait.
        await writer.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(3, store.Rows.Count);
        Assert.Equal(0, writer.DroppedRows);
    }

    [Fact]
    public async Task Stop_DatabaseDownPastTheDeadline_GivesUpAndSaysHowManyRowsAreLost()
    {
        var store = new FlakyStore { Down = true };
        var logs = new CapturingLogger();
        await using var writer = new StoreWriter(store, Settings(100), TimeProvider.System, logs);
        await writer.StartAsync(CancellationToken.None);
        writer.Enqueue(SecretScope.None, StoreRows.Inference(Guid.CreateVersion7(), Guid.CreateVersion7()));
        await WaitUntilAsync(() => Volatile.Read(ref store.Attempts) >= 1);

        using var deadline = new CancellationTokenSource();
        await deadline.CancelAsync();
        await writer.StopAsync(deadline.Token);

        Assert.Empty(store.Rows);
        Assert.Contains(logs.Messages, m => m.Contains("shutdown timed out", StringComparison.Ordinal));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition(), "condition not met within 20 s");
    }

    private sealed class CapturingLogger : Microsoft.Extensions.Logging.ILogger<StoreWriter>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => _messages.ToArray();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception));
    }
}
