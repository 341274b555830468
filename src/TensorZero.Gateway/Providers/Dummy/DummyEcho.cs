using System.Text.Json;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.Dummy;

/// <summary>
/// The dummy models that answer with the prompt they were sent, as JSON text in the shape of TensorZero's own request
/// types: <c>echo</c>, <c>echo_request_messages</c>, <c>extract_images</c> and <c>require_pdf</c>
/// (<see cref="DummyExtras"/> echoes <c>extra_body</c> and <c>extra_headers</c>).
/// </summary>
public static class DummyEcho
{
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>{"system": ..., "messages": [...]}</c>: the rendered prompt as the provider received it.</summary>
    public static string RequestMessages(ModelRequest request) => Write(writer =>
    {
        writer.WriteStartObject();
        Endpoints.JsonWriting.WriteText(writer, "system", request.System);
        writer.WriteStartArray("messages"u8);
        foreach (var message in request.Messages)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, message.Role == Role.User ? "user" : "assistant");
            writer.WriteStartArray("content"u8);
            foreach (var block in message.Content)
            {
                WriteBlock(writer, block);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    /// <summary>Every file of every message, in order, as a JSON array.</summary>
    public static string Files(IEnumerable<FileBlock> files) => Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var file in files)
        {
            writer.WriteStartObject();
            DummyFiles.Write(writer, file);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    });

    /// <summary>The text of the last user message's first text block; empty when there is none.</summary>
    public static string LastUserText(ModelRequest request) =>
        request.Messages.LastOrDefault(m => m.Role == Role.User)?.Content.Select(b => b switch
        {
            TextBlock text => text.Text,
            RawTextBlock raw => raw.Text,
            _ => null,
        }).FirstOrDefault(t => t is not null) ?? string.Empty;

    private static void WriteBlock(Utf8JsonWriter writer, ContentBlock block)
    {
        writer.WriteStartObject();
        switch (block)
        {
            case TextBlock text:
                writer.WriteString("type"u8, "text");
                writer.WriteString("text"u8, text.Text);
                break;
            case RawTextBlock raw:
                writer.WriteString("type"u8, "text");
                writer.WriteString("text"u8, raw.Text);
                break;
            case ToolCallBlock call:
                writer.WriteString("type"u8, "tool_call");
                writer.WriteString("id"u8, call.Id);
                writer.WriteString("name"u8, call.Name);
                writer.WriteString("arguments"u8, call.Arguments);
                break;
            case ToolResultBlock result:
                writer.WriteString("type"u8, "tool_result");
                writer.WriteString("name"u8, result.Name);
                writer.WriteString("result"u8, result.Result);
                writer.WriteString("id"u8, result.Id);
                break;
            case FileBlock file:
                writer.WriteString("type"u8, "file");
                DummyFiles.Write(writer, file);
                break;
            case ThoughtBlock thought:
                writer.WriteString("type"u8, "thought");
                Endpoints.JsonWriting.WriteText(writer, "text", thought.Text);
                if (thought.Signature is not null)
                {
                    writer.WriteString("signature"u8, thought.Signature);
                }
                break;
            case UnknownBlock unknown:
                writer.WriteString("type"u8, "unknown");
                writer.WritePropertyName("data"u8);
                unknown.WriteData(writer);
                if (unknown.ModelName is not null)
                {
                    writer.WriteString("model_name"u8, unknown.ModelName);
                }
                if (unknown.ProviderName is not null)
                {
                    writer.WriteString("provider_name"u8, unknown.ProviderName);
                }
                break;
            case TemplateBlock template:
                // Rendered before any provider runs; written in the request's own shape should one ever get here.
                writer.WriteString("type"u8, "template");
                writer.WriteString("name"u8, template.Name);
                writer.WritePropertyName("arguments"u8);
                template.Arguments.WriteTo(writer);
                break;
        }
        writer.WriteEndObject();
    }

    internal static string Write(Action<Utf8JsonWriter> write) => JsonRead.Written(write, Options);
}
