using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Store;

/// <summary>The JSON text of a row's columns: input as the caller sent it, output as the response showed it.</summary>
internal static class RowJson
{
    public static string Write(Action<Utf8JsonWriter> write) => Write(write, static (writer, write) => write(writer));

    /// <summary>The JSON text <paramref name="write"/> writes with <paramref name="state"/>.</summary>
    public static string Write<TState>(TState state, Action<Utf8JsonWriter, TState> write) => JsonWriting.ToText(state, write, relaxed: true);

    /// <summary>
    /// <c>{"system": ..., "messages": [...]}</c>. File data is left out: a file is kept as TensorZero keeps one whose
    /// object storage is disabled (see <see cref="StoredFile"/>).
    /// <paramref name="messages"/> is the <see cref="Messages"/> text of the input's messages, which the model rows
    /// store too: written once, not again inside the input.
    /// </summary>
    public static string Input(InferenceInput input, string messages) => JsonWriting.ObjectEndingWith(input, static (writer, input) =>
    {
        writer.WriteStartObject();
        if (input.SystemArguments is { } arguments)
        {
            writer.WritePropertyName("system"u8);
            arguments.WriteTo(writer);
        }
        else if (input.System is { } system)
        {
            JsonWriting.WriteText(writer, "system", system);
        }
        // The value follows as text; the writer is flushed with the object still open.
        writer.WritePropertyName("messages"u8);
    }, messages);

    public static string Messages(IReadOnlyList<RequestMessage> messages) => Write(messages, static (writer, messages) =>
    {
        writer.WriteStartArray();
        for (var i = 0; i < messages.Count; i++)
        {
            WriteMessage(writer, messages[i]);
        }
        writer.WriteEndArray();
    });

    /// <summary>
    /// The response's <c>content</c> (chat) or <c>output</c> (JSON), exactly as the client saw it: the same bytes
    /// <see cref="InferenceResponseWriter"/> writes for that field.
    /// </summary>
    public static string Output(InferenceResult result) => Write(result, static (writer, result) => InferenceResponseWriter.WriteOutputValue(writer, result));

    public static string Content(IReadOnlyList<ContentBlock> content) => Write(content, static (writer, content) =>
    {
        writer.WriteStartArray();
        for (var i = 0; i < content.Count; i++)
        {
            WriteBlock(writer, content[i]);
        }
        writer.WriteEndArray();
    });

    /// <summary>The column of a request that set no parameter and whose variant sets none: the same text each time.</summary>
    public const string NoParams = """{"chat_completion":{}}""";

    /// <summary>
    /// The <c>inference_params</c> column as TensorZero stores and returns it: <c>{"chat_completion": {...}}</c>, the
    /// request's parameters with the answering variant's filling in what the request left unset, and the request's
    /// <c>json_mode</c> when it set one. TensorZero's clients read the object strictly: the wrapper is required.
    /// </summary>
    public static string Params(InferenceParams variant, InferenceParams request, JsonMode? jsonMode)
    {
        var merged = variant.With(request);
        if (merged == InferenceParams.Empty && jsonMode is null)
        {
            return NoParams;
        }
        var flat = merged == InferenceParams.Empty ? "{}" : JsonSerializer.Serialize(merged, StoreRowJsonContext.Default.InferenceParams);
        if (jsonMode is { } mode)
        {
            var name = "\"json_mode\":\"" + JsonModeName(mode) + "\"";
            flat = flat.Length == 2 ? "{" + name + "}" : "{" + name + "," + flat[1..];
        }
        return "{\"chat_completion\":" + flat + "}";
    }

