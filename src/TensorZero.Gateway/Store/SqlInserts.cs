using System.Data;
using System.Data.Common;

namespace TensorZero.Gateway.Store;

/// <summary>One INSERT of the write path: its SQL and its parameters (name and type), in the order values are bound.</summary>
internal sealed record InsertStatement(string Sql, IReadOnlyList<(string Name, DbType Type)> Parameters);

/// <summary>The write path's INSERT statements for one engine, their SQL built once.</summary>
internal sealed class SqlInserts
{
    public SqlInserts(SqlDialect dialect)
    {
        // A row written twice (a batch retried after a commit whose answer was lost) is kept once.
        var verb = dialect.IsPostgres ? "INSERT INTO" : "INSERT OR IGNORE INTO";
        var onConflict = dialect.IsPostgres ? " ON CONFLICT (id) DO NOTHING" : string.Empty;
        // Types are fixed (a null binds as a null of its column's type), so PostgreSQL can keep one prepared statement.
        var id = dialect.IsPostgres ? DbType.Guid : DbType.String;
        var time = dialect.IsPostgres ? DbType.DateTimeOffset : DbType.String;

        InsertStatement Inference(string table, string specificColumn) => new(
            $"{verb} {table} (id, function_name, variant_name, episode_id, input, output, {specificColumn}, inference_params, " +
            "processing_time_ms, ttft_ms, tags, created_at) VALUES (@id, @function_name, @variant_name, @episode_id, " +
            $"{dialect.Json("@input")}, {dialect.Json("@output")}, {dialect.Json("@specific")}, {dialect.Json("@inference_params")}, " +
            $"@processing_time_ms, @ttft_ms, {dialect.Json("@tags")}, @created_at){onConflict}",
            [("id", id), ("function_name", DbType.String), ("variant_name", DbType.String), ("episode_id", id), ("input", DbType.String),
                ("output", DbType.String), ("specific", DbType.String), ("inference_params", DbType.String), ("processing_time_ms", DbType.Int64),
                ("ttft_ms", DbType.Int64), ("tags", DbType.String), ("created_at", time)]);

        InsertStatement Feedback(string table, string columns, (string Name, DbType Type)[] first, string valueSql, DbType valueType) => new(
            $"{verb} {table} (id, target_id, {columns}, tags, created_at) VALUES (@id, @target_id, " +
            $"{string.Concat(first.Select(p => $"@{p.Name}, "))}{valueSql}, {dialect.Json("@tags")}, @created_at){onConflict}",
            [("id", id), ("target_id", id), .. first, ("value", valueType), ("tags", DbType.String), ("created_at", time)]);

        ChatInference = Inference("chat_inferences", "tool_params");
        JsonInference = Inference("json_inferences", "output_schema");
        ModelInference = new(
            $"{verb} model_inferences (id, inference_id, raw_request, raw_response, system, input_messages, output, input_tokens, " +
            "output_tokens, response_time_ms, model_name, model_provider_name, ttft_ms, finish_reason, error, created_at, cached) VALUES (@id, " +
            $"@inference_id, @raw_request, @raw_response, @system, {dialect.Json("@input_messages")}, {dialect.Json("@output")}, @input_tokens, " +
            $"@output_tokens, @response_time_ms, @model_name, @model_provider_name, @ttft_ms, @finish_reason, @error, @created_at, @cached){onConflict}",
            [("id", id), ("inference_id", id), ("raw_request", DbType.String), ("raw_response", DbType.String), ("system", DbType.String),
                ("input_messages", DbType.String), ("output", DbType.String), ("input_tokens", DbType.Int64), ("output_tokens", DbType.Int64),
                ("response_time_ms", DbType.Int64), ("model_name", DbType.String), ("model_provider_name", DbType.String), ("ttft_ms", DbType.Int64),
                ("finish_reason", DbType.String), ("error", DbType.String), ("created_at", time), ("cached", DbType.Boolean)]);
        BooleanFeedback = Feedback("boolean_metric_feedback", "metric_name, value", [("metric_name", DbType.String)], "@value", DbType.Boolean);
        FloatFeedback = Feedback("float_metric_feedback", "metric_name, value", [("metric_name", DbType.String)], "@value", DbType.Double);
        CommentFeedback = Feedback("comment_feedback", "target_type, value", [("target_type", DbType.String)], "@value", DbType.String);
        DemonstrationFeedback = Feedback("demonstration_feedback", "value", [], dialect.Json("@value"), DbType.String);
        // The newest answer for a key replaces the older one, as TensorZero's lookup reads the newest row.
        CacheEntry = new(
            "INSERT INTO model_inference_cache (cache_key, output, raw_request, raw_response, input_tokens, output_tokens, finish_reason, " +
            "created_at) VALUES (@cache_key, @output, @raw_request, @raw_response, @input_tokens, @output_tokens, @finish_reason, @created_at) " +
            "ON CONFLICT (cache_key) DO UPDATE SET output = excluded.output, raw_request = excluded.raw_request, raw_response = excluded.raw_response, " +
            "input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, finish_reason = excluded.finish_reason, " +
            "created_at = excluded.created_at",
            [("cache_key", DbType.String), ("output", DbType.String), ("raw_request", DbType.String), ("raw_response", DbType.String),
                ("input_tokens", DbType.Int64), ("output_tokens", DbType.Int64), ("finish_reason", DbType.String), ("created_at", time)]);
    }

