using System.Data;
using System.Data.Common;

namespace TensorZero.Gateway.Store;

/// <summary>
/// <see cref="BatchInserts"/> over ADO.NET commands (PostgreSQL). Parameter types are fixed per kind (a null binds as a
/// null of its column's type), so the server keeps one prepared statement per INSERT.
/// </summary>
internal sealed class AdoBatchInserts(DbConnection connection, DbTransaction transaction, SqlDialect dialect) : BatchInserts
{
    private readonly Dictionary<InsertStatement, Command> _commands = new(ReferenceEqualityComparer.Instance);
    private Command _selected = null!;

    private sealed record Command(DbCommand Sql, DbParameter[] Parameters)
    {
        public bool Prepared { get; set; }
    }

    protected override void Select(InsertStatement statement)
    {
        if (!_commands.TryGetValue(statement, out var selected))
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = statement.Sql;
            var parameters = new DbParameter[statement.Parameters.Count];
            for (var i = 0; i < parameters.Length; i++)
            {
                var (name, kind) = statement.Parameters[i];
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@" + name;
                parameter.DbType = TypeOf(kind);
                command.Parameters.Add(parameter);
                parameters[i] = parameter;
            }
            selected = new Command(command, parameters);
            _commands.Add(statement, selected);
        }
        _selected = selected;
    }

    private DbType TypeOf(ValueKind kind) => kind switch
    {
        ValueKind.Text => DbType.String,
        ValueKind.Long => DbType.Int64,
        ValueKind.Double => DbType.Double,
        ValueKind.Bool => DbType.Boolean,
        ValueKind.Id => dialect.IsPostgres ? DbType.Guid : DbType.String,
        ValueKind.Time => dialect.IsPostgres ? DbType.DateTimeOffset : DbType.String,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    protected override void BindNull(int position) => _selected.Parameters[position].Value = DBNull.Value;

    protected override void BindText(int position, string value) => _selected.Parameters[position].Value = value;

    protected override void BindLong(int position, long value) => _selected.Parameters[position].Value = value;

    protected override void BindDouble(int position, double value) => _selected.Parameters[position].Value = value;

    protected override void BindBool(int position, bool value) => _selected.Parameters[position].Value = value;

    protected override void BindId(int position, Guid value) => _selected.Parameters[position].Value = dialect.Id(value);

    protected override void BindTime(int position, DateTimeOffset value) => _selected.Parameters[position].Value = dialect.Time(value);

    protected override async Task ExecuteSelectedAsync(CancellationToken cancellationToken)
    {
        if (!_selected.Prepared)
        {
            await _selected.Sql.PrepareAsync(cancellationToken).ConfigureAwait(false);
            _selected.Prepared = true;
        }
        await _selected.Sql.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.Sql.DisposeAsync().ConfigureAwait(false);
        }
    }
}
