using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Store;

/// <summary>
/// The <c>content</c> (chat) or <c>output</c> (JSON) value of a <c>/inference</c> response, written alone for the
/// inference row's <c>output</c> column. It writes the same bytes as <see cref="InferenceResponseWriter"/> does for
/// that field (a test holds the two together), without writing and re-reading the whole response.
/// </summary>
internal static class ResponseOutput
{
    public static void Write(Utf8JsonWriter writer, InferenceResult result)
    {
        var content = result.Model.Response.Content;
        if (result.FunctionType == FunctionType.Json)
        {
            var output = OutputValidator.JsonOutput(content, result.Schemas);
            writer.WriteStartObject();
            InferenceResponseWriter.WriteStringOrNull(writer, "raw", output.Raw);
            WriteElementOrNull(writer, "parsed", output.Parsed);
            writer.WriteEndObject();
            return;
        }
        writer.WriteStartArray();
        foreach (var block in content)
        {
            WriteBlock(writer, block, result.Schemas);
        }
        writer.WriteEndArray();
    }

    // Only these three kinds reach a response; other blocks (unknown ones) are left out, as the response leaves them out.
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
                writer.WriteStartObject();
                writer.WriteString("type", "tool_call");
                writer.WriteString("id", call.Id);
                writer.WriteString("raw_name", call.Name);
                writer.WriteString("raw_arguments", call.Arguments);
                var checkedCall = OutputValidator.ToolCall(call, schemas);
                InferenceResponseWriter.WriteStringOrNull(writer, "name", checkedCall.Name);
                WriteElementOrNull(writer, "arguments", checkedCall.Arguments);
                writer.WriteEndObject();
                break;
            case ThoughtBlock thought:
                writer.WriteStartObject();
                writer.WriteString("type", "thought");
                InferenceResponseWriter.WriteStringOrNull(writer, "text", thought.Text);
                if (thought.Signature is not null)
                {
                    writer.WriteString("signature", thought.Signature);
                }
                ThoughtSummary.Write(writer, thought.Summary);
                writer.WriteEndObject();
                break;
        }
    }

    private static void WriteElementOrNull(Utf8JsonWriter writer, string name, JsonElement? value)
    {
        writer.WritePropertyName(name);
        if (value is { } element)
        {
            element.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
