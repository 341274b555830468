using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Tests.Store;

public sealed class SchemaMigrationTests
{
    public static TheoryData<string> Engines => new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Prepare_EmptyDatabase_AppliesEveryVersionAndIsIdempotent(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var store = database.OpenStore();

        await store.PrepareAsync(migrate: true, CancellationToken.None);
        await store.PrepareAsync(migrate: true, CancellationToken.None);

        Assert.Equal(SchemaMigrations.Latest, await store.SchemaVersionAsync(CancellationToken.None));
        Assert.Empty(await store.ListInferencesAsync(new InferenceQuery(null, null, null, null, 10), CancellationToken.None));
        Assert.Empty(await store.ListFeedbackAsync(Guid.NewGuid(), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Prepare_PreviousVersion_AppliesOnlyTheNewSteps(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var store = database.OpenStore();
        await ApplyUpToAsync(database, store, SchemaMigrations.Latest - 1);
        var id = Guid.CreateVersion7();
        await store.WriteAsync([StoreRows.Inference(id, Guid.CreateVersion7())], CancellationToken.None);

        await store.PrepareAsync(migrate: true, CancellationToken.None);

        Assert.Equal(SchemaMigrations.Latest, await store.SchemaVersionAsync(CancellationToken.None));
        Assert.NotNull(await store.GetInferenceAsync(id, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Prepare_OlderDatabaseWithMigrationsOff_FailsNamingBothVersions(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var store = database.OpenStore();
        await ApplyUpToAsync(database, store, SchemaMigrations.Latest - 1);

        var error = await Assert.ThrowsAsync<StoreSchemaException>(() => store.PrepareAsync(migrate: false, CancellationToken.None));

        Assert.Contains($"version {SchemaMigrations.Latest - 1}, older than this gateway needs (version {SchemaMigrations.Latest})", error.Message);
        Assert.Contains("disable_automatic_migrations", error.Message);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Prepare_NewerDatabase_FailsSayingUpgradeTheGateway(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var store = database.OpenStore();
        await store.PrepareAsync(migrate: true, CancellationToken.None);
        await ApplyUpToAsync(database, store, 0, extraVersion: SchemaMigrations.Latest + 1);

        var error = await Assert.ThrowsAsync<StoreSchemaException>(() => store.PrepareAsync(migrate: true, CancellationToken.None));

        Assert.Contains($"version {SchemaMigrations.Latest + 1}, newer than this gateway understands", error.Message);
    }

    // Runs the steps up to a version by hand (what an older gateway would have left), or records a future version.
    private static async Task ApplyUpToAsync(TestDatabase database, SqlInferenceStore store, int version, int? extraVersion = null)
    {
        var dialect = store.Dialect;
        var statements = new List<string>
        {
            dialect.Ddl($"CREATE TABLE IF NOT EXISTS {SchemaMigrations.VersionTable} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at {{ts}} NOT NULL)"),
        };
        foreach (var migration in SchemaMigrations.All.Where(m => m.Version <= version))
        {
            statements.AddRange(migration.Statements.Select(dialect.Ddl));
            statements.Add($"INSERT INTO {SchemaMigrations.VersionTable} VALUES ({migration.Version}, 'test', '2026-01-01T00:00:00Z')");
        }
        if (extraVersion is { } extra)
        {
            statements.Add($"INSERT INTO {SchemaMigrations.VersionTable} VALUES ({extra}, 'future', '2030-01-01T00:00:00Z')");
        }
        await database.ExecuteAsync(statements);
    }
}
