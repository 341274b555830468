using System.Text;
using System.Text.Json;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.Dummy;

/// <summary>
/// A file block as TensorZero's dummy models echo it: inline data as <c>"Base64": {...}</c> with the content-addressed
/// <c>storage_path</c> TensorZero computes (BLAKE3 of the base64 text) under a disabled object store, which is what
/// this gateway has; a URL as <c>"Url": {"file_url": {...}}</c>, never fetched.
/// </summary>
public static class DummyFiles
{
    // TensorZero's extensions for the types it names itself; the rest come from the gateway's own table.
    private static readonly Dictionary<string, string> Extensions = new(StringComparer.Ordinal)
    {
        ["text/plain"] = "txt",
        ["audio/midi"] = "mid",
        ["audio/mpeg"] = "mp3",
        ["audio/mp3"] = "mp3",
        ["audio/m4a"] = "m4a",
        ["audio/mp4"] = "m4a",
        ["audio/ogg"] = "ogg",
        ["audio/x-flac"] = "flac",
        ["audio/flac"] = "flac",
        ["audio/x-wav"] = "wav",
        ["audio/wav"] = "wav",
        ["audio/wave"] = "wav",
        ["audio/amr"] = "amr",
        ["audio/aac"] = "aac",
        ["audio/x-aac"] = "aac",
        ["audio/x-aiff"] = "aiff",
        ["audio/aiff"] = "aiff",
        ["audio/x-dsf"] = "dsf",
        ["audio/x-ape"] = "ape",
        ["audio/webm"] = "webm",
    };

    /// <summary>Whether the file is a PDF by its declared type (or, for a URL, the type its path suggests).</summary>
    public static bool IsPdf(FileBlock file) => file.MimeType == FileTypes.Pdf;

    /// <summary>Where TensorZero would store the file's bytes: <c>observability/files/{blake3 of the base64}.{ext}</c>.</summary>
    public static string StoragePath(string mimeType, string base64)
    {
        var hash = Blake3.Hasher.Hash(Encoding.UTF8.GetBytes(base64)).ToString();
        var extension = Extensions.GetValueOrDefault(mimeType) ?? FileTypes.Extension(mimeType);
        return extension is null ? $"observability/files/{hash}" : $"observability/files/{hash}.{extension}";
    }

    /// <summary>Writes the file's one property (<c>Base64</c> or <c>Url</c>) into the object being written.</summary>
    public static void Write(Utf8JsonWriter writer, FileBlock file)
    {
        if (file.Data is { } data)
        {
            writer.WriteStartObject("Base64"u8);
            writer.WriteNull("source_url"u8);
            writer.WriteString("mime_type"u8, file.MimeType);
            writer.WriteStartObject("storage_path"u8);
            writer.WriteStartObject("kind"u8);
            writer.WriteString("type"u8, "disabled");
            writer.WriteEndObject();
            writer.WriteString("path"u8, StoragePath(file.MimeType!, data));
            writer.WriteEndObject();
            WriteDetailAndName(writer, file, filenameWhenAbsent: false);
            writer.WriteString("data"u8, data);
            writer.WriteEndObject();
            return;
        }
        writer.WriteStartObject("Url"u8);
        writer.WriteStartObject("file_url"u8);
        writer.WriteString("url"u8, file.Url!.AbsoluteUri);
        if (file.MimeType is null)
        {
            writer.WriteNull("mime_type"u8);
        }
        else
        {
            writer.WriteString("mime_type"u8, file.MimeType);
        }
        WriteDetailAndName(writer, file, filenameWhenAbsent: true);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    // `detail` is left out when unset; `filename` too for inline data, but a URL's is written as null.
    private static void WriteDetailAndName(Utf8JsonWriter writer, FileBlock file, bool filenameWhenAbsent)
    {
        if (file.Detail is { } detail)
        {
            writer.WriteString("detail"u8, detail switch
            {
                FileDetail.Low => "low",
                FileDetail.High => "high",
                _ => "auto",
            });
        }
        if (file.Filename is not null)
        {
            writer.WriteString("filename"u8, file.Filename);
        }
        else if (filenameWhenAbsent)
        {
            writer.WriteNull("filename"u8);
        }
    }
}
