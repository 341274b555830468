using System.Text.Json;
using TensorZero.Gateway.Endpoints;

namespace TensorZero.Gateway.Store;

/// <summary>Stored rows as the read endpoints show them; JSON columns are embedded as JSON, not as strings.</summary>
internal static class StoredRowWriter
{
    public static void WriteInferenceFields(Utf8JsonWriter writer, InferenceRow row)
    {
        writer.WriteString("type", row.FunctionType);
        writer.WriteString("inference_id", row.Id);
        writer.WriteString("episode_id", row.EpisodeId);
        writer.WriteString("function_name", row.FunctionName);
        writer.WriteString("variant_name", row.VariantName);
        Raw(writer, "input", row.Input);
        Raw(writer, "output", row.Output);
        if (row.ToolParams is { } tools)
        {
            Raw(writer, "tool_params", tools);
        }
        if (row.OutputSchema is { } schema)
        {
            Raw(writer, "output_schema", schema);
        }
        Raw(writer, "inference_params", row.InferenceParams);
        Raw(writer, "tags", row.Tags);
        Number(writer, "processing_time_ms", row.ProcessingTimeMs);
        Number(writer, "ttft_ms", row.TtftMs);
        writer.WriteString("timestamp", row.CreatedAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    public static void WriteModelInference(Utf8JsonWriter writer, ModelInferenceRow row)
    {
        writer.WriteStartObject();
        writer.WriteString("id", row.Id);
        writer.WriteString("inference_id", row.InferenceId);
        writer.WriteString("model_name", row.ModelName);
        writer.WriteString("model_provider_name", row.ModelProviderName);
        writer.WriteString("raw_request", row.RawRequest);
        writer.WriteString("raw_response", row.RawResponse);
        JsonWriting.WriteText(writer, "system", row.System);
        Raw(writer, "input_messages", row.InputMessages);
        Raw(writer, "output", row.Output);
        Number(writer, "input_tokens", row.InputTokens);
        Number(writer, "output_tokens", row.OutputTokens);
        Number(writer, "response_time_ms", row.ResponseTimeMs);
        Number(writer, "ttft_ms", row.TtftMs);
        JsonWriting.WriteText(writer, "finish_reason", row.FinishReason);
        JsonWriting.WriteText(writer, "error", row.Error);
        writer.WriteBoolean("cached", row.Cached);
        writer.WriteString("timestamp", row.CreatedAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteEndObject();
    }

    public static void WriteFeedback(Utf8JsonWriter writer, FeedbackRow row)
    {
        writer.WriteStartObject();
        writer.WriteString("feedback_id", row.Id);
        writer.WriteString("metric_name", row.MetricName);
        Raw(writer, "value", row.Kind == "comment" ? JsonSerializer.Serialize(row.Value, StoreJsonContext.Default.String) : row.Value);
        Raw(writer, "tags", row.Tags);
        writer.WriteString("timestamp", row.CreatedAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteEndObject();
    }

    private static void Raw(Utf8JsonWriter writer, string name, string json)
    {
        writer.WritePropertyName(name);
        try
        {
            writer.WriteRawValue(json, skipInputValidation: false);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(json);
        }
    }

    private static void Number(Utf8JsonWriter writer, string name, long? value)
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
