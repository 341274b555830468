using System.Buffers;
using System.Text;
using System.Text.Json;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Store;

/// <summary>The JSON text of a row's columns: input as the caller sent it, output as the response showed it.</summary>
internal static class RowJson
{
    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary><c>{"system": ..., "messages": [...]}</c>. File data is left out (only its type and URL are kept).</summary>
    public static string Input(InferenceInput input) => Write(writer =>
    {
        writer.WriteStartObject();
        if (input.SystemArguments is { } arguments)
        {
            writer.WritePropertyName("system");
            arguments.WriteTo(writer);
        }
        else if (input.System is { } system)
        {
            writer.WriteString("system", system);
        }
        writer.WriteStartArray("messages");
        foreach (var message in input.Messages)
        {
            WriteMessage(writer, message);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    public static string Messages(IReadOnlyList<RequestMessage> messages) => Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var message in messages)
        {
            WriteMessage(writer, message);
        }
        writer.WriteEndArray();
    });

    /// <summary>The response's <c>content</c> (chat) or <c>output</c> (JSON), exactly as the client saw it.</summary>
    public static string Output(InferenceResult result)
    {
        var body = Write(writer => InferenceResponseWriter.Write(writer, result, RawOutput.None));
        using var document = JsonDocument.Parse(body);
        var name = result.FunctionType == Configuration.FunctionType.Json ? "output" : "content";
        return document.RootElement.TryGetProperty(name, out var output) ? output.GetRawText() : "null";
    }

    public static string Content(IReadOnlyList<ContentBlock> content) => Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var block in content)
        {
            WriteBlock(writer, block);
        }
        writer.WriteEndArray();
    });

    public static string Tags(IReadOnlyDictionary<string, string> tags) => Write(writer =>
    {
        writer.WriteStartObject();
        foreach (var (key, value) in tags)
        {
            writer.WriteString(key, value);
        }
        writer.WriteEndObject();
    });

    private static void WriteMessage(Utf8JsonWriter writer, RequestMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("role", message.Role.ToString().ToLowerInvariant());
        writer.WriteStartArray("content");
        foreach (var block in message.Content)
        {
            WriteBlock(writer, block);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteBlock(Utf8JsonWriter writer, ContentBlock block)
    {
        writer.WriteStartObject();
        switch (block)
        {
            case TextBlock text:
                writer.WriteString("type", "text");
                writer.WriteString("text", text.Text);
                break;
            case RawTextBlock raw:
                writer.WriteString("type", "raw_text");
                writer.WriteString("value", raw.Text);
                break;
            case TemplateBlock template:
                writer.WriteString("type", "template");
                writer.WriteString("name", template.Name);
                writer.WritePropertyName("arguments");
                template.Arguments.WriteTo(writer);
                break;
            case ToolCallBlock call:
                writer.WriteString("type", "tool_call");
                writer.WriteString("id", call.Id);
                writer.WriteString("name", call.Name);
                writer.WriteString("arguments", call.Arguments);
                break;
            case ToolResultBlock result:
                writer.WriteString("type", "tool_result");
                writer.WriteString("id", result.Id);
                writer.WriteString("name", result.Name);
                writer.WriteString("result", result.Result);
                break;
            case ThoughtBlock thought:
                writer.WriteString("type", "thought");
                InferenceResponseWriter.WriteStringOrNull(writer, "text", thought.Text);
                break;
            case FileBlock file:
                writer.WriteString("type", "file");
                InferenceResponseWriter.WriteStringOrNull(writer, "mime_type", file.MimeType);
                InferenceResponseWriter.WriteStringOrNull(writer, "url", file.Url?.ToString());
                break;
            default:
                writer.WriteString("type", "unknown");
                break;
        }
        writer.WriteEndObject();
    }
}
