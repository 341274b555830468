using System.Text.Json;

namespace TensorZero.Gateway.Store;

public sealed partial class SqlInferenceStore
{
    private SqlInserts? _inserts;

    private SqlInserts Inserts => _inserts ??= new SqlInserts(dialect);

    public async Task WriteAsync(IReadOnlyList<StoredRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // One command per table for the whole batch, prepared once; each row only rebinds its values. Rows are
        // written in their queue order.
        await using var commands = new BatchCommands(connection, transaction);
        foreach (var row in rows)
        {
            await BindRow(row, commands).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private PreparedInsert BindRow(StoredRow row, BatchCommands commands) => row switch
    {
        InferenceRow r when r.FunctionType == "chat" => commands.For(Inserts.ChatInference).Bind(
            dialect.Id(r.Id), r.FunctionName, r.VariantName, dialect.Id(r.EpisodeId), r.Input, r.Output, r.ToolParams, r.InferenceParams,
            r.ProcessingTimeMs, r.TtftMs, r.Tags, dialect.Time(r.CreatedAt)),
        InferenceRow r => commands.For(Inserts.JsonInference).Bind(
            dialect.Id(r.Id), r.FunctionName, r.VariantName, dialect.Id(r.EpisodeId), r.Input, r.Output, r.OutputSchema, r.InferenceParams,
            r.ProcessingTimeMs, r.TtftMs, r.Tags, dialect.Time(r.CreatedAt)),
        ModelInferenceRow r => commands.For(Inserts.ModelInference).Bind(
            dialect.Id(r.Id), dialect.Id(r.InferenceId), r.RawRequest, r.RawResponse, r.System, r.InputMessages, r.Output, r.InputTokens,
            r.OutputTokens, r.ResponseTimeMs, r.ModelName, r.ModelProviderName, r.TtftMs, r.FinishReason, r.Error, dialect.Time(r.CreatedAt),
            r.Cached),
        FeedbackRow r => r.Kind switch
        {
            "boolean" => commands.For(Inserts.BooleanFeedback).Bind(dialect.Id(r.Id), dialect.Id(r.TargetId), r.MetricName,
                JsonSerializer.Deserialize(r.Value, StoreJsonContext.Default.Boolean), r.Tags, dialect.Time(r.CreatedAt)),
            "float" => commands.For(Inserts.FloatFeedback).Bind(dialect.Id(r.Id), dialect.Id(r.TargetId), r.MetricName,
                JsonSerializer.Deserialize(r.Value, StoreJsonContext.Default.Double), r.Tags, dialect.Time(r.CreatedAt)),
            "comment" => commands.For(Inserts.CommentFeedback).Bind(dialect.Id(r.Id), dialect.Id(r.TargetId), r.TargetType,
                JsonSerializer.Deserialize(r.Value, StoreJsonContext.Default.String)!, r.Tags, dialect.Time(r.CreatedAt)),
            "demonstration" => commands.For(Inserts.DemonstrationFeedback).Bind(dialect.Id(r.Id), dialect.Id(r.TargetId), r.Value, r.Tags,
                dialect.Time(r.CreatedAt)),
            _ => throw new InvalidOperationException($"unknown feedback kind {r.Kind}"),
        },
        Cache.CacheEntryRow r => commands.For(Inserts.CacheEntry).Bind(r.CacheKey, r.Output, r.RawRequest, r.RawResponse, r.InputTokens,
            r.OutputTokens, r.FinishReason, dialect.Time(r.CreatedAt)),
        _ => throw new InvalidOperationException($"unknown row type {row.GetType().Name}"),
    };
}

[System.Text.Json.Serialization.JsonSerializable(typeof(bool))]
[System.Text.Json.Serialization.JsonSerializable(typeof(double))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class StoreJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
