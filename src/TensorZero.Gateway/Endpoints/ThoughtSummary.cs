using System.Text.Json;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// A thought's <c>summary</c> as TensorZero writes it, <c>[{"type": "summary_text", "text": "..."}]</c> (OpenAI
/// Responses API reasoning summaries): written in answers of both APIs and read back from their inputs, so the reasoning
/// goes back to the provider on the next turn.
/// </summary>
internal static class ThoughtSummary
{
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<string>? summary)
    {
        if (summary is null)
        {
            return;
        }
        writer.WriteStartArray("summary"u8);
        foreach (var text in summary)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "summary_text");
            writer.WriteString("text"u8, text);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>The summary texts of a thought block; null when it has no <c>summary</c>.</summary>
    /// <param name="path">The block's path, for messages.</param>
    public static IReadOnlyList<string>? Read(JsonElement block, string path)
    {
        if (!block.TryGetProperty("summary"u8, out var summary) || summary.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (summary.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"`{path}.summary`: must be an array of {{\"type\": \"summary_text\", \"text\": \"...\"}}");
        }
        var texts = new List<string>();
        var index = 0;
        foreach (var item in summary.EnumerateArray())
        {
            var itemPath = $"{path}.summary[{index++}]";
            if (item.ValueKind != JsonValueKind.Object ||
                !item.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "summary_text")
            {
                throw Invalid($"`{itemPath}`: must be {{\"type\": \"summary_text\", \"text\": \"...\"}}");
            }
            texts.Add(JsonFields.RequiredString(item, "text"u8, itemPath));
        }
        return texts;
    }

    private static GatewayError Invalid(string message) => GatewayError.InvalidRequest(message);
}
