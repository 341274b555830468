using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TensorZero.Gateway.Store;

/// <summary>
/// <see cref="BatchInserts"/> on SQLite's own statement API, under the connection's open transaction. Values are bound
/// by position straight from their strings and stack buffers: ADO.NET's SQLite binding looks every parameter up by
/// name and copies every string to a new UTF-8 array for each row, the largest allocation of a busy gateway.
/// Ids and times are bound as the same text the ADO.NET path wrote (<c>D</c> and round-trip <c>O</c> formats).
/// Text goes to SQLite as UTF-8, the database's encoding, encoded as the ADO.NET path encodes it (a lone surrogate becomes
/// U+FFFD): text bound as UTF-16 is translated by SQLite one character at a time on every insert, the largest single
/// cost of SQLite's own in a busy gateway's profile.
/// </summary>
internal sealed class SqliteBatchInserts(SqliteConnection connection) : BatchInserts
{
    private readonly Dictionary<InsertStatement, Statement> _statements = new(ReferenceEqualityComparer.Instance);
    private Statement _selected = null!;
    private byte[]? _utf8;

    // Texts up to this many characters are encoded into a buffer kept for the batch (three bytes a character at most);
    // a longer one (a large answer) into an array of its own, so the batch doesn't keep a buffer of its size.
    private const int BufferedTextChars = 16 * 1024;

    private sealed record Statement(sqlite3_stmt Handle, int[] Indexes);

    private sqlite3 Database => connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");

    protected override void Select(InsertStatement statement)
    {
        if (!_statements.TryGetValue(statement, out var selected))
        {
            Check(raw.sqlite3_prepare_v2(Database, statement.Sql, out var handle));
            var indexes = new int[statement.Parameters.Count];
            for (var i = 0; i < indexes.Length; i++)
            {
                indexes[i] = raw.sqlite3_bind_parameter_index(handle, "@" + statement.Parameters[i].Name);
            }
            if (indexes.Contains(0) || raw.sqlite3_bind_parameter_count(handle) != indexes.Length)
            {
                handle.Dispose();
                throw new InvalidOperationException("an INSERT's parameter list doesn't match its SQL");
            }
            selected = new Statement(handle, indexes);
            _statements.Add(statement, selected);
        }
        _selected = selected;
    }

    protected override void BindNull(int position) => Check(raw.sqlite3_bind_null(_selected.Handle, _selected.Indexes[position]));

    // SQLite reads text at a null pointer as NULL, and an empty span has one: the empty string is bound as a string.
    // SQLite copies bound text (the provider binds it as transient), so the buffer is free again once this returns.
    protected override void BindText(int position, string value)
    {
        if (value.Length == 0)
        {
            Check(raw.sqlite3_bind_text(_selected.Handle, _selected.Indexes[position], string.Empty));
            return;
        }
        var utf8 = value.Length <= BufferedTextChars
            ? _utf8 ??= ArrayPool<byte>.Shared.Rent(BufferedTextChars * 3)
            : GC.AllocateUninitializedArray<byte>(Encoding.UTF8.GetByteCount(value));
        var length = Encoding.UTF8.GetBytes(value, utf8);
        Check(raw.sqlite3_bind_text(_selected.Handle, _selected.Indexes[position], utf8.AsSpan(0, length)));
    }

    protected override void BindLong(int position, long value) => Check(raw.sqlite3_bind_int64(_selected.Handle, _selected.Indexes[position], value));

    protected override void BindDouble(int position, double value) => Check(raw.sqlite3_bind_double(_selected.Handle, _selected.Indexes[position], value));

    protected override void BindBool(int position, bool value) => BindLong(position, value ? 1 : 0);

    protected override void BindId(int position, Guid value)
    {
        Span<byte> text = stackalloc byte[36];
        value.TryFormat(text, out var length, "D");
        Check(raw.sqlite3_bind_text(_selected.Handle, _selected.Indexes[position], text[..length]));
    }

    protected override void BindTime(int position, DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[48];
        value.TryFormat(text, out var length, "O", CultureInfo.InvariantCulture);
        Check(raw.sqlite3_bind_text(_selected.Handle, _selected.Indexes[position], text[..length]));
    }

    protected override Task ExecuteSelectedAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = raw.sqlite3_step(_selected.Handle);
        try
        {
            if (result != raw.SQLITE_DONE)
            {
                // Throws for every error code (and for a row, which an INSERT never returns).
                SqliteException.ThrowExceptionForRC(result == raw.SQLITE_ROW ? raw.SQLITE_MISUSE : result, Database);
            }
        }
        finally
        {
            raw.sqlite3_reset(_selected.Handle);
        }
        return Task.CompletedTask;
    }

    private void Check(int result) => SqliteException.ThrowExceptionForRC(result, Database);

    public override ValueTask DisposeAsync()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Handle.Dispose();
        }
        if (_utf8 is not null)
        {
            ArrayPool<byte>.Shared.Return(_utf8);
            _utf8 = null;
        }
        return ValueTask.CompletedTask;
    }
}
