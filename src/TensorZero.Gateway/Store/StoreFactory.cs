using Microsoft.Data.Sqlite;
using Npgsql;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Store;

/// <summary>Picks and opens the engine: PostgreSQL for <c>TENSORZERO_POSTGRES_URL</c> (as TensorZero), else the SQLite file.</summary>
public static class StoreFactory
{
    public const string PostgresUrlVariable = "TENSORZERO_POSTGRES_URL";

    /// <summary>The store <paramref name="settings"/> ask for; null when storage is off.</summary>
    public static IInferenceStore? Create(ObservabilityConfig settings, IEnvironmentVariables environment)
    {
        if (!settings.Enabled)
        {
            return null;
        }
        var url = environment.Get(PostgresUrlVariable);
        return settings.Backend switch
        {
            ObservabilityBackend.Postgres when string.IsNullOrWhiteSpace(url) => throw new ConfigException(
                [$"`gateway.observability.backend`: `postgres` needs the `{PostgresUrlVariable}` environment variable"]),
            ObservabilityBackend.Postgres or ObservabilityBackend.Auto when !string.IsNullOrWhiteSpace(url) => Postgres(url),
            _ => Sqlite(Path.Combine(settings.DataDirectory, ObservabilityConfig.SqliteFileName)),
        };
    }

    public static SqlInferenceStore Postgres(string url)
    {
        NpgsqlDataSource source;
        try
        {
            source = NpgsqlDataSource.Create(ToConnectionString(url));
        }
        catch (ArgumentException)
        {
            // The URL holds a password: say which variable is wrong, never what it holds.
            throw new ConfigException([$"`{PostgresUrlVariable}` is not a valid PostgreSQL URL or connection string"]);
        }
        return new SqlInferenceStore(SqlDialect.Postgres, async token => await source.OpenConnectionAsync(token).ConfigureAwait(false), source.DisposeAsync);
    }

    public static SqlInferenceStore Sqlite(string file)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only config folder (a container's mounted config) is the usual cause.
            throw new ConfigException([$"`gateway.observability.data_dir`: can't create `{directory}` ({e.GetType().Name}): point `data_dir` at a " +
                $"writable folder, set `{PostgresUrlVariable}`, or set `[gateway.observability] enabled = false`"]);
        }
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file, Pooling = true, DefaultTimeout = 5 }.ToString();
        return new SqlInferenceStore(SqlDialect.Sqlite, async token =>
        {
            var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(token).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            // WAL: readers (the read endpoints) don't block the writer and the writer doesn't block them. A new file gets
            // 16 KB pages: a batch's commit writes each page with its own system calls, and rows of 1-3 KB filled 4 KB
            // pages (SQLite's default) four times as often. A file made with other pages keeps them.
            pragma.CommandText = "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            return connection;
        }, () =>
        {
            using var connection = new SqliteConnection(connectionString);
            SqliteConnection.ClearPool(connection);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>A <c>postgres://user:pass@host:port/db?sslmode=...</c> URL as an Npgsql connection string; other text as is.</summary>
    public static string ToConnectionString(string url)
    {
        if (!url.StartsWith("postgres://", StringComparison.Ordinal) && !url.StartsWith("postgresql://", StringComparison.Ordinal))
        {
            return url;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException("invalid URL");
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
        };
        if (uri.UserInfo is { Length: > 0 } userInfo)
        {
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && pair[..eq] == "sslmode" && Enum.TryParse<SslMode>(pair[(eq + 1)..], ignoreCase: true, out var mode))
            {
                builder.SslMode = mode;
            }
        }
        return builder.ConnectionString;
    }
}
