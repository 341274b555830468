using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Tests.Store;

/// <summary>The writer's start when the database doesn't answer: a server is waited for, an embedded file is not.</summary>
public sealed class StoreWriterStartupTests
{
    /// <summary>A database that refuses connections while <see cref="Down"/> is set.</summary>
    private sealed class UnreachableStore(bool isServer) : IInferenceStore
    {
        private int _written;

        public volatile bool Down = true;

        public int Prepares;

        public string Name => isServer ? "postgres" : "sqlite";

        public bool IsServer => isServer;

        public int Written => Volatile.Read(ref _written);

        public Task PrepareAsync(bool migrate, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Prepares);
            return Down ? throw new IOException("connection refused") : Task.CompletedTask;
        }

        public Task WriteAsync(IReadOnlyList<StoredRow> rows, CancellationToken cancellationToken)
        {
            if (Down)
            {
                throw new IOException("connection refused");
            }
            Interlocked.Add(ref _written, rows.Count);
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

    private static StoreWriter Writer(IInferenceStore store) =>
        new(store, ObservabilityConfig.Default(".") with { FlushIntervalMs = 1 }, TimeProvider.System, NullLogger<StoreWriter>.Instance);

    [Fact]
    public async Task Start_ServerDown_StartsQueuesAndPreparesOnceItAnswers()
    {
        var store = new UnreachableStore(isServer: true);
        await using var writer = Writer(store);

        await writer.StartAsync(CancellationToken.None);
        writer.Enqueue(SecretScope.None, StoreRows.Inference(Guid.CreateVersion7(), Guid.CreateVersion7()));
        await WaitUntilAsync(() => Volatile.Read(ref store.Prepares) >= 2);
        Assert.False(writer.Prepared);
        Assert.Equal(0, store.Written);

        store.Down = false;
        await WaitUntilAsync(() => store.Written == 1);
        Assert.True(writer.Prepared);
        Assert.Equal(0, writer.DroppedRows);
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Start_EmbeddedFileDown_RefusesNamingTheEngine()
    {
        await using var writer = Writer(new UnreachableStore(isServer: false));

        var error = await Assert.ThrowsAsync<ConfigException>(() => writer.StartAsync(CancellationToken.None));

        Assert.Contains("the sqlite database can't be reached or prepared (IOException)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_ServerNeverAnsweredAndNothingQueued_ReturnsWithoutWaitingForTheDeadline()
    {
        await using var writer = Writer(new UnreachableStore(isServer: true));
        await writer.StartAsync(CancellationToken.None);

        // No shutdown deadline at all: only returning on its own ends this.
        await writer.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(writer.Prepared);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition());
    }
}
