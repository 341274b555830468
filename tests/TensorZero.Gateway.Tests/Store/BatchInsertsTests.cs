using Microsoft.Data.Sqlite;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Tests.Store;

/// <summary>
/// SQLite's statement-level binding writes exactly what the ADO.NET binding wrote (same stored types and text), and a
/// row bound wrongly fails before it reaches the database.
/// </summary>
public sealed class BatchInsertsTests : IDisposable
{
    private static readonly InsertStatement Sample = new(
        "INSERT INTO sample (text, empty, missing, number, fraction, flag, id, at) VALUES (@text, @empty, @missing, @number, @fraction, @flag, @id, @at)",
        [("text", ValueKind.Text), ("empty", ValueKind.Text), ("missing", ValueKind.Text), ("number", ValueKind.Long), ("fraction", ValueKind.Double),
            ("flag", ValueKind.Bool), ("id", ValueKind.Id), ("at", ValueKind.Time)]);

    private static readonly Guid Id = Guid.Parse("0192d4a0-1b2c-7d3e-8f40-123456789abc");

    // Not UTC on purpose: both paths store the UTC time.
    private static readonly DateTimeOffset At = new(2026, 11, 30, 14, 5, 6, 789, TimeSpan.FromHours(2));

    private readonly string _directory = Directory.CreateTempSubdirectory("tz-batch-inserts-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "test.db")};Pooling=False");
        await connection.OpenAsync();
        await using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE IF NOT EXISTS sample (text TEXT, empty TEXT, missing TEXT, number INTEGER, fraction REAL, flag INTEGER, id TEXT, at TEXT NOT NULL)";
        await create.ExecuteNonQueryAsync();
        return connection;
    }

    private static Task BindSample(BatchInserts inserts, string text, long number) => inserts.Row(Sample)
        .Text(text).Text(string.Empty).Text(null).Long(number).Double(0.1).Bool(true).Id(Id).Time(At).ExecuteAsync(CancellationToken.None);

    private static async Task<List<string>> ReadAsync(SqliteConnection connection)
    {
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT quote(text), hex(text), typeof(text), quote(empty), typeof(empty), typeof(missing), quote(number), typeof(number), " +
            "quote(fraction), typeof(fraction), quote(flag), typeof(flag), quote(id), quote(at) FROM sample ORDER BY rowid";
        await using var reader = await read.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)));
        }
        return rows;
    }

    // Texts of up to 16K characters are encoded into the batch's buffer, longer ones into an array of their own: both
    // sides of that line, a buffer filled to its last byte (16K three-byte characters), and a short text bound after a
    // long one into the same buffer (the "second" row).
    public static TheoryData<string> Texts() => new()
    {
        "caf\u00e9 \U0001F30D \"quoted\" 'single' \u4e2d\u6587",
        "lone \ud800 high and \udc00 low surrogates, and a pair reversed \udc00\ud800",
        "control \u0001 and \u007f and tab \t",
        new string('\u4e2d', 16 * 1024),
        new string('\u4e2d', 16 * 1024 + 1),
        string.Concat(Enumerable.Repeat("caf\u00e9 \U0001F30D \ud800 ", 3_000)),
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task SqliteBatch_SameRowsAsAdo_StoresIdenticalValuesAndTypes(string text)
    {
        await using var connection = await OpenAsync();

        await using (var transaction = connection.BeginTransaction())
        {
            await using (var ado = new AdoBatchInserts(connection, transaction, SqlDialect.Sqlite))
            {
                await BindSample(ado, text, -5);
                await BindSample(ado, "second", long.MaxValue);
            }
            await using (var sqlite = new SqliteBatchInserts(connection))
            {
                await BindSample(sqlite, text, -5);
                await BindSample(sqlite, "second", long.MaxValue);
            }
            await transaction.CommitAsync();
        }

        var rows = await ReadAsync(connection);
        Assert.Equal(4, rows.Count);
        Assert.Equal(rows[0], rows[2]);
        Assert.Equal(rows[1], rows[3]);
        Assert.EndsWith(" | text | '' | text | null | -5 | integer | 0.1 | real | 1 | integer | " +
            "'0192d4a0-1b2c-7d3e-8f40-123456789abc' | '2026-11-30T12:05:06.7890000+00:00'", rows[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SqliteBatch_RowRefused_ThrowsSqliteExceptionAndTheNextRowIsWritten()
    {
        var notNull = Sample with
        {
            Sql = "INSERT INTO sample (text, empty, missing, number, fraction, flag, id, at) VALUES (@text, @empty, @missing, @number, @fraction, @flag, @id, NULL)",
            Parameters = Sample.Parameters.Take(7).ToList(),
        };
        await using var connection = await OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await using var inserts = new SqliteBatchInserts(connection);

        var error = await Assert.ThrowsAsync<SqliteException>(() => inserts.Row(notNull)
            .Text("a").Text("b").Text(null).Long(1).Double(1).Bool(false).Id(Id).ExecuteAsync(CancellationToken.None));
        await BindSample(inserts, "after", 2);
        await transaction.CommitAsync();

        Assert.Contains("NOT NULL constraint failed: sample.at", error.Message, StringComparison.Ordinal);
        Assert.Equal(["'after'"], (await ReadAsync(connection)).Select(r => r.Split(" | ")[0]));
    }

    [Fact]
    public async Task Row_ValueOfTheWrongKind_ThrowsNamingTheParameter()
    {
        await using var connection = await OpenAsync();
        await using var inserts = new SqliteBatchInserts(connection);

        var error = Assert.Throws<InvalidOperationException>(() => inserts.Row(Sample).Text("a").Text("b").Text(null).Text("4"));

        Assert.Equal("parameter @number takes a Long value, not a Text", error.Message);
    }

    [Fact]
    public async Task Row_TooFewOrTooManyValues_Throws()
    {
        await using var connection = await OpenAsync();
        await using var inserts = new SqliteBatchInserts(connection);

        var tooFew = await Assert.ThrowsAsync<InvalidOperationException>(() => inserts.Row(Sample).Text("a").ExecuteAsync(CancellationToken.None));
        var unfinished = Assert.Throws<InvalidOperationException>(() => inserts.Row(Sample));
        var tooMany = Assert.Throws<InvalidOperationException>(() => inserts.Text("b").Text(null).Long(1).Double(1).Bool(true).Id(Id).Time(At).Text("extra"));

        Assert.Equal("1 of the 8 values of the row were bound", tooFew.Message);
        Assert.Equal("the previous row was bound but not executed", unfinished.Message);
        Assert.Equal("the row takes 8 values; one more was bound", tooMany.Message);
        Assert.Empty(await ReadAsync(connection));
    }

    [Fact]
    public async Task SqliteBatch_ParameterListNotMatchingTheSql_Throws()
    {
        var missing = Sample with { Parameters = Sample.Parameters.Take(7).ToList() };
        await using var connection = await OpenAsync();
        await using var inserts = new SqliteBatchInserts(connection);

        var error = Assert.Throws<InvalidOperationException>(() => inserts.Row(missing));

        Assert.Equal("an INSERT's parameter list doesn't match its SQL", error.Message);
    }
}
