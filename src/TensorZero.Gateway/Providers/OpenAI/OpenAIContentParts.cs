using System.Text.Json;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>
/// Message content as chat-completions parts: <c>text</c>, <c>image_url</c>, <c>file</c>, <c>input_audio</c>, and
/// unknown blocks as given. A lone text part is sent as a plain string. A provider's <c>content_type_overrides</c>
/// choose the part kind of inline files by MIME type.
/// </summary>
public static class OpenAIContentParts
{
    /// <summary>The part kinds <c>content_type_overrides</c> may name for a MIME type.</summary>
    public static readonly IReadOnlyList<string> PartKinds = ["image_url", "file", "input_audio"];

    /// <summary>A user turn's content: text, files and unknown blocks, in order.</summary>
    /// <param name="overrides"><c>content_type_overrides</c>: the part kind an inline file of a MIME type is sent as.</param>
    public static void WriteUser(
        Utf8JsonWriter writer,
        IReadOnlyList<ContentBlock> blocks,
        bool alwaysArray,
        string displayName,
        IReadOnlyDictionary<string, string>? overrides = null)
    {
        if (blocks is [TextBlock only] && !alwaysArray)
        {
            JsonWriting.WriteTextValue(writer, only.Text);
            return;
        }
        WriteParts(writer, blocks, displayName, overrides, user: true);
    }

    /// <summary>An assistant turn's content; chat completions takes no files from the assistant.</summary>
    public static void WriteAssistant(Utf8JsonWriter writer, IReadOnlyList<ContentBlock> blocks, string displayName)
    {
        if (blocks is [TextBlock only])
        {
            JsonWriting.WriteTextValue(writer, only.Text);
            return;
        }
        WriteParts(writer, blocks, displayName, overrides: null, user: false);
    }

    // The parts of a turn, in order; chat completions takes files from the user only.
    private static void WriteParts(
        Utf8JsonWriter writer, IReadOnlyList<ContentBlock> blocks, string displayName, IReadOnlyDictionary<string, string>? overrides, bool user)
    {
        writer.WriteStartArray();
        for (var i = 0; i < blocks.Count; i++)
        {
            switch (blocks[i])
            {
                case TextBlock text:
                    WriteText(writer, text.Text);
                    break;
                case UnknownBlock unknown:
                    unknown.WriteData(writer);
                    break;
                case FileBlock file when user:
                    WriteFile(writer, file, displayName, overrides);
                    break;
                case FileBlock file:
                    throw GatewayError.InvalidRequest(
                        $"{displayName} does not accept files in assistant messages (file `{file.Describe()}`); send it in a user message");
                case var block:
                    throw new InvalidOperationException($"{block.GetType().Name} is not {(user ? "user" : "assistant")} content");
            }
        }
        writer.WriteEndArray();
    }

    public static bool IsContent(ContentBlock block) => block is TextBlock or FileBlock or UnknownBlock;

    /// <summary>The part kind <c>content_type_overrides</c> names for an inline file's MIME type; null when none does.</summary>
    public static string? OverrideFor(FileBlock file, IReadOnlyDictionary<string, string>? overrides) =>
        file.Data is not null && file.MimeType is { } mime && overrides is not null && overrides.TryGetValue(mime, out var kind) ? kind : null;

    // Images go by data URL or by their own URL; audio and other files only inline, since the API can't fetch them.
    // `content_type_overrides` picks the part kind of an inline file by its MIME type (PDFs as images for some servers).
    private static void WriteFile(Utf8JsonWriter writer, FileBlock file, string displayName, IReadOnlyDictionary<string, string>? overrides)
    {
        var kind = OverrideFor(file, overrides);
        if (kind == "image_url" || (kind is null && (file.IsImage || (file.Url is not null && file.MimeType is null))))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "image_url");
            writer.WriteStartObject("image_url"u8);
            JsonWriting.WriteText(writer, "url", file.Url?.ToString() ?? file.DataUrl());
            if (file.Detail is { } detail)
            {
                writer.WriteString("detail"u8, detail.ToString().ToLowerInvariant());
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
            return;
        }
        if (file.Data is null)
        {
            throw GatewayError.InvalidRequest(
                $"{displayName} needs file `{file.Describe()}` inline: only images can be sent by URL, so send it with `\"file_type\": \"base64\"`");
        }
        if (kind == "input_audio" && AudioFormat(file.MimeType) is null)
        {
            throw GatewayError.InvalidRequest(
                $"{displayName} can't send file `{file.Describe()}` as `input_audio` (`content_type_overrides`): only mp3 and wav audio can be");
        }
        writer.WriteStartObject();
        if (kind is null or "input_audio" && AudioFormat(file.MimeType) is { } format)
        {
            writer.WriteString("type"u8, "input_audio");
            writer.WriteStartObject("input_audio"u8);
            JsonWriting.WriteText(writer, "data", file.Data);
            writer.WriteString("format"u8, format);
        }
        else
        {
            writer.WriteString("type"u8, "file");
            writer.WriteStartObject("file"u8);
            JsonWriting.WriteText(writer, "file_data", file.DataUrl());
            JsonWriting.WriteText(writer, "filename", file.Filename ?? (FileTypes.Extension(file.MimeType) is { } extension ? $"input.{extension}" : "input"));
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string? AudioFormat(string? mimeType) => mimeType switch
    {
        "audio/mpeg" or "audio/mp3" => "mp3",
        "audio/wav" or "audio/x-wav" or "audio/wave" => "wav",
        _ => null,
    };

    private static void WriteText(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "text");
        JsonWriting.WriteText(writer, "text", text);
        writer.WriteEndObject();
    }
}
