namespace TensorZero.Gateway.Store;

/// <summary>What a parameter holds; each engine maps it to its own column type and wire form.</summary>
internal enum ValueKind
{
    Text,
    Long,
    Double,
    Bool,
    Id,
    Time,
}

/// <summary>One INSERT of the write path: its SQL and its parameters (name and kind), in the order values are bound.</summary>
internal sealed record InsertStatement(string Sql, IReadOnlyList<(string Name, ValueKind Kind)> Parameters);

/// <summary>The write path's INSERT statements for one engine, their SQL built once.</summary>
internal sealed class SqlInserts
{
    public SqlInserts(SqlDialect dialect)
    {
        // A row written twice (a batch retried after a commit whose answer was lost) is kept once.
        var verb = dialect.IsPostgres ? "INSERT INTO" : "INSERT OR IGNORE INTO";
        var onConflict = dialect.IsPostgres ? " ON CONFLICT (id) DO NOTHING" : string.Empty;
        const ValueKind id = ValueKind.Id, time = ValueKind.Time;

        InsertStatement Inference(string table, string specificColumn) => new(
            $"{verb} {table} (id, function_name, variant_name, episode_id, input, output, {specificColumn}, inference_params, " +
            "processing_time_ms, ttft_ms, tags, created_at) VALUES (@id, @function_name, @variant_name, @episode_id, " +
            $"{dialect.Json("@input")}, {dialect.Json("@output")}, {dialect.Json("@specific")}, {dialect.Json("@inference_params")}, " +
            $"@processing_time_ms, @ttft_ms, {dialect.Json("@tags")}, @created_at){onConflict}",
            [("id", id), ("function_name", ValueKind.Text), ("variant_name", ValueKind.Text), ("episode_id", id), ("input", ValueKind.Text),
                ("output", ValueKind.Text), ("specific", ValueKind.Text), ("inference_params", ValueKind.Text), ("processing_time_ms", ValueKind.Long),
                ("ttft_ms", ValueKind.Long), ("tags", ValueKind.Text), ("created_at", time)]);

        InsertStatement Feedback(string table, string columns, (string Name, ValueKind Kind)[] first, string valueSql, ValueKind valueType) => new(
            $"{verb} {table} (id, target_id, {columns}, tags, created_at) VALUES (@id, @target_id, " +
            $"{string.Concat(first.Select(p => $"@{p.Name}, "))}{valueSql}, {dialect.Json("@tags")}, @created_at){onConflict}",
            [("id", id), ("target_id", id), .. first, ("value", valueType), ("tags", ValueKind.Text), ("created_at", time)]);

        ChatInference = Inference("chat_inferences", "tool_params");
        JsonInference = Inference("json_inferences", "output_schema");
        ModelInference = new(
            $"{verb} model_inferences (id, inference_id, raw_request, raw_response, system, input_messages, output, input_tokens, " +
            "output_tokens, response_time_ms, model_name, model_provider_name, ttft_ms, finish_reason, error, created_at, cached) VALUES (@id, " +
            $"@inference_id, @raw_request, @raw_response, @system, {dialect.Json("@input_messages")}, {dialect.Json("@output")}, @input_tokens, " +
            $"@output_tokens, @response_time_ms, @model_name, @model_provider_name, @ttft_ms, @finish_reason, @error, @created_at, @cached){onConflict}",
            [("id", id), ("inference_id", id), ("raw_request", ValueKind.Text), ("raw_response", ValueKind.Text), ("system", ValueKind.Text),
                ("input_messages", ValueKind.Text), ("output", ValueKind.Text), ("input_tokens", ValueKind.Long), ("output_tokens", ValueKind.Long),
                ("response_time_ms", ValueKind.Long), ("model_name", ValueKind.Text), ("model_provider_name", ValueKind.Text), ("ttft_ms", ValueKind.Long),
                ("finish_reason", ValueKind.Text), ("error", ValueKind.Text), ("created_at", time), ("cached", ValueKind.Bool)]);
        BooleanFeedback = Feedback("boolean_metric_feedback", "metric_name, value", [("metric_name", ValueKind.Text)], "@value", ValueKind.Bool);
        FloatFeedback = Feedback("float_metric_feedback", "metric_name, value", [("metric_name", ValueKind.Text)], "@value", ValueKind.Double);
        CommentFeedback = Feedback("comment_feedback", "target_type, value", [("target_type", ValueKind.Text)], "@value", ValueKind.Text);
        DemonstrationFeedback = Feedback("demonstration_feedback", "value", [], dialect.Json("@value"), ValueKind.Text);
        // The newest answer for a key replaces the older one, as TensorZero's lookup reads the newest row.
        CacheEntry = new(
            "INSERT INTO model_inference_cache (cache_key, output, raw_request, raw_response, input_tokens, output_tokens, finish_reason, " +
            "created_at) VALUES (@cache_key, @output, @raw_request, @raw_response, @input_tokens, @output_tokens, @finish_reason, @created_at) " +
            "ON CONFLICT (cache_key) DO UPDATE SET output = excluded.output, raw_request = excluded.raw_request, raw_response = excluded.raw_response, " +
            "input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, finish_reason = excluded.finish_reason, " +
            "created_at = excluded.created_at",
            [("cache_key", ValueKind.Text), ("output", ValueKind.Text), ("raw_request", ValueKind.Text), ("raw_response", ValueKind.Text),
                ("input_tokens", ValueKind.Long), ("output_tokens", ValueKind.Long), ("finish_reason", ValueKind.Text), ("created_at", time)]);
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
