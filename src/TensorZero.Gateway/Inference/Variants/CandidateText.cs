using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Variants;

/// <summary>
/// A candidate's answer as the evaluator or fuser reads it, as TensorZero writes it: a chat answer is its content blocks
/// as the response JSON shows them (<c>[{"type":"text","text":"..."}]</c>); a JSON answer is its raw output, and is
/// left out (null) unless it parses and passes the output schema.
/// </summary>
internal static class CandidateText
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string? For(ModelResult answer, FunctionType type, ResponseSchemas schemas)
    {
        var content = answer.Response.Content;
        if (type == FunctionType.Json)
        {
            var output = OutputValidator.JsonOutput(content, schemas);
            return output.Parsed is null ? null : output.Raw;
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartArray();
            foreach (var block in content)
            {
                WriteBlock(writer, block, schemas);
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteBlock(Utf8JsonWriter writer, ContentBlock block, ResponseSchemas schemas)
    {
        switch (block)
        {
            case TextBlock text:
                writer.WriteStartObject();
                writer.WriteString("type"u8, "text");
                writer.WriteString("text"u8, text.Text);
                writer.WriteEndObject();
                break;
            case ToolCallBlock call:
                var checkedCall = OutputValidator.ToolCall(call, schemas);
                writer.WriteStartObject();
                writer.WriteString("type"u8, "tool_call");
                writer.WriteString("id"u8, call.Id);
                writer.WriteString("raw_name"u8, call.Name);
                writer.WriteString("raw_arguments"u8, call.Arguments);
                if (checkedCall.Name is { } name)
                {
                    writer.WriteString("name"u8, name);
                }
                else
                {
                    writer.WriteNull("name"u8);
                }
                writer.WritePropertyName("arguments"u8);
                if (checkedCall.Arguments is { } arguments)
                {
                    arguments.WriteTo(writer);
                }
                else
                {
                    writer.WriteNullValue();
                }
                writer.WriteEndObject();
                break;
            case ThoughtBlock thought:
                writer.WriteStartObject();
                writer.WriteString("type"u8, "thought");
                if (thought.Text is { } thoughtText)
                {
                    writer.WriteString("text"u8, thoughtText);
                }
                else
                {
                    writer.WriteNull("text"u8);
                }
                if (thought.Signature is { } signature)
                {
                    writer.WriteString("signature"u8, signature);
                }
                writer.WriteEndObject();
                break;
            case UnknownBlock unknown:
                writer.WriteStartObject();
                writer.WriteString("type"u8, "unknown");
                writer.WritePropertyName("data"u8);
                if (unknown.Data is { } data)
                {
                    data.WriteTo(writer);
                }
                else
                {
                    writer.WriteNullValue();
                }
                writer.WriteEndObject();
                break;
        }
    }
}