    public InsertStatement ChatInference { get; }

    public InsertStatement JsonInference { get; }

    public InsertStatement ModelInference { get; }

    public InsertStatement BooleanFeedback { get; }

    public InsertStatement FloatFeedback { get; }

    public InsertStatement CommentFeedback { get; }

    public InsertStatement DemonstrationFeedback { get; }

    public InsertStatement CacheEntry { get; }
}

/// <summary>
/// An INSERT command for the rows of one batch: created (and prepared) with its first row, then only its parameters'
/// values change from row to row.
/// </summary>
internal sealed class PreparedInsert : IAsyncDisposable
{
    private readonly DbCommand _command;
    private readonly DbParameter[] _parameters;
    private bool _prepared;

    public PreparedInsert(DbConnection connection, DbTransaction transaction, InsertStatement statement)
    {
        _command = connection.CreateCommand();
        _command.Transaction = transaction;
        _command.CommandText = statement.Sql;
        _parameters = new DbParameter[statement.Parameters.Count];
        for (var i = 0; i < _parameters.Length; i++)
        {
            var (name, type) = statement.Parameters[i];
            var parameter = _command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.DbType = type;
            _command.Parameters.Add(parameter);
            _parameters[i] = parameter;
        }
    }

    /// <summary>Sets the next row's values, one per parameter in the statement's order (null for SQL NULL).</summary>
    public PreparedInsert Bind(params ReadOnlySpan<object?> values)
    {
        if (values.Length != _parameters.Length)
        {
            throw new ArgumentException($"{_parameters.Length} values expected, {values.Length} given", nameof(values));
        }
        for (var i = 0; i < values.Length; i++)
        {
            _parameters[i].Value = values[i] ?? DBNull.Value;
        }
        return this;
    }

    public async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        if (!_prepared)
        {
            await _command.PrepareAsync(cancellationToken).ConfigureAwait(false);
            _prepared = true;
        }
        await _command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();
}

/// <summary>The commands of one batch's transaction: one <see cref="PreparedInsert"/> per statement, made on first use.</summary>
internal sealed class BatchCommands(DbConnection connection, DbTransaction transaction) : IAsyncDisposable
{
    private readonly Dictionary<InsertStatement, PreparedInsert> _commands = new(ReferenceEqualityComparer.Instance);

    public PreparedInsert For(InsertStatement statement)
    {
        if (!_commands.TryGetValue(statement, out var command))
        {
            command = new PreparedInsert(connection, transaction, statement);
            _commands.Add(statement, command);
        }
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }
    }
}
