using Microsoft.Data.Sqlite;

namespace TensorZero.Gateway.Tests.Store;

/// <summary>A new SQLite store file gets 16 KB pages; a file made with other pages keeps them and keeps working.</summary>
public sealed class SqlitePageSizeTests
{
    [Fact]
    public async Task Prepare_NewFile_Has16KbPagesInWalMode()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");

        Assert.Equal((16384L, "wal"), await PrepareWriteAndReadAsync(database));
    }

    [Fact]
    public async Task Prepare_FileMadeWith4KbPages_KeepsThemAndWritesRows()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using (var connection = Open(database))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE made_elsewhere (x INTEGER);";
            await command.ExecuteNonQueryAsync();
        }

        Assert.Equal((4096L, "wal"), await PrepareWriteAndReadAsync(database));
    }

    // Prepares the store, writes a row and reads it back; returns the file's page size and journal mode after.
    private static async Task<(long PageSize, string JournalMode)> PrepareWriteAndReadAsync(TestDatabase database)
    {
        await using var store = database.OpenStore();
        await store.PrepareAsync(migrate: true, CancellationToken.None);
        var id = Guid.CreateVersion7();
        await store.WriteAsync([StoreRows.Inference(id, Guid.CreateVersion7())], CancellationToken.None);
        Assert.NotNull(await store.GetInferenceAsync(id, CancellationToken.None));
        return await PragmasAsync(database);
    }

    private static SqliteConnection Open(TestDatabase database) =>
        new($"Data Source={Path.Combine(database.Directory!, "tensorzero.db")};Pooling=False");

    private static async Task<(long PageSize, string JournalMode)> PragmasAsync(TestDatabase database)
    {
        await using var connection = Open(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size";
        var pageSize = (long)(await command.ExecuteScalarAsync())!;
        command.CommandText = "PRAGMA journal_mode";
        return (pageSize, (string)(await command.ExecuteScalarAsync())!);
    }
}
