using System.Data.Common;
using System.Text.Json;

namespace TensorZero.Gateway.Store;

public sealed partial class SqlInferenceStore
{
    public async Task WriteAsync(IReadOnlyList<StoredRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            await using var command = row switch
            {
                InferenceRow inference => InsertInference(connection, transaction, inference),
                ModelInferenceRow model => InsertModelInference(connection, transaction, model),
                FeedbackRow feedback => InsertFeedback(connection, transaction, feedback),
                Cache.CacheEntryRow entry => InsertCacheEntry(connection, transaction, entry),
                _ => throw new InvalidOperationException($"unknown row type {row.GetType().Name}"),
            };
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    // A row written twice (a batch retried after a commit whose answer was lost) is kept once.
    private string OnConflict => dialect.IsPostgres ? " ON CONFLICT (id) DO NOTHING" : string.Empty;

    private string InsertVerb => dialect.IsPostgres ? "INSERT INTO" : "INSERT OR IGNORE INTO";

    private DbCommand InsertInference(DbConnection connection, DbTransaction transaction, InferenceRow row)
    {
        var chat = row.FunctionType == "chat";
        var (table, specificColumn, specificValue) = chat
            ? ("chat_inferences", "tool_params", row.ToolParams)
            : ("json_inferences", "output_schema", row.OutputSchema);
        var command = Command(connection, transaction,
            $"{InsertVerb} {table} (id, function_name, variant_name, episode_id, input, output, {specificColumn}, inference_params, " +
            "processing_time_ms, ttft_ms, tags, created_at) VALUES (@id, @function_name, @variant_name, @episode_id, " +
            $"{dialect.Json("@input")}, {dialect.Json("@output")}, {dialect.Json("@specific")}, {dialect.Json("@inference_params")}, " +
            $"@processing_time_ms, @ttft_ms, {dialect.Json("@tags")}, @created_at){OnConflict}");
        Add(command, "id", dialect.Id(row.Id));
        Add(command, "function_name", row.FunctionName);
        Add(command, "variant_name", row.VariantName);
        Add(command, "episode_id", dialect.Id(row.EpisodeId));
        Add(command, "input", row.Input);
        Add(command, "output", row.Output);
        Add(command, "specific", specificValue);
        Add(command, "inference_params", row.InferenceParams);
        Add(command, "processing_time_ms", row.ProcessingTimeMs);
        Add(command, "ttft_ms", row.TtftMs);
        Add(command, "tags", row.Tags);
        Add(command, "created_at", dialect.Time(row.CreatedAt));
        return command;
    }

    private DbCommand InsertModelInference(DbConnection connection, DbTransaction transaction, ModelInferenceRow row)
    {
        var command = Command(connection, transaction,
            $"{InsertVerb} model_inferences (id, inference_id, raw_request, raw_response, system, input_messages, output, input_tokens, " +
            "output_tokens, response_time_ms, model_name, model_provider_name, ttft_ms, finish_reason, error, created_at, cached) VALUES (@id, " +
            $"@inference_id, @raw_request, @raw_response, @system, {dialect.Json("@input_messages")}, {dialect.Json("@output")}, @input_tokens, " +
            $"@output_tokens, @response_time_ms, @model_name, @model_provider_name, @ttft_ms, @finish_reason, @error, @created_at, @cached){OnConflict}");
        Add(command, "id", dialect.Id(row.Id));
        Add(command, "inference_id", dialect.Id(row.InferenceId));
        Add(command, "raw_request", row.RawRequest);
        Add(command, "raw_response", row.RawResponse);
        Add(command, "system", row.System);
        Add(command, "input_messages", row.InputMessages);
        Add(command, "output", row.Output);
        Add(command, "input_tokens", row.InputTokens);
        Add(command, "output_tokens", row.OutputTokens);
        Add(command, "response_time_ms", row.ResponseTimeMs);
        Add(command, "model_name", row.ModelName);
        Add(command, "model_provider_name", row.ModelProviderName);
        Add(command, "ttft_ms", row.TtftMs);
        Add(command, "finish_reason", row.FinishReason);
        Add(command, "error", row.Error);
        Add(command, "created_at", dialect.Time(row.CreatedAt));
        Add(command, "cached", row.Cached);
        return command;
    }

    private DbCommand InsertFeedback(DbConnection connection, DbTransaction transaction, FeedbackRow row)
    {
        var (table, columns, value) = row.Kind switch
        {
            "boolean" => ("boolean_metric_feedback", "metric_name, value", (object)JsonSerializer.Deserialize(row.Value, StoreJsonContext.Default.Boolean)),
            "float" => ("float_metric_feedback", "metric_name, value", JsonSerializer.Deserialize(row.Value, StoreJsonContext.Default.Double)),
            "comment" => ("comment_feedback", "target_type, value", JsonSerializer.Deserialize(row.Value, StoreJsonContext.Default.String)!),
            "demonstration" => ("demonstration_feedback", "value", row.Value),
            _ => throw new InvalidOperationException($"unknown feedback kind {row.Kind}"),
        };
        var first = row.Kind switch { "comment" => "@target_type, ", "demonstration" => string.Empty, _ => "@metric_name, " };
        var valueSql = row.Kind == "demonstration" ? dialect.Json("@value") : "@value";
        var command = Command(connection, transaction,
            $"{InsertVerb} {table} (id, target_id, {columns}, tags, created_at) VALUES (@id, @target_id, {first}{valueSql}, " +
            $"{dialect.Json("@tags")}, @created_at){OnConflict}");
        Add(command, "id", dialect.Id(row.Id));
        Add(command, "target_id", dialect.Id(row.TargetId));
        if (row.Kind is "boolean" or "float")
        {
            Add(command, "metric_name", row.MetricName);
        }
        else if (row.Kind == "comment")
        {
            Add(command, "target_type", row.TargetType);
        }
        Add(command, "value", value);
        Add(command, "tags", row.Tags);
        Add(command, "created_at", dialect.Time(row.CreatedAt));
        return command;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(bool))]
[System.Text.Json.Serialization.JsonSerializable(typeof(double))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class StoreJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
