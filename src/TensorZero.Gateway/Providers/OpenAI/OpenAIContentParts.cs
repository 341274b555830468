using System.Text.Json.Nodes;
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
    public static JsonNode User(IReadOnlyList<ContentBlock> blocks, bool alwaysArray, string displayName, IReadOnlyDictionary<string, string>? overrides = null)
    {
        if (blocks is [TextBlock only] && !alwaysArray)
        {
            return JsonValue.Create(only.Text);
        }
        var parts = new JsonArray();
        foreach (var block in blocks)
        {
            parts.Add(block switch
            {
                TextBlock text => Text(text.Text),
                FileBlock file => File(file, displayName, overrides),
                UnknownBlock unknown => unknown.DataCopy(),
                _ => throw new InvalidOperationException($"{block.GetType().Name} is not user content"),
            });
        }
        return parts;
    }

    /// <summary>An assistant turn's content; chat completions takes no files from the assistant.</summary>
    public static JsonNode Assistant(IReadOnlyList<ContentBlock> blocks, string displayName)
    {
        if (blocks is [TextBlock only])
        {
            return JsonValue.Create(only.Text);
        }
        var parts = new JsonArray();
        foreach (var block in blocks)
        {
            parts.Add(block switch
            {
                TextBlock text => Text(text.Text),
                UnknownBlock unknown => unknown.DataCopy(),
                FileBlock file => throw GatewayError.InvalidRequest(
                    $"{displayName} does not accept files in assistant messages (file `{file.Describe()}`); send it in a user message"),
                _ => throw new InvalidOperationException($"{block.GetType().Name} is not assistant content"),
            });
        }
        return parts;
    }

    public static bool IsContent(ContentBlock block) => block is TextBlock or FileBlock or UnknownBlock;

    /// <summary>The part kind <c>content_type_overrides</c> names for an inline file's MIME type; null when none does.</summary>
    public static string? OverrideFor(FileBlock file, IReadOnlyDictionary<string, string>? overrides) =>
        file.Data is not null && file.MimeType is { } mime && overrides is not null && overrides.TryGetValue(mime, out var kind) ? kind : null;

    // Images go by data URL or by their own URL; audio and other files only inline, since the API can't fetch them.
    // `content_type_overrides` picks the part kind of an inline file by its MIME type (PDFs as images for some servers).
    private static JsonObject File(FileBlock file, string displayName, IReadOnlyDictionary<string, string>? overrides)
    {
        var kind = OverrideFor(file, overrides);
        if (kind == "image_url" || (kind is null && (file.IsImage || (file.Url is not null && file.MimeType is null))))
        {
            var image = new JsonObject { ["url"] = file.Url?.ToString() ?? file.DataUrl() };
            if (file.Detail is { } detail)
            {
                image["detail"] = detail.ToString().ToLowerInvariant();
            }
            return new JsonObject { ["type"] = "image_url", ["image_url"] = image };
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
        if (kind is null or "input_audio" && AudioFormat(file.MimeType) is { } format)
        {
            return new JsonObject
            {
                ["type"] = "input_audio",
                ["input_audio"] = new JsonObject { ["data"] = file.Data, ["format"] = format },
            };
        }
        return new JsonObject
        {
            ["type"] = "file",
            ["file"] = new JsonObject
            {
                ["file_data"] = file.DataUrl(),
                ["filename"] = file.Filename ?? (FileTypes.Extension(file.MimeType) is { } extension ? $"input.{extension}" : "input"),
            },
        };
    }

    private static string? AudioFormat(string? mimeType) => mimeType switch
    {
        "audio/mpeg" or "audio/mp3" => "mp3",
        "audio/wav" or "audio/x-wav" or "audio/wave" => "wav",
        _ => null,
    };

    private static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };
}