    /// <summary>
    /// A stored <c>inference_params</c> value as the read endpoints answer it: rows written before the column took
    /// TensorZero's shape hold the parameters without the <c>chat_completion</c> wrapper, which this adds.
    /// </summary>
    public static string ParamsAsRead(string stored)
    {
        try
        {
            using var document = JsonDocument.Parse(stored);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                (root.TryGetProperty("chat_completion"u8, out var inner) && inner.ValueKind == JsonValueKind.Object && root.EnumerateObject().Count() == 1))
            {
                return stored;
            }
        }
        catch (JsonException)
        {
            return stored;
        }
        return "{\"chat_completion\":" + stored + "}";
    }

    /// <summary>
    /// A stored <c>input</c> value as the read endpoints answer it. Rows written before files took TensorZero's
    /// stored shape hold a file as <c>{"type": "file", "mime_type", "url"}</c>, and an unknown block without its
    /// <c>data</c>; TensorZero's clients refuse both, so they are answered in the current shape (the file's path from
    /// its URL, as <see cref="StoredFile"/> makes it for a URL file). Text that can hold neither is returned as it is,
    /// unparsed: no file without a <c>storage_path</c>, and no unknown block that ends after its type.
    /// </summary>
    public static string InputAsRead(string stored)
    {
        var legacyFile = stored.Contains("\"file\"", StringComparison.Ordinal) && !stored.Contains("\"storage_path\"", StringComparison.Ordinal);
        if (!legacyFile && !stored.Contains("\"unknown\"}", StringComparison.Ordinal))
        {
            return stored;
        }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(stored);
        }
        catch (JsonException)
        {
            return stored;
        }
        var changed = false;
        if (root?["messages"] is JsonArray messages)
        {
            foreach (var content in messages.Select(m => (m as JsonObject)?["content"]).OfType<JsonArray>())
            {
                for (var i = 0; i < content.Count; i++)
                {
                    if (content[i] is JsonObject block && LegacyBlockAsRead(block) is { } current)
                    {
                        content[i] = current;
                        changed = true;
                    }
                }
            }
        }
        return changed ? Write(root!, static (writer, node) => node.WriteTo(writer)) : stored;
    }

    // The current shape of a block written before it, or null when the block is current.
    private static JsonObject? LegacyBlockAsRead(JsonObject block)
    {
        var type = block["type"] is JsonValue t && t.TryGetValue<string>(out var name) ? name : null;
        if (type == "unknown" && !block.ContainsKey("data"))
        {
            var unknown = (JsonObject)block.DeepClone();
            unknown["data"] = null;
            return unknown;
        }
        if (type != "file" || block.ContainsKey("storage_path"))
        {
            return null;
        }
        var mime = block["mime_type"] is JsonValue m && m.TryGetValue<string>(out var mimeType) ? mimeType : null;
        var url = block["url"] is JsonValue u && u.TryGetValue<string>(out var text) && Uri.TryCreate(text, UriKind.Absolute, out var parsed) ? parsed : null;
        var file = url is null ? FileBlock.FromBase64(mime ?? StoredFile.UnknownMimeType, string.Empty) : FileBlock.FromUrl(url, mime);
        return JsonNode.Parse(Write(file, static (writer, file) =>
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "file");
            StoredFile.WriteFields(writer, file);
            writer.WriteEndObject();
        }))!.AsObject();
    }

    private static string JsonModeName(JsonMode mode) => mode switch
    {
        JsonMode.On => "on",
        JsonMode.Strict => "strict",
        JsonMode.Tool => "tool",
        _ => "off",
    };

    public static string Tags(IReadOnlyDictionary<string, string> tags) => tags.Count == 0 ? "{}" : Write(tags, static (writer, tags) =>
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
        writer.WriteString("role"u8, message.Role switch { Role.User => "user", Role.Assistant => "assistant", _ => message.Role.ToString().ToLowerInvariant() });
        writer.WriteStartArray("content"u8);
        for (var i = 0; i < message.Content.Count; i++)
        {
            WriteBlock(writer, message.Content[i]);
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
                writer.WriteString("type"u8, "text");
                JsonWriting.WriteText(writer, "text", text.Text);
                break;
            case RawTextBlock raw:
                writer.WriteString("type"u8, "raw_text");
                JsonWriting.WriteText(writer, "value", raw.Text);
                break;
            case TemplateBlock template:
                writer.WriteString("type"u8, "template");
                writer.WriteString("name"u8, template.Name);
                writer.WritePropertyName("arguments"u8);
                template.Arguments.WriteTo(writer);
                break;
            case ToolCallBlock call:
                writer.WriteString("type"u8, "tool_call");
                writer.WriteString("id"u8, call.Id);
                writer.WriteString("name"u8, call.Name);
                JsonWriting.WriteText(writer, "arguments", call.Arguments);
                break;
            case ToolResultBlock result:
                writer.WriteString("type"u8, "tool_result");
                writer.WriteString("id"u8, result.Id);
                writer.WriteString("name"u8, result.Name);
                JsonWriting.WriteText(writer, "result", result.Result);
                break;
            case ThoughtBlock thought:
                writer.WriteString("type"u8, "thought");
                JsonWriting.WriteText(writer, "text", thought.Text);
                if (thought.Signature is { } signature)
                {
                    JsonWriting.WriteText(writer, "signature", signature);
                }
                break;
            case FileBlock file:
                writer.WriteString("type"u8, "file");
                StoredFile.WriteFields(writer, file);
                break;
            case UnknownBlock unknown:
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
                if (unknown.ModelName is { } model)
                {
                    writer.WriteString("model_name"u8, model);
                }
                if (unknown.ProviderName is { } provider)
                {
                    writer.WriteString("provider_name"u8, provider);
                }
                break;
            default:
                writer.WriteString("type"u8, "unknown");
                writer.WriteNull("data"u8);
                break;
        }
        writer.WriteEndObject();
    }
}
