using System.Text.Json;
using Microsoft.Data.Sqlite;

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
        // One statement per table for the whole batch, prepared once; each row only rebinds its values. Rows are
        // written in their queue order.
        await using BatchInserts inserts = connection is SqliteConnection sqlite
            ? new SqliteBatchInserts(sqlite)
            : new AdoBatchInserts(connection, transaction, dialect);
        foreach (var row in rows)
        {
            await BindRow(row, inserts).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private BatchInserts BindRow(StoredRow row, BatchInserts inserts) => row switch
    {
        InferenceRow { FunctionType: "chat" } r => inserts.Row(Inserts.ChatInference)
            .Id(r.Id).Text(r.FunctionName).Text(r.VariantName).Id(r.EpisodeId).Text(r.Input).Text(r.Output).Text(r.ToolParams)
            .Text(r.InferenceParams).Long(r.ProcessingTimeMs).Long(r.TtftMs).Text(r.Tags).Time(r.CreatedAt),
        InferenceRow r => inserts.Row(Inserts.JsonInference)
            .Id(r.Id).Text(r.FunctionName).Text(r.VariantName).Id(r.EpisodeId).Text(r.Input).Text(r.Output).Text(r.OutputSchema)
            .Text(r.InferenceParams).Long(r.ProcessingTimeMs).Long(r.TtftMs).Text(r.Tags).Time(r.CreatedAt),
        ModelInferenceRow r => inserts.Row(Inserts.ModelInference)
            .Id(r.Id).Id(r.InferenceId).Text(r.RawRequest).Text(r.RawResponse).Text(r.System).Text(r.InputMessages).Text(r.Output)
            .Long(r.InputTokens).Long(r.OutputTokens).Long(r.ResponseTimeMs).Text(r.ModelName).Text(r.ModelProviderName).Long(r.TtftMs)
            .Text(r.FinishReason).Text(r.Error).Time(r.CreatedAt).Bool(r.Cached),
        FeedbackRow r => r.Kind switch
        {
            "boolean" => inserts.Row(Inserts.BooleanFeedback).Id(r.Id).Id(r.TargetId).Text(r.MetricName)
                .Bool(JsonSerializer.Deserialize(r.Value, StoreJsonContext.Default.Boolean)).Text(r.Tags).Time(r.CreatedAt),
            "float" => inserts.Row(Inserts.FloatFeedback).Id(r.Id).Id(r.TargetId).Text(r.MetricName)
                .Double(JsonSerializer.Deserialize(r.Value, StoreJsonContext.Default.Double)).Text(r.Tags).Time(r.CreatedAt),
            "comment" => inserts.Row(Inserts.CommentFeedback).Id(r.Id).Id(r.TargetId).Text(r.TargetType)
                .Text(JsonSerializer.Deserialize(r.Value, StoreJsonContext.Default.String)!).Text(r.Tags).Time(r.CreatedAt),
            "demonstration" => inserts.Row(Inserts.DemonstrationFeedback).Id(r.Id).Id(r.TargetId).Text(r.Value).Text(r.Tags).Time(r.CreatedAt),
            _ => throw new InvalidOperationException($"unknown feedback kind {r.Kind}"),
        },
        Cache.CacheEntryRow r => inserts.Row(Inserts.CacheEntry).Text(r.CacheKey).Text(r.Output).Text(r.RawRequest).Text(r.RawResponse)
            .Long(r.InputTokens).Long(r.OutputTokens).Text(r.FinishReason).Time(r.CreatedAt),
        _ => throw new InvalidOperationException($"unknown row type {row.GetType().Name}"),
    };
}

[System.Text.Json.Serialization.JsonSerializable(typeof(bool))]
[System.Text.Json.Serialization.JsonSerializable(typeof(double))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class StoreJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
