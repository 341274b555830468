using System.Text.Json;
using TensorZero.Gateway.Endpoints;

namespace TensorZero.Gateway.Store;

/// <summary>Stored rows as the read endpoints show them; JSON columns are embedded as JSON, not as strings.</summary>
internal static class StoredRowWriter
{
    public static void WriteInferenceFields(Utf8JsonWriter writer, InferenceRow row, bool withOutput = true)
    {
        writer.WriteString("type"u8, row.FunctionType);
        writer.WriteString("inference_id"u8, row.Id);
        writer.WriteString("episode_id"u8, row.EpisodeId);
        writer.WriteString("function_name"u8, row.FunctionName);
        writer.WriteString("variant_name"u8, row.VariantName);
        Raw(writer, "input"u8, RowJson.InputAsRead(row.Input));
        if (withOutput)
        {
            Raw(writer, "output"u8, row.Output);
        }
        if (row.DispreferredOutput is { } dispreferred)
        {
            writer.WriteStartArray("dispreferred_outputs"u8);
            RawValue(writer, dispreferred);
            writer.WriteEndArray();
        }
        if (row.ToolParams is { } tools)
        {
            StoredToolParams.WriteAsRead(writer, tools);
        }
        if (row.OutputSchema is { } schema)
        {
            Raw(writer, "output_schema"u8, schema);
        }
        Raw(writer, "inference_params"u8, RowJson.ParamsAsRead(row.InferenceParams));
        Raw(writer, "tags"u8, row.Tags);
        Number(writer, "processing_time_ms"u8, row.ProcessingTimeMs);
        Number(writer, "ttft_ms"u8, row.TtftMs);
        WriteTime(writer, "timestamp"u8, row.CreatedAt);
    }

    public static void WriteModelInference(Utf8JsonWriter writer, ModelInferenceRow row)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, row.Id);
        writer.WriteString("inference_id"u8, row.InferenceId);
        writer.WriteString("model_name"u8, row.ModelName);
        writer.WriteString("model_provider_name"u8, row.ModelProviderName);
        writer.WriteString("raw_request"u8, row.RawRequest);
        writer.WriteString("raw_response"u8, row.RawResponse);
        JsonWriting.WriteText(writer, "system", row.System);
        Raw(writer, "input_messages"u8, row.InputMessages);
        Raw(writer, "output"u8, row.Output);
        Number(writer, "input_tokens"u8, row.InputTokens);
        Number(writer, "output_tokens"u8, row.OutputTokens);
        Number(writer, "response_time_ms"u8, row.ResponseTimeMs);
        Number(writer, "ttft_ms"u8, row.TtftMs);
        JsonWriting.WriteText(writer, "finish_reason", row.FinishReason);
        JsonWriting.WriteText(writer, "error", row.Error);
        writer.WriteBoolean("cached"u8, row.Cached);
        WriteTime(writer, "timestamp"u8, row.CreatedAt);
        writer.WriteEndObject();
    }

    public static void WriteFeedback(Utf8JsonWriter writer, FeedbackRow row)
    {
        writer.WriteStartObject();
        writer.WriteString("feedback_id"u8, row.Id);
        writer.WriteString("metric_name"u8, row.MetricName);
        Raw(writer, "value"u8, row.Kind == "comment" ? JsonSerializer.Serialize(row.Value, StoreJsonContext.Default.String) : row.Value);
        Raw(writer, "tags"u8, row.Tags);
        WriteTime(writer, "timestamp"u8, row.CreatedAt);
        writer.WriteEndObject();
    }

    public static void WriteEpisode(Utf8JsonWriter writer, EpisodeRow episode)
    {
        writer.WriteStartObject();
        writer.WriteString("episode_id"u8, episode.EpisodeId);
        writer.WriteNumber("count"u8, episode.Count);
        WriteTime(writer, "start_time"u8, episode.StartTime);
        WriteTime(writer, "end_time"u8, episode.EndTime);
        writer.WriteString("last_inference_id"u8, episode.LastInferenceId);
        writer.WriteEndObject();
    }

    /// <summary>A stored time as the read endpoints show every one: UTC, round-trip format.</summary>
    public static void WriteTime(Utf8JsonWriter writer, ReadOnlySpan<byte> name, DateTimeOffset time) =>
        writer.WriteString(name, time.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    private static void Raw(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string json)
    {
        writer.WritePropertyName(name);
        RawValue(writer, json);
    }

    private static void RawValue(Utf8JsonWriter writer, string json)
    {
        try
        {
            writer.WriteRawValue(json, skipInputValidation: false);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(json);
        }
    }

    private static void Number(Utf8JsonWriter writer, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } n)
        {
            writer.WriteNumber(name, n);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
