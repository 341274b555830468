using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

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
            WriteJsonOutput(writer, response.Content, result.Schemas);
        }
        else
        {
            writer.WriteStartArray("content");
            foreach (var block in response.Content)
            {
                WriteBlock(writer, block, result.Schemas);
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

    private static void WriteBlock(Utf8JsonWriter writer, ContentBlock block, ResponseSchemas schemas)
    {
        switch (block)
        {
            case TextBlock text:
                writer.WriteStartObject();
                writer.WriteString("type", "text");
                writer.WriteString("text", text.Text);
                writer.WriteEndObject();
                break;
            case ToolCallBlock call:
                // `name` and `arguments` are null when the model named an unknown tool or its arguments fail the tool's schema.
                writer.WriteStartObject();
                writer.WriteString("type", "tool_call");
                writer.WriteString("id", call.Id);
                writer.WriteString("raw_name", call.Name);
                writer.WriteString("raw_arguments", call.Arguments);
                var known = schemas.Tools.TryGetValue(call.Name, out var schema);
                if (known)
                {
                    writer.WriteString("name", call.Name);
                }
                else
                {
                    writer.WriteNull("name");
                }
                writer.WritePropertyName("arguments");
                WriteParsedOrNull(writer, call.Arguments, known ? schema : null, requireSchema: true);
                writer.WriteEndObject();
                break;
            case ThoughtBlock thought:
                writer.WriteStartObject();
                writer.WriteString("type", "thought");
                if (thought.Text is not null)
                {
                    writer.WriteString("text", thought.Text);
                }
                if (thought.Signature is not null)
                {
                    writer.WriteString("signature", thought.Signature);
                }
                writer.WriteEndObject();
                break;
        }
    }

    // JSON functions answer with `output: { raw, parsed }`; `parsed` is null when `raw` is not valid JSON or fails the schema.
    private static void WriteJsonOutput(Utf8JsonWriter writer, IReadOnlyList<ContentBlock> content, ResponseSchemas schemas)
    {
        var raw = content.OfType<TextBlock>().Select(t => t.Text).FirstOrDefault()
            ?? content.OfType<ToolCallBlock>().Select(t => t.Arguments).FirstOrDefault();
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
            WriteParsedOrNull(writer, raw, schemas.OutputSchema, requireSchema: false);
        }
        writer.WriteEndObject();
    }

    private static void WriteParsedOrNull(Utf8JsonWriter writer, string text, JsonSchemaDocument? schema, bool requireSchema)
    {
        try
        {
            using var parsed = JsonDocument.Parse(text);
            if ((schema is null && requireSchema) || (schema is not null && !schema.IsValid(parsed.RootElement)))
            {
                writer.WriteNullValue();
                return;
            }
            parsed.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteNullValue();
        }
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
