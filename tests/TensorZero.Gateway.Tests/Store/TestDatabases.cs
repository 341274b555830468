using Npgsql;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Tests.Store;

/// <summary>
/// A fresh, empty database per test on either engine: a SQLite file in a temporary folder, or a new database on the
/// PostgreSQL server that <c>.ci/run</c> starts (<c>TENSORZERO_TEST_POSTGRES_URL</c>).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresUrlVariable = "TENSORZERO_TEST_POSTGRES_URL";

    private readonly string? _directory;
    private readonly string? _adminUrl;
    private readonly string? _name;

    private TestDatabase(string engine, string? directory, string? adminUrl, string? name, string? url)
    {
        Engine = engine;
        _directory = directory;
        _adminUrl = adminUrl;
        _name = name;
        Url = url;
    }

    public string Engine { get; }

    /// <summary>The PostgreSQL URL of this test's database; null for SQLite.</summary>
    public string? Url { get; }

    /// <summary>The data folder (SQLite).</summary>
    public string? Directory => _directory;

    public static async Task<TestDatabase> CreateAsync(string engine)
    {
        if (engine == "sqlite")
        {
            return new TestDatabase(engine, System.IO.Directory.CreateTempSubdirectory("tz-store-test-").FullName, null, null, null);
        }
        var admin = System.Environment.GetEnvironmentVariable(PostgresUrlVariable)
            ?? throw new InvalidOperationException($"{PostgresUrlVariable} is not set: run the tests through .ci/run, which starts PostgreSQL");
        var name = "tz_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(StoreFactory.ToConnectionString(admin)))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        var url = admin[..(admin.LastIndexOf('/') + 1)] + name;
        return new TestDatabase(engine, null, admin, name, url);
    }

    public SqlInferenceStore OpenStore() => Engine == "sqlite"
        ? StoreFactory.Sqlite(Path.Combine(_directory!, "tensorzero.db"))
        : StoreFactory.Postgres(Url!);

    /// <summary>A plain connection to this database, for a test to set it up by hand.</summary>
    public async Task ExecuteAsync(IEnumerable<string> statements)
    {
        await using System.Data.Common.DbConnection connection = Engine == "sqlite"
            ? new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_directory!, "tensorzero.db")};Pooling=False")
            : new NpgsqlConnection(StoreFactory.ToConnectionString(Url!));
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Config lines that point a gateway at this database.</summary>
    public string ObservabilityToml => Engine == "sqlite"
        ? $"[gateway.observability]\nbackend = \"sqlite\"\ndata_dir = \"{_directory!.Replace("\\", "\\\\", StringComparison.Ordinal)}\"\nbatch_writes = {{ flush_interval_ms = 10 }}\n"
        : "[gateway.observability]\nbackend = \"postgres\"\nbatch_writes = { flush_interval_ms = 10 }\n";

    /// <summary>The gateway's environment for this database.</summary>
    public Dictionary<string, string> Environment(Dictionary<string, string>? others = null)
    {
        var environment = new Dictionary<string, string>(others ?? []);
        if (Url is not null)
        {
            environment["TENSORZERO_POSTGRES_URL"] = Url;
        }
        return environment;
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is not null)
        {
            try
            {
                System.IO.Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
        if (_adminUrl is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(StoreFactory.ToConnectionString(_adminUrl));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
