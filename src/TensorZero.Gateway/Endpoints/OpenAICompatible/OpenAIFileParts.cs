using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Abstractions;
using static TensorZero.Gateway.Endpoints.OpenAICompatible.OpenAIJson;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>
/// OpenAI's file parts (<c>image_url</c>, <c>file</c>, <c>input_audio</c>) as native <c>file</c> blocks, so they pass
/// the same checks (base64, size, URL scheme). Data URLs are read as TensorZero reads them, with its error texts.
/// </summary>
internal static class OpenAIFileParts
{
    private const string DataUrlExample = "(e.g. `data:image/png;base64,SGVsbG8sIFdvcmxkIQ==`)";

    private static readonly string[] ImageUrlFields = ["url", "tensorzero::mime_type", "detail"];

    public static FileBlock Image(JsonElement part, string path)
    {
        if (!TryGet(part, "image_url"u8, out var image))
        {
            throw MissingField($"{path}.image_url");
        }
        if (image.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{path}.image_url`: must be an object with `url`");
        }
        foreach (var property in image.EnumerateObject().Where(p => !ImageUrlFields.Contains(p.Name)))
        {
            throw Invalid($"`{path}.image_url`: unknown field `{property.Name}`, expected one of `url`, `tensorzero::mime_type`, `detail`");
        }
        var url = RequiredString(image, "url"u8, $"{path}.image_url.url");
        var detail = OptionalString(image, "detail"u8, $"{path}.image_url.detail");
        return url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
            ? FromDataUrl(url, $"{path}.image_url.url", detail: detail)
            : NativeFile(new JsonObject
            {
                ["file_type"] = "url",
                ["url"] = url,
                ["mime_type"] = OptionalString(image, "tensorzero::mime_type"u8, $"{path}.image_url.tensorzero::mime_type"),
                ["detail"] = detail,
            }, $"{path}.image_url");
    }

    public static FileBlock File(JsonElement part, string path)
    {
        if (!TryGet(part, "file"u8, out var file))
        {
            throw MissingField($"{path}.file");
        }
        if (file.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{path}.file`: must be an object with `file_data`");
        }
        if (TryGet(file, "file_id"u8, out _))
        {
            throw Invalid($"`{path}.file.file_id`: uploaded file ids are not supported; send the file inline as `file_data`");
        }
        return FromDataUrl(RequiredString(file, "file_data"u8, $"{path}.file.file_data"), $"{path}.file.file_data",
            OptionalString(file, "filename"u8, $"{path}.file.filename"));
    }

    public static FileBlock Audio(JsonElement part, string path)
    {
        if (!TryGet(part, "input_audio"u8, out var audio))
        {
            throw MissingField($"{path}.input_audio");
        }
        if (audio.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{path}.input_audio`: must be an object with `data` and `format`");
        }
        var data = RequiredString(audio, "data"u8, $"{path}.input_audio.data");
        var mimeType = RequiredString(audio, "format"u8, $"{path}.input_audio.format") switch
        {
            "mp3" => "audio/mpeg",
            "wav" => "audio/wav",
            var other => throw Invalid($"`{path}.input_audio.format`: unknown format `{other}` (supported: mp3, wav)"),
        };
        return NativeFile(new JsonObject { ["file_type"] = "base64", ["data"] = data, ["mime_type"] = mimeType }, $"{path}.input_audio");
    }

    // data:<mime type>;base64,<data>
    private static FileBlock FromDataUrl(string dataUrl, string path, string? filename = null, string? detail = null)
    {
        if (!dataUrl.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            throw InvalidOpenAIRequest(
                $"Expected a base64-encoded data URL with MIME type {DataUrlExample}, but got a value without the `data:` prefix. (at `{path}`)");
        }
        var separator = dataUrl.IndexOf(";base64,", StringComparison.OrdinalIgnoreCase);
        if (separator < 0)
        {
            throw InvalidOpenAIRequest(
                $"Expected a base64-encoded data URL with MIME type {DataUrlExample}, but got a value without the `;base64,` separator. (at `{path}`)");
        }
        var mimeType = dataUrl["data:".Length..separator];
        return NativeFile(new JsonObject
        {
            ["file_type"] = "base64",
            ["data"] = dataUrl[(separator + ";base64,".Length)..],
            ["mime_type"] = mimeType.Length == 0 ? null : mimeType,
            ["filename"] = filename,
            ["detail"] = detail,
        }, path);
    }

    private static FileBlock NativeFile(JsonObject block, string path)
    {
        foreach (var key in block.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            block.Remove(key);
        }
        block["type"] = "file";
        using var document = JsonDocument.Parse(block.ToJsonString());
        return FileBlockParser.ParseFile(document.RootElement, path);
    }
}
