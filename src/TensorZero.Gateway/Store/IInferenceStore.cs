namespace TensorZero.Gateway.Store;

/// <summary>
/// Which inferences a listing returns: newest first (or as <see cref="OrderBy"/> says), optionally before or after an
/// id (the page cursors), or past <see cref="Offset"/> rows.
/// </summary>
public sealed record InferenceQuery(string? FunctionName, string? VariantName, Guid? EpisodeId, Guid? Before, int Limit)
{
    /// <summary>Only inferences after this id (later in time): the page after a cursor, still answered newest first.</summary>
    public Guid? After { get; init; }

    /// <summary>How many of the ordered rows to skip first.</summary>
    public int Offset { get; init; }

    /// <summary>TensorZero's <c>filters</c>: only inferences it holds for.</summary>
    public InferenceFilter? Filter { get; init; }

    /// <summary>TensorZero's <c>order_by</c>, in order; ids break the ties that are left (newest first).</summary>
    public IReadOnlyList<OrderTerm> OrderBy { get; init; } = [];

    /// <summary>TensorZero's <c>search_query_experimental</c>: a text the input or output holds, whatever its case.</summary>
    public string? Search { get; init; }

    /// <summary>Only these inferences (at most <see cref="StoreEndpoints.MaxLimit"/>); null: any.</summary>
    public IReadOnlyList<Guid>? Ids { get; init; }

    /// <summary>
    /// Only inferences with a demonstration, each read with its newest demonstration as its output and its own output
    /// as <see cref="InferenceRow.DispreferredOutput"/> (TensorZero's <c>output_source: demonstration</c>).
    /// </summary>
    public bool Demonstrations { get; init; }
}

/// <summary>
/// One <c>order_by</c> term: creation time when <see cref="Metric"/> is null, else the newest value of that metric's
/// feedback on the inference (or its episode), inferences without one last.
/// </summary>
public sealed record OrderTerm(Configuration.MetricConfig? Metric, bool Ascending);

/// <summary>The database behind the store: SQLite (embedded) or PostgreSQL.</summary>
public interface IInferenceStore : IAsyncDisposable
{
    /// <summary>The engine's name, the key <c>/health</c> reports it under.</summary>
    string Name { get; }

    /// <summary>
    /// Whether the database is a server that may come up after the gateway (PostgreSQL): startup then doesn't wait for
    /// it. An embedded file (SQLite) that can't be opened stops startup.
    /// </summary>
    bool IsServer => false;

    /// <summary>
    /// Brings the schema to <see cref="SchemaMigrations.Latest"/> (or, with <paramref name="migrate"/> off, only checks
    /// it is there). Throws <see cref="StoreSchemaException"/> for a database older or newer than this gateway.
    /// </summary>
    Task PrepareAsync(bool migrate, CancellationToken cancellationToken);

    /// <summary>Writes every row in one transaction: all or none.</summary>
    Task WriteAsync(IReadOnlyList<StoredRow> rows, CancellationToken cancellationToken);

    /// <summary>Throws when the database can't answer a trivial query.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    Task<InferenceRow?> GetInferenceAsync(Guid id, CancellationToken cancellationToken);

    Task<IReadOnlyList<InferenceRow>> ListInferencesAsync(InferenceQuery query, CancellationToken cancellationToken);

    /// <summary>Episodes with their inference counts and time spans, newest first (TensorZero's <c>list_episodes</c>).</summary>
    Task<IReadOnlyList<EpisodeRow>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelInferenceRow>> ListModelInferencesAsync(Guid inferenceId, CancellationToken cancellationToken);

    Task<IReadOnlyList<FeedbackRow>> ListFeedbackAsync(Guid targetId, CancellationToken cancellationToken);

    /// <summary>Whether an episode has any stored inference.</summary>
    Task<bool> EpisodeExistsAsync(Guid episodeId, CancellationToken cancellationToken);
}

/// <summary>The database's schema version is one this gateway can't use; startup stops with this message.</summary>
public sealed class StoreSchemaException(string message) : Exception(message);

/// <summary>
/// Which episodes a listing returns: newest first (episode ids are UUIDv7), before or after an episode id, only those
/// with an inference of <see cref="FunctionName"/> that <see cref="Filter"/> holds for.
/// </summary>
public sealed record EpisodeQuery(int Limit, Guid? Before, Guid? After, string? FunctionName, InferenceFilter? Filter);

/// <summary>One episode: how many inferences it has, its first and last inference's times, and its newest inference.</summary>
public sealed record EpisodeRow(Guid EpisodeId, long Count, DateTimeOffset StartTime, DateTimeOffset EndTime, Guid LastInferenceId);

