namespace TensorZero.Gateway.Configuration;

/// <summary>
/// <c>[gateway.observability]</c>: TensorZero's keys (<c>enabled</c>, <c>backend</c>, <c>async_writes</c>,
/// <c>batch_writes</c>, <c>disable_automatic_migrations</c>) plus <c>data_dir</c> for the embedded SQLite file.
/// </summary>
internal static class ObservabilityReader
{
    private static readonly string[] Keys = ["enabled", "backend", "async_writes", "batch_writes", "disable_automatic_migrations", "data_dir"];

    private static readonly string[] BatchKeys =
        ["enabled", "flush_interval_ms", "max_rows", "max_rows_postgres", "write_queue_capacity", "__force_allow_embedded_batch_writes"];

    public static ObservabilityConfig? Read(TomlSection? section, string configDirectory)
    {
        if (section is null)
        {
            return null;
        }
        section.RejectUnknown(Keys);
        var defaults = ObservabilityConfig.Default(configDirectory);
        var backend = section.String("backend") switch
        {
            null or "auto" => ObservabilityBackend.Auto,
            "sqlite" => ObservabilityBackend.Sqlite,
            "postgres" => ObservabilityBackend.Postgres,
            "clickhouse" => Unsupported(section, "`clickhouse` is not supported by this gateway: use `postgres` or `sqlite`"),
            _ => Unsupported(section, "must be one of `auto`, `sqlite`, `postgres`"),
        };
        if (section.Bool("async_writes") is not null)
        {
            section.Warn("async_writes", "has no effect: this gateway always writes in the background");
        }
        var batch = section.Section("batch_writes");
        batch?.RejectUnknown(BatchKeys);
        if (batch?.Bool("enabled") is not null)
        {
            batch.Warn("enabled", "has no effect: this gateway always writes in batches");
        }
        return defaults with
        {
            Enabled = section.Bool("enabled") ?? true,
            Backend = backend,
            DataDirectory = section.String("data_dir") is { } dir ? section.FilePath("data_dir", dir) : defaults.DataDirectory,
            DisableAutomaticMigrations = section.Bool("disable_automatic_migrations") ?? false,
            QueueCapacity = (int)(batch?.Integer("write_queue_capacity", min: 1) is { } capacity ? Math.Min(capacity, 10_000_000) : defaults.QueueCapacity),
            FlushIntervalMs = batch?.Integer("flush_interval_ms", min: 1) ?? defaults.FlushIntervalMs,
            MaxRows = (int)(batch?.Integer("max_rows", min: 1) is { } rows ? Math.Min(rows, 100_000) : defaults.MaxRows),
        };
    }

    private static ObservabilityBackend Unsupported(TomlSection section, string message)
    {
        section.Error("backend", message);
        return ObservabilityBackend.Auto;
    }
}
