using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Inference;

namespace TensorZero.Gateway.Endpoints;

/// <summary>Writes the native <c>/inference</c> response body exactly in TensorZero's shape.</summary>
public static class InferenceResponseWriter
{
    public static void Write(Utf8JsonWriter writer, InferenceResult result, bool includeOriginalResponse)
    {
        var response = result.Model.Response;
        writer.WriteStartObject();
        writer.WriteString("inference_id", result.InferenceId);
        writer.WriteString("episode_id", result.EpisodeId);
        writer.WriteString("variant_name", result.VariantName);
        if (result.FunctionType == FunctionType.Json)
        {
            WriteJsonOutput(writer, response.Content);
        }
        else
        {
            writer.WriteStartArray("content");
            foreach (var block in response.Content)
            {
                if (block is TextBlock text)
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "text");
                    writer.WriteString("text", text.Text);
                    writer.WriteEndObject();
                }
            }
            writer.WriteEndArray();
        }
        writer.WriteStartObject("usage");
        WriteNullableNumber(writer, "input_tokens", response.Usage.InputTokens);
        WriteNullableNumber(writer, "output_tokens", response.Usage.OutputTokens);
        writer.WriteNull("cost");
        writer.WriteEndObject();
        if (response.FinishReason is { } finish)
        {
            writer.WriteString("finish_reason", FinishReasonName(finish));
        }
        if (includeOriginalResponse)
        {
            writer.WriteString("original_response", response.RawResponse);
        }
        writer.WriteEndObject();
    }

    public static string FinishReasonName(FinishReason reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.StopSequence => "stop_sequence",
        FinishReason.Length => "length",
        FinishReason.ToolCall => "tool_call",
        FinishReason.ContentFilter => "content_filter",
        _ => "unknown",
    };

    // JSON functions answer with `output: { raw, parsed }`; `parsed` is null when `raw` is not valid JSON.
    private static void WriteJsonOutput(Utf8JsonWriter writer, IReadOnlyList<ContentBlock> content)
    {
        var raw = content.OfType<TextBlock>().Select(t => t.Text).FirstOrDefault();
        writer.WriteStartObject("output");
        if (raw is null)
        {
            writer.WriteNull("raw");
            writer.WriteNull("parsed");
        }
        else
        {
            writer.WriteString("raw", raw);
            writer.WritePropertyName("parsed");
            try
            {
                using var parsed = JsonDocument.Parse(raw);
                parsed.RootElement.WriteTo(writer);
            }
            catch (JsonException)
            {
                writer.WriteNullValue();
            }
        }
        writer.WriteEndObject();
    }

    private static void WriteNullableNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
