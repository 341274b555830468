using System.Text.Json;

namespace TensorZero.Gateway.Errors;

/// <summary>
/// One provider answer as a client sees it under <c>raw_response</c> (<c>include_raw_response</c>): the body the
/// provider sent, already redacted of every secret in play. Failed attempts carry no model inference id; errors keep
/// the entries of the attempts they stand for, so a later success or the error body can report them.
/// </summary>
/// <param name="ApiType">TensorZero's <c>api_type</c>: <c>chat_completions</c>, <c>responses</c> or <c>embeddings</c>.</param>
public sealed record RawResponseEntry(Guid? ModelInferenceId, string ProviderType, string ApiType, string Data)
{
    public const string ChatCompletions = "chat_completions";

    public const string Embeddings = "embeddings";

    /// <summary>Writes <c>{"model_inference_id"?, "provider_type", "api_type", "data"}</c>.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (ModelInferenceId is { } id)
        {
            writer.WriteString("model_inference_id"u8, id);
        }
        writer.WriteString("provider_type"u8, ProviderType);
        writer.WriteString("api_type"u8, ApiType);
        Endpoints.JsonWriting.WriteText(writer, "data", Data);
        writer.WriteEndObject();
    }

    /// <summary>Writes a property holding the entries as an array.</summary>
    public static void WriteArray(Utf8JsonWriter writer, string propertyName, IEnumerable<RawResponseEntry> entries)
    {
        writer.WriteStartArray(propertyName);
        foreach (var entry in entries)
        {
            entry.WriteTo(writer);
        }
        writer.WriteEndArray();
    }
}
