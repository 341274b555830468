using System.Data.Common;

namespace TensorZero.Gateway.Store;

/// <summary>
/// The store over ADO.NET: one implementation for both engines, the differences in <see cref="SqlDialect"/>.
/// </summary>
public sealed partial class SqlInferenceStore(SqlDialect dialect, Func<CancellationToken, Task<DbConnection>> open, Func<ValueTask>? dispose = null)
    : IInferenceStore
{
    public string Name => dialect.Name;

    public bool IsServer => dialect.IsPostgres;

    public SqlDialect Dialect => dialect;

    public async Task PrepareAsync(bool migrate, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (dialect.IsPostgres)
        {
            // Two replicas starting together: one migrates, the other waits and then sees the new version.
            await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(7262012)", cancellationToken).ConfigureAwait(false);
        }
        await ExecuteAsync(connection, transaction, dialect.Ddl(
            $"CREATE TABLE IF NOT EXISTS {SchemaMigrations.VersionTable} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at {{ts}} NOT NULL)"),
            cancellationToken).ConfigureAwait(false);
        var current = await CurrentVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (current > SchemaMigrations.Latest)
        {
            throw new StoreSchemaException(
                $"the {dialect.Name} database's schema is version {current}, newer than this gateway understands (version {SchemaMigrations.Latest}): upgrade the gateway");
        }
        if (current < SchemaMigrations.Latest && !migrate)
        {
            throw new StoreSchemaException(
                $"the {dialect.Name} database's schema is version {current}, older than this gateway needs (version {SchemaMigrations.Latest}), " +
                "and `[gateway.observability] disable_automatic_migrations` is set: start once with migrations on");
        }
        foreach (var migration in SchemaMigrations.All.Where(m => m.Version > current))
        {
            foreach (var statement in migration.Statements)
            {
                await ExecuteAsync(connection, transaction, dialect.Ddl(statement), cancellationToken).ConfigureAwait(false);
            }
            await using var record = Command(connection, transaction,
                $"INSERT INTO {SchemaMigrations.VersionTable} (version, description, applied_at) VALUES (@version, @description, @applied_at)");
            Add(record, "version", migration.Version);
            Add(record, "description", migration.Description);
            Add(record, "applied_at", dialect.Time(DateTimeOffset.UtcNow));
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The highest applied schema version; 0 for an empty database.</summary>
    public async Task<int> SchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        return await CurrentVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> CurrentVersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT COALESCE(MAX(version), 0) FROM {SchemaMigrations.VersionTable}");
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => dispose?.Invoke() ?? ValueTask.CompletedTask;

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
