using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Store;

/// <summary>
/// A stored input's file, in the shape TensorZero's clients parse (its <c>StoredFile</c>): <c>source_url</c> for a
/// URL file, <c>mime_type</c>, and a <c>storage_path</c> whose kind is <c>disabled</c>, since this gateway keeps no
/// file data. The path is content-addressed as TensorZero's is (<c>observability/files/{hash}.{ext}</c>), from a
/// SHA-256 of the file's base64 text, or of its URL when only the URL was given, so the same file has the same path.
/// </summary>
internal static class StoredFile
{
    /// <summary>A file whose type was neither given nor told by its URL's path.</summary>
    public const string UnknownMimeType = "application/octet-stream";

    public static void WriteFields(Utf8JsonWriter writer, FileBlock file)
    {
        if (file.Url is { } url)
        {
            writer.WriteString("source_url"u8, url.ToString());
        }
        writer.WriteString("mime_type"u8, file.MimeType ?? UnknownMimeType);
        writer.WriteStartObject("storage_path"u8);
        writer.WriteStartObject("kind"u8);
        writer.WriteString("type"u8, "disabled");
        writer.WriteEndObject();
        writer.WriteString("path"u8, Path(file));
        writer.WriteEndObject();
        if (file.Detail is { } detail)
        {
            writer.WriteString("detail"u8, detail switch { FileDetail.Low => "low", FileDetail.High => "high", _ => "auto" });
        }
        if (file.Filename is { } filename)
        {
            writer.WriteString("filename"u8, filename);
        }
    }

    public static string Path(FileBlock file)
    {
        var content = (file.Data ?? file.Url?.ToString() ?? string.Empty).AsSpan();
        // Hashed in pieces: inline data can be megabytes, and needs no copy of its own.
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> piece = stackalloc byte[4096];
        while (!content.IsEmpty)
        {
            var take = Math.Min(content.Length, 1024);
            if (take < content.Length && char.IsHighSurrogate(content[take - 1]))
            {
                take--;
            }
            sha.AppendData(piece[..Encoding.UTF8.GetBytes(content[..take], piece)]);
            content = content[take..];
        }
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        sha.GetHashAndReset(hash);
        var extension = Extension(file.MimeType);
        return "observability/files/" + Convert.ToHexStringLower(hash) + (extension is null ? string.Empty : "." + extension);
    }

    // TensorZero's file name suffixes by media type.
    private static string? Extension(string? mimeType) => mimeType switch
    {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "application/pdf" => "pdf",
        "text/plain" => "txt",
        "audio/midi" => "mid",
        "audio/mpeg" or "audio/mp3" => "mp3",
        "audio/m4a" or "audio/mp4" => "m4a",
        "audio/ogg" => "ogg",
        "audio/x-flac" or "audio/flac" => "flac",
        "audio/x-wav" or "audio/wav" or "audio/wave" => "wav",
        "audio/amr" => "amr",
        "audio/aac" or "audio/x-aac" => "aac",
        "audio/x-aiff" or "audio/aiff" => "aiff",
        "audio/x-dsf" => "dsf",
        "audio/x-ape" => "ape",
        "audio/webm" => "webm",
        _ => null,
    };
}
