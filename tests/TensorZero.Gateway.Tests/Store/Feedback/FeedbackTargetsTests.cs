using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Store;
using TensorZero.Gateway.Store.Feedback;

namespace TensorZero.Gateway.Tests.Store.Feedback;

/// <summary>How <c>/feedback</c> finds its target: the write queue first, then the database within the write window.</summary>
public sealed class FeedbackTargetsTests
{
    /// <summary>A database whose reads answer what the test says, counted.</summary>
    private sealed class ScriptedStore : IInferenceStore
    {
        private readonly List<StoredRow> _written = [];

        public int Reads;

        /// <summary>Answers reads with nothing until this many reads were made; null: never answers (throws).</summary>
        public int? FoundAfterReads = int.MaxValue;

        public string Name => "sqlite";

        public IReadOnlyList<StoredRow> Written
        {
            get
            {
                lock (_written)
                {
                    return [.. _written];
                }
            }
        }

        public Task PrepareAsync(bool migrate, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task WriteAsync(IReadOnlyList<StoredRow> rows, CancellationToken cancellationToken)
        {
            lock (_written)
            {
                _written.AddRange(rows);
            }
            return Task.CompletedTask;
        }

        public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<InferenceRow?> GetInferenceAsync(Guid id, CancellationToken cancellationToken) =>
            Task.FromResult(Read() ? StoreRows.Inference(id, Guid.CreateVersion7()) : null);

        public Task<bool> EpisodeExistsAsync(Guid episodeId, CancellationToken cancellationToken) => Task.FromResult(Read());

        private bool Read()
        {
            var reads = Interlocked.Increment(ref Reads);
            return FoundAfterReads is { } after ? reads > after : throw new IOException("the database is down");
        }

        public Task<IReadOnlyList<InferenceRow>> ListInferencesAsync(InferenceQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<EpisodeRow>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<ModelInferenceRow>> ListModelInferencesAsync(Guid inferenceId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<FeedbackRow>> ListFeedbackAsync(Guid targetId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static StoreWriter Writer(ScriptedStore store) =>
        new(store, ObservabilityConfig.Default(".") with { FlushIntervalMs = 1 }, TimeProvider.System, NullLogger<StoreWriter>.Instance);

    [Fact]
    public async Task InferenceAsync_TargetStillInTheQueue_IsFoundWithoutAskingTheDatabase()
    {
        // The database is down and the writer not started: the rows only exist in the queue.
        var store = new ScriptedStore { FoundAfterReads = null };
        await using var writer = Writer(store);
        var row = StoreRows.Inference(Guid.CreateVersion7(), Guid.CreateVersion7(), function: "queued");
        writer.Enqueue(SecretScope.None, row);
        var targets = new FeedbackTargets(writer, TimeProvider.System);

        var found = await targets.InferenceAsync(row.Id, CancellationToken.None);
        await targets.EpisodeAsync(row.EpisodeId, CancellationToken.None);

        Assert.Equal("queued", found.FunctionName);
        Assert.Equal(0, store.Reads);
    }

    [Fact]
    public async Task Enqueue_RowWritten_LeavesThePendingSet()
    {
        var store = new ScriptedStore();
        await using var writer = Writer(store);
        await writer.StartAsync(CancellationToken.None);
        var row = StoreRows.Inference(Guid.CreateVersion7(), Guid.CreateVersion7());

        writer.Enqueue(SecretScope.None, row);
        await writer.StopAsync(CancellationToken.None);

        Assert.Single(store.Written);
        Assert.Null(writer.Pending.Inference(row.Id));
        Assert.False(writer.Pending.HasEpisode(row.EpisodeId));
    }

    [Fact]
    public async Task InferenceAsync_RowWrittenDuringTheWindow_IsFound()
    {
        // Another replica's row shows up on the third read.
        var store = new ScriptedStore { FoundAfterReads = 2 };
        await using var writer = Writer(store);
        var id = Guid.CreateVersion7();

        var found = await new FeedbackTargets(writer, TimeProvider.System).InferenceAsync(id, CancellationToken.None);

        Assert.Equal(id, found.Id);
        Assert.Equal(3, store.Reads);
    }

    [Fact]
    public async Task InferenceAsync_UnknownOldId_Is404AfterTheMinimumWait()
    {
        var store = new ScriptedStore();
        await using var writer = Writer(store);
        var id = Guid.CreateVersion7(DateTimeOffset.UtcNow.AddMinutes(-5));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<GatewayError>(() => new FeedbackTargets(writer, TimeProvider.System).InferenceAsync(id, CancellationToken.None));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.Equal($"Inference ID: {id} does not exist", error.Message);
        Assert.True(clock.Elapsed >= FeedbackTargets.MinimumWait - TimeSpan.FromMilliseconds(20), $"answered after {clock.Elapsed}");
        Assert.True(store.Reads >= 2);
    }

    [Fact]
    public async Task EpisodeAsync_DatabaseDown_IsAnErrorWithoutTheDriverMessage()
    {
        var store = new ScriptedStore { FoundAfterReads = null };
        await using var writer = Writer(store);

        var error = await Assert.ThrowsAsync<GatewayError>(() =>
            new FeedbackTargets(writer, TimeProvider.System).EpisodeAsync(Guid.CreateVersion7(), CancellationToken.None));

        Assert.Equal(ErrorKind.Internal, error.Kind);
        Assert.Equal("the sqlite database can't be read to find the feedback's target (IOException)", error.Message);
    }

    [Theory]
    [InlineData("future")]
    [InlineData("ffffffff-ffff-7fff-bfff-ffffffffffff")]
    public async Task InferenceAsync_IdInTheFuture_Is400AtOnce(string text)
    {
        var store = new ScriptedStore();
        await using var writer = Writer(store);
        var id = text == "future" ? Guid.CreateVersion7(DateTimeOffset.UtcNow.AddHours(1)) : Guid.Parse(text);

        var error = await Assert.ThrowsAsync<GatewayError>(() => new FeedbackTargets(writer, TimeProvider.System).InferenceAsync(id, CancellationToken.None));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Equal($"UUID is in the future: {id}", error.Message);
        Assert.Equal(0, store.Reads);
    }

    [Fact]
    public async Task InferenceAsync_NotAVersion7Id_Is400AtOnce()
    {
        var store = new ScriptedStore();
        await using var writer = Writer(store);
        var id = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<GatewayError>(() => new FeedbackTargets(writer, TimeProvider.System).InferenceAsync(id, CancellationToken.None));

        Assert.Equal($"Failed to parse UUID as v7: {id}", error.Message);
        Assert.Equal(0, store.Reads);
    }
}
